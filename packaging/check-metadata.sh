#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Usage: check-metadata.sh DESKTOP_FILE METAINFO_FILE
# Validates the desktop entry and the AppStream metainfo; any error or warning fails.
set -euo pipefail
desktop=$1 metainfo=$2
echo "desktop-file-validate $desktop"
out=$(desktop-file-validate "$desktop" 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then echo "$out"; exit 1; fi
echo "appstreamcli validate --no-net --pedantic $metainfo"
out=$(appstreamcli validate --no-net --pedantic --no-color "$metainfo" 2>&1) || { echo "$out"; exit 1; }
echo "$out"
if echo "$out" | grep -qE '^[EW]:'; then
    echo "appstreamcli reported errors or warnings" >&2
    exit 1
fi
echo "both files are valid"
