/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * mdtun wire format and codec.
 *
 * This header and codec.c are the only description of the mdtun wire
 * format in code.  They are compiled unchanged into the kernel driver
 * (datapath/), the vswitchd plugin, mdtun-ctl, the fuzzer and the unit
 * tests, so they use neither libc (beyond the freestanding <stdint.h>,
 * <stddef.h> and <stdbool.h> types) nor allocation nor VLAs, and every
 * multi-byte field is read and written byte by byte in network order so
 * that no alignment or host byte order assumption is made.
 *
 * docs/protocol.md is the specification; the names below follow it.
 */
#ifndef MDTUN_CODEC_H
#define MDTUN_CODEC_H

#ifdef __KERNEL__
#include <linux/types.h>
typedef u8 mdtun_u8;
typedef u16 mdtun_u16;
typedef u32 mdtun_u32;
typedef u64 mdtun_u64;
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
typedef uint8_t mdtun_u8;
typedef uint16_t mdtun_u16;
typedef uint32_t mdtun_u32;
typedef uint64_t mdtun_u64;
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Encapsulation ---------------------------------------------------- */

/* Default UDP destination port (not in IANA's registry nor /etc/services). */
#define MDTUN_UDP_PORT 7081

#define MDTUN_VERSION 1			/* the only version defined so far */
#define MDTUN_HDR_LEN 8			/* fixed header, before the TLVs */
#define MDTUN_MD_UNIT 4			/* metadata length is in 4-byte words */
#define MDTUN_MD_MAX_WORDS 63
/*
 * 252 bytes: the most that fits both the kernel's ip_tunnel_info options
 * (u8 options_len) and OVS's tun_metadata space (256 bytes), so a packet
 * that arrives can always be handed to either whole.
 */
#define MDTUN_MD_MAX_LEN (MDTUN_MD_MAX_WORDS * MDTUN_MD_UNIT)
#define MDTUN_VNI_MAX 0xffffffu

/* Header flags (byte 0, low nibble).  Other bits: zero on send, ignored. */
#define MDTUN_F_OAM 0x08		/* O: control packet, not for delivery */
#define MDTUN_F_CRIT 0x04		/* C: a critical TLV is present */
#define MDTUN_F_KNOWN (MDTUN_F_OAM | MDTUN_F_CRIT)

/* Payload protocols (EtherType values). */
#define MDTUN_PROTO_ETH 0x6558		/* Transparent Ethernet Bridging */

/* ---- TLVs (Geneve option encoding) ------------------------------------ */

#define MDTUN_TLV_HDR_LEN 4
#define MDTUN_TLV_MAX_DATA_LEN (31 * MDTUN_MD_UNIT)	/* 5-bit length */
#define MDTUN_TLV_TYPE_CRIT 0x80	/* top bit of the type octet */

/*
 * Option class for mdtun's own well-known TLVs.  It lies in the range the
 * Geneve option class registry keeps for experimental use (0xfff0-0xffff),
 * avoiding 0xffff, which OVS examples and tests use freely.
 */
#define MDTUN_OPT_CLASS 0xfff7

/*
 * Well-known TLV types in MDTUN_OPT_CLASS (without the critical bit).
 * Each value is a fixed-length big-endian integer.  Types 0x00, 0x05-0x0f
 * and 0x20-0x7f are reserved for future fields.
 */
enum mdtun_wk_type {
	MDTUN_WK_MARK = 0x01,		/* skb->mark, 4 bytes */
	MDTUN_WK_PRIORITY = 0x02,	/* skb->priority, 4 bytes */
	MDTUN_WK_OF_METADATA = 0x03,	/* OpenFlow metadata, 8 bytes */
	MDTUN_WK_IN_PORT = 0x04,	/* sender's ingress port, 4 bytes */
	MDTUN_WK_REG0 = 0x10,		/* OpenFlow reg0..reg15, 4 bytes each */
	MDTUN_WK_REG15 = 0x1f,
};

#define MDTUN_WK_NREGS 16

#define MDTUN_WK_BIT(type) (1u << (type))

/*
 * The OpenFlow pipeline's fields: a collect-metadata receiver hands them
 * to its consumer (Open vSwitch) with the rest of the metadata; a
 * fixed-mode receiver has no pipeline to apply them to.
 */
