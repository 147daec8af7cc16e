#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Every per-device counter the codec names (include/mdtun/codec.c,
# mdtun_stat_name()) is documented: in mdtun-ctl(8) and in the
# specification's receiver rules or sender rules (docs/protocol.md).
# Every word each front end accepts is in its man page: the keywords of
# the ip plugin in ip-link-mdtun(8), mdtun-ctl's commands and options in
# mdtun-ctl(8), the OVS Interface options the plugin checks and the status
# keys it writes in ovs-mdtun(7).
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

# The words a parser compares its input with: the quoted strings of every
# match of the ERE COMPARISON in SOURCE.  A page "names" one when it
# stands alone in the troff source (font changes such as \fB left out),
# its hyphens written - or \-.
words_in() { grep -oE -- "$2" "$1" | grep -o '"[^"]*"' | tr -d '"' | sort -u; }
unnamed() {
	local text w re
	text=$(sed 's/\\f[BIRP]//g' "$1")
	shift
	for w in "$@"; do
		re=$(printf '%s' "$w" | sed 's/-/\\\\?-/g')
		grep -qE -- "(^|[^A-Za-z0-9_])$re([^A-Za-z0-9_]|\$)" <<<"$text" || echo "$w"
	done
}
check_docs() {
	local what=$1 page=$2 min=$3
	shift 3
	check_ge "$what: words found in the code ($*)" "$min" "$#"
	check_eq "$what: all in $(basename "$page")" "" "$(unnamed "$page" "$@" | tr '\n' ' ')"
}
# shellcheck disable=SC2046 # one word per line
check_docs "ip link type mdtun keywords" "$top/utilities/iproute2/ip-link-mdtun.8" 22 \
	$(words_in "$top/utilities/iproute2/link_mdtun.c" \
		'(strcmp\((opt|\*argv), |mdtun_flag_word\(opt, )"[^"]*"')
# shellcheck disable=SC2046
check_docs "mdtun-ctl commands and options" "$top/utilities/mdtun-ctl/mdtun-ctl.8" 28 \
	$(words_in "$top/utilities/mdtun-ctl/args.cc" \
		'(key|verb|value|args\[i\]|text) == "[^"]*"')
# shellcheck disable=SC2046
check_docs "OVS options and status keys" "$top/vswitchd-plugin/ovs-mdtun.7" 20 \
	$(words_in "$top/vswitchd-plugin/mdtun_options.cc" '(key|value) == "[^"]*"') \
	$(words_in "$top/vswitchd-plugin/mdtun_plugin.cc" 'put\(aux, "[^"]*"')
t_done
