#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Test of the Wireshark dissector utilities/wireshark/mdtun.lua against the
# shared wire test vectors (tests/data/mdtun-vectors.txt):
#
#   - every vector, sent as IPv4/UDP to port 7081, gets the dissector's
#     verdict (mdtun.status) that the file records, which is the codec's;
#   - every malformed vector carries the expert info named after its drop
#     reason, and no packet causes a Lua error;
#   - the worked example of docs/protocol.md decodes to its documented
#     header fields, TLVs, mark, priority and inner Ethernet/IPv4/ICMP
#     frame, and the document shows exactly the vector's bytes;
#   - the UDP port preference and "Decode As" select the dissector.
#
# Needs tshark, editcap and python3 with scapy (Debian: tshark,
# wireshark-common, python3-scapy).  Works as root without a display.  Run
# by tests/lib/run-tests.sh (make check, suite dissector).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/checks.sh"
lua=$top/utilities/wireshark/mdtun.lua
vectors=$top/tests/data/mdtun-vectors.txt
doc=$top/docs/protocol.md

# ---- Prerequisites -------------------------------------------------------

for tool in tshark editcap; do
	if ! command -v $tool >/dev/null 2>&1; then
		fail "$tool found" "not on PATH (Debian packages tshark, wireshark-common)"
		t_done
	fi
done
# A pyenv or venv python3 may lack the distribution's scapy.
python=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import scapy' >/dev/null 2>&1; then
		python=$p
		break
	fi
done
if [ -z "$python" ]; then
	fail "python3 with scapy found" "none (Debian package: python3-scapy)"
	t_done
fi

work=$(mktemp -d)
trap 'rm -rf "$work" "$t_out"' EXIT

# A private configuration directory: no personal preferences or recent
# files can change the result, and nothing is written to $HOME.  tshark's
# warning about running as root goes to stderr, which is kept apart and
# searched only for Lua errors.
WIRESHARK_CONFIG_DIR=$work/config
export WIRESHARK_CONFIG_DIR
mkdir -p "$WIRESHARK_CONFIG_DIR"

tshark_run() {
	tshark -n -X "lua_script:$lua" -o ip.check_checksum:TRUE "$@" \
		2>>"$work/stderr"
}

# ---- Capture files -------------------------------------------------------
#
# all.pcap: one IPv4/UDP packet to port 7081 per vector, in file order;
# names.txt: "NAME EXPECT" per packet.  port.pcap: the worked example to
# port 9999, then to port 7081.

if ! "$python" - "$vectors" "$work" <<'EOF' 2>"$work/scapy.err"
import sys

from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.utils import wrpcap

vectors, work = sys.argv[1], sys.argv[2]


def udp(payload, dport):
    return (Ether(src="00:00:5e:00:53:a1", dst="00:00:5e:00:53:a2") /
            IP(src="198.51.100.1", dst="198.51.100.2") /
            UDP(sport=49152, dport=dport) / Raw(payload))


pkts, names, example = [], [], None
with open(vectors) as f:
    for line in f:
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split()
        payload = bytes.fromhex(fields[2]) if len(fields) > 2 else b""
        pkts.append(udp(payload, 7081))
        names.append("%s %s\n" % (fields[0], fields[1]))
        if fields[0] == "spec-example":
            example = payload
wrpcap(work + "/all.pcap", pkts)
with open(work + "/names.txt", "w") as f:
    f.writelines(names)
wrpcap(work + "/port.pcap", [udp(example, 9999), udp(example, 7081)])
with open(work + "/example.hex", "w") as f:
    f.write(example.hex() + "\n")
EOF
then
	fail "capture files written with scapy" "$(cat "$work/scapy.err")"
	t_done
fi
nvec=$(wc -l <"$work/names.txt")
echo "dissector: $nvec vectors from $vectors"

# ---- Every vector: verdict and expert info -------------------------------

tshark_run -r "$work/all.pcap" -T fields -E separator='|' \
	-e frame.number -e mdtun.status >"$work/status.txt"
check_eq "packets decoded" "$nvec" "$(wc -l <"$work/status.txt")"

n=0
while read -r name expect; do
	n=$((n + 1))
	got=$(sed -n "${n}p" "$work/status.txt" | cut -d'|' -f2)
	# UDP hands an empty payload to no dissector at all.
	if [ "$name" = empty ]; then
		check_eq "$name: no mdtun dissection" "" "$got"
		continue
	fi
	check_eq "$name: verdict" "$expect" "$got"
done <"$work/names.txt"

# Each drop reason's expert info is on every vector that expects it.  (It
# may be on others too: after the first failure, which is the verdict,
# the dissector goes on showing the later TLVs and their faults.)
# shellcheck disable=SC2013 # one word per line: verdict names
for reason in $(cut -d' ' -f2 "$work/names.txt" | sort -u); do
	[ "$reason" = ok ] && continue
	tshark_run -r "$work/all.pcap" -Y "mdtun.$reason" -T fields \
		-e frame.number >"$work/expert.txt"
	# shellcheck disable=SC2013 # frame numbers
	for frame in $(awk -v r="$reason" '$2 == r && $1 != "empty" \
			{ print NR }' "$work/names.txt"); do
		name=$(sed -n "${frame}p" "$work/names.txt" | cut -d' ' -f1)
		check "$name: expert info mdtun.$reason" \
			grep -qx "$frame" "$work/expert.txt"
	done
