// SPDX-License-Identifier: Apache-2.0
/*
 * Generator of tests/data/mdtun-vectors.txt, the shared wire test vectors.
 *
 * The vector file is committed as data and read by the unit tests, the
 * fuzzer seed corpus, the kernel tests and the Wireshark dissector test;
 * this program is kept next to it so that the file can be regenerated and
 * so that each malformed vector's construction is written down.  It is
 * built by `make check`, which confirms the committed file is exactly its
 * output.  Regenerate with `make regen-vectors`.
 *
 * Valid packets are built with the codec's own encoder; malformed ones are
 * built the same way and then patched, since the encoder refuses to write
 * them.  Every vector states the verdict it was designed for, and the
 * program fails (exit 1, nothing useful on stdout) if the codec's verdict
 * differs: the file never records a verdict nobody intended.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdtun/codec.h"

#define PKT_MAX 1024
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct vec {
	uint8_t buf[PKT_MAX];
	size_t len;			/* whole UDP payload */
	uint8_t md[MDTUN_MD_MAX_LEN];
	size_t md_len;			/* metadata area being built */
};

static int failures;

static void die(const char *what)
{
	fprintf(stderr, "gen-vectors: %s\n", what);
	exit(1);
}

static void must(enum mdtun_status st, const char *what)
{
	if (st != MDTUN_OK) {
		fprintf(stderr, "gen-vectors: %s: %s\n", what,
			mdtun_status_name(st));
		exit(1);
	}
}

/* ---- Inner frame ----------------------------------------------------- */

static uint16_t ip_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * The inner frame of the specification's worked example, reused by most
 * vectors: Ethernet (documentation MACs, RFC 7042) carrying an ICMP echo
 * request 192.0.2.1 -> 192.0.2.2, id 1, seq 1, no data.  42 bytes.
 */
static size_t inner_frame(uint8_t *p)
{
	static const uint8_t eth[14] = {
		0x00, 0x00, 0x5e, 0x00, 0x53, 0x02,	/* dst */
		0x00, 0x00, 0x5e, 0x00, 0x53, 0x01,	/* src */
		0x08, 0x00,				/* IPv4 */
	};
	static const uint8_t ip[20] = {
		0x45, 0x00, 0x00, 0x1c,		/* v4, IHL 5, total 28 */
		0x00, 0x01, 0x00, 0x00,		/* id 1, no frag */
		0x40, 0x01, 0x00, 0x00,		/* TTL 64, ICMP, csum */
		192, 0, 2, 1,
		192, 0, 2, 2,
	};
	static const uint8_t icmp[8] = {
		0x08, 0x00, 0x00, 0x00,		/* echo request, csum */
		0x00, 0x01, 0x00, 0x01,		/* id 1, seq 1 */
	};
	uint16_t c;

	memcpy(p, eth, sizeof(eth));
	memcpy(p + 14, ip, sizeof(ip));
	memcpy(p + 34, icmp, sizeof(icmp));
	c = ip_csum(p + 14, 20);
	p[24] = (uint8_t)(c >> 8);
	p[25] = (uint8_t)c;
	c = ip_csum(p + 34, 8);
	p[36] = (uint8_t)(c >> 8);
	p[37] = (uint8_t)c;
	return 42;
}

/* ---- Building -------------------------------------------------------- */

static void start(struct vec *v)
{
	memset(v, 0, sizeof(*v));
}

static void tlv(struct vec *v, uint16_t opt_class, uint8_t type,
		const uint8_t *data, size_t data_len)
{
	must(mdtun_tlv_put(v->md, sizeof(v->md), &v->md_len, opt_class, type,
			   data, data_len), "tlv_put");
}

/* A TLV whose data is @data_len bytes counting up from @seed. */
static void tlv_fill(struct vec *v, uint16_t opt_class, uint8_t type,
		     size_t data_len, uint8_t seed)
{
	uint8_t data[MDTUN_TLV_MAX_DATA_LEN];
	size_t i;

	for (i = 0; i < data_len; i++)
		data[i] = (uint8_t)(seed + i);
	tlv(v, opt_class, type, data, data_len);
}

