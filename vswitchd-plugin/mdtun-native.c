/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mdtun on OVS's userspace datapath: header build, push and pop for native
 * tunnelling (see mdtun-native.h).
 *
 * The wire format is the shared codec's (include/mdtun/codec.h), and the
 * rules are the kernel driver's (datapath/mdtun_main.c), so that both
 * datapaths put the same bytes on the wire for the same input and judge a
 * received packet alike, with the same counters:
 *
 *   - build: the VNI must fit in 24 bits; the flow's tun_metadata, Geneve
 *     encoded, must be a valid metadata area (docs/protocol.md, sender
 *     rule 2: tx_bad_options, tx_md_too_long); the port's carried fields
 *     follow it unless it already holds them (rule 4); C from the critical
 *     TLVs, O from the flow's OAM flag.  A header that cannot be built fails
 *     the flow's action.  The header is built once per datapath flow, so
 *     the tx_* counters count refused (or, tx_carry_added, extended) header
 *     builds, not packets.
 *   - pop: section 8.3's order: the header checks, the metadata checks
 *     under the collect-metadata policy (an OVS port passes foreign TLVs to
 *     its pipeline), the carry decisions and critical well-known fields not
 *     applied, then the inner frame.  What does not apply to an OVS port in
 *     the userspace datapath is never counted: rx_unknown_vni (the port takes
 *     every VNI), rx_zero_csum (OVS's ports accept zero IPv6 checksums, as
 *     OVS makes the kernel device), rx_oam (no fixed-mode port), rx_loop (a
 *     tunnel netdev has no MAC address), rx_nomem.
 */
#include <config.h>

#include "mdtun-native.h"
#include "mdtun-native-private.h"

#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdarg.h>
#include <string.h>

#include "coverage.h"
#include "dp-packet.h"
#include "flow.h"
#include "netdev-native-tnl.h"
#include "netdev-provider.h"
#include "netdev-vport-private.h"
#include "netdev.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "packets.h"
#include "tun-metadata.h"
#include "util.h"

#include "mdtun/codec.h"
#include "mdtun/ovs_mdtun.h"

VLOG_DEFINE_THIS_MODULE(mdtun_native);

/* Received packets whose outer IP or UDP header OVS's checks refuse (bad
 * checksum, lengths): not mdtun's to count, as the kernel's UDP layer drops
 * them before the driver sees them. */
COVERAGE_DEFINE(mdtun_native_bad_outer);

/* ---- Policies and counters ---------------------------------------------- */

struct mdtun_native_counters {
    atomic_uint64_t n[MDTUN_NATIVE_N_COUNTERS];
    atomic_uint64_t pipeline[MDTUN_PIPELINE_N_TYPES]
                            [MDTUN_PIPELINE_N_OUTCOMES];
    atomic_uint64_t pipeline_tx_no_room;
};

struct mdtun_native_port {
    struct mdtun_native_policy policy;
    struct mdtun_native_counters *counters;
};

/* An immutable set of policies, published with RCU. */
struct mdtun_native_table {
    size_t n;
    struct mdtun_native_port ports[];
};

static OVSRCU_TYPE(struct mdtun_native_table *) native_table
    = OVSRCU_INITIALIZER(NULL);

/* Serializes the writers (the main thread, in practice). */
static struct ovs_mutex native_mutex = OVS_MUTEX_INITIALIZER;

/* Packets on a UDP port without a policy (between a port's removal and its
 * tunnel port's, for instance). */
static struct mdtun_native_counters unbound_counters;

static struct mdtun_native_counters *
counters_new(void)
{
    struct mdtun_native_counters *c = xmalloc(sizeof *c);

    for (size_t i = 0; i < MDTUN_NATIVE_N_COUNTERS; i++) {
        atomic_init(&c->n[i], 0);
    }
    for (size_t i = 0; i < MDTUN_PIPELINE_N_TYPES; i++) {
        for (size_t j = 0; j < MDTUN_PIPELINE_N_OUTCOMES; j++) {
            atomic_init(&c->pipeline[i][j], 0);
        }
    }
    atomic_init(&c->pipeline_tx_no_room, 0);
    return c;
}

