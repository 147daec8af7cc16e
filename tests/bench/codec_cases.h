/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The codec's work per packet on each path, done the way the kernel driver
 * does it (datapath/mdtun_main.c), for the two codec benchmarks:
 * codec_bench.cc times it with Google Benchmark, codec_callgrind.c counts
 * its instructions under callgrind.  The cases live in their own
 * translation unit so that neither benchmark can inline or fold them.
 *
 * Every function below has the same signature, so that the instruction
 * count of an empty call (bench_nothing) can be subtracted from each.
 */
#ifndef MDTUN_BENCH_CODEC_CASES_H
#define MDTUN_BENCH_CODEC_CASES_H

#include "mdtun/codec.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BENCH_PAYLOAD_LEN 64
#define BENCH_WIRE_MAX (MDTUN_HDR_LEN + MDTUN_MD_MAX_LEN)
#define BENCH_PKT_MAX (BENCH_WIRE_MAX + BENCH_PAYLOAD_LEN)

/* What the sender carries (struct mdtun_params' carry bits). */
#define BENCH_CARRY_MARK 0x1
#define BENCH_CARRY_PRIORITY 0x2

struct bench_case {
	const char *name;		/* "0_tlv", "4_tlv", ... */
	/* Transmit input: options as tc or OVS hand them over (collect-md). */
	mdtun_u8 opts[MDTUN_MD_MAX_LEN];
	size_t opts_len;
	unsigned int carry;		/* BENCH_CARRY_* */
	mdtun_u32 mark;
	mdtun_u32 priority;
	mdtun_u32 vni;
	/*
	 * Receive input: the UDP payload (header, area, BENCH_PAYLOAD_LEN
	 * bytes of inner frame), which is what bench_build() writes followed
	 * by the payload; wire_len is header + area, the bytes the memcpy
	 * peer copies.
	 */
	mdtun_u8 pkt[BENCH_PKT_MAX];
	size_t pkt_len;
	size_t wire_len;
};

/*
 * The cases of the codec rows: 0, 4 and 16 four-byte options of a foreign
 * class, the carried mark and priority (a fixed device, no options), and
 * the full 252-byte area (31 options).
 */
enum bench_case_id {
	BENCH_0_TLV,
	BENCH_4_TLV,
	BENCH_16_TLV,
	BENCH_CARRY,
	BENCH_FULL_252,
	BENCH_N_CASES
};

/*
 * Fill in case @id; returns 0, or -1 when the codec refused its input or
 * the header and area are not the hand-computed length (8 bytes, plus 8 per
 * 4-byte option, 24 with mark and priority, 260 for the full area).
 */
int bench_case_init(struct bench_case *c, enum bench_case_id id);

/*
 * Transmit: what mdtun_plan_txhdr() and mdtun_write_txhdr() do per packet:
 * validate the options in one walk that also yields the C flag (no walk
 * without options), then write the header, copy the options and append
 * the carried fields they lack.  Writes header and area to @out
 * (BENCH_WIRE_MAX bytes, where the kernel writes into the skb) and returns
 * their length, or -1.  The memcpy peer copies the same bytes.
 */
int bench_build(const struct bench_case *c, mdtun_u8 *out);

/*
 * Receive: the codec's part of mdtun_udp_encap_recv(): parse the header of
 * c->pkt, then validate its area as a collect-metadata receiver does,
 * decoding the well-known fields.  Returns 0, or the mdtun_status.
 */
int bench_parse(const struct bench_case *c, mdtun_u8 *out);

/* The peer: memcpy of header + area (c->wire_len bytes of c->pkt). */
int bench_copy(const struct bench_case *c, mdtun_u8 *out);

/* Does nothing: the cost of the call itself and the loop around it. */
int bench_nothing(const struct bench_case *c, mdtun_u8 *out);

#ifdef __cplusplus
}
#endif

#endif /* MDTUN_BENCH_CODEC_CASES_H */
