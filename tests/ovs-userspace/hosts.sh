# SPDX-License-Identifier: Apache-2.0
#
# Hosts for the multi-host userspace-datapath tests (t-netns, t-pipeline),
# sourced after lib.sh: each host H of $hosts (A, B, C: N = 1, 2, 3) is a
# network namespace with its own ovsdb-server and ovs-vswitchd
# (datapath_type=netdev), in OVS's usual native tunnelling layout:
#
#   br-phy  the underlay: a veth to the next host, its internal port with
#           the host's underlay addresses (198.51.100.N/24,
#           2001:db8:100::N/64); OVS routes, resolves and pops tunnel
#           traffic there
#   br-int  the overlay: internal port vm0 (192.0.2.N/24, MTU 1400,
#           OpenFlow port 1) and mdtun port t0 (OpenFlow port 2)
id=$$
hosts="A B C"
declare -A ns under under6 over hw

for h in $hosts; do
	n=$(( $(printf '%d' "'$h") - 64 ))  # A=1 B=2 C=3
	ns[$h]=mdtun-u$id-$h
	under[$h]=198.51.100.$n
	under6[$h]=2001:db8:100::$n
	over[$h]=192.0.2.$n
	hw[$h]=00:00:5e:00:53:1$n
done

# on H CMD...: runs CMD in host H's namespace.
on() { local h=$1; shift; ip netns exec "${ns[$h]}" "$@"; }
dir() { echo "$tmp/h$1"; }
hvsctl() { local h=$1; shift; ovs-vsctl --db="unix:$(dir "$h")/db.sock" --timeout=20 "$@"; }
happctl() { local h=$1; shift; ovs-appctl -t "$(dir "$h")/ovs-vswitchd.ctl" "$@"; }
hofctl() { local h=$1 cmd=$2; shift 2; ovs-ofctl "$cmd" "unix:$(dir "$h")/br-int.mgmt" "$@"; }

cleanup_hosts() {
	local h
	for h in $hosts; do
		stop_daemon "$(dir "$h")" ovs-vswitchd
		stop_daemon "$(dir "$h")" ovsdb-server
		if [ "$t_fail" -ne 0 ] && [ -f "$(dir "$h")/ovs-vswitchd.log" ]; then
			echo "---- h$h: ovs-vswitchd.log (last 20 lines)"
			tail -n 20 "$(dir "$h")/ovs-vswitchd.log"
		fi
		ip netns del "${ns[$h]}" 2>/dev/null
	done
}
trap 'cleanup_hosts; cleanup' EXIT

# start_host H: namespace, ovsdb-server, ovs-vswitchd (in the namespace).
start_host() {
	local h=$1 d
	d=$(dir "$h")
	ip netns add "${ns[$h]}" && on "$h" ip link set lo up &&
	ovs_start_db "$d" &&
	ovs_start_vswitchd "$d" "${ns[$h]}" --disable-system \
		--disable-system-route
}

# start_hosts: every host of $hosts started (one check); ends the test if
# one does not start.
start_hosts() {
	local h
	echo "$T_NAME: OVS from $ovs, run dir $tmp"
	for h in $hosts; do
		if ! start_host "$h"; then
			fail "host h$h starts" "$(tail -n 20 "$(dir "$h")"/*.log 2>/dev/null)"
			t_done
		fi
	done
	pass "three hosts with their own ovsdb-server and ovs-vswitchd"
}

# setup_host H T0_OPTION...: the bridges, addresses and routes of host H;
# its mdtun port t0 has remote_ip=flow, key=flow and the options given
# (as ovs-vsctl arguments, e.g. options:carry=mark).
setup_host() {
	local h=$1 d
	shift
	d=$(dir "$h")
	hvsctl "$h" add-br br-phy -- set bridge br-phy datapath_type=netdev \
		"other-config:hwaddr=${hw[$h]}" &&
	hvsctl "$h" add-br br-int -- set bridge br-int datapath_type=netdev \
		-- add-port br-int vm0 -- set interface vm0 type=internal \
		ofport_request=1 \
		-- add-port br-int t0 -- set interface t0 type=mdtun ofport_request=2 \
		options:remote_ip=flow options:key=flow "$@" &&
	wait_until 10 on "$h" ip link show br-phy &&
	wait_until 10 on "$h" ip link show vm0 &&
	on "$h" ip addr add "${under[$h]}/24" dev br-phy &&
	on "$h" ip addr add "${under6[$h]}/64" dev br-phy nodad &&
	on "$h" ip link set br-phy up &&
	# No IPv6 of its own on the overlay: nothing but the tests' traffic.
	on "$h" sysctl -qw net.ipv6.conf.vm0.disable_ipv6=1 &&
	on "$h" ip addr add "${over[$h]}/24" dev vm0 &&
	on "$h" ip link set vm0 mtu 1400 up &&
	ovs-ofctl add-flow "unix:$d/br-phy.mgmt" actions=normal &&
	# Tunnel routes are looked up with the packet's mark as well.
	for mark in 0 0x77; do
		happctl "$h" ovs/route/add 198.51.100.0/24 br-phy "pkt_mark=$mark" &&
		happctl "$h" ovs/route/add 2001:db8:100::/64 br-phy "pkt_mark=$mark" ||
			return 1
	done
}

