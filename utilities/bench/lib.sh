# SPDX-License-Identifier: Apache-2.0
#
# What the bench scripts (utilities/bench/*.sh) share: the summary of a
# row's repetitions and the ratio of two medians.

# bench_stats: "median min max" of the integers on standard input
# (separated by spaces or newlines).
bench_stats() {
	tr ' ' '\n' | grep . | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)], v[1], v[NR] }'
}

# bench_ratio A B: A / B to two decimals, "null" unless B > 0.
bench_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "null" }'
}
