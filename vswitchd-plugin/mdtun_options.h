// SPDX-License-Identifier: Apache-2.0
//
// The mdtun-specific Interface options of an OVS port and their parsing.
// Pure C++17 with no OVS dependency, so that the rules are unit-testable
// outside ovs-vswitchd; mdtun_plugin.cc connects them to OVS.
//
//   options:carry=mark,priority        packet-buffer fields the port carries
//                                      (MDTUN_CARRY_*); "none" or absent:
//                                      nothing
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

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mdtun {

// One trusted prefix, stored masked (host bits cleared) like the kernel
// driver stores it, so that equal configurations compare equal.
struct TrustPrefix {
  bool ipv6 = false;
  std::array<uint8_t, 16> addr{};  // network order; IPv4 in the first 4
  uint8_t len = 0;

  size_t AddrSize() const { return ipv6 ? 16 : 4; }
  std::string ToString() const;
  bool operator==(const TrustPrefix& o) const {
    return ipv6 == o.ipv6 && addr == o.addr && len == o.len;
  }
};

// Parsed options of one mdtun port.
struct PortOptions {
  uint32_t carry = 0;  // MDTUN_CARRY_* bits
  std::vector<TrustPrefix> trusted;

  bool operator==(const PortOptions& o) const {
    return carry == o.carry && trusted == o.trusted;
  }
  bool operator!=(const PortOptions& o) const { return !(*this == o); }
};

// Each parser returns an empty string on success, otherwise the message for
// the Interface's "error" column (OVS prefixes it with the port name).
std::string ParseCarry(std::string_view value, uint32_t* carry);
std::string ParseTrustedRemotes(std::string_view value,
                                std::vector<TrustPrefix>* trusted);

// The error for a bad value of one of OVS's generic tunnel options that
// mdtun refuses (see the top of this file), or "" when @value is fine or
// @key is not one of them.
std::string CheckGenericOption(std::string_view key, std::string_view value);

// Parses the mdtun options among @options (all of a port's options) and
// checks the generic ones with CheckGenericOption(); other keys are
// skipped.  The first error, in the order of @options, is returned.
std::string ParsePortOptions(
    const std::vector<std::pair<std::string, std::string>>& options,
    PortOptions* out);

// Canonical text forms, as get_config reports them ("" for the default).
std::string FormatCarry(uint32_t carry);
std::string FormatTrustedRemotes(const std::vector<TrustPrefix>& trusted);

}  // namespace mdtun

#endif  // MDTUN_VSWITCHD_PLUGIN_MDTUN_OPTIONS_H
