// SPDX-License-Identifier: GPL-2.0
/*
 * mdtun: metadata-carrying UDP tunnel network device.
 *
 * Ethernet frames are sent in UDP with an 8-byte mdtun header and a TLV
 * metadata area in Geneve option encoding.  All header and TLV work is done
 * by the shared codec (include/mdtun/codec.c, built into this module by
 * mdtun_codec.c); this file never parses TLVs itself.
 *
 * A device is either fixed (one VNI and remote) or collect-metadata
 * ("external": VNI, remote and options come per packet from the skb's
 * tunnel info, as set by openvswitch.ko, tc tunnel_key, BPF or lwtunnel).
 * Devices can also carry skb->mark and skb->priority to the peer as
 * well-known TLVs and restore them there from trusted senders.
 *
 * Receive drops that cannot be pinned to a device (no device for the VNI,
 * header too mangled to read the VNI) are counted on the collect-metadata
 * device listening on the same socket if there is one, and otherwise in
 * per-namespace counters shown in /proc/net/mdtun.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/hash.h>
#include <linux/inetdevice.h>
#include <linux/if_ether.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>
#include <linux/u64_stats_sync.h>
#include <net/dst_metadata.h>
#include <net/gro.h>
#include <net/gro_cells.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include <mdtun/codec.h>
#include <mdtun/if_mdtun.h>

#include "mdtun.h"

#define MDTUN_VNI_HASH_BITS	8
#define MDTUN_VNI_HASH_SIZE	BIT(MDTUN_VNI_HASH_BITS)

/* UDP plus the fixed mdtun header: what every packet carries. */
#define MDTUN_BASE_HLEN		(sizeof(struct udphdr) + MDTUN_HDR_LEN)
/*
 * Headroom a collect-md device keeps for options: four 4-byte TLVs, or an
 * OVN-style option and a few carried pipeline fields.
 */
#define MDTUN_MD_OPTS_HEADROOM	32
/* Bytes one carried 4-byte well-known field adds to the metadata. */
#define MDTUN_CARRY_TLV_LEN	(MDTUN_TLV_HDR_LEN + 4)

static bool log_ecn_error = true;
module_param(log_ecn_error, bool, 0644);
MODULE_PARM_DESC(log_ecn_error, "Log packets received with corrupted ECN");

/* ---- Data structures ---------------------------------------------------- */

union mdtun_addr {
	__be32 ip4;
	struct in6_addr ip6;
};

/* Per-cpu u64 counters, indexed by MDTUN_STAT_*. */
struct mdtun_pcpu_stats {
	u64_stats_t cnt[__MDTUN_STAT_MAX];
	struct u64_stats_sync syncp;
};

/*
 * What identifies a device: it decides which socket it listens on and how
 * packets are demultiplexed to it, so it only changes while the device is
 * down.
 */
struct mdtun_cfg {
	bool collect_md;
	u32 vni;			/* fixed mode */
	sa_family_t family;		/* fixed mode: family of the remote */
	sa_family_t local_family;	/* 0: no local address configured */
	union mdtun_addr remote;
	union mdtun_addr local;
	__be16 port;
};

/*
 * Settings that may change on a running device.  Replaced as a whole under
 * RTNL and read under RCU, so the data path always sees a consistent set.
 */
struct mdtun_params {
	struct rcu_head rcu;
	u32 carry;			/* MDTUN_CARRY_* */
	u8 ttl;
	u8 tos;
	bool ttl_inherit;
	bool tos_inherit;
	u8 df;				/* enum ifla_mdtun_df */
	bool udp_csum;
	bool zero_csum6_tx;
	bool zero_csum6_rx;
	unsigned int n_trust;
	struct mdtun_trust_prefix trust[MDTUN_TRUST_MAX];
};

struct mdtun_net;

/*
 * A per-cpu receive queue for packets whose mark or priority was restored.
 * They must not go through gro_cells (mdtun_rx() says why), and netif_rx()
 * would put them on the per-cpu backlog that, with RPS, also holds the
 * underlay's packets still waiting for this driver: under load each packet
 * would take two places in one queue.  The NAPI poll delivers them as they
 * are, without merging.  Enqueue and poll run with BH disabled, usually
 * on the same CPU, but threaded NAPI (sysfs "threaded") polls from a
 * kthread on any CPU: the queue's own lock orders them.
 */
struct mdtun_rx_cell {
	struct sk_buff_head queue;
	struct napi_struct napi;
};

/* A UDP socket shared by all devices on one (netns, port, family). */
struct mdtun_sock {
	struct list_head list;		/* in mdtun_net.sock_list */
	struct socket *sock;
	struct mdtun_net *mn;		/* for unattributed drop counters */
	struct rcu_head rcu;
	int refcnt;			/* devices using it, under RTNL */
	struct mdtun_dev __rcu *md_dev;	/* the collect-md device, if any */
	struct hlist_head vni_list[MDTUN_VNI_HASH_SIZE];  /* fixed devices */
};

struct mdtun_dev {
	struct hlist_node hlist;	/* fixed mode: in the socket's hash */
	struct net *net;		/* netns of the sockets (link netns) */
	struct net_device *dev;
	struct mdtun_sock __rcu *sock4;
	struct mdtun_sock __rcu *sock6;
	struct list_head next;		/* in mdtun_net.dev_list of @net */
	struct gro_cells gro_cells;
	struct mdtun_rx_cell __percpu *rx_cells;	/* see mdtun_rx_cell */
	struct mdtun_pcpu_stats __percpu *stats;
	struct mdtun_cfg cfg;
	/* Fixed mode: the tunnel key for transmit and the route cache. */
	struct ip_tunnel_info info;
	struct mdtun_params __rcu *params;
};

struct mdtun_net {
	struct list_head dev_list;	/* devices whose link netns is this */
	struct list_head sock_list;
	struct mdtun_pcpu_stats __percpu *stats;  /* unattributed rx drops */
};

static unsigned int mdtun_net_id;
static struct rtnl_link_ops mdtun_link_ops;

/* ---- Counters ------------------------------------------------------------ */

/* The counters a device reports: MDTUN_STAT_RX_HDR_TRUNCATED and up. */
#define MDTUN_FIRST_STAT	MDTUN_STAT_RX_HDR_TRUNCATED
#define MDTUN_NSTATS		(MDTUN_STAT_MAX - MDTUN_FIRST_STAT + 1)

static void mdtun_stats_inc(struct mdtun_pcpu_stats __percpu *stats,
			    unsigned int idx)
{
	struct mdtun_pcpu_stats *s = get_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->cnt[idx]);
	u64_stats_update_end(&s->syncp);
	put_cpu_ptr(stats);
}

static void mdtun_count(struct mdtun_dev *mdev, unsigned int idx)
{
	mdtun_stats_inc(mdev->stats, idx);
}

/*
 * Count a receive drop on @mdev, else on the socket's collect-md device,
 * else in the namespace's counters.
 */
static void mdtun_rx_count(struct mdtun_sock *ms, struct mdtun_dev *mdev,
			   unsigned int idx)
{
	if (!mdev)
		mdev = rcu_dereference(ms->md_dev);
	if (mdev) {
		mdtun_count(mdev, idx);
		DEV_STATS_INC(mdev->dev, rx_dropped);
	} else {
		mdtun_stats_inc(ms->mn->stats, idx);
	}
}

static void mdtun_stats_sum(struct mdtun_pcpu_stats __percpu *stats,
			    u64 *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(u64) * __MDTUN_STAT_MAX);
	for_each_possible_cpu(cpu) {
		const struct mdtun_pcpu_stats *s = per_cpu_ptr(stats, cpu);
		u64 tmp[__MDTUN_STAT_MAX];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < __MDTUN_STAT_MAX; i++)
				tmp[i] = u64_stats_read(&s->cnt[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < __MDTUN_STAT_MAX; i++)
			sum[i] += tmp[i];
	}
}

static struct mdtun_pcpu_stats __percpu *mdtun_stats_alloc(void)
{
	struct mdtun_pcpu_stats __percpu *stats;
	int cpu;

	stats = alloc_percpu(struct mdtun_pcpu_stats);
	if (!stats)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(stats, cpu)->syncp);
	return stats;
}

/* ---- Addresses and trust ------------------------------------------------- */

static bool mdtun_addr_equal(sa_family_t family, const union mdtun_addr *a,
			     const union mdtun_addr *b)
{
	if (family == AF_INET)
		return a->ip4 == b->ip4;
	return ipv6_addr_equal(&a->ip6, &b->ip6);
}

static void mdtun_prefix_mask(struct mdtun_trust_prefix *p)
{
	if (p->family == AF_INET) {
		p->addr.ip4 &= inet_make_mask(p->plen);
	} else {
		struct in6_addr masked;

		ipv6_addr_prefix(&masked, &p->addr.ip6, p->plen);
		p->addr.ip6 = masked;
	}
}

static bool mdtun_prefix_match(const struct mdtun_trust_prefix *p,
			       sa_family_t family, const union mdtun_addr *a)
{
	if (p->family != family)
		return false;
	if (family == AF_INET)
		return !((a->ip4 ^ p->addr.ip4) & inet_make_mask(p->plen));
	return ipv6_prefix_equal(&a->ip6, &p->addr.ip6, p->plen);
}

/*
 * Carried fields are only restored from senders we trust: the fixed
 * remote, which the administrator named, or a configured prefix.
 */
static bool mdtun_src_trusted(const struct mdtun_dev *mdev,
			      const struct mdtun_params *p,
			      sa_family_t family, const union mdtun_addr *src)
{
	unsigned int i;

	if (!mdev->cfg.collect_md && mdev->cfg.family == family &&
	    mdtun_addr_equal(family, &mdev->cfg.remote, src))
		return true;
	for (i = 0; i < p->n_trust; i++)
		if (mdtun_prefix_match(&p->trust[i], family, src))
			return true;
	return false;
}

static unsigned int mdtun_carry_md_len(u32 carry)
{
	return hweight32(carry & MDTUN_CARRY_ALL) * MDTUN_CARRY_TLV_LEN;
}

/* ---- Demultiplexing ------------------------------------------------------ */

static struct hlist_head *mdtun_vni_head(struct mdtun_sock *ms, u32 vni)
{
	return &ms->vni_list[hash_32(vni, MDTUN_VNI_HASH_BITS)];
}

/*
 * Fixed devices match on VNI and remote; a collect-md device on the socket
 * takes everything else.  Caller holds RCU.
 */
static struct mdtun_dev *mdtun_lookup(struct mdtun_sock *ms, u32 vni,
				      const union mdtun_addr *peer)
{
	sa_family_t family = ms->sock->sk->sk_family;
	struct mdtun_dev *mdev;

	hlist_for_each_entry_rcu(mdev, mdtun_vni_head(ms, vni), hlist) {
		if (mdev->cfg.vni == vni &&
		    mdtun_addr_equal(family, &mdev->cfg.remote, peer))
			return mdev;
	}
	return rcu_dereference(ms->md_dev);
}

static void mdtun_outer_saddr(const struct sk_buff *skb, sa_family_t family,
			      union mdtun_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET)
		a->ip4 = ip_hdr(skb)->saddr;
	else
		a->ip6 = ipv6_hdr(skb)->saddr;
}

/* ---- Receive ------------------------------------------------------------- */

/*
 * What a receiver decided about the carried fields of one packet.  The
 * per-field decisions are counted only for packets that are delivered, so
 * that an operator can tell "not allowed here" from "sender not trusted"
 * without drops muddying them.
 */
struct mdtun_rx_carry {
	u32 restore;			/* MDTUN_CARRY_* bits to restore */
	u32 applied;			/* MDTUN_WK_BIT()s restored or handed on */
	u8 not_allowed;			/* fields this device does not carry */
	u8 untrusted;			/* fields from a sender not trusted */
	u32 mark;			/* the values to restore */
	u32 priority;
};

static void mdtun_rx_decide(const struct mdtun_dev *mdev,
			    const struct mdtun_params *p,
			    const struct mdtun_wk_fields *wk,
			    sa_family_t family, const union mdtun_addr *src,
			    struct mdtun_rx_carry *rc)
{
	static const struct {
		u32 carry;
		u8 type;
	} fields[] = {
		{ MDTUN_CARRY_MARK, MDTUN_WK_MARK },
		{ MDTUN_CARRY_PRIORITY, MDTUN_WK_PRIORITY },
	};
	int trusted = -1;	/* computed on first need */
	unsigned int i;

