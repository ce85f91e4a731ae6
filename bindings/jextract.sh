#!/usr/bin/env bash
# Regenerates the FFM bindings of native/include/panagrad.h with jextract (which must be on PATH)
# and records the header's SHA-256 in bindings/pom.xml, where the build checks it.
# The generated sources are committed and never edited by hand.
#
# No -l option on purpose: the generated code looks symbols up in the class loader's libraries,
# so org.panagrad.NativeLibrary decides where libpanagrad.so comes from (bundled, or
# -Dpanagrad.library.path) instead of a path baked into the bindings.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
header="$here/../native/include/panagrad.h"
out="$here/src/main/java"

command -v jextract >/dev/null || { echo "jextract is not on PATH (build it from github.com/openjdk/jextract)" >&2; exit 1; }

includes=()
for f in $(grep -oE '\bpg_[a-z0-9_]+\s*\(' "$header" | tr -d ' (' | sort -u); do
  includes+=(--include-function "$f")
done

rm -rf "$out/org/panagrad/bindings"
jextract --output "$out" --target-package org.panagrad.bindings --header-class-name panagrad_h \
  "${includes[@]}" "$header"

sum=$(sha256sum "$header" | cut -d' ' -f1)
sed -i -E "s|<panagrad.header.sha256>[0-9a-f]*</panagrad.header.sha256>|<panagrad.header.sha256>$sum</panagrad.header.sha256>|" "$here/pom.xml"
echo "bindings regenerated from panagrad.h (sha256 $sum)"
