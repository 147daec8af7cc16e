/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OpenFlow pipeline across an mdtun tunnel: the tunnel class's
 * xlate_output() and xlate_input() (lib/netdev-tunnel-class.h), on both
 * datapaths, since they work on the translation, not on packets.
 *
 *   - Output: a packet output to an mdtun port whose UDP port's carry lists
 *     pipeline fields (metadata, in_port, reg0-reg15) gets their values as
 *     well-known TLVs (class 0xfff7, docs/protocol.md section 6.1) after
 *     the options of its tun_metadata, lowest type first, unless those hold
 *     the field already (sender rule 4: the consumer's value wins).  The
 *     datapath flow matches the fields read, so that distinct values get
 *     distinct set(tunnel(...)) actions or tunnel headers.
 *   - Input: a packet received on an mdtun port starts the pipeline with
 *     the carried fields restored (the sender's in_port into the register
 *     the port names, in_port_reg) when its UDP port's carry lists them and
 *     the sender is trusted: its outer source in trusted_remotes, or the
 *     port's fixed remote_ip (OVS hands a port with a fixed remote only
 *     that remote's packets).  The datapath flow then matches the layout
 *     of the options (every TLV header), the restored TLVs' values and the
 *     outer source, so that it never matches a packet that would start the
 *     pipeline differently.  Restoring no pipeline field adds nothing to
 *     the match.
 *
 * The fields of a UDP port's policy (mdtun-native.h) are the same for
 * every port on it (the plugin refuses ports that disagree).  Decisions are
 * counted per field for each upcall, not for the packets that later hit the
 * datapath flow.
 */
#include <config.h>

#include "mdtun-native.h"
#include "mdtun-native-private.h"

#include <string.h>

#include "flow.h"
#include "netdev.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "util.h"

#include "mdtun/codec.h"

VLOG_DEFINE_THIS_MODULE(mdtun_pipeline);

/* Appends the name of pipeline field 'type' to 'ds'. */
static void
put_field_name(struct ds *ds, unsigned int type)
{
    if (type == MDTUN_WK_OF_METADATA) {
        ds_put_cstr(ds, "metadata");
    } else if (type == MDTUN_WK_IN_PORT) {
        ds_put_cstr(ds, "in_port");
    } else {
        ds_put_format(ds, "reg%u", type - MDTUN_WK_REG0);
    }
}

/* Appends "name[,name...]" of the fields in 'fields' to 'ds'. */
static void
put_field_names(struct ds *ds, uint32_t fields)
{
    bool first = true;

    for (unsigned int type = 0; type < MDTUN_PIPELINE_N_TYPES; type++) {
        if (fields & MDTUN_WK_BIT(type)) {
            if (!first) {
                ds_put_char(ds, ',');
            }
            put_field_name(ds, type);
            first = false;
        }
    }
}

int
mdtun_pipeline_xlate_output(const struct netdev *netdev,
                            const struct flow *flow,
                            struct flow_wildcards *wc, void *opts_,
                            size_t len, size_t size)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);
    const struct mdtun_native_policy *policy;
    struct mdtun_native_counters *c;
    struct mdtun_wk_fields have, send;
    uint8_t *opts = opts_;
    uint32_t fields;

    policy = mdtun_native_policy_lookup(flow->tunnel.tp_dst, &c);
    if (!policy || !policy->pipeline) {
        return len;
    }

    /* Options that are not a valid area are left to the datapath, which
     * refuses them (tx_bad_options). */
    if (!len || mdtun_md_validate(opts, len, MDTUN_F_CRIT,
                                  MDTUN_POLICY_PASS_FOREIGN, &have)) {
        memset(&have, 0, sizeof have);
    }
    fields = policy->pipeline & ~have.present;
    if (!fields) {
        return len;
    }

    memset(&send, 0, sizeof send);
    send.present = fields;
    if (fields & MDTUN_WK_BIT(MDTUN_WK_OF_METADATA)) {
        send.of_metadata = ntohll(flow->metadata);
        wc->masks.metadata = OVS_BE64_MAX;
    }
    if (fields & MDTUN_WK_BIT(MDTUN_WK_IN_PORT)) {
        send.in_port = ofp_to_u16(flow->in_port.ofp_port);
        wc->masks.in_port.ofp_port = u16_to_ofp(UINT16_MAX);
    }
    for (unsigned int i = 0; i < MDTUN_WK_NREGS; i++) {
        if (fields & MDTUN_WK_BIT(MDTUN_WK_REG0 + i)) {
            send.reg[i] = flow->regs[i];
            wc->masks.regs[i] = UINT32_MAX;
        }
    }

    if (mdtun_wk_put_fields(opts, size, &len, &send, fields) != MDTUN_OK) {
        mdtun_native_count_pipeline_no_room(c);
        if (!VLOG_DROP_WARN(&rl)) {
            struct ds names = DS_EMPTY_INITIALIZER;

            put_field_names(&names, fields);
            VLOG_WARN("%s: packet not output: no room for the carried "
                      "pipeline fields %s after %"PRIuSIZE" bytes of "
                      "tun_metadata options", netdev_get_name(netdev),
                      ds_cstr(&names), len);
            ds_destroy(&names);
        }
        return -1;
    }
    return len;
}

