#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Usage: check-translations.sh LUPDATE TS_FILE SOURCE_DIR...
# Fails when a string of the sources has no finished translation in TS_FILE: it runs lupdate over
# the sources into a copy of the file and counts what lupdate left unfinished.
set -euo pipefail
lupdate=$1 ts=$2; shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$ts" "$work/check.ts"
"$lupdate" "$@" -ts "$work/check.ts" -no-obsolete -locations none -silent
total=$(grep -c '<source>' "$work/check.ts" || true)
unfinished=$(grep -c 'type="unfinished"' "$work/check.ts" || true)
echo "$(basename "$ts"): $total strings, $unfinished without a finished translation"
if [ "$unfinished" -ne 0 ]; then
    grep -B3 'type="unfinished"' "$work/check.ts" | grep '<source>' | sed 's/^ */  untranslated: /' | head -20
    echo "Run: cmake --build build --target update_translations, then translate them." >&2
    exit 1
fi
[ "$total" -gt 0 ] || { echo "no strings found: is the source folder right?" >&2; exit 1; }