	memset(rc, 0, sizeof(*rc));
	/* The consumer of a collect-md device judges the pipeline fields. */
	if (mdev->cfg.collect_md)
		rc->applied = MDTUN_WK_PIPELINE;
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		if (!(wk->present & MDTUN_WK_BIT(fields[i].type)))
			continue;
		if (!(p->carry & fields[i].carry)) {
			rc->not_allowed++;
			continue;
		}
		if (trusted < 0)
			trusted = mdtun_src_trusted(mdev, p, family, src);
		if (!trusted) {
			rc->untrusted++;
			continue;
		}
		rc->restore |= fields[i].carry;
		rc->applied |= MDTUN_WK_BIT(fields[i].type);
	}
	rc->mark = wk->mark;
	rc->priority = wk->priority;
}

/* All of one packet's carry decisions in one per-cpu update. */
static void mdtun_rx_count_carry(struct mdtun_dev *mdev,
				 const struct mdtun_rx_carry *rc)
{
	struct mdtun_pcpu_stats *s;

	if (!rc->restore && !rc->not_allowed && !rc->untrusted)
		return;
	s = get_cpu_ptr(mdev->stats);
	u64_stats_update_begin(&s->syncp);
	if (rc->restore & MDTUN_CARRY_MARK)
		u64_stats_inc(&s->cnt[MDTUN_STAT_RX_MARK_RESTORED]);
	if (rc->restore & MDTUN_CARRY_PRIORITY)
		u64_stats_inc(&s->cnt[MDTUN_STAT_RX_PRIORITY_RESTORED]);
	u64_stats_add(&s->cnt[MDTUN_STAT_RX_CARRY_NOT_ALLOWED],
		      rc->not_allowed);
	u64_stats_add(&s->cnt[MDTUN_STAT_RX_CARRY_UNTRUSTED], rc->untrusted);
	u64_stats_update_end(&s->syncp);
	put_cpu_ptr(mdev->stats);
}

/* A drop of a packet judged by @mdev: its own counter and rx_dropped. */
static void mdtun_rx_drop(struct mdtun_dev *mdev, unsigned int idx)
{
	mdtun_count(mdev, idx);
	DEV_STATS_INC(mdev->dev, rx_dropped);
}

/* Control packets on a fixed device have no consumer: counted, dropped. */
static bool mdtun_rx_oam_refused(struct mdtun_dev *mdev,
				 const struct mdtun_hdr *hdr)
{
	if (!(hdr->flags & MDTUN_F_OAM) || mdev->cfg.collect_md)
		return false;
	mdtun_rx_drop(mdev, MDTUN_STAT_RX_OAM);
	return true;
}

static int mdtun_rx_cell_poll(struct napi_struct *napi, int budget)
{
	struct mdtun_rx_cell *cell = container_of(napi, struct mdtun_rx_cell,
						  napi);
	struct sk_buff *skb;
	int done = 0;

	while (done < budget) {
		spin_lock(&cell->queue.lock);
		skb = __skb_dequeue(&cell->queue);
		spin_unlock(&cell->queue.lock);
		if (!skb)
			break;
		netif_receive_skb(skb);
		done++;
	}
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}

/*
 * Queue @skb on this CPU's cell; NET_RX_DROP (freed, and counted in
 * rx_dropped as the backlog and gro_cells count theirs) when the queue is
 * full or the device is going down.
 */
static int mdtun_rx_cell_queue(struct mdtun_dev *mdev, struct sk_buff *skb)
{
	struct mdtun_rx_cell *cell = this_cpu_ptr(mdev->rx_cells);
	bool first;

	if (unlikely(!netif_running(mdev->dev)))
		goto drop;
	spin_lock(&cell->queue.lock);
	if (skb_queue_len(&cell->queue) > READ_ONCE(netdev_max_backlog)) {
		spin_unlock(&cell->queue.lock);
		goto drop;
	}
	__skb_queue_tail(&cell->queue, skb);
	first = skb_queue_len(&cell->queue) == 1;
	spin_unlock(&cell->queue.lock);
	/* A poll in progress sees NAPI_STATE_MISSED and runs again. */
	if (first)
		napi_schedule(&cell->napi);
	return NET_RX_SUCCESS;

drop:
	dev_core_stats_rx_dropped_inc(mdev->dev);
	kfree_skb(skb);
	return NET_RX_DROP;
}

/* Deliver a packet whose header and metadata passed every check. */
static void mdtun_rx(struct mdtun_dev *mdev, struct mdtun_sock *ms,
		     struct sk_buff *skb, const struct mdtun_hdr *hdr,
		     const struct mdtun_rx_carry *rc)
{
	sa_family_t family = ms->sock->sk->sk_family;
	unsigned int hlen = MDTUN_BASE_HLEN + hdr->md_len;
	struct net_device *dev = mdev->dev;
	struct metadata_dst *tun_dst = NULL;
	unsigned int len;
	void *oiph;
	int nh, err;

	if (skb->len < hlen + ETH_HLEN) {
		DEV_STATS_INC(dev, rx_length_errors);
		DEV_STATS_INC(dev, rx_errors);
		mdtun_rx_drop(mdev, MDTUN_STAT_RX_INNER_SHORT);
		goto drop;
	}

	if (mdev->cfg.collect_md) {
		const u8 *md = skb->data + MDTUN_BASE_HLEN;
		__be16 flags = TUNNEL_KEY;

		if (hdr->flags & MDTUN_F_OAM)
			flags |= TUNNEL_OAM;
		if (hdr->flags & MDTUN_F_CRIT)
			flags |= TUNNEL_CRIT_OPT;
		tun_dst = udp_tun_rx_dst(skb, family, flags,
					 cpu_to_be64(hdr->vni), hdr->md_len);
		if (!tun_dst) {
			mdtun_rx_drop(mdev, MDTUN_STAT_RX_NOMEM);
			goto drop;
		}
		/* The TLV area is Geneve option encoding by design. */
		ip_tunnel_info_opts_set(&tun_dst->u.tun_info, md, hdr->md_len,
					TUNNEL_GENEVE_OPT);
	}

	/* Scrubs the skb (and its mark) when crossing netns. */
	if (iptunnel_pull_header(skb, hlen, htons(ETH_P_TEB),
				 !net_eq(mdev->net, dev_net(dev)))) {
		mdtun_rx_drop(mdev, MDTUN_STAT_RX_NOMEM);
		goto drop;
	}

	skb_reset_mac_header(skb);
	skb->protocol = eth_type_trans(skb, dev);
	skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);

	/* Our own frames coming back: a loop, not traffic. */
	if (ether_addr_equal(eth_hdr(skb)->h_source, dev->dev_addr)) {
		DEV_STATS_INC(dev, rx_errors);
		mdtun_rx_drop(mdev, MDTUN_STAT_RX_LOOP);
		goto drop;
	}

	/*
	 * The outer header stays in the buffer but skb->head may move when
	 * the inner header is pulled, so remember it as an offset.
	 */
	nh = skb_network_header(skb) - skb->head;
	skb_reset_network_header(skb);
	if (!pskb_inet_may_pull(skb)) {
		DEV_STATS_INC(dev, rx_length_errors);
		DEV_STATS_INC(dev, rx_errors);
		mdtun_rx_drop(mdev, MDTUN_STAT_RX_INNER_TRUNCATED);
		goto drop;
	}
	oiph = skb->head + nh;

	if (family == AF_INET)
		err = IP_ECN_decapsulate(oiph, skb);
	else
		err = IP6_ECN_decapsulate(oiph, skb);
	if (unlikely(err)) {
		if (log_ecn_error) {
			if (family == AF_INET)
				net_info_ratelimited("%s: non-ECT from %pI4 with TOS=%#x\n",
						     dev->name,
						     &((struct iphdr *)oiph)->saddr,
						     ((struct iphdr *)oiph)->tos);
			else
				net_info_ratelimited("%s: non-ECT from %pI6\n",
						     dev->name,
						     &((struct ipv6hdr *)oiph)->saddr);
		}
		if (err > 1) {
			DEV_STATS_INC(dev, rx_frame_errors);
			DEV_STATS_INC(dev, rx_errors);
			mdtun_rx_drop(mdev, MDTUN_STAT_RX_ECN_ERROR);
			goto drop;
		}
	}

	/* Restore only now: the scrub above would have undone it. */
	if (rc->restore & MDTUN_CARRY_MARK)
		skb->mark = rc->mark;
	if (rc->restore & MDTUN_CARRY_PRIORITY)
		skb->priority = rc->priority;
	mdtun_rx_count_carry(mdev, rc);

	if (tun_dst) {
		skb_dst_set(skb, &tun_dst->dst);
		tun_dst = NULL;
	}

	/*
	 * The device's own GRO (gro_cells) merges the segments of a flow
	 * without comparing skb->mark or skb->priority, so a merged packet
	 * would give every segment the first one's values.  Packets with
	 * restored fields therefore take the device's receive cells, which
	 * do not merge; mdtun_gro_receive() has already merged those whose
	 * metadata is byte for byte equal.
	 */
	len = skb->len;
	if (rc->restore)
		err = mdtun_rx_cell_queue(mdev, skb);
	else
		err = gro_cells_receive(&mdev->gro_cells, skb);
	if (likely(err == NET_RX_SUCCESS))
		dev_sw_netstats_rx_add(dev, len);
	else
		mdtun_count(mdev, MDTUN_STAT_RX_QUEUE_FULL);
	return;

drop:
	if (tun_dst)
		dst_release(&tun_dst->dst);
	kfree_skb(skb);
}

/*
 * Called by the UDP stack for every datagram on an mdtun socket.  The
 * checks run in the order of docs/protocol.md, section 8.3: header, device
 * lookup, zero checksum, metadata, OAM, critical fields not applied, then
 * the inner frame (mdtun_rx()).  The first that fails is counted.
 */
static int mdtun_udp_encap_recv(struct sock *sk, struct sk_buff *skb)
{
	sa_family_t family = sk->sk_family;
	struct mdtun_dev *mdev = NULL;
	struct mdtun_rx_carry rc = {};
	const struct mdtun_params *p;
	enum mdtun_status status;
	struct mdtun_sock *ms;
	union mdtun_addr src;
	struct mdtun_hdr hdr;
	unsigned int avail;
	unsigned int policy;

	ms = rcu_dereference_sk_user_data(sk);
	if (!ms) {
		struct mdtun_net *mn = net_generic(sock_net(sk), mdtun_net_id);

		mdtun_stats_inc(mn->stats, MDTUN_STAT_RX_SOCK_CLOSING);
		goto drop;
	}

	/* skb->data is at the UDP header. */
	avail = skb->len - sizeof(struct udphdr);
	if (avail >= MDTUN_HDR_LEN &&
	    !pskb_may_pull(skb, MDTUN_BASE_HLEN)) {
		mdtun_rx_count(ms, NULL, MDTUN_STAT_RX_NOMEM);
		goto drop;
	}
	status = mdtun_hdr_parse(skb->data + sizeof(struct udphdr), avail,
				 &hdr);

	/* Except for truncation, the parser fills in the VNI even on error,
	 * so the drop can usually be charged to the right device.
	 */
	mdtun_outer_saddr(skb, family, &src);
	if (status != MDTUN_ERR_HDR_TRUNCATED)
		mdev = mdtun_lookup(ms, hdr.vni, &src);

	if (status != MDTUN_OK) {
		mdtun_rx_count(ms, mdev, mdtun_status_stat(status));
		goto drop;
	}
	if (!mdev) {
		mdtun_rx_count(ms, NULL, MDTUN_STAT_RX_UNKNOWN_VNI);
		goto drop;
	}

	p = rcu_dereference(mdev->params);
	if (family == AF_INET6 && !udp_hdr(skb)->check &&
	    !p->zero_csum6_rx) {
		mdtun_rx_drop(mdev, MDTUN_STAT_RX_ZERO_CSUM);
		goto drop;
	}

	/*
	 * An empty area is valid, holds no field to restore and no critical
	 * one: most packets skip the walk, and the stack's auto-init does not
	 * zero @wk for them.
	 */
	if (hdr.md_len) {
		struct mdtun_wk_fields wk;

		if (!pskb_may_pull(skb, MDTUN_BASE_HLEN + hdr.md_len)) {
			mdtun_rx_drop(mdev, MDTUN_STAT_RX_NOMEM);
			goto drop;
		}
		policy = mdev->cfg.collect_md ? MDTUN_POLICY_PASS_FOREIGN : 0;
		status = mdtun_md_validate(skb->data + MDTUN_BASE_HLEN,
					   hdr.md_len, hdr.flags, policy, &wk);
		if (status != MDTUN_OK) {
			mdtun_rx_drop(mdev, mdtun_status_stat(status));
			goto drop;
		}
		if (mdtun_rx_oam_refused(mdev, &hdr))
			goto drop;
		mdtun_rx_decide(mdev, p, &wk, family, &src, &rc);
		status = mdtun_wk_check_applied(&wk, rc.applied);
		if (status != MDTUN_OK) {
			mdtun_rx_drop(mdev, mdtun_status_stat(status));
			goto drop;
		}
	} else if (mdtun_rx_oam_refused(mdev, &hdr)) {
		goto drop;
	}

	mdtun_rx(mdev, ms, skb, &hdr, &rc);
	return 0;

drop:
	kfree_skb(skb);
	return 0;
}