static void
count(struct mdtun_native_counters *c, unsigned int stat)
{
    uint64_t orig;

    atomic_add_relaxed(&c->n[stat], 1, &orig);
}

/* What a new table makes unreachable, freed once no reader can see it. */
struct mdtun_native_garbage {
    struct mdtun_native_table *table;
    size_t n;
    struct mdtun_native_counters *counters[];
};

static void
garbage_free(struct mdtun_native_garbage *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->counters[i]);
    }
    free(g->table);
    free(g);
}

static struct mdtun_native_port *
table_find(const struct mdtun_native_table *t, uint16_t dst_port)
{
    for (size_t i = 0; t && i < t->n; i++) {
        if (t->ports[i].policy.dst_port == dst_port) {
            return CONST_CAST(struct mdtun_native_port *, &t->ports[i]);
        }
    }
    return NULL;
}

/* Publishes a table with 'policies' ('n' of them; a later one replaces an
 * earlier one of the same UDP port) and, if 'keep_old', the old table's
 * other UDP ports too.  Counters of UDP ports that stay are kept. */
static void
publish(const struct mdtun_native_policy *policies, size_t n, bool keep_old)
    OVS_REQUIRES(native_mutex)
{
    struct mdtun_native_table *old, *new;
    struct mdtun_native_garbage *g;
    size_t n_old;

    old = ovsrcu_get_protected(struct mdtun_native_table *, &native_table);
    n_old = old ? old->n : 0;
    new = xzalloc(sizeof *new + (n + n_old) * sizeof new->ports[0]);

    if (keep_old) {
        for (size_t i = 0; i < n_old; i++) {
            new->ports[new->n++] = old->ports[i];
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct mdtun_native_port *p = table_find(new, policies[i].dst_port);

        if (!p) {
            struct mdtun_native_port *o;

            p = &new->ports[new->n++];
            o = table_find(old, policies[i].dst_port);
            p->counters = o ? o->counters : counters_new();
        }
        p->policy = policies[i];
    }

    g = xzalloc(sizeof *g + n_old * sizeof g->counters[0]);
    g->table = old;
    for (size_t i = 0; i < n_old; i++) {
        if (!table_find(new, old->ports[i].policy.dst_port)) {
            g->counters[g->n++] = old->ports[i].counters;
        }
    }

    ovsrcu_set(&native_table, new);
    ovsrcu_postpone(garbage_free, g);
}

void
mdtun_native_set_policies(const struct mdtun_native_policy *policies,
                          size_t n)
{
    ovs_mutex_lock(&native_mutex);
    publish(policies, n, false);
    ovs_mutex_unlock(&native_mutex);
}

void
mdtun_native_put_policy(const struct mdtun_native_policy *policy)
{
    ovs_mutex_lock(&native_mutex);
    publish(policy, 1, true);
    ovs_mutex_unlock(&native_mutex);
}

bool
mdtun_native_read_counters(uint16_t dst_port,
                           uint64_t counters[MDTUN_NATIVE_N_COUNTERS])
{
    const struct mdtun_native_table *t;
    struct mdtun_native_counters *c;

    if (!dst_port) {
        c = &unbound_counters;
    } else {
        const struct mdtun_native_port *p;

        t = ovsrcu_get(struct mdtun_native_table *, &native_table);
        p = table_find(t, dst_port);
        if (!p) {
            return false;
        }
        c = p->counters;
    }
    for (size_t i = 0; i < MDTUN_NATIVE_N_COUNTERS; i++) {
        atomic_read_relaxed(&c->n[i], &counters[i]);
    }
    return true;
}

/* The port of UDP port 'dst_port', or NULL. */
static const struct mdtun_native_port *
port_lookup(ovs_be16 dst_port)
{
    return table_find(ovsrcu_get(struct mdtun_native_table *, &native_table),
                      ntohs(dst_port));
}

bool
mdtun_native_read_pipeline_counters(uint16_t dst_port,
                                    struct mdtun_pipeline_counters *out)
{
    const struct mdtun_native_port *p = port_lookup(htons(dst_port));

    if (!p) {
        return false;
    }
    for (size_t i = 0; i < MDTUN_PIPELINE_N_TYPES; i++) {
        for (size_t j = 0; j < MDTUN_PIPELINE_N_OUTCOMES; j++) {
            atomic_read_relaxed(&p->counters->pipeline[i][j],
                                &out->fields[i][j]);
        }
    }
    atomic_read_relaxed(&p->counters->pipeline_tx_no_room, &out->tx_no_room);
    return true;
}

const struct mdtun_native_policy *
mdtun_native_policy_lookup(ovs_be16 dst_port,
                           struct mdtun_native_counters **countersp)
{
    const struct mdtun_native_port *p = port_lookup(dst_port);

    *countersp = p ? p->counters : &unbound_counters;
    return p ? &p->policy : NULL;
}

void
mdtun_native_count_pipeline(struct mdtun_native_counters *c, unsigned int type,
                            enum mdtun_pipeline_outcome outcome)
{
    uint64_t orig;

    if (type < MDTUN_PIPELINE_N_TYPES && outcome < MDTUN_PIPELINE_N_OUTCOMES) {
        atomic_add_relaxed(&c->pipeline[type][outcome], 1, &orig);
    }
}

void
mdtun_native_count_pipeline_no_room(struct mdtun_native_counters *c)
{
    uint64_t orig;

    atomic_add_relaxed(&c->pipeline_tx_no_room, 1, &orig);
}

/* ---- Header build and push ---------------------------------------------- */

/* Fails a header build: counted under 'stat', logged (rate-limited). */
static int OVS_PRINTF_FORMAT(4, 5)
build_fail(const struct netdev *netdev, struct mdtun_native_counters *c,
           unsigned int stat, const char *format, ...)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

    count(c, stat);
    if (!VLOG_DROP_WARN(&rl)) {
        va_list args;
        char *msg;

        va_start(args, format);
        msg = xvasprintf(format, args);
        va_end(args);
        VLOG_WARN("%s: tunnel header not built (%s): %s",
                  netdev_get_name(netdev), mdtun_stat_name(stat), msg);
        free(msg);
    }
    return EINVAL;
}

