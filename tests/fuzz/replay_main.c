// SPDX-License-Identifier: Apache-2.0
/*
 * Runs the fuzz target over the files named on the command line (the seed
 * corpus, the regressions), for builds without clang's libFuzzer.  It
 * checks the same invariants, just not on new inputs.  Built with ASan
 * and UBSan: each input is handed over in a heap buffer of exactly its
 * size, as libFuzzer does, so that a read past its end is caught.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	static uint8_t buf[65536];
	int i;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *input;
		size_t n;

		if (!f) {
			perror(argv[i]);
			return 2;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		/* malloc(0) may return NULL; one byte more is never read. */
		input = malloc(n ? n : 1);
		if (!input) {
			perror("malloc");
			return 2;
		}
		memcpy(input, buf, n);
		LLVMFuzzerTestOneInput(input, n);
		free(input);
	}
	printf("fuzz-replay: %d inputs ran clean\n", argc - 1);
	return 0;
}
