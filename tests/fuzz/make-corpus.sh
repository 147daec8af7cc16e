#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Turn tests/data/mdtun-vectors.txt into a libFuzzer seed corpus: one file
# per vector, named after it.  Usage: make-corpus.sh VECTORS OUTDIR
set -eu
vectors=$1
out=$2
mkdir -p "$out"
grep -v '^#' "$vectors" | while read -r name expect hex; do
	[ -n "$name" ] || continue
	printf '%s' "${hex:-}" | xxd -r -p > "$out/$name"
done
