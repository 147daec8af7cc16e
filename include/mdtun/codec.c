// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/*
 * mdtun wire format codec: the one implementation of docs/protocol.md,
 * shared by the kernel driver and every userspace part.  See codec.h.
 */
#include "codec.h"
#include "if_mdtun.h"

/* ---- Status names -------------------------------------------------------- */

struct mdtun_status_desc {
	const char *name;
	const char *text;
};

static const struct mdtun_status_desc mdtun_status_descs[MDTUN_STATUS_COUNT] = {
	[MDTUN_OK] = { "ok", "success" },
	[MDTUN_ERR_HDR_TRUNCATED] = { "hdr_truncated",
		"packet shorter than the mdtun header" },
	[MDTUN_ERR_BAD_VERSION] = { "bad_version",
		"unsupported mdtun version" },
	[MDTUN_ERR_BAD_PROTOCOL] = { "bad_protocol",
		"unsupported payload protocol" },
	[MDTUN_ERR_MD_TOO_LONG] = { "md_too_long",
		"metadata longer than the protocol maximum" },
	[MDTUN_ERR_MD_TRUNCATED] = { "md_truncated",
		"metadata runs past the end of the packet" },
	[MDTUN_ERR_TLV_TRUNCATED] = { "tlv_truncated",
		"TLV header cut short by the end of the metadata" },
	[MDTUN_ERR_TLV_OVERRUN] = { "tlv_overrun",
		"TLV data runs past the end of the metadata" },
	[MDTUN_ERR_CRIT_UNKNOWN] = { "crit_unknown",
		"unknown TLV marked critical" },
	[MDTUN_ERR_CRIT_FLAG] = { "crit_flag",
		"critical TLV present but header C flag clear" },
	[MDTUN_ERR_WK_BAD_LEN] = { "wk_bad_len",
		"well-known TLV has the wrong length" },
	[MDTUN_ERR_WK_DUPLICATE] = { "wk_duplicate",
		"well-known TLV appears twice" },
	[MDTUN_ERR_CRIT_NOT_APPLIED] = { "crit_not_applied",
		"critical well-known TLV that the receiver does not apply" },
	[MDTUN_ERR_NO_SPACE] = { "no_space",
		"output buffer too small" },
	[MDTUN_ERR_INVALID] = { "invalid",
		"value out of range" },
	[MDTUN_ERR_NOT_FOUND] = { "not_found",
		"no such TLV" },
};

const char *mdtun_status_name(enum mdtun_status status)
{
	if ((unsigned int)status >= MDTUN_STATUS_COUNT)
		return "unknown";
	return mdtun_status_descs[status].name;
}

const char *mdtun_status_text(enum mdtun_status status)
{
	if ((unsigned int)status >= MDTUN_STATUS_COUNT)
		return "unknown status";
	return mdtun_status_descs[status].text;
}

/* Receive drop statuses and their counters (not consecutive: ABI). */
static const mdtun_u8 mdtun_status_stats[MDTUN_STATUS_COUNT] = {
	[MDTUN_ERR_HDR_TRUNCATED] = MDTUN_STAT_RX_HDR_TRUNCATED,
	[MDTUN_ERR_BAD_VERSION] = MDTUN_STAT_RX_BAD_VERSION,
	[MDTUN_ERR_BAD_PROTOCOL] = MDTUN_STAT_RX_BAD_PROTOCOL,
	[MDTUN_ERR_MD_TOO_LONG] = MDTUN_STAT_RX_MD_TOO_LONG,
	[MDTUN_ERR_MD_TRUNCATED] = MDTUN_STAT_RX_MD_TRUNCATED,
	[MDTUN_ERR_TLV_TRUNCATED] = MDTUN_STAT_RX_TLV_TRUNCATED,
	[MDTUN_ERR_TLV_OVERRUN] = MDTUN_STAT_RX_TLV_OVERRUN,
	[MDTUN_ERR_CRIT_UNKNOWN] = MDTUN_STAT_RX_CRIT_UNKNOWN,
	[MDTUN_ERR_CRIT_FLAG] = MDTUN_STAT_RX_CRIT_FLAG,
	[MDTUN_ERR_WK_BAD_LEN] = MDTUN_STAT_RX_WK_BAD_LEN,
	[MDTUN_ERR_WK_DUPLICATE] = MDTUN_STAT_RX_WK_DUPLICATE,
	[MDTUN_ERR_CRIT_NOT_APPLIED] = MDTUN_STAT_RX_CRIT_NOT_APPLIED,
};

