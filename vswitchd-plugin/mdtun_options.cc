// SPDX-License-Identifier: Apache-2.0
//
// Parsing and canonical formatting of the mdtun Interface options.

#include "mdtun_options.h"

#include <arpa/inet.h>

#include <cerrno>
#include <cstdlib>

#include "mdtun/codec.h"

namespace mdtun {
namespace {

// An unsigned integer as OVS reads the option (strtoull() with @base), but
// only when all of @s is one: no sign, no blanks, no trailing text.
bool ParseWholeNumber(std::string_view s, int base, unsigned long long* v) {
  if (s.empty() || s.front() < '0' || s.front() > '9') {
    return false;
  }
  const std::string str(s);
  char* end = nullptr;
  errno = 0;
  *v = std::strtoull(str.c_str(), &end, base);
  return errno == 0 && *end == '\0';
}

std::string Invalid(std::string_view key, std::string_view value) {
  return "invalid " + std::string(key) + " '" + std::string(value) + "': ";
}

// A VNI: the header has 24 bits for it (docs/protocol.md section 4).
constexpr unsigned long long kVniMax = 0xffffff;
// OVS keeps the DSCP bits of options:tos (IP_DSCP_MASK).
constexpr unsigned long long kDscpMask = 0xfc;

}  // namespace

std::string CheckGenericOption(std::string_view key, std::string_view value) {
  unsigned long long v = 0;
  if (key == "key" || key == "in_key" || key == "out_key") {
    if (value == "flow" || (ParseWholeNumber(value, 0, &v) && v <= kVniMax)) {
      return "";
    }
    return Invalid(key, value) +
           "expected flow or a VNI of at most 24 bits (0 to 16777215, "
           "0xffffff)";
  }
  if (key == "tos") {
    if (value == "inherit" ||
        (ParseWholeNumber(value, 0, &v) && (v & ~kDscpMask) == 0)) {
      return "";
    }
    return Invalid(key, value) +
           "expected inherit or a DSCP value in the upper six bits (0 to "
           "0xfc, a multiple of 4)";
  }
  if (key == "ttl") {
    if (value == "inherit" ||
        (ParseWholeNumber(value, 10, &v) && v >= 1 && v <= 255)) {
      return "";
    }
    return Invalid(key, value) + "expected inherit or 1 to 255";
  }
  if (key == "csum" || key == "df_default") {
    if (value == "true" || value == "false") {
      return "";
    }
    return Invalid(key, value) + "expected true or false";
  }
  if (key == "egress_pkt_mark") {
    // OVS reads it in decimal: "0x77" would silently be 0.
    if (ParseWholeNumber(value, 10, &v) && v <= 0xffffffffULL) {
      return "";
    }
    return Invalid(key, value) + "expected a decimal number, 0 to 4294967295";
  }
  if (key == "local_ip") {
    uint8_t addr[16];
    const std::string str(value);
    if (value == "flow" || inet_pton(AF_INET, str.c_str(), addr) == 1 ||
        inet_pton(AF_INET6, str.c_str(), addr) == 1) {
      return "";
    }
    return Invalid(key, value) + "expected flow or an IPv4 or IPv6 address";
  }
  return "";
}

std::string ParsePortOptions(
    const std::vector<std::pair<std::string, std::string>>& options,
    PortOptions* out) {
  PortOptions parsed;
  for (const auto& [key, value] : options) {
    std::string error;
    if (key == "carry") {
      error = ParseCarry(value, &parsed.carry, &parsed.pipeline);
    } else if (key == "in_port_reg") {
      parsed.in_port_reg = ParseRegister(value);
      if (parsed.in_port_reg < 0) {
        error = Invalid(key, value) + "expected a register, reg0 to reg15";
      }
    } else if (key == "trusted_remotes") {
      error = ParseTrustedRemotes(value, &parsed.trusted);
    } else {
      error = CheckGenericOption(key, value);
    }
    if (!error.empty()) {
      return error;
    }
  }
  // carry and in_port_reg come in either order: checked once both are read.
  if (parsed.in_port_reg >= 0) {
    const std::string reg = "reg" + std::to_string(parsed.in_port_reg);
    if (!(parsed.pipeline & MDTUN_WK_BIT(MDTUN_WK_IN_PORT))) {
      return "in_port_reg=" + reg + " without in_port in carry";
    }
    if (parsed.pipeline & MDTUN_WK_BIT(MDTUN_WK_REG0 + parsed.in_port_reg)) {
      return "in_port_reg=" + reg + " is also carried (carry=" +
             FormatCarry(parsed.carry, parsed.pipeline) +
             "): the sender's value would overwrite the in_port";
    }
  }
  *out = std::move(parsed);
  return "";
}

}  // namespace mdtun
