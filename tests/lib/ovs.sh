# SPDX-License-Identifier: Apache-2.0
#
# Helpers of the Open vSwitch tests (tests/ovs-userspace, tests/ovs-kernel),
# on top of tests/lib/checks.sh.

# stop_daemon DIR NAME: stops the daemon whose pidfile is DIR/NAME.pid and
# control socket DIR/NAME.ctl: asks it to exit, kills it if it has not
# after 10 s.
stop_daemon() {
	local pidfile=$1/$2.pid pid
	[ -f "$pidfile" ] || return 0
	pid=$(cat "$pidfile")
	ovs-appctl -t "$1/$2.ctl" exit >/dev/null 2>&1
	wait_until 10 sh -c "! kill -0 $pid" || kill "$pid" 2>/dev/null
	rm -f "$pidfile"
}


# A private Open vSwitch whose files all live in one directory DIR: the
# database DIR/conf.db, and for each daemon its pidfile, control socket
# (NAME.ctl) and log (NAME.log) in DIR; the schema comes from
# $OVS_PKGDATADIR.
ovs_env() { echo "OVS_RUNDIR=$1 OVS_DBDIR=$1 OVS_LOGDIR=$1 OVS_SYSCONFDIR=$1"; }

# ovs_start_db DIR: a new database, served by ovsdb-server on DIR/db.sock.
ovs_start_db() {
	local d=$1
	mkdir -p "$d" &&
	ovsdb-tool create "$d/conf.db" "$OVS_PKGDATADIR/vswitchd/vswitch.ovsschema" &&
	env $(ovs_env "$d") ovsdb-server "$d/conf.db" --remote="punix:$d/db.sock" \
		--pidfile="$d/ovsdb-server.pid" --detach --no-chdir -vconsole:off \
		--log-file="$d/ovsdb-server.log" --unixctl="$d/ovsdb-server.ctl" &&
	env $(ovs_env "$d") ovs-vsctl --db="unix:$d/db.sock" --timeout=60 --no-wait init
}

# ovs_start_vswitchd DIR NETNS [OPTION...]: ovs-vswitchd for DIR's
# database, inside network namespace NETNS ("" for this one), with more
# options (e.g. --disable-system).
ovs_start_vswitchd() {
	local d=$1 netns=$2 in=()
	shift 2
	[ -n "$netns" ] && in=(ip netns exec "$netns")
	"${in[@]}" env $(ovs_env "$d") ovs-vswitchd "unix:$d/db.sock" "$@" \
		--pidfile="$d/ovs-vswitchd.pid" --detach --no-chdir -vconsole:off \
		--log-file="$d/ovs-vswitchd.log" --unixctl="$d/ovs-vswitchd.ctl"
}

# pipeline_count FIELD OUTCOME: from the mdtun/show output of one port on
# stdin, the number of pipeline fields FIELD (metadata, in_port, regN)
# received with OUTCOME (restored, untrusted, not_carried).  Fails if the
# output has no pipeline section; a field that the section leaves out has
# no count yet: 0.
pipeline_count() {
	awk -v f="$1:" -v o="$2" '
		/^  pipeline fields \(counted per upcall, UDP port [0-9]+\):$/ {
			s = 1; seen = 1; next
		}
		/^  [^ ]/ { s = 0 }
		s && $1 == f {
			for (i = 2; i < NF; i++)
				if ($i == o) { v = $(i + 1); sub(",", "", v) }
		}
		END {
			if (!seen) {
				print "ERROR: mdtun/show has no pipeline section" > "/dev/stderr"
				exit 1
			}
			print v + 0
		}'
}
