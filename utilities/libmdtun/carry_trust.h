// SPDX-License-Identifier: Apache-2.0
//
// The carry set and the trusted prefixes of an mdtun device or OVS port, as
// text: one parser and one canonical form for every front end (mdtun-ctl's
// "carry"/"trust", the OVS Interface options "carry"/"trusted_remotes"), so
// that they accept and print the same values.
//
//   carry     mark, priority (comma-separated, MDTUN_CARRY_*) or none; an
//             OVS port also: metadata, in_port, reg0 .. reg15 and ranges
//             such as reg0-reg3 (its OpenFlow pipeline's fields, as
//             MDTUN_WK_BIT() bits of their well-known TLV types)
//   trusted   IPv4/IPv6 "addr" or "addr/len", comma-separated, at most
//             MDTUN_TRUST_MAX; stored masked, as the kernel driver stores
//             them, so that equal configurations compare equal

#ifndef MDTUN_LIBMDTUN_CARRY_TRUST_H
#define MDTUN_LIBMDTUN_CARRY_TRUST_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mdtun {

// One trusted prefix, host bits cleared.
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

// Each parser returns an empty string on success, otherwise the message
// (the caller adds its context, e.g. the port name).  The text names the
// OVS option ("trusted_remotes"); mdtun-ctl shows it as it is.
std::string ParseCarry(std::string_view value, uint32_t* carry);
// The same, with the OpenFlow pipeline's fields into @pipeline.
std::string ParseCarry(std::string_view value, uint32_t* carry,
                       uint32_t* pipeline);
// "reg<n>" for 0 <= n < MDTUN_WK_NREGS: the register number, else -1.
int ParseRegister(std::string_view name);
std::string ParseTrustedRemotes(std::string_view value,
                                std::vector<TrustPrefix>* trusted);

// Canonical text forms ("" for the empty set or list).
std::string FormatCarry(uint32_t carry, uint32_t pipeline = 0);
std::string FormatTrustedRemotes(const std::vector<TrustPrefix>& trusted);

}  // namespace mdtun

#endif  // MDTUN_LIBMDTUN_CARRY_TRUST_H
