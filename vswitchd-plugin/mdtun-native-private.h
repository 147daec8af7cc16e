/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The per-UDP-port policies and counters of mdtun-native.c as the plugin's
 * other C file, mdtun-pipeline.c, uses them.  C only: it needs OVS's
 * internal headers.
 */
#ifndef MDTUN_VSWITCHD_PLUGIN_MDTUN_NATIVE_PRIVATE_H
#define MDTUN_VSWITCHD_PLUGIN_MDTUN_NATIVE_PRIVATE_H 1

#include <stdbool.h>

#include "mdtun-native.h"
#include "openvswitch/types.h"

struct flow_tnl;
struct mdtun_native_counters;

/* The policy of UDP port 'dst_port', NULL if it has none; '*countersp' gets
 * its counters (those of UDP ports without a policy if none).  Both stay
 * valid until the calling thread quiesces (OVS RCU). */
const struct mdtun_native_policy *mdtun_native_policy_lookup(
    ovs_be16 dst_port, struct mdtun_native_counters **countersp);

/* True if the outer source address of 'tnl' lies in one of the policy's
 * trusted prefixes. */
bool mdtun_native_source_trusted(const struct mdtun_native_policy *,
                                 const struct flow_tnl *tnl);

void mdtun_native_count_pipeline(struct mdtun_native_counters *,
                                 unsigned int type,
                                 enum mdtun_pipeline_outcome);
void mdtun_native_count_pipeline_no_room(struct mdtun_native_counters *);

#endif /* mdtun-native-private.h */