# link H1 H2: a veth between the hosts' br-phy bridges.
link() {
	ip link add "v$1$2" netns "${ns[$1]}" type veth peer name "v$2$1" \
		netns "${ns[$2]}" &&
	on "$1" ip link set "v$1$2" up && on "$2" ip link set "v$2$1" up &&
	hvsctl "$1" add-port br-phy "v$1$2" && hvsctl "$2" add-port br-phy "v$2$1"
}

# packets H COOKIE: n_packets of host H's br-int flows with that cookie,
# summed; fails if there is none.
packets() {
	local n
	n=$(hofctl "$1" dump-flows "cookie=$2/-1" |
		sed -n 's/.* n_packets=\([0-9]*\),.*/\1/p')
	[ -n "$n" ] || { t_error "h$1: no br-int flow with cookie $2"; return 1; }
	echo "$n" | awk '{ s += $1 } END { print s }'
}
# grown H COOKIE N: the flows counted more than N packets.
grown() { [ "$(packets "$1" "$2")" -gt "$3" ]; }

# not_delivered NAME H: H's pings to hB's vm0 fail, hB drops them (its
# flow with cookie $drop_cookie grows: they did arrive) and delivers none
# of them (its flow with cookie 0x1).
not_delivered() {
	local drops good
	settle "$2" B
	drops=$(packets B "$drop_cookie") && good=$(packets B 0x1) || return
	check_fails "$1: h$2's pings fail" on "$2" busybox ping -c 2 -W 1 192.0.2.2
	check_within "$1: they reached hB and were dropped" 10 \
		grown B "$drop_cookie" "$drops"
	settle B
	check_eq "$1: none was delivered" "$good" "$(packets B 0x1)"
}

ping_ok() { on "$1" busybox ping -c 1 -W 1 "$2" >/dev/null 2>&1; }

# hport_ok H PORT: the port of host H is up (no error, an OpenFlow port).
hport_ok() {
	local err ofport
	err=$(hvsctl "$1" get interface "$2" error) &&
		ofport=$(hvsctl "$1" get interface "$2" ofport) || return 1
	[ "$err" = "[]" ] && [ "$ofport" -gt 0 ] 2>/dev/null && return 0
	echo "h$1 $2: error=$err ofport=$ofport"
	return 1
}

# settle H...: the hosts' revalidators have run once more, so that flow
# statistics are up to date and flow changes are in the datapath.
settle() {
	local h
	for h in "$@"; do
		happctl "$h" revalidator/wait >/dev/null ||
			t_error "h$h: revalidator/wait failed"
	done
}

# transfer H1 H2: a TCP transfer of 2 MiB from H1 to H2's vm0 address;
# prints what H2 received (byte count and SHA-256) and what H1 sent.
transfer() {
	local d
	d=$(dir "$2")
	rm -f "$d/tcp.ready" "$d/tcp.out"
	on "$2" /usr/bin/python3 - "${over[$2]}" "$d" <<'PY' &
import hashlib, socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5201))
s.listen(1)
s.settimeout(20)
open(sys.argv[2] + "/tcp.ready", "w").close()
h, n = hashlib.sha256(), 0
try:
    c, _ = s.accept()
    c.settimeout(20)
    while True:
        b = c.recv(65536)
        if not b:
            break
        h.update(b)
        n += len(b)
except OSError as e:  # the check below fails on what was received
    print(f"TCP server: {e}", file=sys.stderr)
open(sys.argv[2] + "/tcp.out", "w").write(f"{n} {h.hexdigest()}\n")
PY
	local server=$!
	wait_until 10 test -e "$d/tcp.ready" || { t_error "TCP server did not start"; return 1; }
	on "$1" /usr/bin/python3 - "${over[$2]}" <<'PY'
import hashlib, random, socket, sys
data = random.Random(7).randbytes(2 << 20)
try:
    c = socket.create_connection((sys.argv[1], 5201), timeout=20)
    c.sendall(data)
    c.close()
except OSError as e:  # the check below fails: nothing was received
    print(f"TCP client: {e}", file=sys.stderr)
print(len(data), hashlib.sha256(data).hexdigest())
PY
	wait "$server"
	cat "$d/tcp.out" 2>/dev/null
}

