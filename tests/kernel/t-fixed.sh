#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Fixed mode over an IPv4 and an IPv6 underlay: ping and a short iperf3 TCP
# run cross each tunnel, and the configuration reads back as given.
. "$(dirname "$0")/lib.sh"

check load load_mdtun
mkhosts 2
ctl h1 add m4 id 42 remote 198.51.100.2 local 198.51.100.1
ctl h2 add m4 id 42 remote 198.51.100.1
ctl h1 add m6 id 43 remote 2001:db8:1::2
ctl h2 add m6 id 43 remote 2001:db8:1::1
for k in 1 2; do
	overlay h$k m4 192.0.2.$k/24 2001:db8:2::$k/64
	overlay h$k m6 203.0.113.$k/24
done

# info_data HOST DEV KEY: one attribute of the device as mdtun-ctl reads it
# back; "(absent)" when the driver did not report it.
info_data() {
	ctl "$1" show "$2" --json | "$PY" -c '
import json, sys
print(json.load(sys.stdin)[0]["linkinfo"]["info_data"].get(sys.argv[1], "(absent)"))' "$3"
}
check_eq show-remote 198.51.100.2 "$(info_data h1 m4 remote)"
check_eq show-local 198.51.100.1 "$(info_data h1 m4 local)"
check_eq show-remote6 2001:db8:1::2 "$(info_data h1 m6 remote)"
check_eq show-local6-absent "(absent)" "$(info_data h1 m6 local)"

check ping-v4-over-v4 ping_ok h1 192.0.2.2
check ping-v6-over-v4 ping_ok h1 2001:db8:2::2
check ping-v4-over-v6 ping_ok h1 203.0.113.2

port=5201
for dst in 192.0.2.2 203.0.113.2; do
	bps=$(tcp_bps h2 h1 "$dst" $port 2)
	log "iperf3 to $dst: ${bps:-(no result)} bit/s"
	check_ge "iperf3-$dst" 1000000 "$bps"
	port=$((port + 1))
done

# The outer UDP source port comes from the inner flow's hash, in the
# ephemeral port range (docs/protocol.md section 3.2): with the range cut
# to 100 ports, 32 inner UDP flows all land in it, and not on one port.
on h1 sysctl -qw net.ipv4.ip_local_port_range="40000 40099"
capture_start h2 32 --src 198.51.100.1
on h1 "$PY" -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for port in range(20000, 20032):
    s.sendto(b"flow", ("192.0.2.2", port))'
sports=$(capture_stop | sed -n 's/.* sport=\([0-9]*\) .*/\1/p')
check_eq 32-datagrams-captured 32 "$(echo "$sports" | grep -c .)"
check_eq all-source-ports-in-the-range "" \
	"$(echo "$sports" | awk '$1 < 40000 || $1 > 40099')"
check_ge flows-spread-over-ports 2 "$(echo "$sports" | sort -u | wc -l)"

check_ge tx-packets 3 "$(stat h1 m4 tx_packets)"
check_ge rx-packets 3 "$(stat h2 m4 rx_packets)"
check_eq no-unknown-vni 0 "$(ns_stat h2 rx_unknown_vni)"
check dmesg dmesg_clean
t_done
