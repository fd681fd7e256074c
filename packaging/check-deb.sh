#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Usage: check-deb.sh BUILD_DIR
# Builds the Debian package with CPack and proves that it installs into a clean Debian 13
# root and starts: apt-get resolves its dependencies there, `gatehouse --version` runs, the
# sandbox self-test finds bubblewrap and the installed helper, and the package holds the
# program, the helper, the desktop entry, the metainfo and the icon.
# Needs root (debootstrap, chroot); runs inside the build environment (packaging/devenv.sh).
set -euo pipefail
build=$(cd "$1" && pwd -P)
mirror=${GATEHOUSE_MIRROR:-http://deb.debian.org/debian}
cache=${GATEHOUSE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gatehouse}
tarball=$cache/clean-trixie-minbase.tar.gz
[ "$(id -u)" -eq 0 ] || { echo "check-deb: needs root (debootstrap and chroot)" >&2; exit 1; }
for tool in cpack debootstrap dpkg-deb chroot; do
    command -v "$tool" >/dev/null || { echo "check-deb: $tool is missing" >&2; exit 1; }
done
step() { printf '==> %s\n' "$*"; }
start=$SECONDS

step "cpack -G DEB in $build"
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls -t "$build"/gatehouse_*.deb | head -n1)
[ -f "$deb" ] || { echo "check-deb: cpack made no package" >&2; exit 1; }
dpkg-deb --info "$deb" | sed -n 's/^ *\(Package\|Version\|Depends\):/  &/p'

mkdir -p "$cache"
if [ ! -f "$tarball" ]; then
    step "debootstrap a clean Debian 13 (once; cached in $tarball)"
    tmp=$(mktemp -d "$cache/debootstrap.XXXXXX")
    debootstrap --variant=minbase trixie "$tmp/root" "$mirror" >"$tmp/log" 2>&1 \
        || { tail -20 "$tmp/log"; rm -rf "$tmp"; exit 1; }
    tar -C "$tmp/root" -czf "$tmp/root.tar.gz" .
    mv "$tmp/root.tar.gz" "$tarball" # atomic: a half-written tarball is never used
    rm -rf "$tmp"
fi

root=$(mktemp -d /tmp/gatehouse-clean-root.XXXXXX)
cleanup() {
    umount -l "$root/proc" 2>/dev/null || true
    umount -l "$root/etc/resolv.conf" 2>/dev/null || true
    rm -rf "$root"
}
trap cleanup EXIT
step "unpack the clean root"
tar -C "$root" -xzf "$tarball"
cp "$deb" "$root/tmp/"
mount -t proc proc "$root/proc"
touch "$root/etc/resolv.conf"
mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

step "apt-get install ./$(basename "$deb") into it"
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c "apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends /tmp/$(basename "$deb") >/tmp/install.log 2>&1" \
    || { tail -30 "$root/tmp/install.log"; exit 1; }

step "gatehouse --version in the clean root"
version=$(chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root gatehouse --version)
echo "  $version"
case "$version" in gatehouse\ *) ;; *) echo "check-deb: unexpected output" >&2; exit 1 ;; esac

step "gatehouse run --self-test in the clean root"
# A chroot may not make user namespaces, so the self-test stops there; what it must have found
# before that is bubblewrap (a dependency) and the installed sandbox helper.
selftest=$(chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root gatehouse run --self-test || true)
echo "$selftest" | sed 's/^/  /'
echo "$selftest" | grep -q '^ok      bubblewrap: /usr/bin/bwrap' || { echo "check-deb: bubblewrap not found" >&2; exit 1; }
echo "$selftest" | grep -q '^ok      sandbox helper: /usr/libexec/gatehouse/gatehouse-sandbox-helper' \
    || { echo "check-deb: the installed sandbox helper is not found" >&2; exit 1; }

step "the package's files"
listing=$(chroot "$root" dpkg -L gatehouse)
for file in /usr/bin/gatehouse /usr/share/applications/dev.gatehouse.Gatehouse.desktop \
            /usr/share/metainfo/dev.gatehouse.Gatehouse.metainfo.xml \
            /usr/share/icons/hicolor/scalable/apps/dev.gatehouse.Gatehouse.svg \
            /usr/libexec/gatehouse/gatehouse-sandbox-helper; do
    echo "$listing" | grep -qx "$file" || { echo "check-deb: $file is not in the package" >&2; exit 1; }
    echo "  $file"
done
step "the package installs and starts in a clean Debian 13 ($((SECONDS - start)) s)"