static void wk(struct vec *v, uint8_t type, uint64_t value)
{
	must(mdtun_wk_put(v->md, sizeof(v->md), &v->md_len, type, value),
	     "wk_put");
}

/* Header for the area built so far, the area, then the inner frame. */
static void finish(struct vec *v, uint8_t flags, uint32_t vni, int inner)
{
	struct mdtun_hdr hdr = {
		.flags = flags,
		.protocol = MDTUN_PROTO_ETH,
		.vni = vni,
		.md_len = (uint16_t)v->md_len,
	};

	must(mdtun_hdr_build(v->buf, sizeof(v->buf), &hdr), "hdr_build");
	memcpy(v->buf + MDTUN_HDR_LEN, v->md, v->md_len);
	v->len = MDTUN_HDR_LEN + v->md_len;
	if (inner)
		v->len += inner_frame(v->buf + v->len);
}

/* ---- Output ---------------------------------------------------------- */

static enum mdtun_status verdict(const struct vec *v)
{
	struct mdtun_wk_fields wkf;
	struct mdtun_hdr hdr;
	enum mdtun_status st;

	st = mdtun_hdr_parse(v->buf, v->len, &hdr);
	if (st == MDTUN_OK)
		st = mdtun_md_validate(v->buf + MDTUN_HDR_LEN, hdr.md_len,
				       hdr.flags, MDTUN_POLICY_PASS_FOREIGN,
				       &wkf);
	return st;
}

