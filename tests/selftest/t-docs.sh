#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Every per-device counter the codec names (include/mdtun/codec.c,
# mdtun_stat_name()) is documented: in mdtun-ctl(8) and in the
# specification's receiver rules or sender rules (docs/protocol.md).
. "$(dirname "$0")/../lib/checks.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
trap 'rm -f "$t_out"' EXIT
names=$(sed -n 's/^\t\[MDTUN_STAT_[A-Z0-9_]*\] = "\([a-z0-9_]*\)",$/\1/p' \
	"$top/include/mdtun/codec.c")
check_ge "counter names found in the codec" 30 "$(echo "$names" | grep -c .)"
undocumented() {
	local n
	for n in $names; do
		grep -q -- "$n" "$1" || echo "$n"
	done
}
check_eq "mdtun-ctl(8) names every counter" "" \
	"$(undocumented "$top/utilities/mdtun-ctl/mdtun-ctl.8" | tr '\n' ' ')"
# The specification names receive drops without "rx_" in its codec table
# and with it elsewhere; transmit counters in section 7.
spec_missing() {
	local n
	for n in $names; do
		grep -q -- "$n" "$top/docs/protocol.md" ||
			grep -q -- "\`${n#rx_}\`" "$top/docs/protocol.md" || echo "$n"
	done
}
check_eq "docs/protocol.md names every counter" "" "$(spec_missing | tr '\n' ' ')"
t_done
