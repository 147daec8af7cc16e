#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The metadata area at its limit (docs/protocol.md section 5.3: 252
# bytes) through mdtun.ko both ways, and the sender's rules at the limit
# (section 7): options and carried fields that together exceed it are
# refused and counted (tx_md_too_long), nothing is sent; options that
# already hold a mark are not given a second one by `carry mark`.
#
# h1 and h2 each have a collect-metadata device "ext" with tc tunnel_key
# on its egress; flower on the other side's ingress matches the options.
. "$(dirname "$0")/lib.sh"

check load load_mdtun
mkhosts 2
for k in 1 2; do
	ctl "h$k" add ext external
	quiet "h$k" ext
	on "h$k" ip link set ext address "02:00:00:00:00:0$k" up
	on "h$k" ip addr add "192.0.2.$k/24" dev ext
	on "h$k" ip neigh add "192.0.2.$((3 - k))" lladdr "02:00:00:00:00:0$((3 - k))" dev ext
	on "h$k" tc qdisc add dev ext clsact
done

# hexbytes N SEED: N bytes counting up from SEED, as hex.
hexbytes() { "$PY" -c "import sys; n, s = int(sys.argv[1]), int(sys.argv[2]); print(bytes((s + i) & 255 for i in range(n)).hex())" "$1" "$2"; }
# The largest area: a TLV with the largest data (124 bytes: 4 + 124) and
# one with 120 (4 + 120): 252 bytes in all.
OPT_A=0102:01:$(hexbytes 124 0)
OPT_B=0102:02:$(hexbytes 120 128)
MAX_OPTS=$OPT_A,$OPT_B
# send_opts HOST OPTS: HOST's ext puts OPTS on what it sends (VNI 7).
send_opts() {
	local k=${1#h}
	on "$1" tc filter del dev ext egress prio 10 2>/dev/null
	on "$1" tc filter add dev ext egress prio 10 protocol ip matchall \
		action tunnel_key set src_ip "198.51.100.$k" \
		dst_ip "198.51.100.$((3 - k))" id 7 dst_port 7081 geneve_opts "$2"
}
# expect_opts HOST PRIO OPTS: HOST's ext ingress counts (filter PRIO) what
# arrives with exactly OPTS.
expect_opts() {
	on "$1" tc filter add dev ext ingress prio "$2" protocol ip flower \
		enc_key_id 7 geneve_opts "$3" action continue
}
# tlvs: the TLVs of the first decoded datagram of a capture.
tlvs() { echo "$1" | head -n 1 | sed -n 's/.* tlvs=\([^ ]*\) .*/\1/p'; }

# ---- 252 bytes both ways ------------------------------------------------------------

for k in 1 2; do
	send_opts "h$k" "$MAX_OPTS"
	expect_opts "h$k" 1 "$MAX_OPTS"
done
capture_start h2 1 --src 198.51.100.1
check ping-with-252-bytes-of-metadata ping_ok h1 192.0.2.2
wire=$(capture_stop)
check_eq 252-bytes-on-the-wire \
	"0102:01:$(hexbytes 124 0),0102:02:$(hexbytes 120 128)" "$(tlvs "$wire")"
check_ge h2-matched-the-252-bytes 3 "$(tc_hits h2 ext ingress 1)"
check_ge h1-matched-the-252-bytes-back 3 "$(tc_hits h1 ext ingress 1)"
check_eq no-drops-at-252 0 "$(( $(stat h1 ext tx_md_too_long) + $(stat h2 ext tx_md_too_long) ))"

# ---- Options plus carried fields over the limit ---------------------------------------

# 248 bytes of options (4 + 124 and 4 + 116) and the mark's 8: 256 bytes.
ctl h1 set ext carry mark
check wire-counter wire_count h1
send_opts h1 "$MAX_OPTS"
before=$(stat h1 ext tx_md_too_long)
send_pings h1 192.0.2.2 1
check_eventually_eq full-area-and-carry-counted 10 $((before + 1)) stat h1 ext tx_md_too_long
send_opts h1 "$OPT_A,0102:02:$(hexbytes 116 128)"
before=$(stat h1 ext tx_md_too_long)
send_pings h1 192.0.2.2 3
check_eventually_eq over-the-limit-counted 10 $((before + 3)) stat h1 ext tx_md_too_long
check_eq over-the-limit-not-sent 0 "$(wire_sent h1)"
# 244 bytes of options and the mark: exactly 252, sent with the mark last.
send_opts h1 "$OPT_A,0102:02:$(hexbytes 112 128)"
# (Before the tunnel key's filter, which ends the classification.)
on h1 tc filter add dev ext egress prio 1 protocol ip matchall \
	action skbedit mark 0x55 continue
capture_start h2 1 --src 198.51.100.1
send_pings h1 192.0.2.2 1
wire=$(capture_stop)
check_eq options-and-mark-fill-252-bytes \
	"0102:01:$(hexbytes 124 0),0102:02:$(hexbytes 112 128),fff7:01:00000055" \
	"$(tlvs "$wire")"
check_eventually_eq sent-when-it-fits 10 1 wire_sent h1

# ---- Options that hold a mark already -----------------------------------------------------

# The options' mark (0x77) travels; carry mark adds no second one for the
# skb's 0x55, and h2, which trusts h1, restores 0x77.
ctl h2 set ext carry mark trust 198.51.100.0/24
on h2 tc filter add dev ext ingress prio 2 protocol ip handle 0x77 fw action continue
send_opts h1 "0102:01:00000001,fff7:01:00000077"
capture_start h2 1 --src 198.51.100.1
added=$(stat h1 ext tx_carry_added)
send_pings h1 192.0.2.2 2
wire=$(capture_stop)
check_eq one-mark-the-options-one "0102:01:00000001,fff7:01:00000077" "$(tlvs "$wire")"
check_eq carry-added-nothing "$added" "$(stat h1 ext tx_carry_added)"
check_eventually_eq h2-restored-the-options-mark 10 2 tc_hits h2 ext ingress 2

check dmesg dmesg_clean
t_done