static void comment(const char *fmt, ...)
{
	char line[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf(line[0] ? "# %s\n" : "#\n", line);
}

static void emit(const struct vec *v, const char *name,
		 enum mdtun_status intended)
{
	enum mdtun_status got = verdict(v);
	size_t i;

	if (strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
	    strlen(name) || !*name)
		die("bad vector name");
	if (got != intended) {
		fprintf(stderr, "gen-vectors: %s: designed for %s, codec says %s\n",
			name, mdtun_status_name(intended),
			mdtun_status_name(got));
		failures++;
	}
	printf("%s %s", name, mdtun_status_name(got));
	if (v->len) {
		printf(" ");
		for (i = 0; i < v->len; i++)
			printf("%02x", v->buf[i]);
	}
	printf("\n\n");
}

/* ---- The vectors ----------------------------------------------------- */

/* docs/protocol.md, "Worked example": keep the two in step. */
#define EX_VNI 5001u
#define EX_MARK 0x00001234u
#define EX_PRIORITY 0x00010003u		/* tc class 1:3 */
#define EX_FOREIGN_CLASS 0x0102		/* the class OVN uses */
#define EX_FOREIGN_TYPE 0x80		/* type 0x00, critical */

static void spec_example(struct vec *v)
{
	static const uint8_t foreign[4] = { 0x00, 0x01, 0x00, 0x02 };

	start(v);
	tlv(v, EX_FOREIGN_CLASS, EX_FOREIGN_TYPE, foreign, sizeof(foreign));
	wk(v, MDTUN_WK_MARK, EX_MARK);
	wk(v, MDTUN_WK_PRIORITY, EX_PRIORITY);
	finish(v, MDTUN_F_CRIT, EX_VNI, 1);
}

static void valid_vectors(void)
{
	struct vec v;
	uint8_t t;

	comment("---- Valid packets ----");
	comment("The worked example of docs/protocol.md: C flag, VNI 5001, a critical");
	comment("foreign TLV (class 0x0102 type 0x80, data 00010002), mark 0x1234,");
	comment("priority 0x10003, then an Ethernet/IPv4 ICMP echo request.");
	spec_example(&v);
	emit(&v, "spec-example", MDTUN_OK);

	comment("Smallest useful packet: no metadata, VNI 1, the example's inner frame.");
	start(&v);
	finish(&v, 0, 1, 1);
	emit(&v, "no-metadata", MDTUN_OK);

	comment("The fixed header alone (VNI 0).  The codec accepts it; the driver then");
	comment("drops it for lacking an inner Ethernet header (see docs/protocol.md).");
	start(&v);
	finish(&v, 0, 0, 0);
	emit(&v, "header-only", MDTUN_OK);

	comment("252-byte metadata (length byte 63): every well-known field (mark,");
	comment("priority, OpenFlow metadata, in_port, reg0-reg15) plus an 84-byte");
	comment("TLV of the experimental class 0xffff.");
	start(&v);
	wk(&v, MDTUN_WK_MARK, 0xffffffffu);
	wk(&v, MDTUN_WK_PRIORITY, 0x00060000u);
	wk(&v, MDTUN_WK_OF_METADATA, 0x0123456789abcdefull);
	wk(&v, MDTUN_WK_IN_PORT, 7);
	for (t = MDTUN_WK_REG0; t <= MDTUN_WK_REG15; t++)
		wk(&v, t, 0x10000u * t + t);
	tlv_fill(&v, 0xffff, 0x42, 84, 0x00);
	if (v.md_len != MDTUN_MD_MAX_LEN)
		die("max-metadata is not 252 bytes");
	finish(&v, 0, 0x000100, 1);
	emit(&v, "max-metadata", MDTUN_OK);

	comment("One TLV with the largest data (31 words = 124 bytes).");
	start(&v);
	tlv_fill(&v, 0xffff, 0x01, MDTUN_TLV_MAX_DATA_LEN, 0x80);
	finish(&v, 0, 2, 1);
	emit(&v, "max-tlv-data", MDTUN_OK);

	comment("O flag (OAM) set: valid on the wire; what a device does with it is");
	comment("the driver's choice (fixed-mode devices drop and count it).");
	start(&v);
	wk(&v, MDTUN_WK_MARK, 1);
	finish(&v, MDTUN_F_OAM, 3, 1);
	emit(&v, "oam-flag", MDTUN_OK);

	comment("O and C flags both set, critical well-known mark (type 0x81).");
	start(&v);
	wk(&v, MDTUN_WK_MARK | MDTUN_TLV_TYPE_CRIT, 2);
	finish(&v, MDTUN_F_OAM | MDTUN_F_CRIT, 3, 1);
	emit(&v, "oam-and-critical", MDTUN_OK);

	comment("Largest VNI, 0xffffff.");
	start(&v);
	finish(&v, 0, MDTUN_VNI_MAX, 1);
	emit(&v, "vni-max", MDTUN_OK);

	comment("Both reserved flag bits of byte 0 set: ignored on receipt (0x13).");
	start(&v);
	wk(&v, MDTUN_WK_PRIORITY, 7);
	finish(&v, 0, 4, 1);
	v.buf[0] |= 0x03;
	emit(&v, "reserved-flag-bits-set", MDTUN_OK);

	comment("Reserved byte 7 of the header set to 0xff: ignored on receipt.");
	start(&v);
	finish(&v, 0, 4, 1);
	v.buf[7] = 0xff;
	emit(&v, "reserved-byte-set", MDTUN_OK);

	comment("The three reserved bits above a TLV's length set (0xe1 = length 1):");
	comment("ignored on receipt, the mark still decodes.");
	start(&v);
	wk(&v, MDTUN_WK_MARK, 0x55);
	finish(&v, 0, 4, 1);
	v.buf[MDTUN_HDR_LEN + 3] |= 0xe0;
	emit(&v, "tlv-reserved-bits-set", MDTUN_OK);

	comment("C flag set but no critical TLV: allowed (a sender SHOULD NOT do it).");
	start(&v);
	wk(&v, MDTUN_WK_MARK, 3);
	finish(&v, MDTUN_F_CRIT, 5, 1);
	emit(&v, "c-flag-without-critical", MDTUN_OK);

	comment("C flag set with an empty metadata area: allowed.");
	start(&v);
	finish(&v, MDTUN_F_CRIT, 5, 1);
	emit(&v, "c-flag-no-metadata", MDTUN_OK);

	comment("Critical well-known TLVs (0x81 mark, 0x83 OpenFlow metadata) with C.");
	start(&v);
	wk(&v, MDTUN_WK_MARK | MDTUN_TLV_TYPE_CRIT, 0xdeadbeefu);
	wk(&v, MDTUN_WK_OF_METADATA | MDTUN_TLV_TYPE_CRIT, 0xfedcba9876543210ull);
	finish(&v, MDTUN_F_CRIT, 6, 1);
	emit(&v, "wk-critical", MDTUN_OK);

	comment("Unknown non-critical types of class 0xfff7 (0x00, 0x05, 0x20, 0x7f):");
	comment("skipped; being unknown they may repeat (0x20 twice).");
	start(&v);
	tlv_fill(&v, MDTUN_OPT_CLASS, 0x00, 4, 0x10);
	tlv_fill(&v, MDTUN_OPT_CLASS, 0x05, 8, 0x20);
	tlv_fill(&v, MDTUN_OPT_CLASS, 0x20, 0, 0);
	tlv_fill(&v, MDTUN_OPT_CLASS, 0x20, 4, 0x30);
	tlv_fill(&v, MDTUN_OPT_CLASS, 0x7f, 12, 0x40);
	finish(&v, 0, 7, 1);
	emit(&v, "wk-unknown-types-skipped", MDTUN_OK);

	comment("Type 0x01 of another class (0xffff) with 8 bytes: not mdtun's mark,");
	comment("so no length rule applies.");
	start(&v);
	tlv_fill(&v, 0xffff, 0x01, 8, 0x01);
	finish(&v, 0, 8, 1);
	emit(&v, "foreign-class-type-1", MDTUN_OK);

	comment("Foreign TLVs with no data, one of them critical (C set), and a repeat.");
	start(&v);
	tlv_fill(&v, 0x0101, 0x01, 0, 0);
	tlv_fill(&v, 0x0101, 0x01, 0, 0);
	tlv_fill(&v, 0xfff0, 0xc0, 0, 0);
	finish(&v, MDTUN_F_CRIT, 9, 1);
	emit(&v, "foreign-empty-tlvs", MDTUN_OK);
}

static void header_errors(void)
{
	struct vec v;

	comment("---- Header errors (mdtun_hdr_parse) ----");
	comment("Empty UDP payload: no HEX field at all.");
	start(&v);
	emit(&v, "empty", MDTUN_ERR_HDR_TRUNCATED);

	comment("One byte short of the fixed header.");
	start(&v);
	finish(&v, 0, 1, 0);
	v.len = MDTUN_HDR_LEN - 1;
	emit(&v, "hdr-truncated-7", MDTUN_ERR_HDR_TRUNCATED);

	comment("A single byte.");
	start(&v);
	finish(&v, 0, 1, 0);
	v.len = 1;
	emit(&v, "hdr-truncated-1", MDTUN_ERR_HDR_TRUNCATED);

	comment("Version 0.");
	start(&v);
	finish(&v, 0, 1, 1);
	v.buf[0] = 0x00;
	emit(&v, "bad-version-0", MDTUN_ERR_BAD_VERSION);

	comment("Version 2 (a future version).");
	start(&v);
	finish(&v, 0, 1, 1);
	v.buf[0] = 0x20;
	emit(&v, "bad-version-2", MDTUN_ERR_BAD_VERSION);

	comment("Version 15 with every flag bit set.");
	start(&v);
	finish(&v, 0, 1, 1);
	v.buf[0] = 0xff;
	emit(&v, "bad-version-15", MDTUN_ERR_BAD_VERSION);

	comment("Version checked first: version 2 AND protocol 0x0800 AND length 64.");
	start(&v);
	finish(&v, 0, 1, 0);
	v.buf[0] = 0x20;
	v.buf[1] = 64;
	v.buf[2] = 0x08;
	v.buf[3] = 0x00;
	emit(&v, "bad-version-checked-first", MDTUN_ERR_BAD_VERSION);

	comment("Payload protocol 0x0800 (IPv4): not defined for version 1.");
	start(&v);
	finish(&v, 0, 1, 1);
	v.buf[2] = 0x08;
	v.buf[3] = 0x00;
	emit(&v, "bad-protocol-ipv4", MDTUN_ERR_BAD_PROTOCOL);

	comment("Protocol 0x0000.");
	start(&v);
	finish(&v, 0, 1, 1);
	v.buf[2] = 0x00;
	v.buf[3] = 0x00;
	emit(&v, "bad-protocol-zero", MDTUN_ERR_BAD_PROTOCOL);

	comment("Protocol checked before length: 0x86dd with length byte 64.");
	start(&v);
	finish(&v, 0, 1, 0);
	v.buf[1] = 64;
	v.buf[2] = 0x86;
	v.buf[3] = 0xdd;
	emit(&v, "bad-protocol-checked-before-length", MDTUN_ERR_BAD_PROTOCOL);

	comment("Length byte 64 (256 bytes) with 256 bytes present: over the maximum.");
	start(&v);
	finish(&v, 0, 1, 0);
	v.buf[1] = 64;
	memset(v.buf + MDTUN_HDR_LEN, 0, 256);
	v.len = MDTUN_HDR_LEN + 256;
	emit(&v, "md-too-long-64", MDTUN_ERR_MD_TOO_LONG);

	comment("Length byte 255, header only: too long is reported before truncated.");
	start(&v);
	finish(&v, 0, 1, 0);
	v.buf[1] = 255;
	emit(&v, "md-too-long-255", MDTUN_ERR_MD_TOO_LONG);

	comment("Length byte 1 and nothing after the header.");
	start(&v);
	finish(&v, 0, 1, 0);
	v.buf[1] = 1;
	emit(&v, "md-truncated-header-only", MDTUN_ERR_MD_TRUNCATED);

	comment("Mark and priority (16 bytes) cut to 12: last word missing.");
	start(&v);
	wk(&v, MDTUN_WK_MARK, 1);
	wk(&v, MDTUN_WK_PRIORITY, 2);
	finish(&v, 0, 1, 0);
	v.len -= 4;
	emit(&v, "md-truncated-by-4", MDTUN_ERR_MD_TRUNCATED);

	comment("Length byte 63 with 248 bytes present.");
	start(&v);
	finish(&v, 0, 1, 0);
	v.buf[1] = 63;
	v.len = MDTUN_HDR_LEN + 248;
	emit(&v, "md-truncated-63", MDTUN_ERR_MD_TRUNCATED);
}

static void tlv_errors(void)
{
	struct vec v;

	comment("---- Metadata errors (mdtun_md_validate, collect-metadata policy) ----");
	comment("No vector can give tlv_truncated: a length taken from the header is a");
	comment("multiple of 4 and so is every TLV, so a TLV header is never cut.  The");
	comment("code exists for areas of other origin (see docs/protocol.md).");
	comment("");
	comment("A lone TLV header claiming 31 words of data in a 1-word area.");
	start(&v);
	tlv_fill(&v, 0xffff, 0x01, 0, 0);
	finish(&v, 0, 1, 1);
	v.buf[MDTUN_HDR_LEN + 3] = 31;
	emit(&v, "tlv-overrun-31", MDTUN_ERR_TLV_OVERRUN);

	comment("Area of 2 words; its TLV claims 2 words of data (needs 3).  The");
	comment("inner frame follows, so the bytes exist but are not metadata.");
	start(&v);
	wk(&v, MDTUN_WK_MARK, 0x0a0b0c0d);
	finish(&v, 0, 1, 1);
	v.buf[MDTUN_HDR_LEN + 3] = 2;
	emit(&v, "tlv-overrun-into-payload", MDTUN_ERR_TLV_OVERRUN);

	comment("A valid mark, then a TLV overrunning the area's end.");
	start(&v);
	wk(&v, MDTUN_WK_MARK, 1);
	tlv_fill(&v, 0xffff, 0x01, 4, 0);
	finish(&v, 0, 1, 1);
	v.buf[MDTUN_HDR_LEN + 8 + 3] = 2;
	emit(&v, "tlv-overrun-second", MDTUN_ERR_TLV_OVERRUN);

	comment("Critical type 0x85 (reserved) in class 0xfff7, C set.");
	start(&v);
	tlv_fill(&v, MDTUN_OPT_CLASS, 0x85, 4, 0);
	finish(&v, MDTUN_F_CRIT, 1, 1);
	emit(&v, "crit-unknown-reserved-type", MDTUN_ERR_CRIT_UNKNOWN);

	comment("Critical type 0x80 (type 0, not defined) in class 0xfff7, C set.");
	start(&v);
	tlv_fill(&v, MDTUN_OPT_CLASS, 0x80, 0, 0);
	finish(&v, MDTUN_F_CRIT, 1, 1);
	emit(&v, "crit-unknown-type-0", MDTUN_ERR_CRIT_UNKNOWN);

	comment("Critical type 0xff (0x7f) in class 0xfff7 after a valid mark.");
	start(&v);
	wk(&v, MDTUN_WK_MARK, 9);
	tlv_fill(&v, MDTUN_OPT_CLASS, 0xff, 8, 0);
	finish(&v, MDTUN_F_CRIT, 1, 1);
	emit(&v, "crit-unknown-type-7f", MDTUN_ERR_CRIT_UNKNOWN);

	comment("The worked example's critical foreign TLV with C clear.");
	spec_example(&v);
	v.buf[0] &= (uint8_t)~MDTUN_F_CRIT;
	emit(&v, "crit-flag-foreign", MDTUN_ERR_CRIT_FLAG);

	comment("Critical well-known mark (0x81) with C clear.");
	start(&v);
	wk(&v, MDTUN_WK_MARK | MDTUN_TLV_TYPE_CRIT, 1);
	finish(&v, 0, 1, 1);
	emit(&v, "crit-flag-wk", MDTUN_ERR_CRIT_FLAG);

	comment("C clear, critical first TLV, overrunning second: TLVs are judged in");
	comment("order, so the first one's crit_flag wins.");
	start(&v);
	tlv_fill(&v, 0xffff, 0x80, 4, 0);
	tlv_fill(&v, 0xffff, 0x01, 4, 0);
	finish(&v, 0, 1, 1);
	v.buf[MDTUN_HDR_LEN + 8 + 3] = 5;
	emit(&v, "crit-flag-before-overrun", MDTUN_ERR_CRIT_FLAG);

	comment("C clear and a critical reserved type: crit_flag is checked first.");
	start(&v);
	tlv_fill(&v, MDTUN_OPT_CLASS, 0x85, 4, 0);
	finish(&v, 0, 1, 1);
	emit(&v, "crit-flag-before-unknown", MDTUN_ERR_CRIT_FLAG);

	comment("Mark with 8 bytes of data.");
	start(&v);
	tlv_fill(&v, MDTUN_OPT_CLASS, MDTUN_WK_MARK, 8, 1);
	finish(&v, 0, 1, 1);
	emit(&v, "wk-bad-len-mark-8", MDTUN_ERR_WK_BAD_LEN);

	comment("Priority with no data.");
	start(&v);
	tlv_fill(&v, MDTUN_OPT_CLASS, MDTUN_WK_PRIORITY, 0, 0);
	finish(&v, 0, 1, 1);
	emit(&v, "wk-bad-len-priority-0", MDTUN_ERR_WK_BAD_LEN);

	comment("OpenFlow metadata with 4 bytes.");
	start(&v);
	tlv_fill(&v, MDTUN_OPT_CLASS, MDTUN_WK_OF_METADATA, 4, 1);
	finish(&v, 0, 1, 1);
	emit(&v, "wk-bad-len-of-metadata-4", MDTUN_ERR_WK_BAD_LEN);

	comment("Critical reg15 (0x9f) with 8 bytes, C set.");
	start(&v);
	tlv_fill(&v, MDTUN_OPT_CLASS, MDTUN_WK_REG15 | MDTUN_TLV_TYPE_CRIT, 8, 1);
	finish(&v, MDTUN_F_CRIT, 1, 1);
	emit(&v, "wk-bad-len-reg15-8", MDTUN_ERR_WK_BAD_LEN);

	comment("Mark twice.");
	start(&v);
	wk(&v, MDTUN_WK_MARK, 1);
	wk(&v, MDTUN_WK_MARK, 2);
	finish(&v, 0, 1, 1);
	emit(&v, "wk-duplicate-mark", MDTUN_ERR_WK_DUPLICATE);

	comment("Priority, then its critical variant (0x82): the same field twice.");
	start(&v);
	wk(&v, MDTUN_WK_PRIORITY, 1);
	wk(&v, MDTUN_WK_PRIORITY | MDTUN_TLV_TYPE_CRIT, 1);
	finish(&v, MDTUN_F_CRIT, 1, 1);
	emit(&v, "wk-duplicate-critical-variant", MDTUN_ERR_WK_DUPLICATE);

	comment("reg3 twice with a foreign TLV between them.");
	start(&v);
	wk(&v, MDTUN_WK_REG0 + 3, 1);
	tlv_fill(&v, 0x0102, 0x01, 4, 0);
	wk(&v, MDTUN_WK_REG0 + 3, 1);
	finish(&v, 0, 1, 1);
	emit(&v, "wk-duplicate-reg3", MDTUN_ERR_WK_DUPLICATE);

	comment("Mark, then a mark of the wrong size: the length rule is checked first.");
	start(&v);
	wk(&v, MDTUN_WK_MARK, 1);
	tlv_fill(&v, MDTUN_OPT_CLASS, MDTUN_WK_MARK, 8, 0);
	finish(&v, 0, 1, 1);
	emit(&v, "wk-bad-len-before-duplicate", MDTUN_ERR_WK_BAD_LEN);
}

static const char *const file_header[] = {
	"mdtun wire test vectors: shared by the unit tests (tests/unit), the",
	"fuzzer's seed corpus (tests/fuzz/make-corpus.sh), the kernel tests and",
	"the Wireshark dissector test (tests/dissector/run.sh).",
	"",
	"Generated by tests/data/gen-vectors.c from the codec; do not edit by hand",
	"(regenerate: see that file).",
	"",
	"Format:",
	"  - Lines starting with '#' are comments; empty lines are ignored.",
	"  - Every other line is one vector: NAME EXPECT HEX, separated by one",
	"    space.",
	"  - NAME matches [a-z0-9-]+ and is unique in the file.",
	"  - HEX is the whole UDP payload (mdtun header, metadata area, inner",
	"    frame) as contiguous lowercase hex digits.  An empty payload has no",
	"    HEX field: the line is just NAME EXPECT.",
	"  - EXPECT is mdtun_status_name() of the receive verdict: the result of",
	"      mdtun_hdr_parse(payload, len, &hdr)",
	"    and, if that is MDTUN_OK, of",
	"      mdtun_md_validate(payload + 8, hdr.md_len, hdr.flags,",
	"                        MDTUN_POLICY_PASS_FOREIGN, &wk)",
	"    (the collect-metadata receiver policy).  \"ok\" means the codec",
	"    accepts the packet; any other value is the drop counter it names.",
	"  - Names containing \"reserved\" have reserved bits set on purpose and so",
	"    do not re-encode to identical bytes.",
	"",
	"Most vectors carry the worked example's 42-byte inner frame (Ethernet,",
	"IPv4 192.0.2.1 -> 192.0.2.2, ICMP echo request); the codec does not look",
	"at it.",
};

int main(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(file_header); i++)
		comment("%s", file_header[i]);
	printf("\n");
	valid_vectors();
	header_errors();
	tlv_errors();
	if (failures) {
		fprintf(stderr, "gen-vectors: %d vector(s) not as designed\n",
			failures);
		return 1;
	}
	return 0;
}