#define MDTUN_WK_PIPELINE \
	(MDTUN_WK_BIT(MDTUN_WK_OF_METADATA) | MDTUN_WK_BIT(MDTUN_WK_IN_PORT) | \
	 (0xffffu << MDTUN_WK_REG0))

/*
 * Decoded well-known fields: bit MDTUN_WK_BIT(type) of @present marks each
 * field present, the same bit of @critical those sent critical.
 * @has_critical: some TLV of the area, of any class, has the critical bit
 * (the C flag its sender sets), so that a sender learns it from the same
 * walk that validates the area.
 */
struct mdtun_wk_fields {
	mdtun_u32 present;
	mdtun_u32 critical;
	bool has_critical;
	mdtun_u32 mark;
	mdtun_u32 priority;
	mdtun_u32 in_port;
	mdtun_u64 of_metadata;
	mdtun_u32 reg[MDTUN_WK_NREGS];
};

/* ---- Status codes ------------------------------------------------------- */

/*
 * Every way a packet or a request can fail has its own code, so that each
 * receive-side drop reason becomes its own counter (mdtun_status_stat()).
 * The codes are not ABI; the counters they map to are.
 */
enum mdtun_status {
	MDTUN_OK = 0,
	MDTUN_ERR_HDR_TRUNCATED,	/* fewer bytes than the fixed header */
	MDTUN_ERR_BAD_VERSION,		/* version other than MDTUN_VERSION */
	MDTUN_ERR_BAD_PROTOCOL,		/* payload protocol not defined */
	MDTUN_ERR_MD_TOO_LONG,		/* metadata length over the maximum */
	MDTUN_ERR_MD_TRUNCATED,		/* metadata runs past the packet */
	/*
	 * TLV header cut by the area's end: only for byte-length areas (tc,
	 * OVS options); a header's area is whole words and cannot cut one.
	 */
	MDTUN_ERR_TLV_TRUNCATED,
	MDTUN_ERR_TLV_OVERRUN,		/* TLV data runs past the area */
	MDTUN_ERR_CRIT_UNKNOWN,		/* critical TLV the receiver lacks */
	MDTUN_ERR_CRIT_FLAG,		/* critical TLV but C flag clear */
	MDTUN_ERR_WK_BAD_LEN,		/* well-known TLV of the wrong size */
	MDTUN_ERR_WK_DUPLICATE,		/* well-known TLV given twice */
	/* A critical well-known TLV that this receiver does not apply. */
	MDTUN_ERR_CRIT_NOT_APPLIED,	/* see mdtun_wk_check_applied() */
	MDTUN_ERR_NO_SPACE,		/* encoder: output buffer too small */
	MDTUN_ERR_INVALID,		/* encoder: value out of range */
	MDTUN_ERR_NOT_FOUND,		/* lookup: no such TLV */
	MDTUN_STATUS_COUNT
};

/* Codes that a receiver counts as a packet drop reason. */
#define MDTUN_STATUS_FIRST_RX_DROP MDTUN_ERR_HDR_TRUNCATED
#define MDTUN_STATUS_LAST_RX_DROP MDTUN_ERR_CRIT_NOT_APPLIED

/* Counter-style name ("bad_version") and human text for a status. */
const char *mdtun_status_name(enum mdtun_status status);
const char *mdtun_status_text(enum mdtun_status status);

/*
 * The per-device counter (MDTUN_STAT_*, include/mdtun/if_mdtun.h) that a
 * receive drop with @status is charged to; 0 for a status that is not a
 * receive drop.
 */
unsigned int mdtun_status_stat(enum mdtun_status status);

/*
 * Name of counter MDTUN_STAT_@stat as every tool prints it ("rx_bad_version",
 * "tx_no_route"): mdtun-ctl, ethtool -S, /proc/net/mdtun, ovs-appctl
 * mdtun/show; NULL for a number that is no counter.
 */
const char *mdtun_stat_name(unsigned int stat);

/* ---- Header ------------------------------------------------------------- */

struct mdtun_hdr {
	mdtun_u8 version;
	mdtun_u8 flags;			/* MDTUN_F_* */
	mdtun_u16 protocol;		/* EtherType of the payload */
	mdtun_u32 vni;			/* 24 bits */
	mdtun_u16 md_len;		/* metadata bytes, a multiple of 4 */
};