/* Appends carried field 'type' with 'value' unless the consumer's options
 * ('wk') hold it already.  Returns false if it does not fit. */
static bool
put_carried(uint8_t *md, size_t *md_len, const struct mdtun_wk_fields *wk,
            uint8_t type, uint32_t value, bool *added)
{
    if (wk->present & MDTUN_WK_BIT(type)) {
        return true;
    }
    *added = true;
    return mdtun_wk_put(md, MDTUN_MD_MAX_LEN, md_len, type, value) == MDTUN_OK;
}

int
mdtun_native_build_header(const struct netdev *netdev,
                          struct ovs_action_push_tnl *data,
                          const struct netdev_tnl_build_header_params *params)
{
    const struct flow *flow = params->flow;
    struct netdev_vport *dev = netdev_vport_cast(netdev);
    struct netdev_tunnel_config tnl_cfg;
    const struct mdtun_native_port *port;
    struct mdtun_native_counters *c;
    struct mdtun_wk_fields wk;
    struct mdtun_hdr hdr;
    uint8_t md[MDTUN_MD_MAX_LEN];
    size_t md_len = 0;
    uint64_t opts_stub[1024 / 8];
    struct ofpbuf opts;
    enum mdtun_status st;
    uint64_t vni;
    uint32_t carry;
    bool added = false;
    uint8_t *out;

    ovs_mutex_lock(&dev->mutex);
    tnl_cfg = dev->tnl_cfg;
    ovs_mutex_unlock(&dev->mutex);

    port = port_lookup(tnl_cfg.dst_port);
    c = port ? port->counters : &unbound_counters;
    carry = port ? port->policy.carry : 0;

    vni = ntohll(flow->tunnel.tun_id);
    if (vni > MDTUN_VNI_MAX) {
        return build_fail(netdev, c, MDTUN_STAT_TX_BAD_OPTIONS,
                          "VNI %#"PRIx64" does not fit in 24 bits", vni);
    }

    /* The flow's tun_metadata as Geneve options.  Not through
     * tun_metadata_to_geneve_header(): its fixed 252-byte buffer cannot take
     * a TLV map's worth of options, which must be refused, not overflow. */
    ofpbuf_use_stub(&opts, opts_stub, sizeof opts_stub);
    tun_metadata_to_geneve_nlattr(&flow->tunnel, &flow->tunnel, NULL, &opts);
    memset(&wk, 0, sizeof wk);
    if (opts.size) {
        const struct nlattr *a = opts.data;
        size_t len = nl_attr_get_size(a);

        /* The C flag is derived from this walk (wk.has_critical): do not
         * fault it here. */
        st = mdtun_md_validate(nl_attr_get(a), len, MDTUN_F_CRIT,
                               MDTUN_POLICY_PASS_FOREIGN, &wk);
        if (st != MDTUN_OK) {
            ofpbuf_uninit(&opts);
            return build_fail(netdev, c,
                              st == MDTUN_ERR_MD_TOO_LONG
                              ? MDTUN_STAT_TX_MD_TOO_LONG
                              : MDTUN_STAT_TX_BAD_OPTIONS,
                              "tun_metadata (%"PRIuSIZE" bytes): %s",
                              len, mdtun_status_text(st));
        }
        memcpy(md, nl_attr_get(a), len);
        md_len = len;
    }
    ofpbuf_uninit(&opts);

    /* The carried fields are copied from the flow into the header, so the
     * datapath flow must match them exactly. */
    if (carry & MDTUN_CARRY_MARK) {
        if (!put_carried(md, &md_len, &wk, MDTUN_WK_MARK, flow->pkt_mark,
                         &added)) {
            return build_fail(netdev, c, MDTUN_STAT_TX_MD_TOO_LONG,
                              "no room for the carried mark after %"PRIuSIZE
                              " bytes of options", md_len);
        }
        if (params->wc && !(wk.present & MDTUN_WK_BIT(MDTUN_WK_MARK))) {
            params->wc->masks.pkt_mark = UINT32_MAX;
        }
    }
    if (carry & MDTUN_CARRY_PRIORITY) {
        if (!put_carried(md, &md_len, &wk, MDTUN_WK_PRIORITY,
                         flow->skb_priority, &added)) {
            return build_fail(netdev, c, MDTUN_STAT_TX_MD_TOO_LONG,
                              "no room for the carried priority after %"
                              PRIuSIZE" bytes of options", md_len);
        }
        if (params->wc && !(wk.present & MDTUN_WK_BIT(MDTUN_WK_PRIORITY))) {
            params->wc->masks.skb_priority = UINT32_MAX;
        }
    }
    if (added) {
        count(c, MDTUN_STAT_TX_CARRY_ADDED);
    }

    memset(&hdr, 0, sizeof hdr);
    /* Carried fields are never critical: only the options can set C. */
    hdr.flags = ((flow->tunnel.flags & FLOW_TNL_F_OAM ? MDTUN_F_OAM : 0)
                 | (wk.has_critical ? MDTUN_F_CRIT : 0));
    hdr.protocol = MDTUN_PROTO_ETH;
    hdr.vni = vni;
    hdr.md_len = md_len;

    out = udp_build_header(&tnl_cfg, data, params);

    st = mdtun_hdr_build(out, MDTUN_HDR_LEN, &hdr);
    if (st != MDTUN_OK) {
        return build_fail(netdev, c, MDTUN_STAT_TX_BAD_OPTIONS, "header: %s",
                          mdtun_status_text(st));
    }
    memcpy(out + MDTUN_HDR_LEN, md, md_len);
    data->header_len += MDTUN_HDR_LEN + md_len;
    data->tnl_type = OVS_VPORT_TYPE_MDTUN;
    return 0;
}

