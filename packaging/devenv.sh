#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The Gatehouse build and test environment.
#
# On a distribution that packages Gatehouse's dependencies (Debian 13+, Ubuntu 24.10+,
# Fedora 40+, Arch) it installs them natively and runs everything directly. On Debian 12,
# whose Qt is too old and which has no KF6, it builds a Debian 13 root once, caches it
# outside the checkout, and runs builds, tests and the app inside it. The root is entered
# with a private mount namespace and pivot_root (see shared/design/DEV-ENV.md), so that
# bubblewrap still works inside it. Inside, the checkout, $HOME, /tmp and the working
# directory have the same absolute paths as outside, and the caller's environment is kept.
#
# Usage: packaging/devenv.sh VERB [ARGS]
#   app [ARGS]        set up, build, and run the app (under Xvfb with a screenshot if there is no display)
#   test [CTEST ARGS] set up, build with warnings as errors, and run the whole test suite
#   build             set up and build into $GATEHOUSE_BUILD_DIR
#   exec -- CMD...    set up and run CMD inside the environment
#   shell             an interactive shell inside the environment
#   setup             only make sure the environment exists and is current
#   status            say which environment this machine uses and where it is
#   rebuild           throw the cached root away and build it again
#
# Environment:
#   GATEHOUSE_DEVROOT   where the Debian 13 root is kept
#                       (default: ${XDG_CACHE_HOME:-$HOME/.cache}/gatehouse/devroot-trixie)
#   GATEHOUSE_MIRROR    Debian mirror for the root (default: http://deb.debian.org/debian)
#   GATEHOUSE_BUILD_DIR build folder (default: <checkout>/build)
#   GATEHOUSE_DEVENV    "native" or "root" to override the choice made from /etc/os-release
#   GATEHOUSE_DEVENV_BIND  extra host folders (colon-separated) to make visible inside the root
set -euo pipefail

CHECKOUT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
PACKAGES_FILE=$CHECKOUT/packaging/devroot-packages.txt
ROOT_FORMAT=1   # bump when the way the root is made changes
DEVROOT=${GATEHOUSE_DEVROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/gatehouse/devroot-trixie}
MIRROR=${GATEHOUSE_MIRROR:-http://deb.debian.org/debian}
BUILD_DIR=${GATEHOUSE_BUILD_DIR:-$CHECKOUT/build}
MARKER=/etc/gatehouse-devroot
SYSTEM_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'devenv: error: %s\n' "$*" >&2; exit 1; }

# Runs "$@" with its output in a log file, printing the elapsed time while it runs, so that
# long steps show progress without flooding the terminal. On failure, shows the log's tail.
step() {
    local title=$1; shift
    local log
    log=$(mktemp "${TMPDIR:-/tmp}/gatehouse-devenv.XXXXXX.log")
    say "$title"
    local start=$SECONDS
    "$@" >"$log" 2>&1 &
    local pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        sleep 1
        local t=$((SECONDS - start))
        if [ $t -gt 0 ] && [ $((t % 10)) -eq 0 ]; then printf '    ... %d s\n' "$t" >&2; fi
    done
    if ! wait "$pid"; then
        printf '    failed after %d s; the last lines of %s:\n' $((SECONDS - start)) "$log" >&2
        tail -n 25 "$log" | sed 's/^/    | /' >&2
        if grep -qi 'no space left' "$log"; then die "the disk is full (df -h $(dirname "$DEVROOT"))"; fi
        die "$title failed (full log: $log)"
    fi
    printf '    done in %d s\n' $((SECONDS - start)) >&2
    rm -f "$log"
}

package_list() { sed -e 's/#.*//' -e 's/[[:space:]]//g' "$PACKAGES_FILE" | grep -v '^$'; }
wanted_stamp() { { echo "format $ROOT_FORMAT"; echo "mirror $MIRROR"; package_list; } | sha256sum | cut -d' ' -f1; }

inside_root() { [ -f "$MARKER" ]; }

# Which environment this machine needs: "inside" (already in the root), "native" or "root".
choose_env() {
    if inside_root; then echo inside; return; fi
    if [ -n "${GATEHOUSE_DEVENV:-}" ]; then echo "$GATEHOUSE_DEVENV"; return; fi
    local id="" ver="" like=""
    if [ -r /etc/os-release ]; then
        id=$(. /etc/os-release; echo "${ID:-}")
        ver=$(. /etc/os-release; echo "${VERSION_ID:-}")
        like=$(. /etc/os-release; echo "${ID_LIKE:-}")
    fi
    local major=${ver%%.*}
    case "$id" in
        debian)
            # testing/sid have no VERSION_ID; they are newer than 13.
            if [ -z "$ver" ] || [ "$major" -ge 13 ]; then echo native; else echo root; fi ;;
        ubuntu)
            if [ "$(printf '%s\n' "$ver" 24.10 | sort -V | head -n1)" = 24.10 ]; then echo native; else echo root; fi ;;
        fedora) if [ "$major" -ge 40 ]; then echo native; else echo unsupported; fi ;;
        arch|archarm|endeavouros|manjaro) echo native ;;
        *) case " $like " in *" debian "*) echo root ;; *) echo unsupported ;; esac ;;
    esac
}