/* ICMP errors on our sockets: claim those about packets we sent. */
static int mdtun_udp_encap_err_lookup(struct sock *sk, struct sk_buff *skb)
{
	unsigned int off = skb_transport_offset(skb) + sizeof(struct udphdr);
	struct mdtun_sock *ms;
	union mdtun_addr dst;
	struct mdtun_hdr hdr;

	if (!pskb_may_pull(skb, off + MDTUN_HDR_LEN))
		return -EINVAL;
	/* Only the fixed header is quoted reliably: do not ask for more. */
	if (mdtun_hdr_parse(skb->data + off,
			    MDTUN_HDR_LEN + MDTUN_MD_MAX_LEN, &hdr) != MDTUN_OK)
		return -EINVAL;

	ms = rcu_dereference_sk_user_data(sk);
	if (!ms)
		return -ENOENT;

	memset(&dst, 0, sizeof(dst));
	if (sk->sk_family == AF_INET)
		dst.ip4 = ip_hdr(skb)->daddr;
	else
		dst.ip6 = ipv6_hdr(skb)->daddr;
	return mdtun_lookup(ms, hdr.vni, &dst) ? 0 : -ENOENT;
}

/* ---- GRO ----------------------------------------------------------------- */

static struct sk_buff *mdtun_gro_receive(struct sock *sk,
					 struct list_head *head,
					 struct sk_buff *skb)
{
	unsigned int off = skb_gro_offset(skb);
	struct sk_buff *pp = NULL;
	struct mdtun_hdr hdr;
	unsigned int hlen;
	struct sk_buff *p;
	const u8 *h;
	int flush = 1;

	h = skb_gro_header(skb, off + MDTUN_HDR_LEN, off);
	if (unlikely(!h))
		goto out;
	/*
	 * Parse the fixed header only (the length passed claims room for the
	 * largest area); anything odd is left unmerged for the slow path to
	 * count.  OAM packets are never merged.
	 */
	if (mdtun_hdr_parse(h, MDTUN_HDR_LEN + MDTUN_MD_MAX_LEN, &hdr) !=
	    MDTUN_OK || (hdr.flags & MDTUN_F_OAM))
		goto out;

	hlen = MDTUN_HDR_LEN + hdr.md_len;
	h = skb_gro_header(skb, off + hlen, off);
	if (unlikely(!h))
		goto out;

	/* Same flow only if header and metadata are byte for byte equal. */
	list_for_each_entry(p, head, list) {
		const u8 *h2;

		if (!NAPI_GRO_CB(p)->same_flow)
			continue;
		h2 = p->data + off;
		if (memcmp(h, h2, MDTUN_HDR_LEN) ||
		    memcmp(h + MDTUN_HDR_LEN, h2 + MDTUN_HDR_LEN, hdr.md_len))
			NAPI_GRO_CB(p)->same_flow = 0;
	}

	skb_gro_pull(skb, hlen);
	skb_gro_postpull_rcsum(skb, h, hlen);
	return call_gro_receive(eth_gro_receive, head, skb);

out:
	skb_gro_flush_final(skb, pp, flush);
	return pp;
}

static int mdtun_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff)
{
	struct mdtun_hdr hdr;

	/* Checked by mdtun_gro_receive() before the packet was merged. */
	if (mdtun_hdr_parse(skb->data + nhoff,
			    MDTUN_HDR_LEN + MDTUN_MD_MAX_LEN, &hdr) != MDTUN_OK)
		return -EINVAL;
	/* skb->encapsulation is set: this also sets the inner MAC header. */
	return eth_gro_complete(skb, nhoff + MDTUN_HDR_LEN + hdr.md_len);
}

/* ---- Sockets ------------------------------------------------------------- */

static struct mdtun_sock *mdtun_sock_create(struct net *net, __be16 port,
					    sa_family_t family)
{
	struct mdtun_net *mn = net_generic(net, mdtun_net_id);
	struct udp_tunnel_sock_cfg tcfg;
	struct udp_port_cfg ucfg;
	struct mdtun_sock *ms;
	struct socket *sock;
	unsigned int h;
	int err;

	ms = kzalloc(sizeof(*ms), GFP_KERNEL);
	if (!ms)
		return ERR_PTR(-ENOMEM);

	memset(&ucfg, 0, sizeof(ucfg));
	ucfg.family = family;
	ucfg.local_udp_port = port;
	if (family == AF_INET6) {
		ucfg.ipv6_v6only = 1;
		/*
		 * Let zero-checksum datagrams in; whether to accept them is
		 * each device's decision (IFLA_MDTUN_UDP_ZERO_CSUM6_RX), so
		 * that refusals are counted rather than silently dropped.
		 */
		ucfg.use_udp6_rx_checksums = false;
	} else {
		ucfg.local_ip.s_addr = htonl(INADDR_ANY);
	}
	err = udp_sock_create(net, &ucfg, &sock);
	if (err < 0) {
		kfree(ms);
		return ERR_PTR(err);
	}
	udp_allow_gso(sock->sk);

	ms->sock = sock;
	ms->mn = mn;
	ms->refcnt = 1;
	for (h = 0; h < MDTUN_VNI_HASH_SIZE; h++)
		INIT_HLIST_HEAD(&ms->vni_list[h]);

	memset(&tcfg, 0, sizeof(tcfg));
	tcfg.sk_user_data = ms;
	tcfg.encap_type = 1;
	tcfg.encap_rcv = mdtun_udp_encap_recv;
	tcfg.encap_err_lookup = mdtun_udp_encap_err_lookup;
	tcfg.gro_receive = mdtun_gro_receive;
	tcfg.gro_complete = mdtun_gro_complete;
	setup_udp_tunnel_sock(net, sock, &tcfg);

	list_add(&ms->list, &mn->sock_list);
	return ms;
}

static void mdtun_sock_put(struct mdtun_sock *ms)
{
	if (!ms || --ms->refcnt)
		return;
	list_del(&ms->list);
	udp_tunnel_sock_release(ms->sock);
	kfree_rcu(ms, rcu);
}

static struct mdtun_sock *mdtun_sock_get(struct net *net, __be16 port,
					 sa_family_t family)
{
	struct mdtun_net *mn = net_generic(net, mdtun_net_id);
	struct mdtun_sock *ms;

	list_for_each_entry(ms, &mn->sock_list, list) {
		if (inet_sk(ms->sock->sk)->inet_sport == port &&
		    ms->sock->sk->sk_family == family) {
			ms->refcnt++;
			return ms;
		}
	}
	return mdtun_sock_create(net, port, family);
}

static int mdtun_sock_attach(struct mdtun_dev *mdev, sa_family_t family)
{
	struct mdtun_sock *ms;

	ms = mdtun_sock_get(mdev->net, mdev->cfg.port, family);
	if (IS_ERR(ms))
		return PTR_ERR(ms);

	if (mdev->cfg.collect_md)
		rcu_assign_pointer(ms->md_dev, mdev);
	else
		hlist_add_head_rcu(&mdev->hlist,
				   mdtun_vni_head(ms, mdev->cfg.vni));

	if (family == AF_INET)
		rcu_assign_pointer(mdev->sock4, ms);
	else
		rcu_assign_pointer(mdev->sock6, ms);
	return 0;
}

static void mdtun_sock_detach(struct mdtun_dev *mdev)
{
	struct mdtun_sock *ms4 = rtnl_dereference(mdev->sock4);
	struct mdtun_sock *ms6 = rtnl_dereference(mdev->sock6);

	if (mdev->cfg.collect_md) {
		if (ms4)
			RCU_INIT_POINTER(ms4->md_dev, NULL);
		if (ms6)
			RCU_INIT_POINTER(ms6->md_dev, NULL);
	} else {
		hlist_del_init_rcu(&mdev->hlist);
	}
	RCU_INIT_POINTER(mdev->sock4, NULL);
	RCU_INIT_POINTER(mdev->sock6, NULL);
	/* Let receivers and senders still using the sockets finish. */
	synchronize_net();
	mdtun_sock_put(ms4);
	mdtun_sock_put(ms6);
}

/* ---- Transmit ------------------------------------------------------------ */

/*
 * The per-packet helpers of transmit are __always_inline: with the
 * kernel's -fconserve-stack gcc keeps them out of line, and each call cost
 * some 20 instructions of prologue and stack protector per packet
 * (docs/performance.md, instruction profiles).
 */

/*
 * What one packet's mdtun header and metadata will hold, decided before the
 * skb is scrubbed (which clears the mark) and written straight into the
 * skb by mdtun_push_header() once there is room: the options from the
 * tunnel info (collect-md), then the carried fields the options do not
 * already hold.
 */
struct mdtun_txhdr {
	struct mdtun_hdr hdr;
	/*
	 * Options copied first, or NULL: in the skb's tunnel info, whose dst
	 * the scrub releases through RCU, so valid until written (the
	 * transmit path holds rcu_read_lock), as geneve relies on too.
	 */
	const u8 *opts;
	u8 opts_len;
	u32 add;			/* MDTUN_CARRY_* fields to append */
	u32 mark;
	u32 priority;
};

/* Bytes from the start of the mdtun header to the inner frame. */
static unsigned int mdtun_txhdr_len(const struct mdtun_txhdr *txh)
{
	return MDTUN_HDR_LEN + txh->hdr.md_len;
}

/*
 * Decide the header and metadata.  The options are walked once, to check
 * them and to learn which well-known fields and whether a critical TLV they
 * hold; without options there is nothing to walk (carried fields are never
 * critical).  Returns 0 or the MDTUN_STAT_TX_* counter to charge the drop
 * to.
 */
static __always_inline int mdtun_plan_txhdr(struct mdtun_dev *mdev,
					    struct sk_buff *skb,
					    const struct ip_tunnel_info *info,
					    const struct mdtun_params *p,
					    struct mdtun_txhdr *txh)
{
	unsigned int md_len = 0;
	u32 present = 0;
	u64 tun_id;

	txh->hdr.flags = 0;
	txh->opts = NULL;
	txh->opts_len = 0;
	if (mdev->cfg.collect_md) {
		tun_id = be64_to_cpu(info->key.tun_id);
		if (tun_id > MDTUN_VNI_MAX)
			return MDTUN_STAT_TX_BAD_OPTIONS;
		txh->hdr.vni = tun_id;
		if (info->key.tun_flags & TUNNEL_OAM)
			txh->hdr.flags |= MDTUN_F_OAM;
	} else {
		txh->hdr.vni = mdev->cfg.vni;
	}