void
mdtun_native_push_header(const struct netdev *netdev, struct dp_packet *packet,
                         const struct ovs_action_push_tnl *data)
{
    /* Nothing in the mdtun header depends on the packet's length. */
    netdev_tnl_push_udp_header(netdev, packet, data);
}

/* ---- Pop ---------------------------------------------------------------- */

/* The packet-buffer fields a port may carry and restore. */
static const struct {
    uint32_t carry;             /* MDTUN_CARRY_*. */
    uint8_t type;               /* MDTUN_WK_*. */
} carried_fields[] = {
    { MDTUN_CARRY_MARK, MDTUN_WK_MARK },
    { MDTUN_CARRY_PRIORITY, MDTUN_WK_PRIORITY },
};

static bool
prefix_contains(const struct mdtun_native_prefix *p, bool ipv6,
                const uint8_t *addr)
{
    unsigned int bytes = p->len / 8, bits = p->len % 8;

    if (p->ipv6 != ipv6 || memcmp(p->addr, addr, bytes)) {
        return false;
    }
    return !bits || !((addr[bytes] ^ p->addr[bytes]) & (0xff << (8 - bits)));
}

static bool
source_trusted(const struct mdtun_native_policy *policy, bool ipv6,
               const struct flow_tnl *tnl)
{
    const uint8_t *src = (ipv6 ? tnl->ipv6_src.s6_addr
                          : (const uint8_t *) &tnl->ip_src);

    for (size_t i = 0; i < policy->n_trusted; i++) {
        if (prefix_contains(&policy->trusted[i], ipv6, src)) {
            return true;
        }
    }
    return false;
}

