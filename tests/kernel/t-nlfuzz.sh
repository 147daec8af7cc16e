#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Netlink fuzzing: for NLFUZZ_SECONDS (default 60) tests/kernel/nlfuzz.py
# sends random IFLA_MDTUN_* attribute sets on create and on changelink of
# existing devices (and up/down/delete), and random OVS_VPORT_ATTR_OPTIONS
# for vport type 200 on a bare datapath, in one namespace.  Seeded:
# NLFUZZ_SEED=N replays a run (the seed and iteration count are printed;
# nlfuzz.py --iterations replays it request for request).
#
# Afterwards: creates, changes and vports were each accepted and refused
# (the fuzzer is not refused wholesale, nor lets everything through), no
# refused change altered a device and no refused create left one, every
# vport reported its device's live options, no mdtun device
# is left in the namespace, the kernel log has no warning (mdtun-vm checks
# it again), and both modules unload.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nl-lib.sh"

NS=fz1
DP=fzdp
SEED=${NLFUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
SECS=${NLFUZZ_SECONDS:-60}
VPORT_KO=$(dirname "$MDTUN_KO")/vport-mdtun.ko

module_refcnt() { cat "/sys/module/$1/refcnt" 2>/dev/null || t_error "no module $1"; }
module_loaded() { grep -q "^$1 " /proc/modules; }

check load load_mdtun
check "openvswitch.ko" modprobe openvswitch
if ! module_loaded vport_mdtun; then
	check "vport-mdtun.ko" insmod "$VPORT_KO"
else
	pass "vport-mdtun.ko (already loaded)"
fi
ip netns add "$NS"
ip -n "$NS" link set lo up
nl_start
nlq_ok ns "$NS"
check_eq "a bare datapath $DP" ok "$(nlq dp new $DP)"
check_eq "  a vport with valid options is accepted (the fuzzer's control)" ok \
	"$(nlq vport new $DP fzctl 200 DST_PORT=u16:7089 CARRY=u32:1)"
check_eq "  and deleted" ok "$(nlq vport del $DP fzctl)"

log "seed $SEED, $SECS s (replay: NLFUZZ_SEED=$SEED NLFUZZ_SECONDS=$SECS)"
out=$(mktemp)
on "$NS" "$PY" "$top/tests/kernel/nlfuzz.py" --seed "$SEED" --seconds "$SECS" \
	--dp "$DP" >"$out" 2>&1
rc=$?
sed 's/^/  /' "$out"
check_eq "nlfuzz.py ran to its end" 0 "$rc"

# val KEY: KEY's value in the fuzzer's summary ("KEY=VALUE" words).
val() {
	local v
	v=$(tr ' ' '\n' <"$out" | sed -n "s/^$1=//p" | tail -n 1)
	[ -n "$v" ] && printf '%s\n' "$v" || t_error "nlfuzz.py printed no $1"
}
# counts KIND: "ACCEPTED REFUSED" from the fuzzer's line "KIND accepted=A
# refused=R".
counts() {
	sed -n "s/^$1 accepted=\([0-9]*\) refused=\([0-9]*\)$/\1 \2/p" "$out" |
		grep . || t_error "nlfuzz.py printed no counts for $1"
}
for kind in create change vport; do
	read -r acc ref <<<"$(counts $kind)"
	check_ge "$kind requests accepted" 1 "${acc:-}"
	check_ge "$kind requests refused" 1 "${ref:-}"
done
check_eq "no refused change altered a device" 0 "$(val refused_changed)"
check_eq "no refused create left a device behind" 0 "$(val refused_left)"
check_eq "every accepted create can be read back" 0 "$(val accepted_missing)"
check_eq "every vport reported its device's live options" 0 "$(val vport_stale)"
check_ge "  (vports checked)" 1 "$(val vport_checked)"
check_eq "the fuzzer deleted all it created" - "$(val left)"
rm -f "$out"

check_eq "no mdtun device in $NS (iproute2's view)" "" \
	"$(ip -n "$NS" -o link show type mdtun)"
check_eq "datapath deleted" ok "$(nlq dp del $DP)"
nl_stop
check "no kernel warning" dmesg_clean
check_eventually_eq "vport-mdtun.ko no longer in use" 10 0 module_refcnt vport_mdtun
check "vport-mdtun.ko unloads" rmmod vport_mdtun
check_eventually_eq "mdtun.ko no longer in use" 10 0 module_refcnt mdtun
check "mdtun.ko unloads" rmmod mdtun
check_fails "  and is gone" module_loaded mdtun
t_done
