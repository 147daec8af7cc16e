// SPDX-License-Identifier: Apache-2.0
//
// The mdtun-specific Interface options of an OVS port and their parsing.
// Pure C++17 with no OVS dependency, so that the rules are unit-testable
// outside ovs-vswitchd; mdtun_plugin.cc connects them to OVS.  The carry
// and trust values are parsed by libmdtun (utilities/libmdtun/), as
// mdtun-ctl parses them.
//
//   options:carry=mark,priority        packet-buffer fields the port carries
//                                      (MDTUN_CARRY_*); "none" or absent:
//                                      nothing
//                                      and the OpenFlow pipeline fields it
//                                      carries: metadata, in_port, reg0 ..
//                                      reg15, ranges (reg0-reg3)
//   options:in_port_reg=regN           the register that gets the sender's
//                                      in_port (carry must list in_port,
//                                      and not regN)
//   options:trusted_remotes=P[,P...]   outer source prefixes (IPv4 or IPv6,
//                                      "addr" or "addr/len") whose carried
//                                      fields are restored; at most
//                                      MDTUN_TRUST_MAX
//
// With carry=mark, the mark sent is the packet's as it leaves OVS through
// the port: options:egress_pkt_mark when it is set (OVS applies it just
// before the output), whatever the OpenFlow pipeline set.
//
// OVS parses the generic tunnel options (key, tos, ttl, ...) itself, and
// lets some bad values through: a VNI above 24 bits (which mdtun.ko would
// drop at every packet), a TTL that atoi() truncates, a csum or df_default
// that is neither true nor false, an egress_pkt_mark that is not decimal,
// a local_ip that is not an address.  ParsePortOptions() refuses those for
// an mdtun port (CheckGenericOption()).

#ifndef MDTUN_VSWITCHD_PLUGIN_MDTUN_OPTIONS_H
#define MDTUN_VSWITCHD_PLUGIN_MDTUN_OPTIONS_H

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libmdtun/carry_trust.h"

namespace mdtun {

// Parsed options of one mdtun port.
struct PortOptions {
  uint32_t carry = 0;     // MDTUN_CARRY_* bits
  uint32_t pipeline = 0;  // MDTUN_WK_BIT() of the pipeline fields carried
  int in_port_reg = -1;   // register for the sender's in_port, -1: none
  std::vector<TrustPrefix> trusted;

  bool operator==(const PortOptions& o) const {
    return carry == o.carry && pipeline == o.pipeline &&
           in_port_reg == o.in_port_reg && trusted == o.trusted;
  }
  bool operator!=(const PortOptions& o) const { return !(*this == o); }
};

// The error for a bad value of one of OVS's generic tunnel options that
// mdtun refuses (see the top of this file), or "" when @value is fine or
// @key is not one of them.
std::string CheckGenericOption(std::string_view key, std::string_view value);

// Parses the mdtun options among @options (all of a port's options, the
// carry and trust values with ParseCarry()/ParseTrustedRemotes()) and
// checks the generic ones with CheckGenericOption(); other keys are
// skipped.  The first error, in the order of @options, is returned.
std::string ParsePortOptions(
    const std::vector<std::pair<std::string, std::string>>& options,
    PortOptions* out);

}  // namespace mdtun

#endif  // MDTUN_VSWITCHD_PLUGIN_MDTUN_OPTIONS_H