bool
mdtun_native_source_trusted(const struct mdtun_native_policy *policy,
                            const struct flow_tnl *tnl)
{
    return source_trusted(policy, !tnl->ip_src && !tnl->ip_dst, tnl);
}

/* The inner frame's checks (docs/protocol.md, section 8.3, step 7, as far
 * as they apply here).  Returns 0 or the MDTUN_STAT_* to drop the packet
 * with.  'outer_tos' is the outer IPv4 TOS or IPv6 traffic class. */
static unsigned int
check_inner(const uint8_t *frame, size_t len, uint8_t outer_tos)
{
    const uint8_t *l3 = frame + ETH_HEADER_LEN;
    size_t l3_len;
    uint16_t type;
    uint8_t tos;

    if (len < ETH_HEADER_LEN) {
        return MDTUN_STAT_RX_INNER_SHORT;
    }
    l3_len = len - ETH_HEADER_LEN;
    type = (frame[12] << 8) | frame[13];
    if (type == ETH_TYPE_IP) {
        if (l3_len < IP_HEADER_LEN) {
            return MDTUN_STAT_RX_INNER_TRUNCATED;
        }
        tos = l3[1];
    } else if (type == ETH_TYPE_IPV6) {
        if (l3_len < IPV6_HEADER_LEN) {
            return MDTUN_STAT_RX_INNER_TRUNCATED;
        }
        tos = ((l3[0] & 0x0f) << 4) | (l3[1] >> 4);
    } else {
        return 0;
    }
    /* RFC 6040: congestion experienced on the way, but the inner packet
     * cannot say so. */
    if ((outer_tos & IP_ECN_MASK) == IP_ECN_CE
        && (tos & IP_ECN_MASK) == IP_ECN_NOT_ECT) {
        return MDTUN_STAT_RX_ECN_ERROR;
    }
    return 0;
}

static struct dp_packet *
pop_drop(struct dp_packet *packet, struct mdtun_native_counters *c,
         unsigned int stat)
{
    if (c) {
        count(c, stat);
    } else {
        COVERAGE_INC(mdtun_native_bad_outer);
    }
    dp_packet_delete(packet);
    return NULL;
}

