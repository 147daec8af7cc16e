/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR Apache-2.0 */
/*
 * rtnetlink ABI of the mdtun link kind, shared by datapath/mdtun.c and the
 * userspace tools.  Numbers are ABI: append, never renumber.
 */
#ifndef MDTUN_IF_MDTUN_H
#define MDTUN_IF_MDTUN_H

#include <linux/types.h>

#define MDTUN_LINK_KIND "mdtun"

/* IFLA_INFO_DATA attributes of an mdtun link. */
enum {
	IFLA_MDTUN_UNSPEC,
	IFLA_MDTUN_ID,			/* u32: VNI, fixed mode */
	IFLA_MDTUN_REMOTE,		/* in_addr: fixed IPv4 remote */
	IFLA_MDTUN_REMOTE6,		/* in6_addr: fixed IPv6 remote */
	IFLA_MDTUN_LOCAL,		/* in_addr: source address */
	IFLA_MDTUN_LOCAL6,		/* in6_addr: source address */
	IFLA_MDTUN_PORT,		/* be16: UDP destination port */
	IFLA_MDTUN_TTL,			/* u8: 0 = route's default */
	IFLA_MDTUN_TTL_INHERIT,		/* u8 bool: copy from the inner packet */
	IFLA_MDTUN_TOS,			/* u8 */
	IFLA_MDTUN_TOS_INHERIT,		/* u8 bool: copy from the inner packet */
	IFLA_MDTUN_DF,			/* u8: enum ifla_mdtun_df */
	IFLA_MDTUN_UDP_CSUM,		/* u8 bool: IPv4 UDP checksum on tx */
	IFLA_MDTUN_UDP_ZERO_CSUM6_TX,	/* u8 bool: send IPv6 with zero csum */
	IFLA_MDTUN_UDP_ZERO_CSUM6_RX,	/* u8 bool: accept IPv6 zero csum */
	IFLA_MDTUN_COLLECT_METADATA,	/* flag: "external" mode */
	IFLA_MDTUN_CARRY,		/* u32: MDTUN_CARRY_* bits */
	IFLA_MDTUN_TRUST,		/* nested: IFLA_MDTUN_TRUST_PREFIX list */
	__IFLA_MDTUN_MAX
};
#define IFLA_MDTUN_MAX (__IFLA_MDTUN_MAX - 1)

enum ifla_mdtun_df {
	MDTUN_DF_UNSET,			/* DF clear */
	MDTUN_DF_SET,			/* DF always set */
	MDTUN_DF_INHERIT,		/* DF from the inner IPv4 header */
	__MDTUN_DF_END,
	MDTUN_DF_MAX = __MDTUN_DF_END - 1,
};

/* Packet-buffer fields a device carries (tx) and restores (rx). */
#define MDTUN_CARRY_MARK	(1U << 0)
#define MDTUN_CARRY_PRIORITY	(1U << 1)
#define MDTUN_CARRY_ALL		(MDTUN_CARRY_MARK | MDTUN_CARRY_PRIORITY)

/* IFLA_MDTUN_TRUST holds up to MDTUN_TRUST_MAX of these, each nested. */
enum {
	IFLA_MDTUN_TRUST_UNSPEC,
	IFLA_MDTUN_TRUST_PREFIX,	/* nested: IFLA_MDTUN_PREFIX_* */
	__IFLA_MDTUN_TRUST_MAX
};
#define IFLA_MDTUN_TRUST_MAX (__IFLA_MDTUN_TRUST_MAX - 1)
#define MDTUN_TRUST_MAX 16

enum {
	IFLA_MDTUN_PREFIX_UNSPEC,
	IFLA_MDTUN_PREFIX_ADDR,		/* 4 or 16 bytes: the family */
	IFLA_MDTUN_PREFIX_LEN,		/* u8 */
	__IFLA_MDTUN_PREFIX_MAX
};
#define IFLA_MDTUN_PREFIX_MAX (__IFLA_MDTUN_PREFIX_MAX - 1)

