// SPDX-License-Identifier: Apache-2.0
//
// Parsing and canonical formatting of carry sets and trusted prefixes.

#include "libmdtun/carry_trust.h"

#include <arpa/inet.h>

#include <algorithm>

#include "mdtun/codec.h"
#include "mdtun/if_mdtun.h"

namespace mdtun {
namespace {

constexpr std::string_view kCarryHelp =
    "(expected a comma-separated list of mark, priority; or none)";
constexpr std::string_view kPortCarryHelp =
    "(expected a comma-separated list of mark, priority, metadata, in_port, "
    "reg0 to reg15 or a range of them such as reg0-reg3; or none)";

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

int ParseRegister(std::string_view name) {
  if (name.size() < 4 || name.size() > 5 || name.substr(0, 3) != "reg") {
    return -1;
  }
  const std::string_view digits = name.substr(3);
  if ((digits.size() == 2 && digits[0] == '0') ||
      !std::all_of(digits.begin(), digits.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return -1;
  }
  const int n = std::stoi(std::string(digits));
  return n < MDTUN_WK_NREGS ? n : -1;
}

std::string ParseCarry(std::string_view value, uint32_t* carry) {
  return ParseCarry(value, carry, nullptr);
}

std::string ParseCarry(std::string_view value, uint32_t* carry,
                       uint32_t* pipeline) {
  const std::string_view help = pipeline ? kPortCarryHelp : kCarryHelp;
  const std::string what = "invalid carry '" + std::string(value) + "': ";
  uint32_t bits = 0, fields = 0;
  const auto items = SplitCommas(value);
  if (items.size() == 1 && items[0] == "none") {
    *carry = 0;
    if (pipeline) {
      *pipeline = 0;
    }
    return "";
  }
  for (std::string_view item : items) {
    const size_t dash = item.find('-');
    const int reg = ParseRegister(item);
    const int lo = dash == std::string_view::npos
                       ? -1
                       : ParseRegister(item.substr(0, dash));
    const int hi = lo < 0 ? -1 : ParseRegister(item.substr(dash + 1));
    uint32_t field = 0;
    if (item == "mark") {
      bits |= MDTUN_CARRY_MARK;
    } else if (item == "priority") {
      bits |= MDTUN_CARRY_PRIORITY;
    } else if (item == "metadata") {
      field = MDTUN_WK_BIT(MDTUN_WK_OF_METADATA);
    } else if (item == "in_port") {
      field = MDTUN_WK_BIT(MDTUN_WK_IN_PORT);
    } else if (reg >= 0) {
      field = MDTUN_WK_BIT(MDTUN_WK_REG0 + reg);
    } else if (hi >= 0) {
      if (lo > hi) {
        return what + "empty register range '" + std::string(item) + "'";
      }
      for (int r = lo; r <= hi; r++) {
        field |= MDTUN_WK_BIT(MDTUN_WK_REG0 + r);
      }
    } else if (item.empty()) {
      return what + "empty field " + std::string(help);
    } else {
      return what + "unknown field '" + std::string(item) + "' " +
             std::string(help);
    }
    if (field && !pipeline) {
      return what + "'" + std::string(item) +
             "' is an OpenFlow pipeline field: only an Open vSwitch port "
             "carries it " +
             std::string(help);
    }
    fields |= field;
  }
  *carry = bits;
  if (pipeline) {
    *pipeline = fields;
  }
  return "";
}

std::string ParseTrustedRemotes(std::string_view value,
                                std::vector<TrustPrefix>* trusted) {
  std::vector<TrustPrefix> out;
  // As for carry: "none" is the empty list, the value mdtun/show prints.
  if (value == "none") {
    trusted->clear();
    return "";
  }
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

std::string FormatCarry(uint32_t carry, uint32_t pipeline) {
  std::vector<std::string> items;
  if (carry & MDTUN_CARRY_MARK) {
    items.emplace_back("mark");
  }
  if (carry & MDTUN_CARRY_PRIORITY) {
    items.emplace_back("priority");
  }
  if (pipeline & MDTUN_WK_BIT(MDTUN_WK_OF_METADATA)) {
    items.emplace_back("metadata");
  }
  if (pipeline & MDTUN_WK_BIT(MDTUN_WK_IN_PORT)) {
    items.emplace_back("in_port");
  }
  // Registers in ascending runs: reg0-reg3,reg7.
  for (int r = 0; r < MDTUN_WK_NREGS; r++) {
    if (!(pipeline & MDTUN_WK_BIT(MDTUN_WK_REG0 + r))) {
      continue;
    }
    int last = r;
    while (last + 1 < MDTUN_WK_NREGS &&
           (pipeline & MDTUN_WK_BIT(MDTUN_WK_REG0 + last + 1))) {
      last++;
    }
    std::string item = "reg" + std::to_string(r);
    if (last > r) {
      item += "-reg" + std::to_string(last);
    }
    items.push_back(item);
    r = last;
  }
  std::string s;
  for (const std::string& item : items) {
    s += (s.empty() ? "" : ",") + item;
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
