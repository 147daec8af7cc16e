// SPDX-License-Identifier: GPL-2.0
/*
 * vport-mdtun: the mdtun tunnel as a vport type of the in-tree Open vSwitch
 * datapath (openvswitch.ko).
 *
 * A port of type OVS_VPORT_TYPE_MDTUN is a collect-metadata mdtun device
 * (mdtun.ko) attached to the datapath like any other netdev: OVS sets the
 * tunnel metadata of each packet in the flow actions, the device
 * encapsulates it, and on receive the device hands the decapsulated packet
 * with its tunnel info to the datapath through the netdev rx handler.  This
 * module only translates the vport options into device parameters.
 *
 * openvswitch.ko asks for "vport-type-200" the first time such a port is
 * added, so the module loads itself on demand.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/openvswitch.h>
#include <linux/rtnetlink.h>
#include <linux/stringify.h>
#include <net/netlink.h>
#include <net/rtnetlink.h>

#include <mdtun/codec.h>	/* MDTUN_UDP_PORT */
#include <mdtun/if_mdtun.h>
#include <mdtun/ovs_mdtun.h>

/* openvswitch.ko's internal headers; datapath.h must come first. */
#include "datapath.h"
#include "vport.h"
#include "vport-netdev.h"

#include "mdtun.h"

/* ---- Options ------------------------------------------------------------- */

/*
 * What userspace asks for when it creates the port.  Only the creation
 * needs it: the device may change afterwards (ovs-vswitchd changes carry
 * and trust over rtnetlink rather than re-creating the port, and an
 * administrator may give a downed device another UDP port), so
 * get_options reports the device's live settings and the vport keeps no
 * copy.
 */
struct mdtun_vport_opts {
	u16 dst_port;
	u32 carry;
	unsigned int n_trust;
	struct mdtun_trust_prefix trust[MDTUN_TRUST_MAX];
};

static struct vport_ops mdtun_vport_ops;

/*
 * Strict parsing: an attribute this module does not know (for instance
 * OVS_TUNNEL_ATTR_EXTENSION, which only VXLAN uses) fails the port instead
 * of being silently ignored.  Only NLA_F_NESTED is not required on
 * OVS_VPORT_ATTR_OPTIONS and the trust list: OVS userspace does not set it
 * on its nests.  (The entries of the trust list need it, as
 * mdtun_trust_parse() parses them strictly; the mdtun plugin sets it.)
 */
#define MDTUN_VPORT_VALIDATE	(NL_VALIDATE_STRICT & ~NL_VALIDATE_NESTED)