	if (mdev->cfg.collect_md && info->options_len) {
		/* ip_tunnel_info_opts() for a const info: options follow it. */
		const u8 *opts = (const u8 *)(info + 1);
		/* Here, so that the stack auto-init zeroes it only if used. */
		struct mdtun_wk_fields wk;
		enum mdtun_status st;

		/* Only Geneve-style options share our TLV encoding. */
		if (!(info->key.tun_flags & TUNNEL_GENEVE_OPT))
			return MDTUN_STAT_TX_BAD_OPTIONS;
		/* The C flag is derived here, so do not fault it. */
		st = mdtun_md_validate(opts, info->options_len, MDTUN_F_CRIT,
				       MDTUN_POLICY_PASS_FOREIGN, &wk);
		if (st == MDTUN_ERR_MD_TOO_LONG)
			return MDTUN_STAT_TX_MD_TOO_LONG;
		if (st != MDTUN_OK)
			return MDTUN_STAT_TX_BAD_OPTIONS;
		if (wk.has_critical)
			txh->hdr.flags |= MDTUN_F_CRIT;
		present = wk.present;
		txh->opts = opts;
		txh->opts_len = info->options_len;
		md_len = info->options_len;
	}

	txh->add = p->carry & MDTUN_CARRY_ALL;
	if (present & MDTUN_WK_BIT(MDTUN_WK_MARK))
		txh->add &= ~MDTUN_CARRY_MARK;
	if (present & MDTUN_WK_BIT(MDTUN_WK_PRIORITY))
		txh->add &= ~MDTUN_CARRY_PRIORITY;
	if (txh->add) {
		md_len += mdtun_carry_md_len(txh->add);
		if (md_len > MDTUN_MD_MAX_LEN)
			return MDTUN_STAT_TX_MD_TOO_LONG;
		txh->mark = skb->mark;
		txh->priority = skb->priority;
		mdtun_count(mdev, MDTUN_STAT_TX_CARRY_ADDED);
	}
	txh->hdr.protocol = MDTUN_PROTO_ETH;
	txh->hdr.md_len = md_len;
	return 0;
}

/* Write the planned header and metadata at @buf. */
static __always_inline int mdtun_write_txhdr(u8 *buf,
					     const struct mdtun_txhdr *txh)
{
	u8 *md = buf + MDTUN_HDR_LEN;
	size_t md_len = txh->opts_len;

	if (mdtun_hdr_build(buf, MDTUN_HDR_LEN, &txh->hdr) != MDTUN_OK)
		return -EINVAL;
	if (txh->opts_len)
		memcpy(md, txh->opts, txh->opts_len);
	/* The plan left room for these: they cannot fail. */
	if ((txh->add & MDTUN_CARRY_MARK) &&
	    mdtun_wk_put(md, txh->hdr.md_len, &md_len, MDTUN_WK_MARK,
			 txh->mark) != MDTUN_OK)
		return -EINVAL;
	if ((txh->add & MDTUN_CARRY_PRIORITY) &&
	    mdtun_wk_put(md, txh->hdr.md_len, &md_len, MDTUN_WK_PRIORITY,
			 txh->priority) != MDTUN_OK)
		return -EINVAL;
	return 0;
}

/* Make room for and write the mdtun header; frees nothing on error. */
static __always_inline int mdtun_push_header(struct sk_buff *skb,
					     struct dst_entry *dst,
					     const struct mdtun_txhdr *txh,
					     unsigned int ip_hlen, bool udp_sum,
					     bool xnet)
{
	unsigned int hlen = mdtun_txhdr_len(txh);
	int min_headroom;
	int err;

	skb_reset_mac_header(skb);
	skb_scrub_packet(skb, xnet);

	min_headroom = LL_RESERVED_SPACE(dst->dev) + dst->header_len +
		       ip_hlen + sizeof(struct udphdr) + hlen;
	err = skb_cow_head(skb, min_headroom);
	if (unlikely(err))
		return err;

	/* Sets the inner headers and SKB_GSO_UDP_TUNNEL[_CSUM]. */
	err = udp_tunnel_handle_offloads(skb, udp_sum);
	if (err)
		return err;

	err = mdtun_write_txhdr(__skb_push(skb, hlen), txh);
	if (unlikely(err))
		return err;
	skb_set_inner_protocol(skb, htons(ETH_P_TEB));
	return 0;
}

/*
 * The packet is too big for the path and we are a bridge port: the ICMP
 * error built by skb_tunnel_check_pmtu() goes back out of this device
 * towards the sender, so turn it around like a received frame.
 */
static int mdtun_pmtu_reply(struct sk_buff *skb, struct net_device *dev,
			    sa_family_t family, const union mdtun_addr *saddr,
			    const union mdtun_addr *daddr)
{
	struct ip_tunnel_info *info = skb_tunnel_info(skb);

	if (info) {
		struct ip_tunnel_info *unclone;

		unclone = skb_tunnel_info_unclone(skb);
		if (unlikely(!unclone))
			return -ENOMEM;
		if (family == AF_INET) {
			unclone->key.u.ipv4.dst = saddr->ip4;
			unclone->key.u.ipv4.src = daddr->ip4;
		} else {
			unclone->key.u.ipv6.dst = saddr->ip6;
			unclone->key.u.ipv6.src = daddr->ip6;
		}
	}
	if (!pskb_may_pull(skb, ETH_HLEN))
		return -EINVAL;
	skb->protocol = eth_type_trans(skb, dev);
	__netif_rx(skb);
	return -EMSGSIZE;
}

static __be16 mdtun_df(struct sk_buff *skb, u8 df)
{
	if (df == MDTUN_DF_SET)
		return htons(IP_DF);
	if (df == MDTUN_DF_INHERIT) {
		__be16 proto = skb_protocol(skb, true);

		if (proto == htons(ETH_P_IPV6))
			return htons(IP_DF);
		if (proto == htons(ETH_P_IP) &&
		    (ip_hdr(skb)->frag_off & htons(IP_DF)))
			return htons(IP_DF);
	}
	return 0;
}

/*
 * What both families do first: the socket (gone while the device goes
 * down), the inner headers in linear memory, the UDP source port (from
 * the flow hash, in the ephemeral port range like every UDP tunnel:
 * docs/protocol.md section 3.2).
 */
static __always_inline int mdtun_xmit_prepare(struct sk_buff *skb,
					      struct mdtun_dev *mdev,
					      const struct mdtun_sock *ms,
					      __be16 *sport)
{
	if (!ms) {
		mdtun_count(mdev, MDTUN_STAT_TX_NO_SOCKET);
		return -EIO;
	}
	if (skb_vlan_inet_prepare(skb, false)) {
		mdtun_count(mdev, MDTUN_STAT_TX_INNER_TRUNCATED);
		return -EINVAL;
	}
	*sport = udp_flow_src_port(mdev->net, skb, 0, 0, true);
	return 0;
}

/* A failed route lookup: a loop back into the device, or no route. */
static void mdtun_count_route_error(struct mdtun_dev *mdev, long err)
{
	mdtun_count(mdev, err == -ELOOP ? MDTUN_STAT_TX_LOOP :
					  MDTUN_STAT_TX_NO_ROUTE);
}

static int mdtun_xmit4(struct sk_buff *skb, struct net_device *dev,
		       struct mdtun_dev *mdev,
		       const struct ip_tunnel_info *info,
		       const struct mdtun_params *p,
		       const struct mdtun_txhdr *txh)
{
	struct mdtun_sock *ms = rcu_dereference(mdev->sock4);
	bool xnet = !net_eq(mdev->net, dev_net(dev));
	const struct ip_tunnel_key *key = &info->key;
	bool collect_md = mdev->cfg.collect_md;
	__be16 dport = mdev->cfg.port;
	struct dst_cache *cache = NULL;
	union mdtun_addr sa, da;
	__be16 sport, df;
	struct rtable *rt;
	bool udp_sum;
	u8 tos, ttl;
	__be32 saddr;
	int err;

	err = mdtun_xmit_prepare(skb, mdev, ms, &sport);
	if (err)
		return err;
	if (collect_md) {
		tos = key->tos;
		if (ip_tunnel_dst_cache_usable(skb, info))
			cache = (struct dst_cache *)&info->dst_cache;
	} else if (p->tos_inherit) {
		tos = ip_tunnel_get_dsfield(ip_hdr(skb), skb);
	} else {
		tos = p->tos;
		if (!skb->mark)
			cache = &mdev->info.dst_cache;
	}

	saddr = key->u.ipv4.src;
	rt = udp_tunnel_dst_lookup(skb, dev, mdev->net, 0, &saddr, key,
				   sport, dport, tos, cache);
	if (IS_ERR(rt)) {
		mdtun_count_route_error(mdev, PTR_ERR(rt));
		return PTR_ERR(rt);
	}

	err = skb_tunnel_check_pmtu(skb, &rt->dst,
				    ETH_HLEN + sizeof(struct iphdr) +
				    MDTUN_BASE_HLEN + txh->hdr.md_len,
				    netif_is_any_bridge_port(dev));
	if (err < 0) {
		mdtun_count(mdev, MDTUN_STAT_TX_NOMEM);
		ip_rt_put(rt);
		return err;
	} else if (err) {
		mdtun_count(mdev, MDTUN_STAT_TX_TOO_BIG);
		memset(&sa, 0, sizeof(sa));
		memset(&da, 0, sizeof(da));
		sa.ip4 = saddr;
		da.ip4 = key->u.ipv4.dst;
		ip_rt_put(rt);
		return mdtun_pmtu_reply(skb, dev, AF_INET, &sa, &da);
	}

	tos = ip_tunnel_ecn_encap(tos, ip_hdr(skb), skb);
	if (collect_md) {
		ttl = key->ttl;
		df = key->tun_flags & TUNNEL_DONT_FRAGMENT ? htons(IP_DF) : 0;
		udp_sum = key->tun_flags & TUNNEL_CSUM;
	} else {
		ttl = p->ttl_inherit ? ip_tunnel_get_ttl(ip_hdr(skb), skb) :
				       p->ttl;
		df = mdtun_df(skb, p->df);
		udp_sum = p->udp_csum;
	}
	ttl = ttl ? : ip4_dst_hoplimit(&rt->dst);

	err = mdtun_push_header(skb, &rt->dst, txh, sizeof(struct iphdr),
				udp_sum, xnet);
	if (err) {
		mdtun_count(mdev, MDTUN_STAT_TX_NOMEM);
		ip_rt_put(rt);
		return err;
	}

	udp_tunnel_xmit_skb(rt, ms->sock->sk, skb, saddr, key->u.ipv4.dst,
			    tos, ttl, df, sport, dport, xnet, !udp_sum);
	return 0;
}

#if IS_ENABLED(CONFIG_IPV6)
static int mdtun_xmit6(struct sk_buff *skb, struct net_device *dev,
		       struct mdtun_dev *mdev,
		       const struct ip_tunnel_info *info,
		       const struct mdtun_params *p,
		       const struct mdtun_txhdr *txh)
{
	struct mdtun_sock *ms = rcu_dereference(mdev->sock6);
	bool xnet = !net_eq(mdev->net, dev_net(dev));
	bool collect_md = mdev->cfg.collect_md;
	__be16 dport = mdev->cfg.port;
	struct ip_tunnel_info lookup;
	struct in6_addr saddr;
	union mdtun_addr sa, da;
	struct dst_entry *dst;
	bool use_cache, nocheck;
	__be16 sport;
	__be32 label;
	u8 prio, ttl;
	int err;

	err = mdtun_xmit_prepare(skb, mdev, ms, &sport);
	if (err)
		return err;

	/*
	 * The lookup helper takes the traffic class from the key; a fixed
	 * device supplies its own, from its parameters.  The copy shares
	 * the device's route cache.
	 */
	if (collect_md) {
		lookup = *info;
		use_cache = ip_tunnel_dst_cache_usable(skb, info);
		label = info->key.label;
	} else {
		lookup = mdev->info;
		if (p->tos_inherit) {
			lookup.key.tos = ip_tunnel_get_dsfield(ip_hdr(skb),
							       skb);
			use_cache = false;
		} else {
			lookup.key.tos = p->tos;
			use_cache = !skb->mark;
		}
		label = 0;
	}

	dst = udp_tunnel6_dst_lookup(skb, dev, mdev->net, ms->sock, &saddr,
				     &lookup, IPPROTO_UDP, use_cache);
	if (IS_ERR(dst)) {
		mdtun_count_route_error(mdev, PTR_ERR(dst));
		return PTR_ERR(dst);
	}

	err = skb_tunnel_check_pmtu(skb, dst,
				    ETH_HLEN + sizeof(struct ipv6hdr) +
				    MDTUN_BASE_HLEN + txh->hdr.md_len,
				    netif_is_any_bridge_port(dev));
	if (err < 0) {
		mdtun_count(mdev, MDTUN_STAT_TX_NOMEM);
		dst_release(dst);
		return err;
	} else if (err) {
		mdtun_count(mdev, MDTUN_STAT_TX_TOO_BIG);
		sa.ip6 = saddr;
		da.ip6 = info->key.u.ipv6.dst;
		dst_release(dst);
		return mdtun_pmtu_reply(skb, dev, AF_INET6, &sa, &da);
	}

	prio = ip_tunnel_ecn_encap(lookup.key.tos, ip_hdr(skb), skb);
	if (collect_md)
		ttl = info->key.ttl;
	else
		ttl = p->ttl_inherit ? ip_tunnel_get_ttl(ip_hdr(skb), skb) :
				       p->ttl;
	ttl = ttl ? : ip6_dst_hoplimit(dst);

	/* A zero IPv6 UDP checksum only where the device allows it. */
	nocheck = p->zero_csum6_tx;
	if (collect_md && (info->key.tun_flags & TUNNEL_CSUM))
		nocheck = false;

	err = mdtun_push_header(skb, dst, txh, sizeof(struct ipv6hdr),
				!nocheck, xnet);
	if (err) {
		mdtun_count(mdev, MDTUN_STAT_TX_NOMEM);
		dst_release(dst);
		return err;
	}

	udp_tunnel6_xmit_skb(dst, ms->sock->sk, skb, dev, &saddr,
			     &lookup.key.u.ipv6.dst, prio, ttl, label, sport,
			     dport, nocheck);
	return 0;
}
#endif

