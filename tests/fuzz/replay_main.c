// SPDX-License-Identifier: Apache-2.0
/*
 * Runs the fuzz target over the files named on the command line (a seed
 * corpus, regressions), for builds without clang's libFuzzer.  It checks
 * the same invariants, just not on new inputs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	static uint8_t buf[65536];
	int i;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t n;

		if (!f) {
			perror(argv[i]);
			return 2;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
	}
	printf("fuzz-replay: %d inputs ran clean\n", argc - 1);
	return 0;
}
