/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mdtun on OVS's userspace datapath (native tunnelling): the header ops of
 * the mdtun tunnel class and the per-UDP-port receive policy they apply.
 *
 * mdtun-native.c is C because it needs OVS's internal headers (flows,
 * packets, RCU), which do not compile as C++; this header is C-clean and
 * C++-clean, so that the C++ plugin (mdtun_native.cc, mdtun_plugin.cc)
 * feeds it the policy, reads its counters and registers its functions.
 *
 * The policy of a UDP port is the carry set and trusted prefixes that
 * every mdtun port on that UDP port has (the plugin refuses ports that
 * disagree, as for the kernel device they share).  The main thread
 * publishes a new set of policies on reconfiguration; PMD and handler
 * threads read it without locks (OVS RCU).  Counters are relaxed atomics,
 * one set per UDP port (like the kernel's per-device counters) and one for
 * packets of a UDP port that has no policy; they are numbered like the
 * kernel's (MDTUN_STAT_*, named by mdtun_stat_name()).
 */
#ifndef MDTUN_VSWITCHD_PLUGIN_MDTUN_NATIVE_H
#define MDTUN_VSWITCHD_PLUGIN_MDTUN_NATIVE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mdtun/if_mdtun.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dp_packet;
struct netdev;
struct netdev_tnl_build_header_params;
struct ovs_action_push_tnl;

/* One trusted prefix: 'addr' in network order, IPv4 in the first 4 bytes,
 * host bits clear. */
struct mdtun_native_prefix {
    bool ipv6;
    uint8_t addr[16];
    uint8_t len;
};

/* The policy of one UDP port. */
struct mdtun_native_policy {
    uint16_t dst_port;          /* Host order. */
    uint32_t carry;             /* MDTUN_CARRY_*. */
    uint32_t pipeline;          /* MDTUN_WK_BIT()s of pipeline fields. */
    int in_port_reg;            /* Register for a sender's in_port, or -1. */
    size_t n_trusted;
    struct mdtun_native_prefix trusted[MDTUN_TRUST_MAX];
};

/* Main thread only.  mdtun_native_set_policies() replaces every policy with
 * the 'n' in 'policies' (UDP ports not among them lose theirs, and their
 * counters); mdtun_native_put_policy() adds or replaces one. */
void mdtun_native_set_policies(const struct mdtun_native_policy *policies,
                               size_t n);
void mdtun_native_put_policy(const struct mdtun_native_policy *);

/* Number of counters, indexed by MDTUN_STAT_*. */
#define MDTUN_NATIVE_N_COUNTERS (MDTUN_STAT_MAX + 1)

/* Copies the counters of UDP port 'dst_port' (0: those of packets on a UDP
 * port without a policy) into 'counters'.  Returns false if 'dst_port' has
 * no policy. */
bool mdtun_native_read_counters(uint16_t dst_port,
                                uint64_t counters[MDTUN_NATIVE_N_COUNTERS]);

/* What became of the pipeline fields of received packets, counted per
 * upcall (the translation that installs a datapath flow) for each field by
 * its well-known type (MDTUN_WK_OF_METADATA, MDTUN_WK_IN_PORT,
 * MDTUN_WK_REG0 + n), and the outputs refused because the carried fields
 * did not fit in the options (mdtun-pipeline.c). */
enum mdtun_pipeline_outcome {
    MDTUN_PIPELINE_RESTORED,    /* Set in the receiving pipeline. */
    MDTUN_PIPELINE_UNTRUSTED,   /* Sender not trusted: not restored. */
    MDTUN_PIPELINE_NOT_CARRIED, /* Not in the port's carry: not restored. */
    MDTUN_PIPELINE_N_OUTCOMES
};
#define MDTUN_PIPELINE_N_TYPES 32
struct mdtun_pipeline_counters {
    uint64_t fields[MDTUN_PIPELINE_N_TYPES][MDTUN_PIPELINE_N_OUTCOMES];
    uint64_t tx_no_room;
};
bool mdtun_native_read_pipeline_counters(uint16_t dst_port,
                                         struct mdtun_pipeline_counters *);

/* The tunnel class's pipeline hooks (lib/netdev-tunnel-class.h,
 * mdtun-pipeline.c). */
struct ds;
struct flow;
struct flow_wildcards;
int mdtun_pipeline_xlate_output(const struct netdev *, const struct flow *,
                                struct flow_wildcards *, void *opts,
                                size_t len, size_t size);
void mdtun_pipeline_xlate_input(const struct netdev *, const void *opts,
                                size_t opts_len, void *opts_mask,
                                struct flow *, struct flow_wildcards *,
                                struct ds *report, bool count);

/* The tunnel class's header ops (lib/netdev-tunnel-class.h). */
int mdtun_native_build_header(const struct netdev *,
                              struct ovs_action_push_tnl *,
                              const struct netdev_tnl_build_header_params *);
void mdtun_native_push_header(const struct netdev *, struct dp_packet *,
                              const struct ovs_action_push_tnl *);
struct dp_packet *mdtun_native_pop_header(struct dp_packet *);

#ifdef __cplusplus
}
#endif

#endif /* mdtun-native.h */
