// SPDX-License-Identifier: Apache-2.0
/*
 * insn-mark [dump] FILE: inside a VM run under the insn-count plugin
 * (utilities/bench/insn-count.c), print "KERNEL USER", the instructions
 * the guest has executed so far in each half.  FILE is the plugin's out=
 * file as the guest sees it.  "dump" also ends a section of the plugin's
 * profile file.  Fails, printing nothing on standard output, unless the
 * plugin answered with exactly one new line.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The lines of @path, and the last one in @last (NULL: not wanted). */
static long read_lines(const char *path, char *last, size_t last_len)
{
	char line[256];
	long n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (last)
			snprintf(last, last_len, "%s", line);
	}
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	uint64_t mark, kernel, user;
	int dump = argc == 3 && !strcmp(argv[1], "dump");
	const char *path = argv[argc - 1];
	char last[256] = "";
	long before, after;

	if (argc != 2 && !dump) {
		fputs("usage: insn-mark [dump] FILE\n", stderr);
		return 2;
	}
	before = read_lines(path, NULL, 0);
	if (before < 0) {
		perror(path);
		return 1;
	}
	/* nopw disp32(%rax,%rax,1): a NOP anywhere else. */
	if (dump)
		__asm__ volatile(".byte 0x66, 0x0f, 0x1f, 0x84, 0x00, 'm', 'd', 't', 'd'");
	else
		__asm__ volatile(".byte 0x66, 0x0f, 0x1f, 0x84, 0x00, 'm', 'd', 't', 'n'");
	after = read_lines(path, last, sizeof(last));
	if (after != before + 1 ||
	    sscanf(last, "%" SCNu64 " %" SCNu64 " %" SCNu64, &mark, &kernel,
		   &user) != 3) {
		fprintf(stderr, "insn-mark: no new count in %s (is the VM run "
			"with the insn-count plugin?)\n", path);
		return 1;
	}
	printf("%" PRIu64 " %" PRIu64 "\n", kernel, user);
	return 0;
}