/* Sets the bits of 'mask' for the header of every TLV in 'opts' and for the
 * data of the well-known TLVs of the types in 'values'. */
static void
mask_options(const uint8_t *opts, size_t opts_len, uint32_t values,
             uint8_t *mask)
{
    struct mdtun_tlv_iter it;
    struct mdtun_tlv tlv;

    mdtun_tlv_iter_init(&it, opts, opts_len);
    while (mdtun_tlv_next(&it, &tlv)) {
        size_t ofs = tlv.data - opts;
        uint8_t type = tlv.type & ~MDTUN_TLV_TYPE_CRIT;

        memset(mask + ofs - MDTUN_TLV_HDR_LEN, 0xff, MDTUN_TLV_HDR_LEN);
        if (tlv.opt_class == MDTUN_OPT_CLASS
            && type < MDTUN_PIPELINE_N_TYPES
            && values & MDTUN_WK_BIT(type)) {
            memset(mask + ofs, 0xff, tlv.len);
        }
    }
}

static void
restore_field(struct flow *flow, const struct mdtun_wk_fields *wk,
              unsigned int type, int in_port_reg, struct ds *report)
{
    uint64_t value = mdtun_wk_get(wk, type);

    if (type == MDTUN_WK_OF_METADATA) {
        flow->metadata = htonll(value);
    } else if (type == MDTUN_WK_IN_PORT) {
        flow->regs[in_port_reg] = value;
    } else {
        flow->regs[type - MDTUN_WK_REG0] = value;
    }
    if (report) {
        ds_put_char(report, ' ');
        if (type == MDTUN_WK_IN_PORT) {
            ds_put_format(report, "reg%d=%#"PRIx64" (in_port)", in_port_reg,
                          value);
        } else {
            put_field_name(report, type);
            ds_put_format(report, "=%#"PRIx64, value);
        }
    }
}

void
mdtun_pipeline_xlate_input(const struct netdev *netdev, const void *opts_,
                           size_t opts_len, void *opts_mask,
                           struct flow *flow, struct flow_wildcards *wc,
                           struct ds *report, bool count)
{
    const struct netdev_tunnel_config *cfg = netdev_get_tunnel_config(netdev);
    const struct mdtun_native_policy *policy;
    struct mdtun_native_counters *c;
    uint32_t restorable = 0, present, carried, restore = 0;
    const uint8_t *opts = opts_;
    struct mdtun_wk_fields wk;
    bool trusted = false;

    if (!opts_len) {
        return;
    }
    policy = mdtun_native_policy_lookup(flow->tunnel.tp_dst, &c);
    if (policy) {
        restorable = policy->pipeline;
        if (policy->in_port_reg < 0) {
            restorable &= ~MDTUN_WK_BIT(MDTUN_WK_IN_PORT);
        }
    }
    if (!restorable && !count && !report) {
        return;                 /* Nothing to decide, count or tell. */
    }

    /* An mdtun port's receive checks refuse what does not validate, so such
     * options do not come from one: nothing restored, for these options
     * only. */
    if (mdtun_md_validate(opts, opts_len, MDTUN_F_CRIT,
                          MDTUN_POLICY_PASS_FOREIGN, &wk)) {
        if (restorable) {
            memset(opts_mask, 0xff, opts_len);
        }
        return;
    }
    present = wk.present & MDTUN_WK_PIPELINE;
    carried = present & restorable;

    if (carried) {
        trusted = cfg && (!cfg->ip_dst_flow
                          || mdtun_native_source_trusted(policy,
                                                         &flow->tunnel));
        if (cfg && cfg->ip_dst_flow) {
            if (flow->tunnel.ip_src || flow->tunnel.ip_dst) {
                wc->masks.tunnel.ip_src = OVS_BE32_MAX;
            } else {
                memset(&wc->masks.tunnel.ipv6_src, 0xff,
                       sizeof wc->masks.tunnel.ipv6_src);
            }
        }
        restore = trusted ? carried : 0;
    }
    if (restorable) {
        mask_options(opts, opts_len, restore, opts_mask);
    }

    if (restore && report) {
        ds_put_cstr(report, "restored");
    }
    for (unsigned int type = 0; type < MDTUN_PIPELINE_N_TYPES; type++) {
        if (restore & MDTUN_WK_BIT(type)) {
            restore_field(flow, &wk, type, policy->in_port_reg, report);
        }
    }
    if (report && present & ~restore) {
        ds_put_format(report, "%snot restored: ", restore ? "; " : "");
        if (carried & ~restore) {
            put_field_names(report, carried & ~restore);
            ds_put_cstr(report, " (sender not trusted)");
        }
        if (present & ~carried) {
            if (carried & ~restore) {
                ds_put_cstr(report, ", ");
            }
            put_field_names(report, present & ~carried);
            ds_put_cstr(report, " (not in the port's carry)");
        }
    }

    if (count) {
        for (unsigned int type = 0; type < MDTUN_PIPELINE_N_TYPES; type++) {
            uint32_t bit = MDTUN_WK_BIT(type);

            if (present & bit) {
                mdtun_native_count_pipeline(
                    c, type,
                    restore & bit ? MDTUN_PIPELINE_RESTORED
                    : carried & bit ? MDTUN_PIPELINE_UNTRUSTED
                    : MDTUN_PIPELINE_NOT_CARRIED);
            }
        }
    }
}