need_root_user() {
    [ "$(id -u)" -eq 0 ] || die "$1 needs root (it uses debootstrap and a private mount namespace). Run: sudo $0 ${ARGS_FOR_MESSAGE:-}"
}

# ---------------------------------------------------------------------------- native
install_native() {
    local id
    id=$(. /etc/os-release; echo "${ID:-}")
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    case "$id" in
        debian|ubuntu)
            local missing=()
            local p
            for p in $(package_list); do
                dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
            done
            [ ${#missing[@]} -eq 0 ] && return 0
            step "Installing ${#missing[@]} packages with apt-get" \
                $sudo env DEBIAN_FRONTEND=noninteractive sh -c "apt-get update -q && apt-get install -y -q --no-install-recommends ${missing[*]}" ;;
        fedora)
            step "Installing packages with dnf" $sudo dnf install -y cmake ninja-build gcc-c++ ccache \
                qt6-qtbase-devel qt6-qttools-devel qt6-linguist kf6-syntax-highlighting-devel qtkeychain-qt6-devel \
                libgit2-devel spdlog-devel libseccomp-devel xorg-x11-server-Xvfb xorg-x11-xauth bubblewrap \
                dbus-daemon dbus-x11 gnome-keyring libsecret git desktop-file-utils appstream rpm-build dejavu-sans-fonts ;;
        arch|archarm|endeavouros|manjaro)
            step "Installing packages with pacman" $sudo pacman -S --needed --noconfirm cmake ninja gcc ccache \
                qt6-base qt6-tools qt6-translations syntax-highlighting qtkeychain-qt6 libgit2 spdlog libseccomp \
                xorg-server-xvfb xorg-xauth bubblewrap dbus gnome-keyring libsecret git desktop-file-utils appstream ttf-dejavu ;;
        *) die "no native package list for '$id'" ;;
    esac
}

