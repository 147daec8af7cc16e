#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Carrying skb->mark and skb->priority: the sender encodes them when its
# carry set says so; the receiver restores them only when its own carry
# set lists the field and the outer source is trusted, else ignores and
# counts them.  Restored values are checked with tc classifiers that match
# on the packet buffer itself (fw on the mark, basic meta on the priority).
. "$(dirname "$0")/lib.sh"

check load load_mdtun
mkhosts 2
# h1 sends with a fixed device; h2 receives on a collect-metadata device,
# which has no fixed remote, so only its trust list makes a sender trusted.
ctl h1 add m0 id 7 remote 198.51.100.2 carry mark,priority
ctl h2 add ext external carry none
# Only the test's own pings may cross: no IPv6 autoconfiguration chatter.
quiet h1 m0
quiet h2 ext
overlay h1 m0 192.0.2.1/24
overlay h2 ext 192.0.2.2/24
# Replies cannot go back through ext (no tunnel metadata on them), so h1
# needs no ARP answer: pin the neighbour.
on h1 ip neigh add 192.0.2.2 lladdr "$(on h2 cat /sys/class/net/ext/address)" dev m0

on h1 tc qdisc add dev m0 clsact
on h1 tc filter add dev m0 egress protocol ip matchall \
	action skbedit mark 0x55 priority 1:3
on h2 tc qdisc add dev ext clsact
on h2 tc filter add dev ext ingress prio 1 protocol ip handle 0x55 fw action continue
on h2 tc filter add dev ext ingress prio 2 protocol ip \
	basic match 'meta(priority eq 0x10003)' action ok

# send: three echo requests from h1 (the replies are lost).  Each step
# then waits for the counter that proves all three were received before
# it looks at what must not have happened.
send() { send_pings h1 192.0.2.2 3; }

# 1. Receiver does not carry anything: ignored, counted as not allowed.
send
check_eventually_eq sender-added 10 3 stat h1 m0 tx_carry_added
check_eventually_eq not-allowed 10 6 stat h2 ext rx_carry_not_allowed
check_eq received-1 3 "$(stat h2 ext rx_packets)"
check_eq mark-not-restored-1 0 "$(tc_hits h2 ext ingress 1)"
check_eq prio-not-restored-1 0 "$(tc_hits h2 ext ingress 2)"
check_eq nothing-restored-1 0 "$(stat h2 ext rx_mark_restored)"

# 2. Carry allowed but the sender is not trusted.
ctl h2 set ext carry mark,priority trust 2001:db8:1::/64
send
check_eventually_eq untrusted 10 6 stat h2 ext rx_carry_untrusted
check_eq mark-not-restored-2 0 "$(tc_hits h2 ext ingress 1)"
check_eq not-restored-2 0 "$(stat h2 ext rx_mark_restored)"

# 3. Trusted by prefix: both fields restored.
ctl h2 set ext trust 198.51.100.0/24
send
check_eventually_eq mark-restored 10 3 stat h2 ext rx_mark_restored
check_eventually_eq prio-restored 10 3 stat h2 ext rx_priority_restored
check_eq mark-seen-by-fw 3 "$(tc_hits h2 ext ingress 1)"
check_eq prio-seen-by-meta 3 "$(tc_hits h2 ext ingress 2)"
check_eq untrusted-unchanged-3 6 "$(stat h2 ext rx_carry_untrusted)"

# 4. Only the mark allowed: priority is ignored, mark still restored.
ctl h2 set ext carry mark
send
check_eventually_eq mark-restored-again 10 6 stat h2 ext rx_mark_restored
check_eventually_eq prio-not-allowed 10 9 stat h2 ext rx_carry_not_allowed
check_eq prio-not-restored-4 3 "$(stat h2 ext rx_priority_restored)"
check_eq prio-meta-unchanged 3 "$(tc_hits h2 ext ingress 2)"

# 5. The sender stops carrying: nothing arrives to restore.
ctl h1 set m0 carry none
added=$(stat h1 m0 tx_carry_added)
rx=$(stat h2 ext rx_packets)
send
check_eventually_eq received-5 10 $((rx + 3)) stat h2 ext rx_packets
check_eq nothing-carried 6 "$(stat h2 ext rx_mark_restored)"
check_eq no-more-added "$added" "$(stat h1 m0 tx_carry_added)"

check dmesg dmesg_clean
t_done
