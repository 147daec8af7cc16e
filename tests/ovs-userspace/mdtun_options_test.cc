// SPDX-License-Identifier: Apache-2.0
//
// Unit tests of the mdtun Interface option parsers of the vswitchd plugin
// (vswitchd-plugin/mdtun_options.{h,cc}); no OVS needed.

#include "mdtun_options.h"  // vswitchd-plugin/

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "mdtun/if_mdtun.h"

namespace mdtun {
namespace {

TEST(Carry, AcceptsFieldsInAnyOrder) {
  uint32_t carry = 99;
  EXPECT_EQ("", ParseCarry("mark", &carry));
  EXPECT_EQ(MDTUN_CARRY_MARK, carry);
  EXPECT_EQ("", ParseCarry("priority,mark", &carry));
  EXPECT_EQ(MDTUN_CARRY_ALL, carry);
  EXPECT_EQ("", ParseCarry(" mark , priority ", &carry));
  EXPECT_EQ(MDTUN_CARRY_ALL, carry);
  EXPECT_EQ("", ParseCarry("mark,mark", &carry));
  EXPECT_EQ(MDTUN_CARRY_MARK, carry);
  EXPECT_EQ("", ParseCarry("none", &carry));
  EXPECT_EQ(0u, carry);
}

TEST(Carry, RefusesUnknownAndEmptyFields) {
  uint32_t carry = 7;
  EXPECT_EQ(
      "invalid carry 'bogus': unknown field 'bogus' (expected a "
      "comma-separated list of mark, priority; or none)",
      ParseCarry("bogus", &carry));
  EXPECT_EQ(7u, carry) << "left unchanged on error";
  EXPECT_NE("", ParseCarry("", &carry));
  EXPECT_NE("", ParseCarry("mark,", &carry));
  EXPECT_NE("", ParseCarry("mark,,priority", &carry));
  EXPECT_NE("", ParseCarry("mark,none", &carry));
  EXPECT_NE("", ParseCarry("MARK", &carry));
}

TEST(Carry, Formats) {
  EXPECT_EQ("", FormatCarry(0));
  EXPECT_EQ("mark", FormatCarry(MDTUN_CARRY_MARK));
  EXPECT_EQ("priority", FormatCarry(MDTUN_CARRY_PRIORITY));
  EXPECT_EQ("mark,priority", FormatCarry(MDTUN_CARRY_ALL));
}

TEST(TrustedRemotes, ParsesAndMasks) {
  std::vector<TrustPrefix> t;
  EXPECT_EQ("",
            ParseTrustedRemotes(
                "192.0.2.77/24,2001:db8::1/32, 198.51.100.7,2001:db8::5", &t));
  ASSERT_EQ(4u, t.size());
  EXPECT_EQ("192.0.2.0/24,2001:db8::/32,198.51.100.7/32,2001:db8::5/128",
            FormatTrustedRemotes(t));
  EXPECT_FALSE(t[0].ipv6);
  EXPECT_TRUE(t[1].ipv6);
  EXPECT_EQ(4u, t[0].AddrSize());
  EXPECT_EQ(16u, t[1].AddrSize());
}

TEST(TrustedRemotes, OddLengthsAndZero) {
  std::vector<TrustPrefix> t;
  EXPECT_EQ("", ParseTrustedRemotes("203.0.113.255/25,0.0.0.0/0,::/0", &t));
  EXPECT_EQ("203.0.113.128/25,0.0.0.0/0,::/0", FormatTrustedRemotes(t));
  EXPECT_EQ("", ParseTrustedRemotes("2001:db8:ffff::/33", &t));
  EXPECT_EQ("2001:db8:8000::/33", FormatTrustedRemotes(t));
}

TEST(TrustedRemotes, DuplicatesCollapse) {
  std::vector<TrustPrefix> t;
  EXPECT_EQ("", ParseTrustedRemotes("192.0.2.1/24,192.0.2.9/24", &t));
  EXPECT_EQ(1u, t.size());
}

TEST(TrustedRemotes, RefusesBadPrefixes) {
  std::vector<TrustPrefix> t;
  EXPECT_EQ(
      "invalid trusted_remotes prefix '300.1.1.1/8': not an IPv4 or IPv6 "
      "address",
      ParseTrustedRemotes("300.1.1.1/8", &t));
  EXPECT_EQ(
      "invalid trusted_remotes prefix '192.0.2.0/33': prefix length must be "
      "0 to 32",
      ParseTrustedRemotes("192.0.2.0/33", &t));
  EXPECT_NE("", ParseTrustedRemotes("2001:db8::/129", &t));
  EXPECT_NE("", ParseTrustedRemotes("192.0.2.0/", &t));
  EXPECT_NE("", ParseTrustedRemotes("192.0.2.0/-1", &t));
  EXPECT_NE("", ParseTrustedRemotes("192.0.2.0/+8", &t));
  EXPECT_NE("", ParseTrustedRemotes("192.0.2.0/0024", &t));
  EXPECT_NE("", ParseTrustedRemotes("192.0.2", &t));
  EXPECT_NE("", ParseTrustedRemotes("example.com", &t));
  EXPECT_NE("", ParseTrustedRemotes("", &t));
  EXPECT_NE("", ParseTrustedRemotes("192.0.2.0/24,", &t));
}

TEST(TrustedRemotes, AtMostTrustMax) {
  std::string list;
  for (int i = 0; i < MDTUN_TRUST_MAX; i++) {
    list += (i ? "," : "") + std::string("192.0.2.") + std::to_string(i);
  }
  std::vector<TrustPrefix> t;
  EXPECT_EQ("", ParseTrustedRemotes(list, &t));
  EXPECT_EQ(static_cast<size_t>(MDTUN_TRUST_MAX), t.size());
  EXPECT_EQ("too many trusted_remotes prefixes (at most 16)",
            ParseTrustedRemotes(list + ",198.51.100.1", &t));
}

TEST(PortOptions, IgnoresGenericKeysAndComparesParsedValues) {
  PortOptions a, b;
  EXPECT_EQ("", ParsePortOptions({{"carry", "mark,priority"},
                                  {"key", "flow"},
                                  {"remote_ip", "flow"},
                                  {"trusted_remotes", "192.0.2.1/24"}},
                                 &a));
  EXPECT_EQ(MDTUN_CARRY_ALL, a.carry);
  EXPECT_EQ(1u, a.trusted.size());
  EXPECT_EQ("", ParsePortOptions({{"carry", "priority,mark"},
                                  {"trusted_remotes", "192.0.2.0/24"}},
                                 &b));
  EXPECT_EQ(a, b) << "equal after canonicalization";
  EXPECT_EQ("", ParsePortOptions({}, &b));
  EXPECT_NE(a, b);
}

TEST(PortOptions, FirstErrorWinsAndOutputIsUntouched) {
  PortOptions o;
  o.carry = MDTUN_CARRY_MARK;
  EXPECT_NE("", ParsePortOptions(
                    {{"carry", "priority"}, {"trusted_remotes", "nope"}}, &o));
  EXPECT_EQ(MDTUN_CARRY_MARK, o.carry);
}

}  // namespace
}  // namespace mdtun