unsigned int mdtun_status_stat(enum mdtun_status status)
{
	if ((unsigned int)status >= MDTUN_STATUS_COUNT)
		return 0;
	return mdtun_status_stats[status];
}

static const char *const mdtun_stat_names[__MDTUN_STAT_MAX] = {
	[MDTUN_STAT_RX_HDR_TRUNCATED] = "rx_hdr_truncated",
	[MDTUN_STAT_RX_BAD_VERSION] = "rx_bad_version",
	[MDTUN_STAT_RX_BAD_PROTOCOL] = "rx_bad_protocol",
	[MDTUN_STAT_RX_MD_TOO_LONG] = "rx_md_too_long",
	[MDTUN_STAT_RX_MD_TRUNCATED] = "rx_md_truncated",
	[MDTUN_STAT_RX_TLV_TRUNCATED] = "rx_tlv_truncated",
	[MDTUN_STAT_RX_TLV_OVERRUN] = "rx_tlv_overrun",
	[MDTUN_STAT_RX_CRIT_UNKNOWN] = "rx_crit_unknown",
	[MDTUN_STAT_RX_CRIT_FLAG] = "rx_crit_flag",
	[MDTUN_STAT_RX_WK_BAD_LEN] = "rx_wk_bad_len",
	[MDTUN_STAT_RX_WK_DUPLICATE] = "rx_wk_duplicate",
	[MDTUN_STAT_RX_UNKNOWN_VNI] = "rx_unknown_vni",
	[MDTUN_STAT_RX_ZERO_CSUM] = "rx_zero_csum",
	[MDTUN_STAT_RX_OAM] = "rx_oam",
	[MDTUN_STAT_RX_NOMEM] = "rx_nomem",
	[MDTUN_STAT_RX_MARK_RESTORED] = "rx_mark_restored",
	[MDTUN_STAT_RX_PRIORITY_RESTORED] = "rx_priority_restored",
	[MDTUN_STAT_RX_CARRY_NOT_ALLOWED] = "rx_carry_not_allowed",
	[MDTUN_STAT_RX_CARRY_UNTRUSTED] = "rx_carry_untrusted",
	[MDTUN_STAT_TX_NO_ROUTE] = "tx_no_route",
	[MDTUN_STAT_TX_NO_TUNNEL_INFO] = "tx_no_tunnel_info",
	[MDTUN_STAT_TX_BAD_OPTIONS] = "tx_bad_options",
	[MDTUN_STAT_TX_MD_TOO_LONG] = "tx_md_too_long",
	[MDTUN_STAT_TX_CARRY_ADDED] = "tx_carry_added",
	[MDTUN_STAT_RX_CRIT_NOT_APPLIED] = "rx_crit_not_applied",
	[MDTUN_STAT_RX_INNER_SHORT] = "rx_inner_short",
	[MDTUN_STAT_RX_INNER_TRUNCATED] = "rx_inner_truncated",
	[MDTUN_STAT_RX_LOOP] = "rx_loop",
	[MDTUN_STAT_RX_ECN_ERROR] = "rx_ecn_error",
	[MDTUN_STAT_RX_QUEUE_FULL] = "rx_queue_full",
	[MDTUN_STAT_RX_SOCK_CLOSING] = "rx_sock_closing",
	[MDTUN_STAT_TX_LOOP] = "tx_loop",
	[MDTUN_STAT_TX_TOO_BIG] = "tx_too_big",
	[MDTUN_STAT_TX_INNER_TRUNCATED] = "tx_inner_truncated",
	[MDTUN_STAT_TX_NO_SOCKET] = "tx_no_socket",
	[MDTUN_STAT_TX_NOMEM] = "tx_nomem",
};