# ---------------------------------------------------------------------------- the root
# Enters ROOT (first argument) and runs the rest of the arguments there. Must already be
# inside a private mount namespace (see enter_root).
enter_root_in_namespace() {
    local root=$1 workdir=$2; shift 2
    mount --bind "$root" "$root"
    mount --rbind /proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --rbind /sys "$root/sys"
    mount --rbind /tmp "$root/tmp"
    touch "$root/etc/resolv.conf" 2>/dev/null || true
    [ -e /etc/resolv.conf ] && mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
    local d seen=":"
    local binds=("$HOME" "$CHECKOUT" "$workdir")
    if [ -n "${GATEHOUSE_DEVENV_BIND:-}" ]; then
        local IFS=:
        # shellcheck disable=SC2206
        binds+=($GATEHOUSE_DEVENV_BIND)
    fi
    for d in "${binds[@]}"; do
        [ -n "$d" ] && [ -d "$d" ] || continue
        d=$(cd "$d" && pwd -P)
        case "$d" in /|/proc|/proc/*|/dev|/dev/*|/sys|/sys/*|/tmp|/tmp/*|/usr|/usr/*|/etc|/etc/*) continue ;; esac
        case "$seen" in *":$d:"*) continue ;; esac
        seen="$seen$d:"
        mkdir -p "$root$d"
        mount --rbind "$d" "$root$d"
    done
    cd "$root"
    mkdir -p .oldroot
    pivot_root . .oldroot
    # chroot to the namespace's own root, so the kernel no longer counts the process as
    # chrooted (otherwise it refuses new user namespaces, and bubblewrap fails inside). The empty
    # /.oldroot folder stays: removing it would race with another session entering the root.
    exec chroot . /usr/bin/env PATH="$SYSTEM_PATH:${PATH:-}" /bin/sh -c \
        'umount -l /.oldroot; cd "$0" || exit 125; exec "$@"' "$workdir" "$@"
}

enter_root() {
    local root=$1; shift
    need_root_user "entering the Debian 13 root"
    exec unshare --mount --propagation private -- "$CHECKOUT/packaging/devenv.sh" __enter "$root" "$(pwd -P)" "$@"
}

build_root() {
    need_root_user "building the Debian 13 root"
    command -v unshare >/dev/null && command -v pivot_root >/dev/null || die "unshare and pivot_root (util-linux) are needed"
    if ! command -v debootstrap >/dev/null; then
        command -v apt-get >/dev/null || die "debootstrap is needed to build the Debian 13 root; install it"
        step "Installing debootstrap on the host" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap'
    fi
    local parent
    parent=$(dirname "$DEVROOT")
    mkdir -p "$parent"
    local avail
    avail=$(df -Pm "$parent" | awk 'NR==2 {print $4}')
    if [ "${avail:-0}" -lt 3500 ]; then
        die "the disk holding $parent has ${avail} MB free; the Debian 13 root needs about 3500 MB. Free some space or set GATEHOUSE_DEVROOT to a folder on a larger disk"
    fi
    local new=$DEVROOT.new
    rm -rf "$new"
    say "Building the Debian 13 root in $DEVROOT (once; about 2 minutes)"
    # debootstrap's own keyring check needs the Debian archive keys, which Debian 12 has.
    step "[1/3] debootstrap trixie (minimal base system)" \
        debootstrap --variant=minbase trixie "$new" "$MIRROR"
    # No services are started by package scripts inside the root.
    printf '#!/bin/sh\nexit 101\n' >"$new/usr/sbin/policy-rc.d"
    chmod 755 "$new/usr/sbin/policy-rc.d"
    local pkgs
    pkgs=$(package_list | tr '\n' ' ')
    step "[2/3] apt-get install $(package_list | wc -l) packages (Qt 6, KF6, libgit2, ...)" \
        unshare --mount --propagation private -- "$CHECKOUT/packaging/devenv.sh" __enter "$new" / \
        /bin/sh -c "export DEBIAN_FRONTEND=noninteractive; apt-get update -q && apt-get install -y -q --no-install-recommends $pkgs && apt-get clean"
    step "[3/3] finishing" sh -c "wanted=\$1; echo \"\$wanted\" > \"$new$MARKER\"; rm -rf \"$DEVROOT\"; mv \"$new\" \"$DEVROOT\"" sh "$(wanted_stamp)"
}

ensure_root() {
    local parent
    parent=$(dirname "$DEVROOT")
    mkdir -p "$parent" 2>/dev/null || true
    # One setup at a time; the lock is released when this shell exits or execs.
    if [ -w "$parent" ]; then
        exec 9>"$parent/.devroot.lock"
        flock 9
    fi
    if [ -f "$DEVROOT$MARKER" ] && [ "$(cat "$DEVROOT$MARKER")" = "$(wanted_stamp)" ]; then
        return 0
    fi
    if [ -f "$DEVROOT$MARKER" ]; then
        say "The package list changed since the root was built; rebuilding it"
    fi
    build_root
}

ensure_env() {
    case "$(choose_env)" in
        inside) ;;
        native) install_native ;;
        root) ensure_root ;;
        *) die "this distribution is not supported; see README.md for the packages to install by hand" ;;
    esac
}

# Runs "$@" in the environment (directly when native or already inside).
run_in_env() {
    case "$(choose_env)" in
        inside|native) exec "$@" ;;
        root) exec 9>&-; enter_root "$DEVROOT" "$@" ;;
    esac
}

verb=${1:-help}
[ $# -gt 0 ] && shift
ARGS_FOR_MESSAGE="$verb $*"
case "$verb" in
    __enter) enter_root_in_namespace "$@" ;;
    setup) ensure_env; say "The environment is ready ($(choose_env)${DEVROOT:+, root: $DEVROOT})" ;;
    status)
        env_kind=$(choose_env)
        echo "environment: $env_kind"
        if [ "$env_kind" = root ]; then
            echo "root: $DEVROOT"
            if [ -f "$DEVROOT$MARKER" ]; then
                if [ "$(cat "$DEVROOT$MARKER")" = "$(wanted_stamp)" ]; then echo "state: current"; else echo "state: outdated (package list changed)"; fi
                du -sh "$DEVROOT" 2>/dev/null | awk '{print "size: " $1}'
            else
                echo "state: not built yet"
            fi
        fi ;;
    rebuild)
        [ "$(choose_env)" = root ] || die "this machine does not use a root"
        need_root_user "rebuilding the root"
        rm -rf "$DEVROOT"; ensure_root ;;
    exec)
        [ "${1:-}" = "--" ] && shift
        [ $# -gt 0 ] || die "usage: $0 exec -- CMD [ARGS]"
        ensure_env; run_in_env "$@" ;;
    shell) ensure_env; run_in_env /bin/bash -i ;;
    build) ensure_env; run_in_env env GATEHOUSE_BUILD_DIR="$BUILD_DIR" "$CHECKOUT/packaging/build.sh" ;;
    test) ensure_env; run_in_env env GATEHOUSE_BUILD_DIR="$BUILD_DIR" "$CHECKOUT/tests/run-tests.sh" "$@" ;;
    app) ensure_env; run_in_env env GATEHOUSE_BUILD_DIR="$BUILD_DIR" "$CHECKOUT/packaging/run-app.sh" "$@" ;;
    help|-h|--help) sed -n '3,30p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) die "unknown verb '$verb' (try: $0 help)" ;;
esac