struct dp_packet *
mdtun_native_pop_header(struct dp_packet *packet)
{
    struct pkt_metadata *md = &packet->md;
    struct flow_tnl *tnl = &md->tunnel;
    const struct mdtun_native_port *port;
    struct mdtun_native_counters *c;
    const struct udp_header *udp;
    const struct ip_header *ip;
    struct mdtun_wk_fields wk;
    struct mdtun_hdr hdr;
    enum mdtun_status st;
    uint32_t carry, applied, restore = 0;
    unsigned int n_not_allowed = 0, n_untrusted = 0, stat, hlen;
    const uint8_t *payload;
    size_t udp_len, avail;
    int trusted = -1;
    bool ipv6;

    pkt_metadata_init_tnl(md);

    /* The outer headers: bounded by the UDP length, not the frame's (which
     * may be padded), then OVS's own checks (checksums, IP lengths). */
    udp = dp_packet_l4(packet);
    ip = dp_packet_l3(packet);
    if (!udp || !ip || dp_packet_l4_size(packet) < UDP_HEADER_LEN) {
        return pop_drop(packet, NULL, 0);
    }
    udp_len = ntohs(udp->udp_len);
    if (udp_len < UDP_HEADER_LEN || udp_len > dp_packet_l4_size(packet)) {
        return pop_drop(packet, NULL, 0);
    }
    dp_packet_set_size(packet, ((const char *) udp
                                - (const char *) dp_packet_data(packet))
                               + udp_len);
    dp_packet_set_l2_pad_size(packet, 0);
    ipv6 = IP_VER(ip->ip_ihl_ver) == 6;
    payload = udp_extract_tnl_md(packet, tnl, &hlen);
    if (!payload) {
        return pop_drop(packet, NULL, 0);
    }
    avail = udp_len - UDP_HEADER_LEN;

    port = port_lookup(tnl->tp_dst);
    c = port ? port->counters : &unbound_counters;
    carry = port ? port->policy.carry : 0;

    /* Section 8.1: header, then metadata (collect-metadata policy). */
    st = mdtun_hdr_parse(payload, avail, &hdr);
    if (st == MDTUN_OK) {
        st = mdtun_md_validate(payload + MDTUN_HDR_LEN, hdr.md_len, hdr.flags,
                               MDTUN_POLICY_PASS_FOREIGN, &wk);
    }
    if (st != MDTUN_OK) {
        return pop_drop(packet, c, mdtun_status_stat(st));
    }

    /* Section 9: the carried fields, carry set first, then trust; the
     * pipeline's fields are handed to OVS with the rest (section 8.4). */
    applied = MDTUN_WK_PIPELINE;
    for (size_t i = 0; i < ARRAY_SIZE(carried_fields); i++) {
        if (!(wk.present & MDTUN_WK_BIT(carried_fields[i].type))) {
            continue;
        }
        if (!(carry & carried_fields[i].carry)) {
            n_not_allowed++;
            continue;
        }
        if (trusted < 0) {
            trusted = source_trusted(&port->policy, ipv6, tnl);
        }
        if (!trusted) {
            n_untrusted++;
            continue;
        }
        restore |= carried_fields[i].carry;
        applied |= MDTUN_WK_BIT(carried_fields[i].type);
    }
    st = mdtun_wk_check_applied(&wk, applied);
    if (st != MDTUN_OK) {
        return pop_drop(packet, c, mdtun_status_stat(st));
    }

    stat = check_inner(payload + MDTUN_HDR_LEN + hdr.md_len,
                       avail - MDTUN_HDR_LEN - hdr.md_len, tnl->ip_tos);
    if (stat) {
        return pop_drop(packet, c, stat);
    }

    /* Delivered: the decisions are counted, the fields restored. */
    if (restore & MDTUN_CARRY_MARK) {
        md->pkt_mark = wk.mark;
        count(c, MDTUN_STAT_RX_MARK_RESTORED);
    }
    if (restore & MDTUN_CARRY_PRIORITY) {
        md->skb_priority = wk.priority;
        count(c, MDTUN_STAT_RX_PRIORITY_RESTORED);
    }
    for (unsigned int i = 0; i < n_not_allowed; i++) {
        count(c, MDTUN_STAT_RX_CARRY_NOT_ALLOWED);
    }
    for (unsigned int i = 0; i < n_untrusted; i++) {
        count(c, MDTUN_STAT_RX_CARRY_UNTRUSTED);
    }

    tnl->tun_id = htonll(hdr.vni);
    tnl->flags |= FLOW_TNL_F_KEY;
    if (hdr.flags & MDTUN_F_OAM) {
        tnl->flags |= FLOW_TNL_F_OAM;
    }
    /* The TLV area is Geneve option encoding by design. */
    memcpy(tnl->metadata.opts.gnv, payload + MDTUN_HDR_LEN, hdr.md_len);
    tnl->metadata.present.len = hdr.md_len;
    tnl->flags |= FLOW_TNL_F_UDPIF;

    packet->packet_type = htonl(PT_ETH);
    dp_packet_reset_packet(packet, hlen + UDP_HEADER_LEN + MDTUN_HDR_LEN
                           + hdr.md_len);
    return packet;
}