const char *mdtun_stat_name(unsigned int stat)
{
	if (stat < MDTUN_STAT_RX_HDR_TRUNCATED || stat > MDTUN_STAT_MAX)
		return NULL;
	return mdtun_stat_names[stat];
}

/* ---- TLV iteration --------------------------------------------------------- */

void mdtun_tlv_iter_init(struct mdtun_tlv_iter *it, const mdtun_u8 *md,
			 size_t md_len)
{
	it->pos = md;
	it->left = md_len;
	it->status = MDTUN_OK;
}

/*
 * The data length of the TLV at @pos, with @left (not 0) bytes left in the
 * area, in @data_len; fails unless its header and data fit.
 */
static inline enum mdtun_status tlv_bounds(const mdtun_u8 *pos, size_t left,
					   size_t *data_len)
{
	if (left < MDTUN_TLV_HDR_LEN)
		return MDTUN_ERR_TLV_TRUNCATED;
	/* The three bits above the length are reserved: ignored on receipt. */
	*data_len = (size_t)(pos[3] & 0x1f) * MDTUN_MD_UNIT;
	if (*data_len > left - MDTUN_TLV_HDR_LEN)
		return MDTUN_ERR_TLV_OVERRUN;
	return MDTUN_OK;
}

bool mdtun_tlv_next(struct mdtun_tlv_iter *it, struct mdtun_tlv *tlv)
{
	size_t data_len;

	if (it->status != MDTUN_OK || it->left == 0)
		return false;
	it->status = tlv_bounds(it->pos, it->left, &data_len);
	if (it->status != MDTUN_OK)
		return false;

	tlv->opt_class = mdtun_get_be16(it->pos);
	tlv->type = it->pos[2];
	tlv->len = (mdtun_u8)data_len;
	tlv->data = it->pos + MDTUN_TLV_HDR_LEN;
	it->pos += MDTUN_TLV_HDR_LEN + data_len;
	it->left -= MDTUN_TLV_HDR_LEN + data_len;
	return true;
}

enum mdtun_status mdtun_tlv_find(const mdtun_u8 *md, size_t md_len,
				 mdtun_u16 opt_class, mdtun_u8 type,
				 struct mdtun_tlv *tlv)
{
	struct mdtun_tlv_iter it;
	struct mdtun_tlv cur;

	mdtun_tlv_iter_init(&it, md, md_len);
	while (mdtun_tlv_next(&it, &cur)) {
		if (cur.opt_class == opt_class &&
		    (cur.type & ~MDTUN_TLV_TYPE_CRIT) ==
		    (type & ~MDTUN_TLV_TYPE_CRIT)) {
			*tlv = cur;
			return MDTUN_OK;
		}
	}
	return it.status != MDTUN_OK ? it.status : MDTUN_ERR_NOT_FOUND;
}

bool mdtun_md_has_critical(const mdtun_u8 *md, size_t md_len)
{
	struct mdtun_tlv_iter it;
	struct mdtun_tlv tlv;

	mdtun_tlv_iter_init(&it, md, md_len);
	while (mdtun_tlv_next(&it, &tlv))
		if (mdtun_tlv_is_critical(&tlv))
			return true;
	return false;
}

/* ---- Well-known fields ------------------------------------------------------ */

size_t mdtun_wk_len(mdtun_u8 type)
{
	type &= (mdtun_u8)~MDTUN_TLV_TYPE_CRIT;
	switch (type) {
	case MDTUN_WK_MARK:
	case MDTUN_WK_PRIORITY:
	case MDTUN_WK_IN_PORT:
		return 4;
	case MDTUN_WK_OF_METADATA:
		return 8;
	default:
		if (type >= MDTUN_WK_REG0 && type <= MDTUN_WK_REG15)
			return 4;
		return 0;
	}
}

