// SPDX-License-Identifier: Apache-2.0
/*
 * Instructions per packet of the codec cases (codec_cases.h), for
 * utilities/bench/codec-callgrind.sh, which runs this program under
 * valgrind --tool=callgrind --instr-atstart=no and reads the dumps.
 *
 * Each case runs N times in a loop (N: the first argument, default 10000);
 * the counters are zeroed just before each loop and dumped just after it
 * under the name "<kind>/<case>#<round>", so that a dump holds that loop
 * and nothing else (but the few instructions of the two requests).
 * "nothing/empty" is the same loop around a call that does nothing: its
 * count is the loop's own cost, to subtract.  Every loop runs in two
 * rounds, so that the script can check that a count repeats exactly.
 */
#if defined(__has_include)
#if !__has_include(<valgrind/callgrind.h>)
#error "valgrind/callgrind.h not found: install the Debian package valgrind"
#endif
#endif
#include <valgrind/callgrind.h>

#include <stdio.h>
#include <stdlib.h>

#include "codec_cases.h"

typedef int (*bench_fn)(const struct bench_case *c, mdtun_u8 *out);

static const struct {
	const char *kind;
	bench_fn fn;
} kinds[] = {
	{ "nothing", bench_nothing },
	{ "build", bench_build },
	{ "parse", bench_parse },
	{ "memcpy", bench_copy },
};

/* Not inlined: every dump then holds the same loop code around @fn. */
static __attribute__((noinline)) int run(bench_fn fn,
					 const struct bench_case *c,
					 mdtun_u8 *out, long n)
{
	int bad = 0;
	long i;

	for (i = 0; i < n; i++)
		bad |= fn(c, out) < 0;
	return bad;
}

int main(int argc, char **argv)
{
	static struct bench_case cases[BENCH_N_CASES];
	static mdtun_u8 out[BENCH_WIRE_MAX];
	char name[64];
	long n = argc > 1 ? atol(argv[1]) : 10000;
	int bad = 0;
	int round, id;
	size_t k;

	if (n <= 0) {
		fprintf(stderr, "codec-callgrind: bad iteration count\n");
		return 2;
	}
	if (!RUNNING_ON_VALGRIND) {
		fprintf(stderr, "codec-callgrind: run under valgrind "
			"--tool=callgrind (utilities/bench/codec-callgrind.sh)\n");
		return 2;
	}
	for (id = 0; id < BENCH_N_CASES; id++) {
		if (bench_case_init(&cases[id], (enum bench_case_id)id)) {
			fprintf(stderr, "codec-callgrind: case %d refused\n", id);
			return 1;
		}
	}

	CALLGRIND_START_INSTRUMENTATION;
	for (round = 1; round <= 2; round++) {
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			for (id = 0; id < BENCH_N_CASES; id++) {
				/* The empty loop once, from the same call site. */
				if (kinds[k].fn == bench_nothing && id > 0)
					break;
				snprintf(name, sizeof(name), "%s/%s#%d",
					 kinds[k].kind,
					 kinds[k].fn == bench_nothing ?
					 "empty" : cases[id].name, round);
				CALLGRIND_ZERO_STATS;
				bad |= run(kinds[k].fn, &cases[id], out, n);
				CALLGRIND_DUMP_STATS_AT(name);
			}
		}
	}
	CALLGRIND_STOP_INSTRUMENTATION;

	if (bad) {
		fprintf(stderr, "codec-callgrind: a case failed\n");
		return 1;
	}
	printf("codec-callgrind: %d cases x %zu kinds and the empty loop, "
	       "%ld iterations each\n",
	       BENCH_N_CASES, sizeof(kinds) / sizeof(kinds[0]) - 1, n);
	return 0;
}