/*
 * Byte-order helpers: unaligned, host-order independent.  In the header,
 * with the fixed-header codec below, because every packet goes through
 * them: inline, they cost a few instructions instead of a call.
 */
static inline mdtun_u16 mdtun_get_be16(const mdtun_u8 *p)
{
	return (mdtun_u16)((p[0] << 8) | p[1]);
}

static inline mdtun_u32 mdtun_get_be32(const mdtun_u8 *p)
{
	return ((mdtun_u32)p[0] << 24) | ((mdtun_u32)p[1] << 16) |
	       ((mdtun_u32)p[2] << 8) | p[3];
}

static inline void mdtun_put_be16(mdtun_u8 *p, mdtun_u16 v)
{
	p[0] = (mdtun_u8)(v >> 8);
	p[1] = (mdtun_u8)v;
}

static inline void mdtun_put_be32(mdtun_u8 *p, mdtun_u32 v)
{
	p[0] = (mdtun_u8)(v >> 24);
	p[1] = (mdtun_u8)(v >> 16);
	p[2] = (mdtun_u8)(v >> 8);
	p[3] = (mdtun_u8)v;
}

/*
 * Write the fixed header for @hdr into @buf.  @hdr->version is ignored
 * (MDTUN_VERSION is always written); unknown flag bits and payload
 * protocols are refused.  The sender sets MDTUN_F_CRIT itself, from
 * mdtun_md_has_critical() on the area it sends.
 */
static inline enum mdtun_status mdtun_hdr_build(mdtun_u8 *buf, size_t buf_len,
						const struct mdtun_hdr *hdr)
{
	if (buf_len < MDTUN_HDR_LEN)
		return MDTUN_ERR_NO_SPACE;
	/* Refuse what no receiver would accept rather than send it. */
	if ((hdr->flags & ~MDTUN_F_KNOWN) || hdr->vni > MDTUN_VNI_MAX ||
	    hdr->protocol != MDTUN_PROTO_ETH ||
	    hdr->md_len > MDTUN_MD_MAX_LEN || hdr->md_len % MDTUN_MD_UNIT)
		return MDTUN_ERR_INVALID;

	buf[0] = (mdtun_u8)((MDTUN_VERSION << 4) | hdr->flags);
	buf[1] = (mdtun_u8)(hdr->md_len / MDTUN_MD_UNIT);
	mdtun_put_be16(buf + 2, hdr->protocol);
	mdtun_put_be32(buf + 4, hdr->vni << 8);	/* low byte is reserved */
	return MDTUN_OK;
}

/*
 * Parse and check the fixed header at the start of @buf, where @len is
 * every byte the receiver has (header, metadata and payload): fails unless
 * the whole metadata area lies within @len.
 */
static inline enum mdtun_status mdtun_hdr_parse(const mdtun_u8 *buf, size_t len,
						struct mdtun_hdr *hdr)
{
	size_t md_len;

	if (len < MDTUN_HDR_LEN)
		return MDTUN_ERR_HDR_TRUNCATED;

	hdr->version = buf[0] >> 4;
	hdr->flags = buf[0] & MDTUN_F_KNOWN;
	hdr->protocol = mdtun_get_be16(buf + 2);
	hdr->vni = mdtun_get_be32(buf + 4) >> 8;
	md_len = (size_t)buf[1] * MDTUN_MD_UNIT;
	hdr->md_len = (mdtun_u16)md_len;

	/* A later version may lay out the rest differently: check it first. */
	if (hdr->version != MDTUN_VERSION)
		return MDTUN_ERR_BAD_VERSION;
	if (hdr->protocol != MDTUN_PROTO_ETH)
		return MDTUN_ERR_BAD_PROTOCOL;
	if (md_len > MDTUN_MD_MAX_LEN)
		return MDTUN_ERR_MD_TOO_LONG;
	if (md_len > len - MDTUN_HDR_LEN)
		return MDTUN_ERR_MD_TRUNCATED;
	return MDTUN_OK;
}

/* ---- TLV iteration and lookup -------------------------------------------- */

struct mdtun_tlv {
	mdtun_u16 opt_class;
	mdtun_u8 type;			/* including MDTUN_TLV_TYPE_CRIT */
	mdtun_u8 len;			/* data bytes, a multiple of 4 */
	const mdtun_u8 *data;
};