static void wk_store(struct mdtun_wk_fields *wk, mdtun_u8 type,
		     const mdtun_u8 *data)
{
	switch (type) {
	case MDTUN_WK_MARK:
		wk->mark = mdtun_get_be32(data);
		break;
	case MDTUN_WK_PRIORITY:
		wk->priority = mdtun_get_be32(data);
		break;
	case MDTUN_WK_IN_PORT:
		wk->in_port = mdtun_get_be32(data);
		break;
	case MDTUN_WK_OF_METADATA:
		wk->of_metadata = ((mdtun_u64)mdtun_get_be32(data) << 32) |
				  mdtun_get_be32(data + 4);
		break;
	default:
		wk->reg[type - MDTUN_WK_REG0] = mdtun_get_be32(data);
		break;
	}
}

mdtun_u64 mdtun_wk_get(const struct mdtun_wk_fields *wk, mdtun_u8 type)
{
	type &= (mdtun_u8)~MDTUN_TLV_TYPE_CRIT;
	if (!mdtun_wk_len(type) || !(wk->present & MDTUN_WK_BIT(type)))
		return 0;
	switch (type) {
	case MDTUN_WK_MARK:
		return wk->mark;
	case MDTUN_WK_PRIORITY:
		return wk->priority;
	case MDTUN_WK_IN_PORT:
		return wk->in_port;
	case MDTUN_WK_OF_METADATA:
		return wk->of_metadata;
	default:
		return wk->reg[type - MDTUN_WK_REG0];
	}
}

/* ---- Validation --------------------------------------------------------------- */

/*
 * Walks the area itself rather than through mdtun_tlv_next(): every packet
 * with metadata is validated on receive, and options on transmit, and the
 * iterator's bookkeeping doubled the instructions per TLV.
 */
enum mdtun_status mdtun_md_validate(const mdtun_u8 *md, size_t md_len,
				    mdtun_u8 hdr_flags, unsigned int policy,
				    struct mdtun_wk_fields *wk)
{
	const mdtun_u8 *pos = md;
	size_t left = md_len;
	mdtun_u32 seen = 0;

	if (wk) {
		wk->present = 0;
		wk->critical = 0;
		wk->has_critical = false;
	}
	if (md_len > MDTUN_MD_MAX_LEN)
		return MDTUN_ERR_MD_TOO_LONG;
	/*
	 * Never true for an area a header describes (its length is in words),
	 * but options handed over by tc or OVS carry a byte length.
	 */
	if (md_len % MDTUN_MD_UNIT)
		return MDTUN_ERR_TLV_TRUNCATED;

	while (left) {
		enum mdtun_status st;
		size_t data_len;
		mdtun_u8 type;
		bool crit;

		st = tlv_bounds(pos, left, &data_len);
		if (st != MDTUN_OK)
			return st;
		type = pos[2] & (mdtun_u8)~MDTUN_TLV_TYPE_CRIT;
		crit = pos[2] & MDTUN_TLV_TYPE_CRIT;
		if (crit) {
			if (!(hdr_flags & MDTUN_F_CRIT))
				return MDTUN_ERR_CRIT_FLAG;
			if (wk)
				wk->has_critical = true;
		}

		if (mdtun_get_be16(pos) != MDTUN_OPT_CLASS) {
			if (crit && !(policy & MDTUN_POLICY_PASS_FOREIGN))
				return MDTUN_ERR_CRIT_UNKNOWN;
		} else if (!mdtun_wk_len(type)) {
			/* Reserved types: skip unless the sender insists. */
			if (crit)
				return MDTUN_ERR_CRIT_UNKNOWN;
		} else {
			if (data_len != mdtun_wk_len(type))
				return MDTUN_ERR_WK_BAD_LEN;
			if (seen & MDTUN_WK_BIT(type))
				return MDTUN_ERR_WK_DUPLICATE;
			seen |= MDTUN_WK_BIT(type);
			if (wk) {
				wk->present |= MDTUN_WK_BIT(type);
				if (crit)
					wk->critical |= MDTUN_WK_BIT(type);
				wk_store(wk, type, pos + MDTUN_TLV_HDR_LEN);
			}
		}
		pos += MDTUN_TLV_HDR_LEN + data_len;
		left -= MDTUN_TLV_HDR_LEN + data_len;
	}
	return MDTUN_OK;
}

