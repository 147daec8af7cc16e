// SPDX-License-Identifier: Apache-2.0
//
// Parsing and canonical formatting of carry sets and trusted prefixes.

#include "libmdtun/carry_trust.h"

#include <arpa/inet.h>

#include <algorithm>

#include "mdtun/if_mdtun.h"

namespace mdtun {
namespace {

constexpr std::string_view kCarryHelp =
    "(expected a comma-separated list of mark, priority; or none)";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// Splits @s at commas; empty items are kept so that "a,,b" is an error.
std::vector<std::string_view> SplitCommas(std::string_view s) {
  std::vector<std::string_view> items;
  size_t start = 0;
  for (;;) {
    size_t comma = s.find(',', start);
    items.push_back(Trim(s.substr(start, comma - start)));
    if (comma == std::string_view::npos) {
      return items;
    }
    start = comma + 1;
  }
}

// Decimal prefix length in [0, max]; no sign, no leading garbage.
bool ParsePrefixLen(std::string_view s, unsigned int max, uint8_t* len) {
  if (s.empty() || s.size() > 3) {
    return false;
  }
  unsigned int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
    v = v * 10 + static_cast<unsigned int>(c - '0');
  }
  if (v > max) {
    return false;
  }
  *len = static_cast<uint8_t>(v);
  return true;
}

void MaskPrefix(TrustPrefix* p) {
  const size_t n = p->AddrSize();
  for (size_t i = 0; i < n; i++) {
    const unsigned int bit = static_cast<unsigned int>(i) * 8;
    uint8_t mask;
    if (bit + 8 <= p->len) {
      mask = 0xff;
    } else if (bit >= p->len) {
      mask = 0;
    } else {
      mask = static_cast<uint8_t>(0xff << (8 - (p->len - bit)));
    }
    p->addr[i] &= mask;
  }
}

std::string ParseOnePrefix(std::string_view item, TrustPrefix* p) {
  const std::string quoted = "'" + std::string(item) + "'";
  if (item.empty()) {
    return "empty prefix in trusted_remotes";
  }
  const size_t slash = item.find('/');
  const std::string addr(item.substr(0, slash));
  *p = TrustPrefix();
  if (inet_pton(AF_INET, addr.c_str(), p->addr.data()) == 1) {
    p->ipv6 = false;
  } else if (inet_pton(AF_INET6, addr.c_str(), p->addr.data()) == 1) {
    p->ipv6 = true;
  } else {
    return "invalid trusted_remotes prefix " + quoted +
           ": not an IPv4 or IPv6 address";
  }
  const unsigned int max = p->ipv6 ? 128 : 32;
  p->len = static_cast<uint8_t>(max);
  if (slash != std::string_view::npos &&
      !ParsePrefixLen(item.substr(slash + 1), max, &p->len)) {
    return "invalid trusted_remotes prefix " + quoted +
           ": prefix length must be 0 to " + std::to_string(max);
  }
  MaskPrefix(p);
  return "";
}

}  // namespace

std::string TrustPrefix::ToString() const {
  char buf[INET6_ADDRSTRLEN];
  if (!inet_ntop(ipv6 ? AF_INET6 : AF_INET, addr.data(), buf, sizeof buf)) {
    return "?";
  }
  return std::string(buf) + "/" + std::to_string(len);
}

std::string ParseCarry(std::string_view value, uint32_t* carry) {
  uint32_t bits = 0;
  const auto items = SplitCommas(value);
  if (items.size() == 1 && items[0] == "none") {
    *carry = 0;
    return "";
  }
  for (std::string_view item : items) {
    if (item == "mark") {
      bits |= MDTUN_CARRY_MARK;
    } else if (item == "priority") {
      bits |= MDTUN_CARRY_PRIORITY;
    } else if (item.empty()) {
      return "invalid carry '" + std::string(value) + "': empty field " +
             std::string(kCarryHelp);
    } else {
      return "invalid carry '" + std::string(value) + "': unknown field '" +
             std::string(item) + "' " + std::string(kCarryHelp);
    }
  }
  *carry = bits;
  return "";
}

std::string ParseTrustedRemotes(std::string_view value,
                                std::vector<TrustPrefix>* trusted) {
  std::vector<TrustPrefix> out;
  for (std::string_view item : SplitCommas(value)) {
    TrustPrefix p;
    std::string error = ParseOnePrefix(item, &p);
    if (!error.empty()) {
      return error;
    }
    if (std::find(out.begin(), out.end(), p) != out.end()) {
      continue;  // the same prefix twice is harmless
    }
    if (out.size() == MDTUN_TRUST_MAX) {
      return "too many trusted_remotes prefixes (at most " +
             std::to_string(MDTUN_TRUST_MAX) + ")";
    }
    out.push_back(p);
  }
  *trusted = std::move(out);
  return "";
}

std::string FormatCarry(uint32_t carry) {
  std::string s;
  if (carry & MDTUN_CARRY_MARK) {
    s = "mark";
  }
  if (carry & MDTUN_CARRY_PRIORITY) {
    s += s.empty() ? "priority" : ",priority";
  }
  return s;
}

std::string FormatTrustedRemotes(const std::vector<TrustPrefix>& trusted) {
  std::string s;
  for (const TrustPrefix& p : trusted) {
    if (!s.empty()) {
      s += ',';
    }
    s += p.ToString();
  }
  return s;
}

}  // namespace mdtun