static netdev_tx_t mdtun_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct mdtun_dev *mdev = netdev_priv(dev);
	const struct ip_tunnel_info *info;
	const struct mdtun_params *p;
	struct mdtun_txhdr txh;
	int err, stat;

	rcu_read_lock();
	p = rcu_dereference(mdev->params);

	if (mdev->cfg.collect_md) {
		info = skb_tunnel_info(skb);
		if (unlikely(!info || !(info->mode & IP_TUNNEL_INFO_TX))) {
			mdtun_count(mdev, MDTUN_STAT_TX_NO_TUNNEL_INFO);
			err = -EINVAL;
			goto drop;
		}
	} else {
		info = &mdev->info;
	}

	stat = mdtun_plan_txhdr(mdev, skb, info, p, &txh);
	if (stat) {
		mdtun_count(mdev, stat);
		err = -EINVAL;
		goto drop;
	}

#if IS_ENABLED(CONFIG_IPV6)
	if (ip_tunnel_info_af(info) == AF_INET6)
		err = mdtun_xmit6(skb, dev, mdev, info, p, &txh);
	else
#endif
		err = mdtun_xmit4(skb, dev, mdev, info, p, &txh);
	rcu_read_unlock();

	if (likely(!err))
		return NETDEV_TX_OK;

	/* -EMSGSIZE: the skb became the ICMP error and was passed on. */
	if (err != -EMSGSIZE)
		dev_kfree_skb(skb);
	if (err == -ELOOP)
		DEV_STATS_INC(dev, collisions);
	else if (err == -ENETUNREACH)
		DEV_STATS_INC(dev, tx_carrier_errors);
	DEV_STATS_INC(dev, tx_errors);
	return NETDEV_TX_OK;

drop:
	rcu_read_unlock();
	dev_kfree_skb(skb);
	DEV_STATS_INC(dev, tx_dropped);
	return NETDEV_TX_OK;
}

/*
 * For OVS: fill in the source address and ports a packet with this tunnel
 * info would get, e.g. for sFlow or the userspace() action.
 */
static int mdtun_fill_metadata_dst(struct net_device *dev, struct sk_buff *skb)
{
	struct ip_tunnel_info *info = skb_tunnel_info(skb);
	struct mdtun_dev *mdev = netdev_priv(dev);
	__be16 sport;

	if (!info)
		return -EINVAL;
	sport = udp_flow_src_port(mdev->net, skb, 0, 0, true);

	if (ip_tunnel_info_af(info) == AF_INET) {
		__be32 saddr = info->key.u.ipv4.src;
		struct rtable *rt;

		rt = udp_tunnel_dst_lookup(skb, dev, mdev->net, 0, &saddr,
					   &info->key, sport, mdev->cfg.port,
					   info->key.tos, NULL);
		if (IS_ERR(rt))
			return PTR_ERR(rt);
		ip_rt_put(rt);
		info->key.u.ipv4.src = saddr;
#if IS_ENABLED(CONFIG_IPV6)
	} else if (ip_tunnel_info_af(info) == AF_INET6) {
		struct mdtun_sock *ms = rcu_dereference(mdev->sock6);
		struct in6_addr saddr;
		struct dst_entry *dst;

		if (!ms)
			return -EIO;
		dst = udp_tunnel6_dst_lookup(skb, dev, mdev->net, ms->sock,
					     &saddr, info, IPPROTO_UDP, false);
		if (IS_ERR(dst))
			return PTR_ERR(dst);
		dst_release(dst);
		info->key.u.ipv6.src = saddr;
#endif
	} else {
		return -EINVAL;
	}
	info->key.tp_src = sport;
	info->key.tp_dst = mdev->cfg.port;
	return 0;
}

/* ---- Device -------------------------------------------------------------- */

static int mdtun_rx_cells_init(struct mdtun_dev *mdev)
{
	int cpu;

	mdev->rx_cells = alloc_percpu(struct mdtun_rx_cell);
	if (!mdev->rx_cells)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct mdtun_rx_cell *cell = per_cpu_ptr(mdev->rx_cells, cpu);

		skb_queue_head_init(&cell->queue);
		/* Not a device queue: nothing for busy polling to find. */
		set_bit(NAPI_STATE_NO_BUSY_POLL, &cell->napi.state);
		netif_napi_add(mdev->dev, &cell->napi, mdtun_rx_cell_poll);
		napi_enable(&cell->napi);
	}
	return 0;
}

/* Stop the cells; their memory goes with the device (mdtun_destructor()). */
static void mdtun_rx_cells_stop(struct mdtun_dev *mdev)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct mdtun_rx_cell *cell = per_cpu_ptr(mdev->rx_cells, cpu);

		napi_disable(&cell->napi);
		__netif_napi_del(&cell->napi);
		__skb_queue_purge(&cell->queue);
	}
}

/*
 * After the last RCU reader of the device's NAPI list (netpoll) is gone:
 * unregistration waits for one between ndo_uninit and this destructor.
 */
static void mdtun_destructor(struct net_device *dev)
{
	struct mdtun_dev *mdev = netdev_priv(dev);

	free_percpu(mdev->rx_cells);
	mdev->rx_cells = NULL;
}

static int mdtun_init(struct net_device *dev)
{
	struct mdtun_dev *mdev = netdev_priv(dev);
	int err;

	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;

	mdev->stats = mdtun_stats_alloc();
	if (!mdev->stats) {
		err = -ENOMEM;
		goto free_tstats;
	}

	err = gro_cells_init(&mdev->gro_cells, dev);
	if (err)
		goto free_stats;

	err = mdtun_rx_cells_init(mdev);
	if (err)
		goto free_gro;

	err = dst_cache_init(&mdev->info.dst_cache, GFP_KERNEL);
	if (err)
		goto free_cells;
	return 0;

free_cells:
	/* Not registered yet: no reader can see the NAPI list. */
	mdtun_rx_cells_stop(mdev);
	mdtun_destructor(dev);
free_gro:
	gro_cells_destroy(&mdev->gro_cells);
free_stats:
	free_percpu(mdev->stats);
	mdev->stats = NULL;
free_tstats:
	free_percpu(dev->tstats);
	dev->tstats = NULL;
	return err;
}

static void mdtun_uninit(struct net_device *dev)
{
	struct mdtun_dev *mdev = netdev_priv(dev);
	struct mdtun_params *p = rtnl_dereference(mdev->params);

	RCU_INIT_POINTER(mdev->params, NULL);
	if (p)
		kfree_rcu(p, rcu);
	dst_cache_destroy(&mdev->info.dst_cache);
	mdtun_rx_cells_stop(mdev);
	gro_cells_destroy(&mdev->gro_cells);
	free_percpu(mdev->stats);
	free_percpu(dev->tstats);
}

static int mdtun_open(struct net_device *dev)
{
	struct mdtun_dev *mdev = netdev_priv(dev);
	int err;

	if (!mdev->cfg.collect_md)
		return mdtun_sock_attach(mdev, mdev->cfg.family);

	/* Collect-md: both families; IPv6 may be disabled at boot. */
	err = mdtun_sock_attach(mdev, AF_INET);
	if (err)
		return err;
#if IS_ENABLED(CONFIG_IPV6)
	err = mdtun_sock_attach(mdev, AF_INET6);
	if (err && err != -EAFNOSUPPORT) {
		mdtun_sock_detach(mdev);
		return err;
	}
#endif
	return 0;
}

static int mdtun_stop(struct net_device *dev)
{
	mdtun_sock_detach(netdev_priv(dev));
	return 0;
}

static const struct net_device_ops mdtun_netdev_ops = {
	.ndo_init		= mdtun_init,
	.ndo_uninit		= mdtun_uninit,
	.ndo_open		= mdtun_open,
	.ndo_stop		= mdtun_stop,
	.ndo_start_xmit		= mdtun_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_fill_metadata_dst	= mdtun_fill_metadata_dst,
};

static void mdtun_get_drvinfo(struct net_device *dev,
			      struct ethtool_drvinfo *drvinfo)
{
	strscpy(drvinfo->driver, MDTUN_LINK_KIND, sizeof(drvinfo->driver));
}

/* ethtool -S: the device's own counters, named as everywhere else. */
static int mdtun_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? MDTUN_NSTATS : -EOPNOTSUPP;
}

static void mdtun_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	unsigned int i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = MDTUN_FIRST_STAT; i <= MDTUN_STAT_MAX; i++)
		ethtool_sprintf(&data, "%s", mdtun_stat_name(i));
}

static void mdtun_get_ethtool_stats(struct net_device *dev,
				    struct ethtool_stats *stats, u64 *data)
{
	struct mdtun_dev *mdev = netdev_priv(dev);
	u64 sum[__MDTUN_STAT_MAX];

	mdtun_stats_sum(mdev->stats, sum);
	memcpy(data, sum + MDTUN_FIRST_STAT, MDTUN_NSTATS * sizeof(u64));
}

static const struct ethtool_ops mdtun_ethtool_ops = {
	.get_drvinfo		= mdtun_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= mdtun_get_sset_count,
	.get_strings		= mdtun_get_strings,
	.get_ethtool_stats	= mdtun_get_ethtool_stats,
};

/* Lets udev tell a tunnel endpoint from a physical device. */
static struct device_type mdtun_type = {
	.name = MDTUN_LINK_KIND,
};

static void mdtun_setup(struct net_device *dev)
{
	ether_setup(dev);

	dev->netdev_ops = &mdtun_netdev_ops;
	dev->ethtool_ops = &mdtun_ethtool_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = mdtun_destructor;
	SET_NETDEV_DEVTYPE(dev, &mdtun_type);

	dev->features |= NETIF_F_LLTX;
	dev->features |= NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_FRAGLIST;
	dev->features |= NETIF_F_RXCSUM | NETIF_F_GSO_SOFTWARE;
	dev->hw_features |= NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_FRAGLIST;
	dev->hw_features |= NETIF_F_RXCSUM | NETIF_F_GSO_SOFTWARE;

	dev->min_mtu = ETH_MIN_MTU;
	/*
	 * Metadata length varies per packet and the underlay may be either
	 * family, so the ceiling only accounts for what every packet has;
	 * oversize packets are caught per packet by the PMTU check.
	 */
	dev->max_mtu = IP_MAX_MTU - MDTUN_BASE_HLEN - dev->hard_header_len;

	netif_keep_dst(dev);
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE;
	eth_hw_addr_random(dev);
}