done
# ... and valid packets carry no error-level expert info of mdtun's.
got=$(tshark_run -r "$work/all.pcap" \
	-Y 'mdtun.status == "ok" && _ws.expert.severity == error' \
	-T fields -e frame.number | tr '\n' ' ')
check_eq "valid vectors with error expert info" "" "$got"

# No Lua error in any packet's tree, nor while loading the script.
tshark_run -r "$work/all.pcap" -V >"$work/all.txt"
check_eq "Lua errors in the packet trees" 0 \
	"$(grep -c -i 'lua error' "$work/all.txt")"
check_eq "Lua errors on stderr" 0 "$(grep -c -i 'lua' "$work/stderr")"

# Captures cut short by a snapshot length: still no Lua error.
for snap in 45 50 60 80 100; do
	check "snapshot length $snap: editcap" \
		editcap -s "$snap" "$work/all.pcap" "$work/snap.pcap"
	check_eq "Lua errors with snapshot length $snap" 0 \
		"$(tshark_run -r "$work/snap.pcap" -V | grep -c -i 'lua error')"
done

# ---- The worked example --------------------------------------------------

ex=$(awk '$1 == "spec-example" { print NR }' "$work/names.txt")
# fields FIELD...: the fields of the worked example's packet, '|'-separated,
# repeated occurrences joined by ','.
fields() {
	args=
	for fld in "$@"; do
		args="$args -e $fld"
	done
	# shellcheck disable=SC2086
	tshark_run -r "$work/all.pcap" -Y "frame.number == $ex" -T fields \
		-E separator='|' -E occurrence=a -E aggregator=, $args |
		sed 's/True/1/g; s/False/0/g'
}

check_eq "spec-example: header" "1|0x04|1|0|6|0x6558|5001|0x00" \
	"$(fields mdtun.version mdtun.flags mdtun.flags.critical \
		mdtun.flags.oam mdtun.md_len mdtun.protocol mdtun.vni \
		mdtun.reserved)"
check_eq "spec-example: TLV classes" "0x0102,0xfff7,0xfff7" \
	"$(fields mdtun.tlv.class)"
check_eq "spec-example: TLV types" "0x80,0x01,0x02" \
	"$(fields mdtun.tlv.type)"
check_eq "spec-example: TLV critical bits" "1,0,0" \
	"$(fields mdtun.tlv.critical)"
check_eq "spec-example: TLV lengths" "1,1,1" "$(fields mdtun.tlv.len)"
check_eq "spec-example: foreign TLV data" "00010002" \
	"$(fields mdtun.tlv.data | cut -d, -f1)"
check_eq "spec-example: mark and priority" "0x00001234|0x00010003" \
	"$(fields mdtun.mark mdtun.priority)"
# Outer Ethernet/IPv4/UDP first, then the inner frame.
outer_mac=00:00:5e:00:53:a
inner_mac=00:00:5e:00:53:0
check_eq "spec-example: inner Ethernet" \
	"${outer_mac}1,${inner_mac}1|${outer_mac}2,${inner_mac}2|0x0800,0x0800" \
	"$(fields eth.src eth.dst eth.type)"
check_eq "spec-example: inner IPv4" \
	"198.51.100.1,192.0.2.1|198.51.100.2,192.0.2.2|17,1|64,64|1,1" \
	"$(fields ip.src ip.dst ip.proto ip.ttl ip.checksum.status)"
check_eq "spec-example: inner ICMP" "8|0|1|1|1" \
	"$(fields icmp.type icmp.code icmp.ident icmp.seq icmp.checksum.status)"
check_eq "spec-example: verdict" "ok" "$(fields mdtun.status)"
got=$(sed -n "/^Frame $ex:/,/^Frame $((ex + 1)):/p" "$work/all.txt")
for text in "mdtun Metadata Tunnel, VNI 5001, ok" \
	"TLV: class 0x0102 (Open Virtual Networking (OVN)), type 0x80 (critical)" \
	"TLV: mdtun mark, 4 bytes = 0x00001234" \
	"TLV: mdtun priority, 4 bytes = 0x00010003"; do
	case $got in
	*"$text"*) pass "spec-example: -V output has '$text'" ;;
	*) fail "spec-example: -V output has '$text'" "$got" ;;
	esac
done
check "docs/protocol.md shows spec-example's bytes" \
	grep -q "$(cat "$work/example.hex")" "$doc"

# Every well-known field, from max-metadata.
mx=$(awk '$1 == "max-metadata" { print NR }' "$work/names.txt")
ex=$mx
check_eq "max-metadata: well-known values" \
	"0xffffffff|0x00060000|0x0123456789abcdef|7|0x00100010|0x001f001f" \
	"$(fields mdtun.mark mdtun.priority mdtun.of_metadata mdtun.in_port \
		mdtun.reg0 mdtun.reg15)"
check_eq "max-metadata: TLV count" 21 \
	"$(fields mdtun.tlv.class | tr ',' '\n' | wc -l)"

# ---- Port preference and Decode As ---------------------------------------

ports() {
	tshark_run -r "$work/port.pcap" -T fields -e mdtun.vni "$@" |
		tr '\n' ' '
}
check_eq "default port 7081 only" " 5001 " "$(ports)"
check_eq "preference mdtun.udp_port:9999" "5001  " \
	"$(ports -o mdtun.udp_port:9999)"
check_eq "Decode As udp.port==9999,mdtun" "5001 5001 " \
	"$(ports -d udp.port==9999,mdtun)"

if [ "$t_fail" -ne 0 ]; then
	echo "tshark stderr:"
	grep -v 'Running as user' "$work/stderr" | head -20
fi
t_done
