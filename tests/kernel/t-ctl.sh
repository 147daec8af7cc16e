#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# End-to-end check of mdtun-ctl against the real driver: every verb, the
# configuration read back through libnl as given, the JSON shapes, the exit
# codes (0 ok, 1 kernel refusal with the kernel's extack text, 2 bad
# arguments with one line on stderr) and that `set` changes what it says.
#
# Run on the host: it re-runs itself inside utilities/mdtun-vm (needs
# datapath/mdtun.ko and the mdtun-ctl binary built).  Inside the VM it is
# also a regular kernel test (tests/kernel/run.sh t-ctl).
# Override the binaries with MDTUN_KO=... and MDTUN_CTL=....
# Exit status: 0 when every check passed.

if [ -z "${MDTUN_VM:-}" ]; then
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	exec "$top/utilities/mdtun-vm" --timeout 600 -- \
		bash "$top/tests/kernel/t-ctl.sh" "$@"
fi

. "$(dirname "$0")/lib.sh"

# All devices live in one namespace, so that nothing else interferes.
NS=ctl1
out=$(mktemp)
err=$(mktemp)

# run EXPECTED_RC ARGS...: run mdtun-ctl, keep stdout/stderr in $out/$err.
run() {
	local want=$1 rc
	shift
	ip netns exec "$NS" "$MDTUN_CTL" "$@" >"$out" 2>"$err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "  mdtun-ctl $* -> rc $rc (want $want)"
		sed 's/^/  stdout: /' "$out"
		sed 's/^/  stderr: /' "$err"
		return 1
	fi
}

# ok NAME ARGS...: succeeds with nothing on stderr.
ok() {
	local name=$1
	shift
	if run 0 "$@" && [ ! -s "$err" ]; then
		pass "$name"
	else
		fail "$name" "mdtun-ctl $*"
	fi
}

# refused NAME RC PATTERN ARGS...: exits RC with one stderr line matching
# the extended regex PATTERN.
refused() {
	local name=$1 rc=$2 pat=$3
	shift 3
	if run "$rc" "$@" && [ "$(wc -l <"$err")" -eq 1 ] &&
		grep -E -q -- "$pat" "$err"; then
		pass "$name" "$(cat "$err")"
	else
		fail "$name" "stderr: $(cat "$err"), want /$pat/"
	fi
}

# js PY_EXPR: the Python expression evaluated on the JSON in $out, where d
# is the document, l its first link and x that link's info_data.
js() {
	"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
l = d[0] if isinstance(d, list) and d else {}
x = l.get("linkinfo", {}).get("info_data", {})
print(eval(sys.argv[2]))' "$out" "$1" 2>/dev/null
}

# link_exists NAME: NAME is a link in $NS.
link_exists() {
	ip -n "$NS" link show "$1" >/dev/null 2>&1
}

check load load_mdtun
ip netns add "$NS"

# ---- add / show ---------------------------------------------------------
ok add-fixed4 add m4 id 42 remote 198.51.100.2 local 198.51.100.1 port 7082 \
	ttl 64 tos inherit df set csum off carry mark trust 198.51.100.0/24
ok add-fixed6 add m6 id 0xffffff remote 2001:db8::2 zero-csum6-tx on \
	zero-csum6-rx on carry mark,priority trust 2001:db8::/32,198.51.100.7
ok add-external add e0 external carry none
ip -n "$NS" link add dummy0 type dummy

ok show-json show --json
check_eq show-json-count 3 "$(js 'len(d)')"
check_eq show-json-kinds "mdtun mdtun mdtun" \
	"$(js '" ".join(l["linkinfo"]["info_kind"] for l in d)')"

ok show-m4 show m4 --json
check_eq m4-data \
	"42 198.51.100.2 198.51.100.1 7082 64 False True set False ['mark'] ['198.51.100.0/24'] False" \
	"$(js '" ".join(str(x[k]) for k in
		("id","remote","local","port","ttl","ttl_inherit","tos_inherit","df",
		 "csum","carry","trust","external"))')"
check_eq m4-link "m4 DOWN True" \
	"$(js '" ".join(str(v) for v in (l["ifname"], l["operstate"], l["ifindex"] > 0))')"

ok show-m6 show --json m6
check_eq m6-data \
	"16777215 2001:db8::2 7081 True True ['mark', 'priority'] ['2001:db8::/32', '198.51.100.7/32']" \
	"$(js '" ".join(str(x[k]) for k in
		("id","remote","port","zero_csum6_tx","zero_csum6_rx","carry","trust"))')"

ok show-e0 show e0 --json
check_eq e0-data "True 7081 [] [] False" \
	"$(js '" ".join(str(v) for v in
		(x["external"], x["port"], x["carry"], x["trust"], "id" in x))')"