/*
 * Outer headers in front of the inner frame: IP, UDP, mdtun header and the
 * metadata.  A fixed device knows its metadata (just the carried fields);
 * a collect-md device budgets its default MTU only for the carried fields,
 * since options from OVS or tc vary and a 252-byte worst case would cost
 * every user that never sends options (headroom: mdtun_set_headroom()).
 */
static unsigned int mdtun_overhead(const struct mdtun_cfg *cfg, u32 carry)
{
	unsigned int ip_hlen = sizeof(struct iphdr);

	if (cfg->collect_md || cfg->family == AF_INET6)
		ip_hlen = sizeof(struct ipv6hdr);
	return ip_hlen + MDTUN_BASE_HLEN + mdtun_carry_md_len(carry);
}

/* The MTU a device gets unless the administrator gives one. */
static unsigned int mdtun_default_mtu(const struct mdtun_cfg *cfg, u32 carry)
{
	return ETH_DATA_LEN - mdtun_overhead(cfg, carry) - ETH_HLEN;
}

/*
 * Room in front of a packet for the outer headers: the underlay's link-layer
 * header (an Ethernet one, aligned as LL_RESERVED_SPACE() aligns it) and
 * mdtun_overhead(), so that a locally generated packet is not reallocated
 * in mdtun_push_header().  A collect-md device adds a budget for a few
 * options (MDTUN_MD_OPTS_HEADROOM), not the 252-byte maximum: the OVS
 * datapath gives every port of a bridge the largest headroom of its ports,
 * so the maximum would be paid by every packet through that bridge, while
 * a packet with more options pays for its own reallocation.  The transmit
 * path reads needed_headroom without RTNL.
 */
static void mdtun_set_headroom(struct net_device *dev,
			       const struct mdtun_cfg *cfg, u32 carry)
{
	unsigned int opts = cfg->collect_md ? MDTUN_MD_OPTS_HEADROOM : 0;

	WRITE_ONCE(dev->needed_headroom,
		   HH_DATA_ALIGN(ETH_HLEN) + mdtun_overhead(cfg, carry) + opts);
}

/* ---- Netlink configuration ----------------------------------------------- */

/*
 * Strict validation for every attribute from IFLA_MDTUN_ID on.  The trust
 * list is walked by hand (mdtun_trust_parse()), but each prefix in it is
 * parsed with nla_parse_nested(), which wants NLA_F_NESTED on it.
 */
static const struct nla_policy mdtun_policy[IFLA_MDTUN_MAX + 1] = {
	[IFLA_MDTUN_UNSPEC]		= { .strict_start_type = IFLA_MDTUN_ID },
	[IFLA_MDTUN_ID]			= { .type = NLA_U32 },
	[IFLA_MDTUN_REMOTE]		= NLA_POLICY_EXACT_LEN(sizeof(struct in_addr)),
	[IFLA_MDTUN_REMOTE6]		= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IFLA_MDTUN_LOCAL]		= NLA_POLICY_EXACT_LEN(sizeof(struct in_addr)),
	[IFLA_MDTUN_LOCAL6]		= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IFLA_MDTUN_PORT]		= { .type = NLA_BE16 },
	[IFLA_MDTUN_TTL]		= { .type = NLA_U8 },
	[IFLA_MDTUN_TTL_INHERIT]	= NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_MDTUN_TOS]		= { .type = NLA_U8 },
	[IFLA_MDTUN_TOS_INHERIT]	= NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_MDTUN_DF]			= NLA_POLICY_MAX(NLA_U8, MDTUN_DF_MAX),
	[IFLA_MDTUN_UDP_CSUM]		= NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_MDTUN_UDP_ZERO_CSUM6_TX]	= NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_MDTUN_UDP_ZERO_CSUM6_RX]	= NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_MDTUN_COLLECT_METADATA]	= { .type = NLA_FLAG },
	[IFLA_MDTUN_CARRY]		= { .type = NLA_U32 },
	[IFLA_MDTUN_TRUST]		= { .type = NLA_NESTED },
};

static const struct nla_policy mdtun_prefix_policy[IFLA_MDTUN_PREFIX_MAX + 1] = {
	[IFLA_MDTUN_PREFIX_ADDR]	= { .type = NLA_BINARY,
					    .len = sizeof(struct in6_addr) },
	[IFLA_MDTUN_PREFIX_LEN]		= { .type = NLA_U8 },
};

int mdtun_trust_parse(const struct nlattr *nest,
		      struct mdtun_trust_prefix *out, unsigned int *n,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IFLA_MDTUN_PREFIX_MAX + 1];
	const struct nlattr *a;
	unsigned int count = 0;
	int rem, err;

	nla_for_each_nested(a, nest, rem) {
		struct mdtun_trust_prefix *p = &out[count];
		unsigned int max_plen;

		if (nla_type(a) != IFLA_MDTUN_TRUST_PREFIX) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "Trust list may only hold prefixes");
			return -EINVAL;
		}
		if (count == MDTUN_TRUST_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "Too many trust prefixes (at most 16)");
			return -E2BIG;
		}
		err = nla_parse_nested(tb, IFLA_MDTUN_PREFIX_MAX, a,
				       mdtun_prefix_policy, extack);
		if (err)
			return err;
		if (!tb[IFLA_MDTUN_PREFIX_ADDR] || !tb[IFLA_MDTUN_PREFIX_LEN]) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "Trust prefix needs an address and a length");
			return -EINVAL;
		}

		memset(p, 0, sizeof(*p));
		switch (nla_len(tb[IFLA_MDTUN_PREFIX_ADDR])) {
		case sizeof(struct in_addr):
			p->family = AF_INET;
			p->addr.ip4 = nla_get_in_addr(tb[IFLA_MDTUN_PREFIX_ADDR]);
			max_plen = 32;
			break;
		case sizeof(struct in6_addr):
			p->family = AF_INET6;
			p->addr.ip6 = nla_get_in6_addr(tb[IFLA_MDTUN_PREFIX_ADDR]);
			max_plen = 128;
			break;
		default:
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_MDTUN_PREFIX_ADDR],
					    "Trust prefix address must be 4 (IPv4) or 16 (IPv6) bytes");
			return -EINVAL;
		}
		p->plen = nla_get_u8(tb[IFLA_MDTUN_PREFIX_LEN]);
		if (p->plen > max_plen) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_MDTUN_PREFIX_LEN],
					    "Trust prefix length exceeds 32 (IPv4) or 128 (IPv6)");
			return -EINVAL;
		}
		mdtun_prefix_mask(p);
		count++;
	}
	*n = count;
	return 0;
}
EXPORT_SYMBOL_GPL(mdtun_trust_parse);

int mdtun_trust_fill(struct sk_buff *skb, int attrtype,
		     const struct mdtun_trust_prefix *trust, unsigned int n)
{
	struct nlattr *nest, *pfx;
	unsigned int i;

	nest = nla_nest_start(skb, attrtype);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < n; i++) {
		const struct mdtun_trust_prefix *p = &trust[i];
		int err;

		pfx = nla_nest_start(skb, IFLA_MDTUN_TRUST_PREFIX);
		if (!pfx)
			goto cancel;
		if (p->family == AF_INET)
			err = nla_put_in_addr(skb, IFLA_MDTUN_PREFIX_ADDR,
					      p->addr.ip4);
		else
			err = nla_put_in6_addr(skb, IFLA_MDTUN_PREFIX_ADDR,
					       &p->addr.ip6);
		if (err || nla_put_u8(skb, IFLA_MDTUN_PREFIX_LEN, p->plen))
			goto cancel;
		nla_nest_end(skb, pfx);
	}
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}
EXPORT_SYMBOL_GPL(mdtun_trust_fill);

static size_t mdtun_trust_size(unsigned int n)
{
	size_t one = nla_total_size(nla_total_size(sizeof(struct in6_addr)) +
				    nla_total_size(sizeof(u8)));

	return nla_total_size(n * one);
}

/*
 * Checks that need no context: each attribute on its own.  Combinations
 * are checked in mdtun_parse(), which knows whether a device is being
 * created or changed.
 */
static int mdtun_validate(struct nlattr *tb[], struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	struct mdtun_trust_prefix trust[MDTUN_TRUST_MAX];
	unsigned int n;
	int err;

	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "Provided link layer address is not Ethernet");
			return -EINVAL;
		}
		if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "Provided Ethernet address is not unicast");
			return -EADDRNOTAVAIL;
		}
	}
	if (!data)
		return 0;

	if (data[IFLA_MDTUN_ID] &&
	    nla_get_u32(data[IFLA_MDTUN_ID]) > MDTUN_VNI_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MDTUN_ID],
				    "VNI must fit in 24 bits");
		return -ERANGE;
	}
	if (data[IFLA_MDTUN_PORT] && !nla_get_be16(data[IFLA_MDTUN_PORT])) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MDTUN_PORT],
				    "UDP port must not be 0");
		return -EINVAL;
	}
	if (data[IFLA_MDTUN_CARRY] &&
	    (nla_get_u32(data[IFLA_MDTUN_CARRY]) & ~MDTUN_CARRY_ALL)) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MDTUN_CARRY],
				    "Unknown carry bits (known: mark 0x1, priority 0x2)");
		return -EINVAL;
	}
	if (data[IFLA_MDTUN_REMOTE] && data[IFLA_MDTUN_REMOTE6]) {
		NL_SET_ERR_MSG(extack, "Give either an IPv4 or an IPv6 remote, not both");
		return -EINVAL;
	}
	if (data[IFLA_MDTUN_LOCAL] && data[IFLA_MDTUN_LOCAL6]) {
		NL_SET_ERR_MSG(extack, "Give either an IPv4 or an IPv6 local address, not both");
		return -EINVAL;
	}
	if (data[IFLA_MDTUN_REMOTE]) {
		__be32 a = nla_get_in_addr(data[IFLA_MDTUN_REMOTE]);

		if (!a || ipv4_is_multicast(a) || ipv4_is_lbcast(a)) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MDTUN_REMOTE],
					    "Remote must be a unicast address");
			return -EINVAL;
		}
	}
	if (data[IFLA_MDTUN_REMOTE6]) {
		struct in6_addr a = nla_get_in6_addr(data[IFLA_MDTUN_REMOTE6]);

		if (ipv6_addr_any(&a) || ipv6_addr_is_multicast(&a)) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MDTUN_REMOTE6],
					    "Remote must be a unicast address");
			return -EINVAL;
		}
	}
	if (data[IFLA_MDTUN_TRUST]) {
		err = mdtun_trust_parse(data[IFLA_MDTUN_TRUST], trust, &n,
					extack);
		if (err)
			return err;
	}
	return 0;
}

static void mdtun_params_default(struct mdtun_params *p)
{
	memset(p, 0, sizeof(*p));
	p->df = MDTUN_DF_UNSET;
	/* Checksums protect the metadata too: on unless switched off. */
	p->udp_csum = true;
}

static void mdtun_cfg_default(struct mdtun_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->port = htons(MDTUN_UDP_PORT);
}

/* Attributes that only a fixed-mode device takes. */
static const int mdtun_fixed_only[] = {
	IFLA_MDTUN_ID, IFLA_MDTUN_REMOTE, IFLA_MDTUN_REMOTE6, IFLA_MDTUN_LOCAL,
	IFLA_MDTUN_LOCAL6, IFLA_MDTUN_TTL, IFLA_MDTUN_TTL_INHERIT,
	IFLA_MDTUN_TOS, IFLA_MDTUN_TOS_INHERIT, IFLA_MDTUN_DF,
	IFLA_MDTUN_UDP_CSUM,
};

static int mdtun_pick(struct nlattr *data[], int val_attr, int inh_attr,
		      u8 *val, bool *inherit,
		      struct netlink_ext_ack *extack)
{
	bool set_val = data[val_attr] && *val;
	bool set_inh = data[inh_attr] && *inherit;

	if (set_val && set_inh) {
		NL_SET_ERR_MSG_ATTR(extack, data[inh_attr],
				    "Give a fixed value or inherit, not both");
		return -EINVAL;
	}
	if (set_inh)
		*val = 0;
	else if (set_val)
		*inherit = false;
	return 0;
}

