// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for the mdtun receive path: header parse, TLV walk and
 * metadata validation, exactly as the kernel driver calls them.  Besides
 * memory safety (ASan/UBSan), it checks invariants that a wrong bound would
 * break: every TLV lies inside the area, a valid packet re-encodes to the
 * same bytes, and the two receiver policies agree where they must.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdtun/codec.h"

/* An invariant the codec broke: say which, then abort like a sanitizer. */
#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz_codec.c:%d: CHECK(%s) failed\n", \
				__LINE__, #cond);			\
			abort();					\
		}							\
	} while (0)

static enum mdtun_status walk_tlvs(const uint8_t *md, size_t md_len)
{
	struct mdtun_tlv_iter it;
	struct mdtun_tlv tlv;
	size_t seen = 0;

	mdtun_tlv_iter_init(&it, md, md_len);
	while (mdtun_tlv_next(&it, &tlv)) {
		CHECK(tlv.data >= md + MDTUN_TLV_HDR_LEN);
		CHECK(tlv.data + tlv.len <= md + md_len);
		CHECK(tlv.len % MDTUN_MD_UNIT == 0);
		seen += MDTUN_TLV_HDR_LEN + tlv.len;
	}
	CHECK(seen <= md_len);
	CHECK(it.status != MDTUN_OK || seen == md_len);
	return it.status;
}

/* Rebuild a valid packet's header and TLVs and compare with the input. */
static void reencode(const uint8_t *pkt, const struct mdtun_hdr *hdr)
{
	const uint8_t *md = pkt + MDTUN_HDR_LEN;
	uint8_t out[MDTUN_HDR_LEN + MDTUN_MD_MAX_LEN];
	size_t out_len = 0;
	struct mdtun_tlv_iter it;
	struct mdtun_tlv tlv;
	size_t i;

	CHECK(mdtun_hdr_build(out, sizeof(out), hdr) == MDTUN_OK);
	/* Reserved bits are not reproduced: compare the defined ones. */
	CHECK((out[0] & 0xfc) == (pkt[0] & 0xfc));
	CHECK(memcmp(out + 1, pkt + 1, 6) == 0);

	mdtun_tlv_iter_init(&it, md, hdr->md_len);
	while (mdtun_tlv_next(&it, &tlv))
		CHECK(mdtun_tlv_put(out + MDTUN_HDR_LEN,
				    sizeof(out) - MDTUN_HDR_LEN, &out_len,
				    tlv.opt_class, tlv.type, tlv.data,
				    tlv.len) == MDTUN_OK);
	CHECK(it.status == MDTUN_OK && out_len == hdr->md_len);
	for (i = 0; i < out_len; i += 0) {
		size_t data_len = (size_t)(md[i + 3] & 0x1f) * MDTUN_MD_UNIT;

		CHECK(memcmp(out + MDTUN_HDR_LEN + i, md + i, 3) == 0);
		CHECK((out[MDTUN_HDR_LEN + i + 3] & 0x1f) == (md[i + 3] & 0x1f));
		CHECK(memcmp(out + MDTUN_HDR_LEN + i + 4, md + i + 4,
			     data_len) == 0);
		i += MDTUN_TLV_HDR_LEN + data_len;
	}
}

/* Decoded well-known fields must survive encode + decode unchanged. */
static void wk_round_trip(const struct mdtun_wk_fields *wk)
{
	uint8_t buf[MDTUN_MD_MAX_LEN];
	struct mdtun_wk_fields again;
	size_t len = 0;
	uint8_t type;

	if (mdtun_wk_put_fields(buf, sizeof(buf), &len, wk, ~0u) != MDTUN_OK)
		return;	/* may not fit: 20 fields are 8 bytes or more each */
	CHECK(mdtun_md_validate(buf, len, 0, 0, &again) == MDTUN_OK);
	CHECK(again.present == wk->present);
	for (type = 0; type <= MDTUN_WK_REG15; type++)
		CHECK(mdtun_wk_get(&again, type) == mdtun_wk_get(wk, type));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mdtun_wk_fields wk, wk_strict;
	enum mdtun_status st, strict, walked;
	struct mdtun_hdr hdr;
	struct mdtun_tlv tlv;

	st = mdtun_hdr_parse(data, size, &hdr);
	CHECK(mdtun_status_name(st) != NULL);
	if (size > MDTUN_HDR_LEN)
		walk_tlvs(data + MDTUN_HDR_LEN, size - MDTUN_HDR_LEN);
	if (st != MDTUN_OK)
		return 0;

	CHECK(hdr.md_len <= MDTUN_MD_MAX_LEN);
	CHECK(MDTUN_HDR_LEN + (size_t)hdr.md_len <= size);
	walked = walk_tlvs(data + MDTUN_HDR_LEN, hdr.md_len);

	st = mdtun_md_validate(data + MDTUN_HDR_LEN, hdr.md_len, hdr.flags,
			       MDTUN_POLICY_PASS_FOREIGN, &wk);
	/* Validation walks the area itself: a malformed area is malformed
	 * to both walks, and an area it accepts is well formed to the
	 * iterator.
	 */
	if (st == MDTUN_ERR_TLV_TRUNCATED || st == MDTUN_ERR_TLV_OVERRUN)
		CHECK(walked == st);
	if (st == MDTUN_OK)
		CHECK(walked == MDTUN_OK);
	strict = mdtun_md_validate(data + MDTUN_HDR_LEN, hdr.md_len,
				   hdr.flags, 0, &wk_strict);
	/* Validation's verdicts; crit_not_applied is the receiver's, later. */
	CHECK(st >= MDTUN_OK && st <= MDTUN_STATUS_LAST_RX_DROP &&
	      st != MDTUN_ERR_CRIT_NOT_APPLIED);
	/* The strict policy only ever refuses more, never less. */
	CHECK(strict == st || strict == MDTUN_ERR_CRIT_UNKNOWN);
	if (st != MDTUN_OK)
		return 0;

	reencode(data, &hdr);
	wk_round_trip(&wk);
	if (wk.present & MDTUN_WK_BIT(MDTUN_WK_MARK)) {
		CHECK(mdtun_tlv_find(data + MDTUN_HDR_LEN, hdr.md_len,
				     MDTUN_OPT_CLASS, MDTUN_WK_MARK,
				     &tlv) == MDTUN_OK);
		CHECK(tlv.len == 4);
	}
	CHECK(!mdtun_md_has_critical(data + MDTUN_HDR_LEN, hdr.md_len) ||
	      (hdr.flags & MDTUN_F_CRIT));
	/* The validating walk sees the same critical bits as the lone one. */
	CHECK(wk.has_critical ==
	      mdtun_md_has_critical(data + MDTUN_HDR_LEN, hdr.md_len));
	/* Critical fields are among those present; applying them all passes,
	 * applying none fails exactly when one is critical.
	 */
	CHECK((wk.critical & ~wk.present) == 0);
	CHECK(mdtun_wk_check_applied(&wk, wk.present) == MDTUN_OK);
	CHECK(mdtun_wk_check_applied(&wk, 0) ==
	      (wk.critical ? MDTUN_ERR_CRIT_NOT_APPLIED : MDTUN_OK));
	return 0;
}