static const struct nla_policy mdtun_vport_policy[OVS_MDTUN_ATTR_MAX + 1] = {
	[OVS_TUNNEL_ATTR_DST_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[OVS_MDTUN_ATTR_CARRY]		= NLA_POLICY_MASK(NLA_U32,
							  MDTUN_CARRY_ALL),
	[OVS_MDTUN_ATTR_TRUST]		= { .type = NLA_NESTED },
};

/*
 * Fill @cfg from OVS_VPORT_ATTR_OPTIONS (may be NULL: all defaults).  The
 * datapath's Netlink interface has no extended ACK for vport options, so
 * the reason for a refusal is logged instead.
 */
static int mdtun_vport_parse(const struct vport_parms *parms,
			     struct mdtun_vport_opts *cfg)
{
	struct nlattr *tb[OVS_MDTUN_ATTR_MAX + 1];
	struct netlink_ext_ack extack = {};
	int err;

	cfg->dst_port = MDTUN_UDP_PORT;
	cfg->carry = 0;
	cfg->n_trust = 0;
	if (!parms->options)
		return 0;

	err = __nla_parse(tb, OVS_MDTUN_ATTR_MAX, nla_data(parms->options),
			  nla_len(parms->options), mdtun_vport_policy,
			  MDTUN_VPORT_VALIDATE, &extack);
	if (err)
		goto bad;

	if (tb[OVS_TUNNEL_ATTR_DST_PORT])
		cfg->dst_port = nla_get_u16(tb[OVS_TUNNEL_ATTR_DST_PORT]);
	if (tb[OVS_MDTUN_ATTR_CARRY])
		cfg->carry = nla_get_u32(tb[OVS_MDTUN_ATTR_CARRY]);
	if (tb[OVS_MDTUN_ATTR_TRUST]) {
		err = mdtun_trust_parse(tb[OVS_MDTUN_ATTR_TRUST], cfg->trust,
					&cfg->n_trust, &extack);
		if (err)
			goto bad;
	}
	return 0;

bad:
	pr_warn_ratelimited("port %s: invalid options: %s (%d)\n", parms->name,
			    extack._msg ? extack._msg : "malformed attribute",
			    err);
	return err;
}

/* Called under ovs_mutex or RCU. */
static int mdtun_vport_get_options(const struct vport *vport,
				   struct sk_buff *skb)
{
	struct mdtun_trust_prefix trust[MDTUN_TRUST_MAX];
	unsigned int n_trust;
	u16 dst_port;
	u32 carry;
	int err;

	err = mdtun_dev_get_options(vport->dev, &dst_port, &carry, trust,
				    &n_trust);
	if (err)
		return err;
	if (nla_put_u16(skb, OVS_TUNNEL_ATTR_DST_PORT, dst_port) ||
	    nla_put_u32(skb, OVS_MDTUN_ATTR_CARRY, carry))
		return -EMSGSIZE;
	if (n_trust &&
	    mdtun_trust_fill(skb, OVS_MDTUN_ATTR_TRUST, trust, n_trust))
		return -EMSGSIZE;
	return 0;
}

/* ---- Create and destroy -------------------------------------------------- */

/* Delete a device made by mdtun_vport_create() that could not be attached. */
static void mdtun_vport_delete_dev(struct net_device *dev)
{
	rtnl_lock();
	/* Someone may have deleted it meanwhile; our reference keeps it. */
	if (dev->reg_state == NETREG_REGISTERED)
		rtnl_delete_link(dev, 0, NULL);
	/* Drop the reference before rtnl_unlock() waits for all of them. */
	dev_put(dev);
	rtnl_unlock();
}

/* Called with ovs_mutex held. */
static struct vport *mdtun_vport_create(const struct vport_parms *parms)
{
	struct net *net = ovs_dp_get_net(parms->dp);
	struct mdtun_vport_opts cfg;
	struct net_device *dev;
	struct vport *vport;
	int err;

	vport = ovs_vport_alloc(0, &mdtun_vport_ops, parms);
	if (IS_ERR(vport))
		return vport;

	err = mdtun_vport_parse(parms, &cfg);
	if (err)
		goto err_free;

	rtnl_lock();
	dev = mdtun_dev_create_fb(net, parms->name, NET_NAME_USER,
				  cfg.dst_port, cfg.carry, cfg.trust,
				  cfg.n_trust);
	if (IS_ERR(dev)) {
		rtnl_unlock();
		err = PTR_ERR(dev);
		pr_warn_ratelimited("port %s: cannot create the mdtun device (UDP port %u): %d\n",
				    parms->name, cfg.dst_port, err);
		goto err_free;
	}

	err = dev_change_flags(dev, dev->flags | IFF_UP, NULL);
	if (err < 0) {
		rtnl_delete_link(dev, 0, NULL);
		rtnl_unlock();
		goto err_free;
	}
	/*
	 * ovs_netdev_link() frees the vport but leaves the device behind when
	 * it fails; hold the device so that it can be deleted then.
	 */
	dev_hold(dev);
	rtnl_unlock();

	vport = ovs_netdev_link(vport, parms->name);
	if (IS_ERR(vport)) {
		mdtun_vport_delete_dev(dev);
		return vport;
	}
	dev_put(dev);
	return vport;

err_free:
	ovs_vport_free(vport);
	return ERR_PTR(err);
}

/*
 * ovs_netdev_tunnel_destroy() detaches the device and deletes it (it was
 * created for the port).  Packets leave through the device's own transmit
 * path, which takes the tunnel metadata from the skb.
 */
static struct vport_ops mdtun_vport_ops = {
	.type		= OVS_VPORT_TYPE_MDTUN,
	.create		= mdtun_vport_create,
	.destroy	= ovs_netdev_tunnel_destroy,
	.get_options	= mdtun_vport_get_options,
	.send		= dev_queue_xmit,
};

/* ---- Module -------------------------------------------------------------- */

static int __init mdtun_vport_init(void)
{
	return ovs_vport_ops_register(&mdtun_vport_ops);
}

static void __exit mdtun_vport_exit(void)
{
	ovs_vport_ops_unregister(&mdtun_vport_ops);
}

module_init(mdtun_vport_init);
module_exit(mdtun_vport_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Open vSwitch: mdtun tunnel vport");
MODULE_ALIAS("vport-type-" __stringify(OVS_VPORT_TYPE_MDTUN));
