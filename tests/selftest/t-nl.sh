#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/lib/nl.py and tests/kernel/nl-lib.sh on the host (no module
# needed): the request language encodes attributes byte for byte as the
# netlink format says (the expected bytes worked out by hand: length and
# type little-endian, payload, padding to 4), and the shell side never
# turns a request nl.py could not answer into an answer.
. "$(dirname "$0")/../lib/checks.sh"
PY=/usr/bin/python3
TLIB=$(cd "$(dirname "$0")/../lib" && pwd)
. "$(dirname "$0")/../kernel/nl-lib.sh"

enc() {
	"$PY" -B -c 'import sys; sys.path.insert(0, sys.argv[1]); import nl
print(nl.encode_attr(sys.argv[2]).hex())' "$TLIB" "$1"
}
check_eq "u8: length 5, type 7, 3 bytes padding" 0500070005000000 "$(enc TTL=u8:5)"
check_eq "be16: network order" 060006001ba90000 "$(enc PORT=be16:7081)"
check_eq "a u16 where a u32 belongs (wrong length on purpose)" 0600010001000000 \
	"$(enc ID=u16:1)"
check_eq "a flag: header only" 04000f00 "$(enc COLLECT_METADATA)"
check_eq "raw bytes: 5 of them, padded" 09000200c633640201000000 \
	"$(enc REMOTE=hex:c633640201)"
check_eq "a number with flag bits as the type" 0800018001000000 "$(enc 0x8001=u32:1)"
check_eq "nests with NLA_F_NESTED" \
	180011801400018008000100c63364000500020018000000 \
	"$(enc 'TRUST={PREFIX={ADDR=ip:198.51.100.0,LEN=u8:24}}')"
check_eq "nests without NLA_F_NESTED" \
	180011001400010008000100c63364000500020018000000 \
	"$(enc 'TRUST=nf{PREFIX=nf{ADDR=ip:198.51.100.0,LEN=u8:24}}')"
check_eq "a numbered entry in a trust list holds prefix fields" \
	180011801400028008000100c63364000500020018000000 \
	"$(enc 'TRUST={2={ADDR=ip:198.51.100.0,LEN=u8:24}}')"
check_eq "prefixes: sent unmasked, nested" \
	180011801400018008000100c63364070500020018000000 \
	"$(enc TRUST=prefixes:198.51.100.7/24)"

nl_start
check_eq "a kernel refusal is an answer" "err ENODEV: " "$(nlq get nosuch-dev0)"
out=$(nlq bogus 2>&1)
check_eq "a request nl.py cannot parse: status 1 and an ERROR line, no answer" \
	"1|ERROR: nlq: bogus: syntax error: unknown request 'bogus'" \
	"$(nlq bogus >/dev/null 2>&1; echo $?)|$out"
out=$(nl_get nosuch-dev0 mtu 2>&1)
check_eq "nl_get of a missing link: an ERROR line, no value" \
	"ERROR: nl_get: get nosuch-dev0 mtu: err ENODEV: " "$out"
nl_stop
out=$(nlq links 2>&1)
check_eq "nlq once nl.py is gone: an ERROR line, no answer" \
	"ERROR: nlq: nl.py is not running (request: links)" "$out"
t_done
