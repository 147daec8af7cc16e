// SPDX-License-Identifier: Apache-2.0
//
// An mdtun link (rtnetlink kind "mdtun") as its users see it: the
// configuration that mdtun-ctl sets and both mdtun-ctl and the OVS plugin
// read back (rtnl.h), its counters, and their names.  No netlink here.
#ifndef MDTUN_LIBMDTUN_LINK_H
#define MDTUN_LIBMDTUN_LINK_H

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "libmdtun/carry_trust.h"

namespace mdtun {

struct IpAddr {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // network order; IPv4 in the first 4

  static std::optional<IpAddr> Parse(const std::string& text);
  std::string ToString() const;
  bool operator==(const IpAddr& o) const {
    return v6 == o.v6 && bytes == o.bytes;
  }
};

// TTL or TOS: a fixed value or "inherit" from the inner packet.
struct HopSetting {
  bool inherit = false;
  uint8_t value = 0;
  bool operator==(const HopSetting& o) const {
    return inherit == o.inherit && value == o.value;
  }
};

// An mdtun link's configuration.  On add/set, an unset field is not sent
// (the kernel's default or current value stays); read back from the
// kernel, every field the kernel reports is set.
struct LinkConfig {
  std::optional<uint32_t> id;
  bool external = false;
  std::optional<IpAddr> remote;
  std::optional<IpAddr> local;
  std::optional<uint16_t> port;
  std::optional<HopSetting> ttl;
  std::optional<HopSetting> tos;
  std::optional<uint8_t> df;  // enum ifla_mdtun_df
  std::optional<bool> csum;
  std::optional<bool> zero_csum6_tx;
  std::optional<bool> zero_csum6_rx;
  std::optional<uint32_t> carry;  // MDTUN_CARRY_*
  std::optional<std::vector<TrustPrefix>> trust;
};

// Standard link counters (IFLA_STATS64).
struct LinkStats {
  uint64_t rx_packets = 0, rx_bytes = 0, rx_errors = 0, rx_dropped = 0;
  uint64_t tx_packets = 0, tx_bytes = 0, tx_errors = 0, tx_dropped = 0;
};

// One mdtun link as the kernel reports it.
struct LinkInfo {
  std::string name;
  int ifindex = 0;
  unsigned int mtu = 0;
  std::string operstate;   // as ip(8) prints it: "UP", "DOWN", "UNKNOWN"...
  unsigned int flags = 0;  // IFF_* (ifi_flags)
  LinkConfig config;
  LinkStats stats;
  std::map<int, uint64_t> counters;  // MDTUN_STAT_* -> value
};

// The codec's name of counter MDTUN_STAT_@stat (mdtun_stat_name():
// "rx_bad_version", "tx_no_route", ...); "stat_N" for a number this build
// does not know (a newer kernel module).
std::string CounterName(int stat);

// "set", "unset", "inherit" for enum ifla_mdtun_df; "?" otherwise.
const char* DfName(uint8_t df);

}  // namespace mdtun

#endif  // MDTUN_LIBMDTUN_LINK_H