struct mdtun_tlv_iter {
	const mdtun_u8 *pos;
	size_t left;
	enum mdtun_status status;
};

void mdtun_tlv_iter_init(struct mdtun_tlv_iter *it, const mdtun_u8 *md,
			 size_t md_len);

/*
 * Step to the next TLV.  Returns true and fills @tlv, or returns false at
 * the end of the area; it->status then says whether the end was clean
 * (MDTUN_OK) or the area was malformed.
 */
bool mdtun_tlv_next(struct mdtun_tlv_iter *it, struct mdtun_tlv *tlv);

/* First TLV of @opt_class and @type (critical bit ignored) in the area. */
enum mdtun_status mdtun_tlv_find(const mdtun_u8 *md, size_t md_len,
				 mdtun_u16 opt_class, mdtun_u8 type,
				 struct mdtun_tlv *tlv);

static inline bool mdtun_tlv_is_critical(const struct mdtun_tlv *tlv)
{
	return tlv->type & MDTUN_TLV_TYPE_CRIT;
}

/* ---- Validation ------------------------------------------------------------ */

/*
 * Receiver policy for mdtun_md_validate().  A collect-metadata receiver
 * hands TLVs of other classes to its consumer (OVS, tc), which judges their
 * critical bit itself; a fixed-mode receiver has no such consumer, so a
 * critical TLV of another class is one it does not understand.
 */
#define MDTUN_POLICY_PASS_FOREIGN 0x1

/*
 * Check a whole metadata area as carried with header flags @hdr_flags and
 * decode its well-known TLVs into @wk (which may be NULL).  Applies every
 * receiver rule of the specification except those on the header itself.
 */
enum mdtun_status mdtun_md_validate(const mdtun_u8 *md, size_t md_len,
				    mdtun_u8 hdr_flags, unsigned int policy,
				    struct mdtun_wk_fields *wk);

/*
 * True if some TLV in the (valid) area has the critical bit; for an area
 * that is validated anyway, mdtun_md_validate() reports it in
 * @wk->has_critical without a second walk.
 */
bool mdtun_md_has_critical(const mdtun_u8 *md, size_t md_len);

/*
 * The last receiver rule (docs/protocol.md, section 8.4): once a receiver
 * knows which well-known fields of a valid area it applies or hands to its
 * consumer (@applied, MDTUN_WK_BIT() bits), a critical one outside that set
 * drops the packet: MDTUN_ERR_CRIT_NOT_APPLIED, else MDTUN_OK.
 */
enum mdtun_status mdtun_wk_check_applied(const struct mdtun_wk_fields *wk,
					 mdtun_u32 applied);

/* ---- Encoding ---------------------------------------------------------- */

/*
 * Append one TLV to the area held in @buf (@buf_len bytes), whose current
 * length is *@md_len; on success *@md_len grows.  @data_len must be a
 * multiple of 4 and at most MDTUN_TLV_MAX_DATA_LEN, and the area may not
 * grow beyond MDTUN_MD_MAX_LEN.
 */
enum mdtun_status mdtun_tlv_put(mdtun_u8 *buf, size_t buf_len, size_t *md_len,
				mdtun_u16 opt_class, mdtun_u8 type,
				const mdtun_u8 *data, size_t data_len);

/* Data size of well-known @type (critical bit ignored), 0 if not defined. */
size_t mdtun_wk_len(mdtun_u8 type);

/* Append a well-known TLV holding @value (4 or 8 bytes by @type). */
enum mdtun_status mdtun_wk_put(mdtun_u8 *buf, size_t buf_len, size_t *md_len,
			       mdtun_u8 type, mdtun_u64 value);

/*
 * Append every well-known field set in @wk->present whose bit is also in
 * @mask, lowest type first.
 */
enum mdtun_status mdtun_wk_put_fields(mdtun_u8 *buf, size_t buf_len,
				      size_t *md_len,
				      const struct mdtun_wk_fields *wk,
				      mdtun_u32 mask);

/* Value of a decoded well-known field (0 if absent). */
mdtun_u64 mdtun_wk_get(const struct mdtun_wk_fields *wk, mdtun_u8 type);

#ifdef __cplusplus
}
#endif

#endif /* MDTUN_CODEC_H */