/*
 * Per-device counters, each a u64 attribute in IFLA_INFO_XSTATS (and the
 * same values, in this order, in ethtool -S).  Their names are
 * mdtun_stat_name() (include/mdtun/codec.h); a receive drop found by the
 * codec is charged to mdtun_status_stat() of its status.  Every packet the
 * driver drops is counted under exactly one of the *_RX_* or *_TX_* drop
 * counters below (besides the standard rx_dropped/tx_dropped).
 */
enum {
	MDTUN_STAT_UNSPEC,
	MDTUN_STAT_PAD,
	MDTUN_STAT_RX_HDR_TRUNCATED,
	MDTUN_STAT_RX_BAD_VERSION,
	MDTUN_STAT_RX_BAD_PROTOCOL,
	MDTUN_STAT_RX_MD_TOO_LONG,
	MDTUN_STAT_RX_MD_TRUNCATED,
	MDTUN_STAT_RX_TLV_TRUNCATED,
	MDTUN_STAT_RX_TLV_OVERRUN,
	MDTUN_STAT_RX_CRIT_UNKNOWN,
	MDTUN_STAT_RX_CRIT_FLAG,
	MDTUN_STAT_RX_WK_BAD_LEN,
	MDTUN_STAT_RX_WK_DUPLICATE,
	/* Receive drops found by the driver. */
	MDTUN_STAT_RX_UNKNOWN_VNI,	/* no device for the VNI/remote */
	MDTUN_STAT_RX_ZERO_CSUM,	/* IPv6 zero checksum not allowed */
	MDTUN_STAT_RX_OAM,		/* OAM packet on a fixed-mode device */
	MDTUN_STAT_RX_NOMEM,		/* no memory for metadata or pull */
	/* Receive-side carry decisions, per carried field. */
	MDTUN_STAT_RX_MARK_RESTORED,
	MDTUN_STAT_RX_PRIORITY_RESTORED,
	MDTUN_STAT_RX_CARRY_NOT_ALLOWED, /* field not in this device's carry */
	MDTUN_STAT_RX_CARRY_UNTRUSTED,	/* sender not trusted: ignored */
	/* Transmit. */
	MDTUN_STAT_TX_NO_ROUTE,
	MDTUN_STAT_TX_NO_TUNNEL_INFO,	/* collect-md device, no metadata */
	MDTUN_STAT_TX_BAD_OPTIONS,	/* options not Geneve-style or invalid */
	MDTUN_STAT_TX_MD_TOO_LONG,	/* options + carried fields too long */
	MDTUN_STAT_TX_CARRY_ADDED,	/* packets that got carried fields */
	/* Receive drops (continued). */
	/* A critical well-known TLV the device does not apply. */
	MDTUN_STAT_RX_CRIT_NOT_APPLIED,
	MDTUN_STAT_RX_INNER_SHORT,	/* inner frame shorter than Ethernet */
	MDTUN_STAT_RX_INNER_TRUNCATED,	/* inner IP header cut short */
	MDTUN_STAT_RX_LOOP,		/* inner source MAC is the device's */
	MDTUN_STAT_RX_ECN_ERROR,	/* outer CE over a not-ECT inner packet */
	MDTUN_STAT_RX_QUEUE_FULL,	/* not taken by the receive queue */
	MDTUN_STAT_RX_SOCK_CLOSING,	/* socket being released */
	/* Transmit drops (continued). */
	MDTUN_STAT_TX_LOOP,		/* the route leads back to the device */
	MDTUN_STAT_TX_TOO_BIG,		/* over the path MTU: ICMP sent back */
	MDTUN_STAT_TX_INNER_TRUNCATED,	/* inner headers cut short */
	MDTUN_STAT_TX_NO_SOCKET,	/* device going down */
	MDTUN_STAT_TX_NOMEM,		/* no memory for the outer headers */
	__MDTUN_STAT_MAX
};
#define MDTUN_STAT_MAX (__MDTUN_STAT_MAX - 1)

#endif /* MDTUN_IF_MDTUN_H */
