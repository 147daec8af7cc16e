#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Malformed packets, crafted with scapy from the shared wire vectors
# (tests/data/mdtun-vectors.txt) and by hand: each is dropped and counted
# under its own reason, exactly once, and the kernel stays quiet.
. "$(dirname "$0")/lib.sh"

VECTORS=$top/tests/data/mdtun-vectors.txt

check load load_mdtun
mkhosts 2
# h2: a collect-metadata device on 7081 (charged with every drop on its
# socket) and a fixed device on 7090 for the strict-policy and
# driver-level cases.
ctl h2 add rx external
ctl h2 add fx id 42 remote 198.51.100.1 port 7090
on h2 ip link set rx up
on h2 ip link set fx up

snapshot() { ctl h2 stats "$1" --json; }
before_rx=$(snapshot rx)
before_fx=$(snapshot fx)
before_ns=$(on h2 cat /proc/net/mdtun)

# Send: every malformed vector and the worked example to 7081; by hand to 7090: the worked example
# (critical foreign TLV, strict receiver), an OAM packet, an unknown VNI;
# and an IPv6 packet with a zero UDP checksum to 7081.
on h1 "$PY" - "$VECTORS" <<'PYEOF' || fail send "scapy could not send"
import sys
from scapy.all import IP, IPv6, UDP, Raw, send, conf
conf.verb = 0
vectors = [l.split() for l in open(sys.argv[1]) if l.strip() and l[0] != '#']
for v in vectors:
    name, expect = v[0], v[1]
    payload = bytes.fromhex(v[2]) if len(v) > 2 else b''
    if expect == 'ok':
        continue
    send(IP(src='198.51.100.1', dst='198.51.100.2') /
         UDP(sport=40000, dport=7081) / Raw(payload), iface='ul')
spec = bytes.fromhex(next(v[2] for v in vectors if v[0] == 'spec-example'))
hdr = lambda flags, vni: bytes([0x10 | flags, 0, 0x65, 0x58]) + vni.to_bytes(3, 'big') + b'\0'
eth = bytes(14)
to_fx = lambda p: send(IP(src='198.51.100.1', dst='198.51.100.2') /
                       UDP(sport=40001, dport=7090) / Raw(p), iface='ul')
send(IP(src='198.51.100.1', dst='198.51.100.2') /
     UDP(sport=40000, dport=7081) / Raw(spec), iface='ul')  # delivered
to_fx(spec[:4] + (42).to_bytes(3, 'big') + spec[7:])   # crit_unknown
to_fx(hdr(0x08, 42) + eth)                              # oam
to_fx(hdr(0, 99) + eth)                                 # unknown VNI
send(IPv6(src='2001:db8:1::1', dst='2001:db8:1::2') /
     UDP(sport=40002, dport=7081, chksum=0) / Raw(hdr(0, 7) + eth), iface='ul')
PYEOF
# The valid packet went last to 7081: once it is delivered, every earlier
# datagram to that socket has been judged.
wait_until 20 stat_ge h2 rx rx_packets 1 ||
	log "the valid packet was not delivered"
after_rx=$(snapshot rx)
after_fx=$(snapshot fx)
after_ns=$(on h2 cat /proc/net/mdtun)

# delta JSON_BEFORE JSON_AFTER COUNTER
delta() {
	"$PY" -c 'import json,sys
b, a = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(a[sys.argv[3]] - b[sys.argv[3]])' "$1" "$2" "$3"
}

# Each reason's increase on rx equals the number of vectors that expect it.
for reason in $(grep -v '^#' "$VECTORS" | awk 'NF && $2 != "ok" {print $2}' | sort -u); do
	want=$(grep -v '^#' "$VECTORS" | awk -v r="$reason" '$2 == r' | wc -l)
	check_eq "rx_$reason" "$want" "$(delta "$before_rx" "$after_rx" "rx_$reason")"
done
check_eq rx-dropped-total \
	"$(grep -v '^#' "$VECTORS" | awk 'NF && $2 != "ok"' | wc -l)" \
	"$(( $(delta "$before_rx" "$after_rx" rx_dropped) - 1 ))"
check_eq rx_zero_csum 1 "$(delta "$before_rx" "$after_rx" rx_zero_csum)"
check_eq fixed-crit-unknown 1 "$(delta "$before_fx" "$after_fx" rx_crit_unknown)"
check_eq fixed-oam 1 "$(delta "$before_fx" "$after_fx" rx_oam)"
check_eq no-delivery "$(delta "$before_fx" "$after_fx" rx_packets)" 0
ns_count() { echo "$1" | awk -v n="$2" '$1 == n {print $2}'; }
check_eq unknown-vni-in-netns 1 \
	"$(( $(ns_count "$after_ns" rx_unknown_vni) - $(ns_count "$before_ns" rx_unknown_vni) ))"

# Among all that, the one valid packet was delivered.
check_eq valid-delivered 1 "$(delta "$before_rx" "$after_rx" rx_packets)"
check dmesg dmesg_clean
t_done
