/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-kernel API of mdtun.ko for other modules (vport-mdtun.ko).
 *
 * The rtnetlink ABI is in mdtun/if_mdtun.h; this header only
 * declares what mdtun.ko exports with EXPORT_SYMBOL_GPL.
 */
#ifndef MDTUN_DATAPATH_MDTUN_H
#define MDTUN_DATAPATH_MDTUN_H

#include <linux/in6.h>
#include <linux/netdevice.h>
#include <linux/types.h>
#include <net/netlink.h>

#include <mdtun/if_mdtun.h>	/* MDTUN_TRUST_MAX, MDTUN_CARRY_* */

/* One trusted sender prefix; the address is kept masked to @plen. */
struct mdtun_trust_prefix {
	u8 family;			/* AF_INET or AF_INET6 */
	u8 plen;			/* 0-32 or 0-128 */
	union {
		__be32 ip4;
		struct in6_addr ip6;
	} addr;
};

/*
 * Create and register a collect-metadata ("external") mdtun device in @net
 * listening on UDP @dst_port (host order), carrying the MDTUN_CARRY_* bits
 * in @carry and trusting the @n_trust prefixes in @trust (at most
 * MDTUN_TRUST_MAX) for restoring carried fields.  The MTU is set to the
 * largest possible, as Open vSwitch expects.  Caller holds RTNL.  Returns
 * the device or an ERR_PTR.
 */
struct net_device *mdtun_dev_create_fb(struct net *net, const char *name,
				       u8 name_assign_type, u16 dst_port,
				       u32 carry,
				       const struct mdtun_trust_prefix *trust,
				       unsigned int n_trust);

/*
 * Parse a nested list of IFLA_MDTUN_TRUST_PREFIX entries (the layout of
 * IFLA_MDTUN_TRUST and OVS_MDTUN_ATTR_TRUST) into @out, which has room for
 * MDTUN_TRUST_MAX entries; *@n receives the count.  Errors carry an extack
 * message.
 */
int mdtun_trust_parse(const struct nlattr *nest,
		      struct mdtun_trust_prefix *out, unsigned int *n,
		      struct netlink_ext_ack *extack);

/* Put @n prefixes as a nested trust list of type @attrtype into @skb. */
int mdtun_trust_fill(struct sk_buff *skb, int attrtype,
		     const struct mdtun_trust_prefix *trust, unsigned int n);

/*
 * Read the UDP port (host order), carry bits and trust list that mdtun
 * device @dev has now (any context: the parameters are read under RCU);
 * @trust has room for MDTUN_TRUST_MAX entries.  -EINVAL if @dev is not an
 * mdtun device, -ENODEV if it is going away.
 */
int mdtun_dev_get_options(const struct net_device *dev, u16 *dst_port,
			  u32 *carry, struct mdtun_trust_prefix *trust,
			  unsigned int *n_trust);

/* True if @dev is an mdtun device. */
bool netif_is_mdtun(const struct net_device *dev);

#endif /* MDTUN_DATAPATH_MDTUN_H */
