// SPDX-License-Identifier: Apache-2.0
//
// mdtun-ctl's command line: parsed and checked here, with no netlink, so
// that every rule and message is unit-testable (tests/unit/mdtun_ctl_*).
#ifndef MDTUN_UTILITIES_MDTUN_CTL_ARGS_H
#define MDTUN_UTILITIES_MDTUN_CTL_ARGS_H

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "mdtun_options.h"

namespace mdtun::ctl {

// A bad command line; what() is the one line printed after "mdtun-ctl: ".
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

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

enum class Verb { kHelp, kVersion, kAdd, kSet, kDel, kShow, kStats };

struct Command {
  Verb verb = Verb::kHelp;
  std::string name;  // empty for "show" of every link
  LinkConfig config;
  bool json = false;
};

// Parses argv[1..] (without the program name).  Throws UsageError.
Command ParseCommand(const std::vector<std::string>& args);

const char* DfName(uint8_t df);
extern const char kUsage[];

}  // namespace mdtun::ctl

#endif  // MDTUN_UTILITIES_MDTUN_CTL_ARGS_H