enum mdtun_status mdtun_wk_check_applied(const struct mdtun_wk_fields *wk,
					 mdtun_u32 applied)
{
	return wk->critical & ~applied ? MDTUN_ERR_CRIT_NOT_APPLIED : MDTUN_OK;
}

/* ---- Encoding ----------------------------------------------------------------- */

/* Whether a TLV with @data_len bytes of data fits after @off bytes. */
static enum mdtun_status tlv_room(size_t buf_len, size_t off, size_t data_len)
{
	if (data_len % MDTUN_MD_UNIT || data_len > MDTUN_TLV_MAX_DATA_LEN ||
	    off % MDTUN_MD_UNIT)
		return MDTUN_ERR_INVALID;
	if (off > MDTUN_MD_MAX_LEN ||
	    MDTUN_TLV_HDR_LEN + data_len > MDTUN_MD_MAX_LEN - off)
		return MDTUN_ERR_MD_TOO_LONG;
	if (off > buf_len || MDTUN_TLV_HDR_LEN + data_len > buf_len - off)
		return MDTUN_ERR_NO_SPACE;
	return MDTUN_OK;
}

static void tlv_put_hdr(mdtun_u8 *p, mdtun_u16 opt_class, mdtun_u8 type,
			size_t data_len)
{
	mdtun_put_be16(p, opt_class);
	p[2] = type;
	p[3] = (mdtun_u8)(data_len / MDTUN_MD_UNIT);
}

enum mdtun_status mdtun_tlv_put(mdtun_u8 *buf, size_t buf_len, size_t *md_len,
				mdtun_u16 opt_class, mdtun_u8 type,
				const mdtun_u8 *data, size_t data_len)
{
	enum mdtun_status status = tlv_room(buf_len, *md_len, data_len);
	mdtun_u8 *p = buf + *md_len;
	size_t i;

	if (status != MDTUN_OK)
		return status;
	tlv_put_hdr(p, opt_class, type, data_len);
	for (i = 0; i < data_len; i++)
		p[MDTUN_TLV_HDR_LEN + i] = data[i];
	*md_len += MDTUN_TLV_HDR_LEN + data_len;
	return MDTUN_OK;
}

/* Senders append carried fields per packet: write the value in place. */
enum mdtun_status mdtun_wk_put(mdtun_u8 *buf, size_t buf_len, size_t *md_len,
			       mdtun_u8 type, mdtun_u64 value)
{
	size_t len = mdtun_wk_len(type);
	enum mdtun_status status;
	mdtun_u8 *p;

	if (!len || (len == 4 && value > 0xffffffffu))
		return MDTUN_ERR_INVALID;
	status = tlv_room(buf_len, *md_len, len);
	if (status != MDTUN_OK)
		return status;
	p = buf + *md_len;
	tlv_put_hdr(p, MDTUN_OPT_CLASS, type, len);
	if (len == 8) {
		mdtun_put_be32(p + MDTUN_TLV_HDR_LEN, (mdtun_u32)(value >> 32));
		mdtun_put_be32(p + MDTUN_TLV_HDR_LEN + 4, (mdtun_u32)value);
	} else {
		mdtun_put_be32(p + MDTUN_TLV_HDR_LEN, (mdtun_u32)value);
	}
	*md_len += MDTUN_TLV_HDR_LEN + len;
	return MDTUN_OK;
}

enum mdtun_status mdtun_wk_put_fields(mdtun_u8 *buf, size_t buf_len,
				      size_t *md_len,
				      const struct mdtun_wk_fields *wk,
				      mdtun_u32 mask)
{
	size_t start = *md_len;
	mdtun_u32 bits = wk->present & mask;
	mdtun_u8 type;

	/* Up to the highest field asked for only: this runs per packet. */
	for (type = 0; bits; type++, bits >>= 1) {
		enum mdtun_status status;

		if (!(bits & 1) || !mdtun_wk_len(type))
			continue;
		status = mdtun_wk_put(buf, buf_len, md_len, type,
				      mdtun_wk_get(wk, type));
		if (status != MDTUN_OK) {
			*md_len = start;	/* all or nothing */
			return status;
		}
	}
	return MDTUN_OK;
}