/*
 * Apply @data on top of @cfg and @p: defaults when creating, the current
 * settings when changing.  Checks every combination.
 */
static int mdtun_parse(struct nlattr *data[], struct mdtun_cfg *cfg,
		       struct mdtun_params *p, bool create,
		       struct netlink_ext_ack *extack)
{
	unsigned int i;
	int err;

	if (!data) {
		if (create) {
			NL_SET_ERR_MSG(extack, "mdtun needs a VNI and a remote, or external mode");
			return -EINVAL;
		}
		return 0;
	}

	if (data[IFLA_MDTUN_COLLECT_METADATA]) {
		if (!create && !cfg->collect_md) {
			NL_SET_ERR_MSG(extack, "Mode cannot be changed; recreate the device");
			return -EOPNOTSUPP;
		}
		cfg->collect_md = true;
	}

	if (cfg->collect_md) {
		for (i = 0; i < ARRAY_SIZE(mdtun_fixed_only); i++) {
			if (data[mdtun_fixed_only[i]]) {
				NL_SET_ERR_MSG_ATTR(extack,
						    data[mdtun_fixed_only[i]],
						    "Not allowed in external mode: the value comes with each packet's metadata");
				return -EINVAL;
			}
		}
	} else {
		if ((data[IFLA_MDTUN_REMOTE] || data[IFLA_MDTUN_REMOTE6]) &&
		    create && !data[IFLA_MDTUN_ID]) {
			NL_SET_ERR_MSG(extack, "A remote needs a VNI (IFLA_MDTUN_ID)");
			return -EINVAL;
		}
		if (data[IFLA_MDTUN_ID])
			cfg->vni = nla_get_u32(data[IFLA_MDTUN_ID]);
		if (data[IFLA_MDTUN_REMOTE]) {
			memset(&cfg->remote, 0, sizeof(cfg->remote));
			cfg->family = AF_INET;
			cfg->remote.ip4 = nla_get_in_addr(data[IFLA_MDTUN_REMOTE]);
		} else if (data[IFLA_MDTUN_REMOTE6]) {
			cfg->family = AF_INET6;
			cfg->remote.ip6 = nla_get_in6_addr(data[IFLA_MDTUN_REMOTE6]);
		}
		if (data[IFLA_MDTUN_LOCAL]) {
			memset(&cfg->local, 0, sizeof(cfg->local));
			cfg->local_family = AF_INET;
			cfg->local.ip4 = nla_get_in_addr(data[IFLA_MDTUN_LOCAL]);
		} else if (data[IFLA_MDTUN_LOCAL6]) {
			cfg->local_family = AF_INET6;
			cfg->local.ip6 = nla_get_in6_addr(data[IFLA_MDTUN_LOCAL6]);
		}
		if (create && !data[IFLA_MDTUN_ID]) {
			NL_SET_ERR_MSG(extack,
				       "Fixed mode needs a VNI (IFLA_MDTUN_ID) and a remote; or use external mode");
			return -EINVAL;
		}
		if (!cfg->family) {
			NL_SET_ERR_MSG(extack,
				       "Fixed mode needs a remote (IFLA_MDTUN_REMOTE or IFLA_MDTUN_REMOTE6)");
			return -EINVAL;
		}
		if (cfg->local_family && cfg->local_family != cfg->family) {
			NL_SET_ERR_MSG(extack,
				       "Local and remote addresses must be of the same family");
			return -EINVAL;
		}
#if !IS_ENABLED(CONFIG_IPV6)
		if (cfg->family == AF_INET6) {
			NL_SET_ERR_MSG(extack, "IPv6 support not built in");
			return -EPFNOSUPPORT;
		}
#endif
	}

	if (data[IFLA_MDTUN_PORT])
		cfg->port = nla_get_be16(data[IFLA_MDTUN_PORT]);

	if (data[IFLA_MDTUN_TTL])
		p->ttl = nla_get_u8(data[IFLA_MDTUN_TTL]);
	if (data[IFLA_MDTUN_TTL_INHERIT])
		p->ttl_inherit = nla_get_u8(data[IFLA_MDTUN_TTL_INHERIT]);
	if (data[IFLA_MDTUN_TOS])
		p->tos = nla_get_u8(data[IFLA_MDTUN_TOS]);
	if (data[IFLA_MDTUN_TOS_INHERIT])
		p->tos_inherit = nla_get_u8(data[IFLA_MDTUN_TOS_INHERIT]);
	if (data[IFLA_MDTUN_DF])
		p->df = nla_get_u8(data[IFLA_MDTUN_DF]);
	if (data[IFLA_MDTUN_UDP_CSUM])
		p->udp_csum = nla_get_u8(data[IFLA_MDTUN_UDP_CSUM]);
	if (data[IFLA_MDTUN_UDP_ZERO_CSUM6_TX])
		p->zero_csum6_tx = nla_get_u8(data[IFLA_MDTUN_UDP_ZERO_CSUM6_TX]);
	if (data[IFLA_MDTUN_UDP_ZERO_CSUM6_RX])
		p->zero_csum6_rx = nla_get_u8(data[IFLA_MDTUN_UDP_ZERO_CSUM6_RX]);
	if (data[IFLA_MDTUN_CARRY])
		p->carry = nla_get_u32(data[IFLA_MDTUN_CARRY]);
	if (data[IFLA_MDTUN_TRUST]) {
		err = mdtun_trust_parse(data[IFLA_MDTUN_TRUST], p->trust,
					&p->n_trust, extack);
		if (err)
			return err;
	}

	/*
	 * A fixed value and inheriting exclude each other: refuse both in
	 * one request, otherwise the one just given replaces the other.
	 */
	err = mdtun_pick(data, IFLA_MDTUN_TTL, IFLA_MDTUN_TTL_INHERIT,
			 &p->ttl, &p->ttl_inherit, extack);
	if (err)
		return err;
	return mdtun_pick(data, IFLA_MDTUN_TOS, IFLA_MDTUN_TOS_INHERIT,
			  &p->tos, &p->tos_inherit, extack);
}

/* Another device in @net that would receive the same packets? */
static struct mdtun_dev *mdtun_find_clash(struct net *net,
					  const struct mdtun_cfg *cfg,
					  const struct mdtun_dev *self)
{
	struct mdtun_net *mn = net_generic(net, mdtun_net_id);
	struct mdtun_dev *mdev;

	list_for_each_entry(mdev, &mn->dev_list, next) {
		if (mdev == self || mdev->cfg.port != cfg->port ||
		    mdev->cfg.collect_md != cfg->collect_md)
			continue;
		if (cfg->collect_md)
			return mdev;
		if (mdev->cfg.vni == cfg->vni &&
		    mdev->cfg.family == cfg->family &&
		    mdtun_addr_equal(cfg->family, &mdev->cfg.remote,
				     &cfg->remote))
			return mdev;
	}
	return NULL;
}

static int mdtun_check_clash(struct net *net, const struct mdtun_cfg *cfg,
			     const struct mdtun_dev *self,
			     struct netlink_ext_ack *extack)
{
	if (!mdtun_find_clash(net, cfg, self))
		return 0;
	if (cfg->collect_md)
		NL_SET_ERR_MSG(extack, "An external mdtun device already uses this UDP port");
	else
		NL_SET_ERR_MSG(extack,
			       "An mdtun device with this VNI, remote and UDP port already exists");
	return -EBUSY;
}

/* Fixed mode: the tunnel key every transmitted packet uses. */
static void mdtun_info_update(struct mdtun_dev *mdev)
{
	const struct mdtun_cfg *cfg = &mdev->cfg;
	struct ip_tunnel_info *info = &mdev->info;

	memset(&info->key, 0, sizeof(info->key));
	info->mode = IP_TUNNEL_INFO_TX;
	info->options_len = 0;
	if (cfg->collect_md)
		return;
	info->key.tun_id = cpu_to_be64(cfg->vni);
	info->key.tun_flags = TUNNEL_KEY;
	info->key.tp_dst = cfg->port;
	if (cfg->family == AF_INET6) {
		info->mode |= IP_TUNNEL_INFO_IPV6;
		info->key.u.ipv6.dst = cfg->remote.ip6;
		if (cfg->local_family)
			info->key.u.ipv6.src = cfg->local.ip6;
	} else {
		info->key.u.ipv4.dst = cfg->remote.ip4;
		if (cfg->local_family)
			info->key.u.ipv4.src = cfg->local.ip4;
	}
}

static int mdtun_configure(struct net *net, struct net_device *dev,
			   const struct mdtun_cfg *cfg,
			   struct mdtun_params *p, bool mtu_given,
			   struct netlink_ext_ack *extack)
{
	struct mdtun_net *mn = net_generic(net, mdtun_net_id);
	struct mdtun_dev *mdev = netdev_priv(dev);
	int err;

	err = mdtun_check_clash(net, cfg, NULL, extack);
	if (err)
		goto free_params;

	mdev->net = net;
	mdev->dev = dev;
	mdev->cfg = *cfg;
	INIT_HLIST_NODE(&mdev->hlist);
	mdtun_info_update(mdev);
	RCU_INIT_POINTER(mdev->params, p);

	if (!mtu_given)
		dev->mtu = mdtun_default_mtu(cfg, p->carry);
	mdtun_set_headroom(dev, cfg, p->carry);

	err = register_netdevice(dev);
	if (err) {
		/* ndo_uninit freed the parameters if ndo_init had run. */
		p = rtnl_dereference(mdev->params);
		RCU_INIT_POINTER(mdev->params, NULL);
		kfree(p);
		return err;
	}
	list_add(&mdev->next, &mn->dev_list);
	return 0;

free_params:
	kfree(p);
	return err;
}

static int mdtun_newlink(struct net *src_net, struct net_device *dev,
			 struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	struct mdtun_params *p;
	struct mdtun_cfg cfg;
	int err;

	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	mdtun_params_default(p);
	mdtun_cfg_default(&cfg);

	err = mdtun_parse(data, &cfg, p, true, extack);
	if (err) {
		kfree(p);
		return err;
	}
	return mdtun_configure(src_net, dev, &cfg, p, !!tb[IFLA_MTU], extack);
}

static bool mdtun_cfg_equal(const struct mdtun_cfg *a,
			    const struct mdtun_cfg *b)
{
	return a->collect_md == b->collect_md && a->vni == b->vni &&
	       a->family == b->family && a->local_family == b->local_family &&
	       a->port == b->port &&
	       !memcmp(&a->remote, &b->remote, sizeof(a->remote)) &&
	       !memcmp(&a->local, &b->local, sizeof(a->local));
}

static int mdtun_changelink(struct net_device *dev, struct nlattr *tb[],
			    struct nlattr *data[],
			    struct netlink_ext_ack *extack)
{
	struct mdtun_dev *mdev = netdev_priv(dev);
	struct mdtun_params *old = rtnl_dereference(mdev->params);
	struct mdtun_params *p;
	struct mdtun_cfg cfg;
	int err;

	p = kmemdup(old, sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	cfg = mdev->cfg;

	err = mdtun_parse(data, &cfg, p, false, extack);
	if (err)
		goto free;

	if (!mdtun_cfg_equal(&cfg, &mdev->cfg)) {
		/*
		 * Identity decides the socket and the demux key, both set up
		 * at open: only change it while nothing is attached.
		 */
		if (netif_running(dev)) {
			NL_SET_ERR_MSG(extack,
				       "Set the device down to change its VNI, addresses or port");
			err = -EBUSY;
			goto free;
		}
		err = mdtun_check_clash(mdev->net, &cfg, mdev, extack);
		if (err)
			goto free;
	}

	/*
	 * An MTU still at its default follows the overhead, which the carry
	 * set and the remote's family change; one the administrator set
	 * stays.
	 */
	if (dev->mtu == mdtun_default_mtu(&mdev->cfg, old->carry)) {
		err = dev_set_mtu(dev, mdtun_default_mtu(&cfg, p->carry));
		if (err)
			goto free;
	}

	if (!mdtun_cfg_equal(&cfg, &mdev->cfg)) {
		mdev->cfg = cfg;
		mdtun_info_update(mdev);
	}
	rcu_assign_pointer(mdev->params, p);
	kfree_rcu(old, rcu);
	mdtun_set_headroom(dev, &mdev->cfg, p->carry);
	/* TOS or addresses may have changed what the cached route is for. */
	dst_cache_reset(&mdev->info.dst_cache);
	return 0;

free:
	kfree(p);
	return err;
}

static void mdtun_dellink(struct net_device *dev, struct list_head *head)
{
	struct mdtun_dev *mdev = netdev_priv(dev);

	list_del(&mdev->next);
	unregister_netdevice_queue(dev, head);
}

static size_t mdtun_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u32)) +		/* ID */
	       nla_total_size(sizeof(struct in6_addr)) + /* REMOTE(6) */
	       nla_total_size(sizeof(struct in6_addr)) + /* LOCAL(6) */
	       nla_total_size(sizeof(__be16)) +		/* PORT */
	       nla_total_size(sizeof(u8)) * 8 +		/* TTL .. ZERO_CSUM6_RX */
	       nla_total_size(0) +			/* COLLECT_METADATA */
	       nla_total_size(sizeof(u32)) +		/* CARRY */
	       mdtun_trust_size(MDTUN_TRUST_MAX);	/* TRUST */
}

