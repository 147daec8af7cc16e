// SPDX-License-Identifier: Apache-2.0
/*
 * The codec benchmarks' per-packet cases: see codec_cases.h.  bench_build()
 * and bench_parse() follow mdtun_plan_txhdr() + mdtun_write_txhdr() and
 * mdtun_udp_encap_recv() in datapath/mdtun_main.c call for call; keep them
 * in step when those change.
 */
#include "codec_cases.h"

#include <string.h>

#define BENCH_OPT_CLASS 0x0102	/* a foreign class: not MDTUN_OPT_CLASS */
/* What one carried 4-byte field adds to the area: TLV header and value. */
#define BENCH_CARRIED_LEN (MDTUN_TLV_HDR_LEN + 4)

static const struct {
	const char *name;
	int n_opts;		/* 4-byte options of BENCH_OPT_CLASS */
	int n_long;		/* then 8-byte ones */
	unsigned int carry;
	size_t wire_len;	/* header + area, by hand */
} bench_specs[BENCH_N_CASES] = {
	[BENCH_0_TLV] = { "0_tlv", 0, 0, 0, 8 },
	[BENCH_4_TLV] = { "4_tlv", 4, 0, 0, 8 + 4 * 8 },
	[BENCH_16_TLV] = { "16_tlv", 16, 0, 0, 8 + 16 * 8 },
	[BENCH_CARRY] = { "carry_mark_priority", 0, 0,
			  BENCH_CARRY_MARK | BENCH_CARRY_PRIORITY, 8 + 2 * 8 },
	[BENCH_FULL_252] = { "full_252", 30, 1, 0, 8 + 30 * 8 + 12 },
};

int bench_case_init(struct bench_case *c, enum bench_case_id id)
{
	static const mdtun_u8 data[8] = { 0, 0, 0x12, 0x34, 0, 0, 0x56, 0x78 };
	struct mdtun_hdr hdr;
	int i, len;

	if ((unsigned int)id >= BENCH_N_CASES)
		return -1;
	memset(c, 0, sizeof(*c));
	c->name = bench_specs[id].name;
	c->carry = bench_specs[id].carry;
	c->mark = 0x55;
	c->priority = 3;
	c->vni = 42;
	for (i = 0; i < bench_specs[id].n_opts + bench_specs[id].n_long; i++) {
		size_t dlen = i < bench_specs[id].n_opts ? 4 : 8;

		if (mdtun_tlv_put(c->opts, sizeof(c->opts), &c->opts_len,
				  BENCH_OPT_CLASS, (mdtun_u8)(i & 0x7f), data,
				  dlen) != MDTUN_OK)
			return -1;
	}

	/* The packet received is the one sent, then the inner frame. */
	len = bench_build(c, c->pkt);
	if (len < 0 || (size_t)len != bench_specs[id].wire_len)
		return -1;
	c->wire_len = (size_t)len;
	memset(c->pkt + len, 0xab, BENCH_PAYLOAD_LEN);
	c->pkt_len = c->wire_len + BENCH_PAYLOAD_LEN;
	if (mdtun_hdr_parse(c->pkt, c->pkt_len, &hdr) != MDTUN_OK ||
	    MDTUN_HDR_LEN + (size_t)hdr.md_len != c->wire_len)
		return -1;
	return bench_parse(c, NULL) == MDTUN_OK ? 0 : -1;
}

int bench_build(const struct bench_case *c, mdtun_u8 *out)
{
	mdtun_u8 *md = out + MDTUN_HDR_LEN;
	unsigned int add = c->carry;
	struct mdtun_wk_fields wk;
	struct mdtun_hdr hdr;
	size_t md_len = 0;

	/* mdtun_plan_txhdr(): one validating walk, none without options. */
	hdr.flags = 0;
	hdr.vni = c->vni;
	if (c->opts_len) {
		if (mdtun_md_validate(c->opts, c->opts_len, MDTUN_F_CRIT,
				      MDTUN_POLICY_PASS_FOREIGN, &wk) != MDTUN_OK)
			return -1;
		if (wk.has_critical)
			hdr.flags |= MDTUN_F_CRIT;
		if (wk.present & MDTUN_WK_BIT(MDTUN_WK_MARK))
			add &= ~BENCH_CARRY_MARK;
		if (wk.present & MDTUN_WK_BIT(MDTUN_WK_PRIORITY))
			add &= ~BENCH_CARRY_PRIORITY;
	}
	hdr.protocol = MDTUN_PROTO_ETH;
	hdr.md_len = (mdtun_u16)(c->opts_len +
				 (add & BENCH_CARRY_MARK ? BENCH_CARRIED_LEN : 0) +
				 (add & BENCH_CARRY_PRIORITY ? BENCH_CARRIED_LEN : 0));
	if (hdr.md_len > MDTUN_MD_MAX_LEN)
		return -1;

	/* mdtun_write_txhdr(): in place, where the skb has room. */
	if (mdtun_hdr_build(out, MDTUN_HDR_LEN, &hdr) != MDTUN_OK)
		return -1;
	if (c->opts_len) {
		memcpy(md, c->opts, c->opts_len);
		md_len = c->opts_len;
	}
	if ((add & BENCH_CARRY_MARK) &&
	    mdtun_wk_put(md, hdr.md_len, &md_len, MDTUN_WK_MARK,
			 c->mark) != MDTUN_OK)
		return -1;
	if ((add & BENCH_CARRY_PRIORITY) &&
	    mdtun_wk_put(md, hdr.md_len, &md_len, MDTUN_WK_PRIORITY,
			 c->priority) != MDTUN_OK)
		return -1;
	return (int)(MDTUN_HDR_LEN + md_len);
}

int bench_parse(const struct bench_case *c, mdtun_u8 *out)
{
	struct mdtun_wk_fields wk;
	enum mdtun_status st;
	struct mdtun_hdr hdr;

	(void)out;
	st = mdtun_hdr_parse(c->pkt, c->pkt_len, &hdr);
	if (st != MDTUN_OK)
		return st;
	return mdtun_md_validate(c->pkt + MDTUN_HDR_LEN, hdr.md_len, hdr.flags,
				 MDTUN_POLICY_PASS_FOREIGN, &wk);
}

int bench_copy(const struct bench_case *c, mdtun_u8 *out)
{
	memcpy(out, c->pkt, c->wire_len);
	return 0;
}

int bench_nothing(const struct bench_case *c, mdtun_u8 *out)
{
	(void)c;
	(void)out;
	return 0;
}
