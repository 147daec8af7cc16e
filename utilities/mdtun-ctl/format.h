// SPDX-License-Identifier: Apache-2.0
//
// mdtun-ctl's output: text like `ip -d link`, JSON shaped like
// `ip -d -j link`, and counter names.  No netlink here (unit-tested).
#ifndef MDTUN_UTILITIES_MDTUN_CTL_FORMAT_H
#define MDTUN_UTILITIES_MDTUN_CTL_FORMAT_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "args.h"

namespace mdtun::ctl {

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

// "rx_bad_version", "tx_no_route", ...; "stat_N" for a number this build
// does not know (a newer kernel module).
std::string CounterName(int stat);

std::string JsonString(const std::string& s);

// IFF_* flag names in ip(8)'s order and spelling ("BROADCAST", "UP",
// "LOWER_UP"...); IFF_RUNNING is left out, as ip does.
std::vector<std::string> LinkFlagNames(unsigned int flags);

std::string FormatShowText(const LinkInfo& link);
std::string FormatShowJson(const std::vector<LinkInfo>& links);
std::string FormatStatsText(const LinkInfo& link);
std::string FormatStatsJson(const LinkInfo& link);

}  // namespace mdtun::ctl

#endif  // MDTUN_UTILITIES_MDTUN_CTL_FORMAT_H