static int mdtun_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	struct mdtun_dev *mdev = netdev_priv(dev);
	const struct mdtun_params *p = rtnl_dereference(mdev->params);
	const struct mdtun_cfg *cfg = &mdev->cfg;

	if (cfg->collect_md) {
		if (nla_put_flag(skb, IFLA_MDTUN_COLLECT_METADATA))
			return -EMSGSIZE;
	} else {
		if (nla_put_u32(skb, IFLA_MDTUN_ID, cfg->vni))
			return -EMSGSIZE;
		if (cfg->family == AF_INET ?
		    nla_put_in_addr(skb, IFLA_MDTUN_REMOTE, cfg->remote.ip4) :
		    nla_put_in6_addr(skb, IFLA_MDTUN_REMOTE6, &cfg->remote.ip6))
			return -EMSGSIZE;
		if (cfg->local_family == AF_INET &&
		    nla_put_in_addr(skb, IFLA_MDTUN_LOCAL, cfg->local.ip4))
			return -EMSGSIZE;
		if (cfg->local_family == AF_INET6 &&
		    nla_put_in6_addr(skb, IFLA_MDTUN_LOCAL6, &cfg->local.ip6))
			return -EMSGSIZE;
		if (nla_put_u8(skb, IFLA_MDTUN_TTL, p->ttl) ||
		    nla_put_u8(skb, IFLA_MDTUN_TTL_INHERIT, p->ttl_inherit) ||
		    nla_put_u8(skb, IFLA_MDTUN_TOS, p->tos) ||
		    nla_put_u8(skb, IFLA_MDTUN_TOS_INHERIT, p->tos_inherit) ||
		    nla_put_u8(skb, IFLA_MDTUN_DF, p->df) ||
		    nla_put_u8(skb, IFLA_MDTUN_UDP_CSUM, p->udp_csum))
			return -EMSGSIZE;
	}
	if (nla_put_be16(skb, IFLA_MDTUN_PORT, cfg->port) ||
	    nla_put_u8(skb, IFLA_MDTUN_UDP_ZERO_CSUM6_TX, p->zero_csum6_tx) ||
	    nla_put_u8(skb, IFLA_MDTUN_UDP_ZERO_CSUM6_RX, p->zero_csum6_rx) ||
	    nla_put_u32(skb, IFLA_MDTUN_CARRY, p->carry))
		return -EMSGSIZE;
	return mdtun_trust_fill(skb, IFLA_MDTUN_TRUST, p->trust, p->n_trust);
}

/* The core adds the IFLA_INFO_XSTATS nest around what this sizes. */
static size_t mdtun_get_xstats_size(const struct net_device *dev)
{
	return MDTUN_NSTATS * nla_total_size_64bit(sizeof(u64));
}

static int mdtun_fill_xstats(struct sk_buff *skb, const struct net_device *dev)
{
	struct mdtun_dev *mdev = netdev_priv(dev);
	u64 sum[__MDTUN_STAT_MAX];
	struct nlattr *nest;
	int i;

	mdtun_stats_sum(mdev->stats, sum);
	nest = nla_nest_start_noflag(skb, IFLA_INFO_XSTATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = MDTUN_FIRST_STAT; i <= MDTUN_STAT_MAX; i++) {
		if (nla_put_u64_64bit(skb, i, sum[i], MDTUN_STAT_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static struct net *mdtun_get_link_net(const struct net_device *dev)
{
	struct mdtun_dev *mdev = netdev_priv(dev);

	return mdev->net;
}

static struct rtnl_link_ops mdtun_link_ops __read_mostly = {
	.kind		= MDTUN_LINK_KIND,
	.maxtype	= IFLA_MDTUN_MAX,
	.policy		= mdtun_policy,
	.priv_size	= sizeof(struct mdtun_dev),
	.setup		= mdtun_setup,
	.validate	= mdtun_validate,
	.newlink	= mdtun_newlink,
	.changelink	= mdtun_changelink,
	.dellink	= mdtun_dellink,
	.get_size	= mdtun_get_size,
	.fill_info	= mdtun_fill_info,
	.get_xstats_size = mdtun_get_xstats_size,
	.fill_xstats	= mdtun_fill_xstats,
	.get_link_net	= mdtun_get_link_net,
};

/* ---- API for the OVS vport module ---------------------------------------- */

bool netif_is_mdtun(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &mdtun_link_ops;
}
EXPORT_SYMBOL_GPL(netif_is_mdtun);

struct net_device *mdtun_dev_create_fb(struct net *net, const char *name,
				       u8 name_assign_type, u16 dst_port,
				       u32 carry,
				       const struct mdtun_trust_prefix *trust,
				       unsigned int n_trust)
{
	struct nlattr *tb[IFLA_MAX + 1];
	struct mdtun_params *p;
	struct net_device *dev;
	struct mdtun_cfg cfg;
	LIST_HEAD(list_kill);
	unsigned int i;
	int err;

	if ((carry & ~MDTUN_CARRY_ALL) || n_trust > MDTUN_TRUST_MAX ||
	    !dst_port)
		return ERR_PTR(-EINVAL);

	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	mdtun_params_default(p);
	p->carry = carry;
	for (i = 0; i < n_trust; i++) {
		unsigned int max = trust[i].family == AF_INET ? 32 : 128;

		if ((trust[i].family != AF_INET &&
		     trust[i].family != AF_INET6) || trust[i].plen > max) {
			kfree(p);
			return ERR_PTR(-EINVAL);
		}
		p->trust[i] = trust[i];
		mdtun_prefix_mask(&p->trust[i]);
	}
	p->n_trust = n_trust;

	mdtun_cfg_default(&cfg);
	cfg.collect_md = true;
	cfg.port = htons(dst_port);

	memset(tb, 0, sizeof(tb));
	dev = rtnl_create_link(net, name, name_assign_type, &mdtun_link_ops,
			       tb, NULL);
	if (IS_ERR(dev)) {
		kfree(p);
		return dev;
	}

	err = mdtun_configure(net, dev, &cfg, p, false, NULL);
	if (err) {
		free_netdev(dev);
		return ERR_PTR(err);
	}

	/* Open vSwitch expects packet sizes to be unrestricted. */
	err = dev_set_mtu(dev, dev->max_mtu);
	if (err)
		goto err;

	err = rtnl_configure_link(dev, NULL, 0, NULL);
	if (err < 0)
		goto err;
	return dev;

err:
	mdtun_dellink(dev, &list_kill);
	unregister_netdevice_many(&list_kill);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(mdtun_dev_create_fb);

int mdtun_dev_get_options(const struct net_device *dev, u16 *dst_port,
			  u32 *carry, struct mdtun_trust_prefix *trust,
			  unsigned int *n_trust)
{
	const struct mdtun_dev *mdev;
	const struct mdtun_params *p;
	int err = 0;

	if (!netif_is_mdtun(dev))
		return -EINVAL;
	mdev = netdev_priv(dev);
	/* The port changes under RTNL, only while the device is down. */
	*dst_port = ntohs(READ_ONCE(mdev->cfg.port));
	rcu_read_lock();
	p = rcu_dereference(mdev->params);
	if (p) {
		*carry = p->carry;
		memcpy(trust, p->trust, p->n_trust * sizeof(*trust));
		*n_trust = p->n_trust;
	} else {
		err = -ENODEV;	/* being unregistered */
	}
	rcu_read_unlock();
	return err;
}
EXPORT_SYMBOL_GPL(mdtun_dev_get_options);

/* ---- Namespaces ---------------------------------------------------------- */

/*
 * /proc/net/mdtun: receive drops on this namespace's sockets that no
 * device could be charged with: those found before a device is known.
 * One "name value" line per counter.
 */
static const u8 mdtun_net_stats[] = {
	MDTUN_STAT_RX_HDR_TRUNCATED, MDTUN_STAT_RX_BAD_VERSION,
	MDTUN_STAT_RX_BAD_PROTOCOL, MDTUN_STAT_RX_MD_TOO_LONG,
	MDTUN_STAT_RX_MD_TRUNCATED, MDTUN_STAT_RX_UNKNOWN_VNI,
	MDTUN_STAT_RX_NOMEM, MDTUN_STAT_RX_SOCK_CLOSING,
};

static int mdtun_proc_show(struct seq_file *seq, void *v)
{
	struct mdtun_net *mn = net_generic(seq_file_single_net(seq),
						mdtun_net_id);
	u64 sum[__MDTUN_STAT_MAX];
	unsigned int i;

	mdtun_stats_sum(mn->stats, sum);
	for (i = 0; i < ARRAY_SIZE(mdtun_net_stats); i++)
		seq_printf(seq, "%s %llu\n", mdtun_stat_name(mdtun_net_stats[i]),
			   sum[mdtun_net_stats[i]]);
	return 0;
}

static int __net_init mdtun_net_init(struct net *net)
{
	struct mdtun_net *mn = net_generic(net, mdtun_net_id);

	INIT_LIST_HEAD(&mn->dev_list);
	INIT_LIST_HEAD(&mn->sock_list);
	mn->stats = mdtun_stats_alloc();
	if (!mn->stats)
		return -ENOMEM;
	if (!proc_create_net_single("mdtun", 0444, net->proc_net,
				    mdtun_proc_show, NULL)) {
		free_percpu(mn->stats);
		return -ENOMEM;
	}
	return 0;
}

/* Devices whose sockets live in a dying namespace go with it. */
static void __net_exit mdtun_exit_batch_rtnl(struct list_head *net_list,
					     struct list_head *dev_kill_list)
{
	struct mdtun_dev *mdev, *next;
	struct net *net;

	list_for_each_entry(net, net_list, exit_list) {
		struct mdtun_net *mn = net_generic(net, mdtun_net_id);

		list_for_each_entry_safe(mdev, next, &mn->dev_list, next)
			mdtun_dellink(mdev->dev, dev_kill_list);
	}
}

static void __net_exit mdtun_net_exit(struct net *net)
{
	struct mdtun_net *mn = net_generic(net, mdtun_net_id);

	remove_proc_entry("mdtun", net->proc_net);
	free_percpu(mn->stats);
}

static struct pernet_operations mdtun_net_ops = {
	.init		= mdtun_net_init,
	.exit		= mdtun_net_exit,
	.exit_batch_rtnl = mdtun_exit_batch_rtnl,
	.id		= &mdtun_net_id,
	.size		= sizeof(struct mdtun_net),
};

/* ---- Module -------------------------------------------------------------- */

static int __init mdtun_init_module(void)
{
	int err;

	err = register_pernet_subsys(&mdtun_net_ops);
	if (err)
		return err;
	err = rtnl_link_register(&mdtun_link_ops);
	if (err) {
		unregister_pernet_subsys(&mdtun_net_ops);
		return err;
	}
	return 0;
}
module_init(mdtun_init_module);

static void __exit mdtun_cleanup_module(void)
{
	rtnl_link_unregister(&mdtun_link_ops);
	unregister_pernet_subsys(&mdtun_net_ops);
}
module_exit(mdtun_cleanup_module);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mdtun: metadata-carrying UDP tunnel");
MODULE_ALIAS_RTNL_LINK(MDTUN_LINK_KIND);
