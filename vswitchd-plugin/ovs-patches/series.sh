#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The OVS patch series lives as commits in a git repository of the pristine
# OVS tree; the .patch files here are that repository's `git format-patch`.
#
#   series.sh init DIR [OVS_SOURCE]
#       extracts OVS_SOURCE (a tarball or a tree; default: configure's)
#       into the new directory DIR, commits it as tag "pristine" and applies
#       the series with `git am`.
#   series.sh export DIR
#       rewrites ovs-patches/*.patch from DIR's commits after "pristine".
#
# Edit in DIR with `git commit --fixup` and `git rebase -i --autosquash`
# (one purpose per commit, each building on its own), check with OVS's
# utilities/checkpatch.py, then export.  Build elsewhere (`make ovs`):
# OVS's make runs extra checks on the files of a git work tree.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
usage() { echo "usage: $0 init DIR [OVS_SOURCE] | export DIR" >&2; exit 1; }
[ $# -ge 2 ] || usage
dir=$2
case $1 in
init)
	src=${3:-/usr/src/openvswitch/openvswitch.tar.gz}
	mkdir "$dir"
	if [ -d "$src" ]; then
		cp -pR "$src"/. "$dir"/
	else
		tar -xzf "$src" -C "$dir" --strip-components=1
	fi
	cd "$dir"
	git init -q
	git add -A
	git -c user.name=pristine -c user.email=pristine@example.invalid \
		commit -q -m "Pristine Open vSwitch"
	git tag pristine
	git am -q "$here"/*.patch
	;;
export)
	rm -f "$here"/*.patch
	git -C "$dir" format-patch -q --zero-commit --no-signature \
		-o "$here" pristine
	;;
*)
	usage
	;;
esac