ok show-text show m4
check show-text-line1 grep -E -q '^[0-9]+: m4: <.*> mtu [0-9]+ state DOWN$' "$out"
check show-text-line2 grep -F -q \
	'    mdtun mode fixed id 42 remote 198.51.100.2 local 198.51.100.1 port 7082 ttl 64 tos inherit df set csum off' \
	"$out"
ok show-text-all show
check_eq show-text-all-lines 6 "$(wc -l <"$out")"

# ---- stats --------------------------------------------------------------
ok stats-json stats m4 --json
check_eq stats-json-keys "m4 True True True 0" \
	"$(js '" ".join(str(v) for v in (d["ifname"], "rx_bad_version" in d,
		"tx_carry_added" in d, "rx_dropped" in d, d["rx_packets"]))')"
ok stats-text stats m4
check stats-text-codec-name grep -q '^    rx_crit_unknown: 0$' "$out"
check stats-text-driver-name grep -q '^    rx_unknown_vni: 0$' "$out"

# ---- set ----------------------------------------------------------------
ok set-m4 set m4 ttl inherit tos 16 df inherit carry none trust none
ok show-m4-after-set show m4 --json
check_eq m4-after-set "0 True 16 False inherit [] []" \
	"$(js '" ".join(str(x[k]) for k in
		("ttl","ttl_inherit","tos","tos_inherit","df","carry","trust"))')"
ip -n "$NS" link set m4 up
ok set-while-up set m4 ttl 9 carry mark
ok show-m4-up show m4 --json
check_eq m4-up "9 False ['mark'] UP" \
	"$(js '" ".join(str(v) for v in
		(x["ttl"], x["ttl_inherit"], x["carry"], "UP" if "UP" in l["flags"] else "no-UP"))')"

# ---- kernel refusals: exit 1 with the kernel's extack message -----------
refused set-external-ttl 1 '^mdtun-ctl: set e0: .*external' set e0 ttl 5
refused add-clash 1 '^mdtun-ctl: add m5: .*(VNI|already)' \
	add m5 id 0xffffff remote 2001:db8::2
refused add-second-external 1 '^mdtun-ctl: add e1: .*external' add e1 external
refused add-name-exists 1 '^mdtun-ctl: add m4: .*exists' add m4 external port 7090
refused show-missing 1 '^mdtun-ctl: nosuch: no such device$' show nosuch
refused stats-not-mdtun 1 '^mdtun-ctl: dummy0: not an mdtun device$' stats dummy0
refused del-not-mdtun 1 '^mdtun-ctl: dummy0: not an mdtun device$' del dummy0
refused set-missing 1 '^mdtun-ctl: nosuch: no such device$' set nosuch ttl 1
check dummy0-still-there link_exists dummy0

# ---- bad arguments: exit 2, one line, nothing sent ------------------------
refused bad-id 2 '^mdtun-ctl: id: 16777216 is out of range \(0-16777215\)$' \
	add m9 id 16777216 remote 198.51.100.2
refused bad-keyword 2 '^mdtun-ctl: colour: unknown keyword$' add m9 external colour red
refused bad-missing 2 '^mdtun-ctl: port: missing value$' add m9 external port
refused bad-duplicate 2 '^mdtun-ctl: carry: given twice$' \
	add m9 external carry mark carry none
refused bad-remote-external 2 '^mdtun-ctl: remote: not allowed with external$' \
	add m9 external remote 198.51.100.2
refused bad-family 2 '^mdtun-ctl: local: .* same family' \
	add m9 id 1 remote 198.51.100.2 local 2001:db8::1
refused bad-prefix 2 '^mdtun-ctl: trust: .*prefix length' \
	add m9 external trust 198.51.100.0/33
refused bad-carry 2 '^mdtun-ctl: carry: ' add m9 external carry colour
refused bad-name 2 '^mdtun-ctl: NAME: .*15 characters' add abcdefghijklmnop external
refused bad-set-key 2 '^mdtun-ctl: id: cannot be changed by set' set m4 id 5
refused bad-verb 2 '^mdtun-ctl: frob: unknown command' frob
check_fails m9-not-created link_exists m9

# ---- del ------------------------------------------------------------------
ok del-m4 del m4
check_fails m4-gone link_exists m4
ok del-m6 del m6
ok del-e0 del e0
ok show-empty show --json
check_eq show-empty-json "[]" "$(cat "$out")"

ok help --help
check help-usage grep -q '^Usage: mdtun-ctl add' "$out"
ok version --version

rm -f "$out" "$err"
check dmesg-clean dmesg_clean
t_done
