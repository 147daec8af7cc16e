#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Regenerates the OVS patch from a pristine and a modified OVS tree:
#   mkpatch.sh PRISTINE MODIFIED > 0001-....patch
# The header (subject and description) is taken from the existing patch.
set -eu
orig=$1
new=$2
here=$(dirname "$0")
old_patch=$(ls "$here"/0001-*.patch)
files="lib/automake.mk lib/dpif-netlink-rtnl.c lib/dpif-netlink.c
lib/netdev-tunnel-plugin.h lib/netdev-vport-private.h lib/netdev-vport.c
lib/netdev-vport.h lib/odp-util.c"
body=$(mktemp)
for f in $files; do
	a=$orig/$f
	[ -f "$a" ] || a=/dev/null
	diff -uN --label "a/$f" --label "b/$f" "$a" "$new/$f" >> "$body" || true
done
sed -n '1,/^---$/p' "$old_patch"
(cd / && git apply --stat "$body")
echo
cat "$body"
rm -f "$body"
