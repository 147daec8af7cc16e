# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
#
# Raw netlink from the kernel tests: one tests/lib/nl.py process ("serve")
# per test as a coprocess, so that each request costs a line on a pipe
# rather than a Python start (seconds under TCG).  Sourced after lib.sh.
#
#   nl_start                 start it (in the initial namespace)
#   nlq REQUEST...           one request; prints the one-line answer, e.g.
#                            "ok", "ok mtu=1450 ID=42", "err EBUSY: text"
#   nlq_ok REQUEST...        a setup request that must be accepted
#   nl_get NAME [KEY...]     "KEY=VALUE ..." of link NAME (RTM_GETLINK)
#
# The request language is nl.py's (its docstring): "new NAME ATTR...",
# "change NAME ATTR...", "set NAME up", "get NAME [KEY...]", "links",
# "ns NAME", ...  A request nl.py cannot parse or that gets no answer is
# the test's error (t_error), never an answer to compare.

# nl_start: nl.py serve as the coprocess NL; its stderr is the test's.
nl_start() {
	coproc NL { exec "$PY" -u "$TLIB/nl.py" serve; }
	nl_pid=$NL_PID
}

# nlq REQUEST...: the answer to REQUEST; nothing and status 1 (with an
# ERROR: line) when nl.py did not understand or did not answer.
nlq() {
	local line
	if [ -z "${NL_PID:-}" ] || ! kill -0 "$nl_pid" 2>/dev/null; then
		t_error "nlq: nl.py is not running (request: $*)"
		return 1
	fi
	if ! printf '%s\n' "$*" >&"${NL[1]}"; then
		t_error "nlq: cannot write to nl.py (request: $*)"
		return 1
	fi
	if ! IFS= read -r -t 60 line <&"${NL[0]}"; then
		t_error "nlq: no answer from nl.py to: $*"
		return 1
	fi
	case $line in
	ok | "ok "* | "err "*) printf '%s\n' "$line" ;;
	*)
		t_error "nlq: $*: $line"
		return 1
		;;
	esac
}

# nlq_ok REQUEST...: REQUEST is accepted (for setup steps; a refusal is
# the test's error).
nlq_ok() {
	local a
	a=$(nlq "$@") || return 1
	[ "$a" = ok ] && return 0
	t_error "setup request refused: $* -> $a"
	return 1
}

# nl_get NAME KEY...: "KEY=VALUE ..." of link NAME, the answer without
# its "ok"; nothing and status 1 when the link cannot be read.
nl_get() {
	local a
	a=$(nlq get "$@") || return 1
	case $a in
	"ok "*) printf '%s\n' "${a#ok }" ;;
	*)
		t_error "nl_get: get $*: $a"
		return 1
		;;
	esac
}

nl_stop() {
	[ -n "${nl_pid:-}" ] || return 0
	[ -n "${NL[1]:-}" ] && eval "exec ${NL[1]}>&-"
	wait "$nl_pid" 2>/dev/null
	nl_pid=
}
