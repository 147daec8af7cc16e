// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * insn-count: a QEMU TCG plugin that counts the instructions the guest
 * executes, for make bench (docs/performance.md).  Under TCG, time per
 * run moves by a third between runs of the same code; the instructions
 * a packet costs do not.
 *
 * The guest asks for a reading by executing a marker instruction (a long
 * NOP whose displacement spells "mdtn", or "mdtd"; utilities/bench/
 * insn-mark.c executes them):
 *   "mdtn"  appends "MARK KERNEL USER" to the out= file: a sequence number
 *           and the instructions executed so far in kernel and user space,
 *           all vCPUs together;
 *   "mdtd"  also appends, to the prof= file, "VADDR COUNT" for every
 *           kernel translation block executed since the previous "mdtd"
 *           (COUNT instructions), then "end": an exact instruction profile
 *           that the guest resolves with /proc/kallsyms.
 * Both files are written and flushed before the marker completes, so the
 * guest can read them (through a shared directory) right after.
 *
 * Usage: -plugin insn-count.so,out=FILE[,prof=FILE]
 *
 * GPL, unlike the rest of utilities/: it is built against QEMU's plugin
 * header and runs inside QEMU.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* x86-64: the kernel's half of the address space. */
#define KERNEL_START 0xffff800000000000ULL

#define MARKER_LEN 9
static const uint8_t marker_count[MARKER_LEN] = {
	0x66, 0x0f, 0x1f, 0x84, 0x00, 'm', 'd', 't', 'n'
};
static const uint8_t marker_dump[MARKER_LEN] = {
	0x66, 0x0f, 0x1f, 0x84, 0x00, 'm', 'd', 't', 'd'
};

/*
 * One per translation: QEMU adds 1 to @execs inline each time the block
 * runs (cheap enough to leave on for a whole bench).  Inline adds are not
 * atomic, so two vCPUs running the same block at the same instant can lose
 * a count; the bench runs its packets on one CPU.
 */
struct block {
	uint64_t vaddr;
	uint64_t execs;
	uint32_t insns;
	uint64_t dumped;	/* @execs at the last "mdtd" */
};

struct counter {
	pthread_mutex_t lock;	/* @blocks, and the output files */
	struct block **blocks;
	size_t n_blocks, cap_blocks;
	FILE *out, *prof;
	uint64_t marks;
};

static struct counter counter = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void write_totals(struct counter *c)
{
	uint64_t kernel = 0, user = 0;
	size_t i;

	for (i = 0; i < c->n_blocks; i++) {
		const struct block *b = c->blocks[i];
		uint64_t n = __atomic_load_n(&b->execs, __ATOMIC_RELAXED) *
			     b->insns;

		if (b->vaddr >= KERNEL_START)
			kernel += n;
		else
			user += n;
	}
	fprintf(c->out, "%" PRIu64 " %" PRIu64 " %" PRIu64 "\n", ++c->marks,
		kernel, user);
	fflush(c->out);
}

static void on_count(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	(void)udata;
	pthread_mutex_lock(&counter.lock);
	write_totals(&counter);
	pthread_mutex_unlock(&counter.lock);
}

static void on_dump(unsigned int vcpu, void *udata)
{
	size_t i;

	(void)vcpu;
	(void)udata;
	pthread_mutex_lock(&counter.lock);
	for (i = 0; counter.prof && i < counter.n_blocks; i++) {
		struct block *b = counter.blocks[i];
		uint64_t execs = __atomic_load_n(&b->execs, __ATOMIC_RELAXED);

		if (b->vaddr >= KERNEL_START && execs != b->dumped)
			fprintf(counter.prof, "%" PRIx64 " %" PRIu64 "\n",
				b->vaddr, (execs - b->dumped) * b->insns);
		b->dumped = execs;
	}
	if (counter.prof) {
		fputs("end\n", counter.prof);
		fflush(counter.prof);
	}
	write_totals(&counter);
	pthread_mutex_unlock(&counter.lock);
}

static bool add_block(struct counter *c, struct block *b)
{
	bool ok = true;

	pthread_mutex_lock(&c->lock);
	if (c->n_blocks == c->cap_blocks) {
		size_t cap = c->cap_blocks ? 2 * c->cap_blocks : 65536;
		struct block **blocks = realloc(c->blocks,
						cap * sizeof(*blocks));

		if (blocks) {
			c->blocks = blocks;
			c->cap_blocks = cap;
		} else {
			ok = false;
		}
	}
	if (ok)
		c->blocks[c->n_blocks++] = b;
	pthread_mutex_unlock(&c->lock);
	return ok;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);
	struct block *b = calloc(1, sizeof(*b));
	size_t i;

	(void)id;
	if (!b || !add_block(&counter, b)) {
		/* A count that silently misses blocks would be worse. */
		fputs("insn-count: out of memory\n", stderr);
		abort();
	}
	b->vaddr = qemu_plugin_tb_vaddr(tb);
	b->insns = (uint32_t)n;
	qemu_plugin_register_vcpu_tb_exec_inline(tb,
						 QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->execs, 1);
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		const void *data = qemu_plugin_insn_data(insn);

		if (qemu_plugin_insn_size(insn) != MARKER_LEN)
			continue;
		if (!memcmp(data, marker_count, MARKER_LEN))
			qemu_plugin_register_vcpu_insn_exec_cb(
				insn, on_count, QEMU_PLUGIN_CB_NO_REGS, NULL);
		else if (!memcmp(data, marker_dump, MARKER_LEN))
			qemu_plugin_register_vcpu_insn_exec_cb(
				insn, on_dump, QEMU_PLUGIN_CB_NO_REGS, NULL);
	}
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info, int argc,
					   char **argv)
{
	const char *out = NULL, *prof = NULL;
	int i;

	(void)info;
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4)) {
			out = argv[i] + 4;
		} else if (!strncmp(argv[i], "prof=", 5)) {
			prof = argv[i] + 5;
		} else {
			fprintf(stderr, "insn-count: unknown argument %s\n",
				argv[i]);
			return 1;
		}
	}
	if (!out) {
		fputs("insn-count: out=FILE is required\n", stderr);
		return 1;
	}
	counter.out = fopen(out, "w");
	if (!counter.out) {
		perror(out);
		return 1;
	}
	if (prof) {
		counter.prof = fopen(prof, "w");
		if (!counter.prof) {
			perror(prof);
			return 1;
		}
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	return 0;
}
