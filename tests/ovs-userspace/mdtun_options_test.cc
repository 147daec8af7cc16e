// SPDX-License-Identifier: Apache-2.0
//
// Unit tests of the mdtun Interface option parsers of the vswitchd plugin
// (vswitchd-plugin/mdtun_options.{h,cc}, with the carry and trust parsers
// of utilities/libmdtun/carry_trust.{h,cc}) and of its C string helper
// (mdtun_cstring.h); no OVS needed.

#include "mdtun_options.h"  // vswitchd-plugin/

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "mdtun/if_mdtun.h"
#include "mdtun_cstring.h"  // vswitchd-plugin/

namespace mdtun {

// The plugin's aborts through VLOG_ABORT; this one says the same on stderr.
[[noreturn]] void OutOfMemory() noexcept {
  std::fputs("mdtun plugin: virtual memory exhausted\n", stderr);
  std::abort();
}

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

// The pipeline fields' bits are those of their well-known TLV types
// (docs/protocol.md section 6.1: metadata 0x03, in_port 0x04, regN 0x10+N),
// written out here rather than taken from the codec's names.
TEST(PortCarry, PipelineFieldsAndRanges) {
  uint32_t carry = 9, pipeline = 9;
  EXPECT_EQ("", ParseCarry("metadata,reg0-reg3,mark,in_port,reg15", &carry,
                           &pipeline));
  EXPECT_EQ(MDTUN_CARRY_MARK, carry);
  EXPECT_EQ((1u << 0x03) | (1u << 0x04) | (0xfu << 0x10) | (1u << 0x1f),
            pipeline);
  EXPECT_EQ("", ParseCarry("reg14,reg15", &carry, &pipeline));
  EXPECT_EQ(0u, carry);
  EXPECT_EQ((1u << 0x1e) | (1u << 0x1f), pipeline);
  EXPECT_EQ("", ParseCarry("reg7-reg7", &carry, &pipeline));
  EXPECT_EQ(1u << 0x17, pipeline);
  EXPECT_EQ("", ParseCarry("none", &carry, &pipeline));
  EXPECT_EQ(0u, carry);
  EXPECT_EQ(0u, pipeline);
}

TEST(PortCarry, RefusesBadRegisters) {
  uint32_t carry = 0, pipeline = 0;
  EXPECT_EQ(
      "invalid carry 'reg16': unknown field 'reg16' (expected a "
      "comma-separated list of mark, priority, metadata, in_port, reg0 to "
      "reg15 or a range of them such as reg0-reg3; or none)",
      ParseCarry("reg16", &carry, &pipeline));
  EXPECT_EQ("invalid carry 'reg3-reg1': empty register range 'reg3-reg1'",
            ParseCarry("reg3-reg1", &carry, &pipeline));
  EXPECT_NE("", ParseCarry("reg01", &carry, &pipeline));
  EXPECT_NE("", ParseCarry("reg", &carry, &pipeline));
  EXPECT_NE("", ParseCarry("reg1-", &carry, &pipeline));
  EXPECT_NE("", ParseCarry("reg1-reg2-reg3", &carry, &pipeline));
  EXPECT_NE("", ParseCarry("xreg1", &carry, &pipeline));
}

TEST(PortCarry, DeviceCarryRefusesPipelineFields) {
  uint32_t carry = 0;
  EXPECT_EQ(
      "invalid carry 'mark,reg1': 'reg1' is an OpenFlow pipeline field: "
      "only an Open vSwitch port carries it (expected a comma-separated list "
      "of mark, priority; or none)",
      ParseCarry("mark,reg1", &carry));
}

TEST(PortCarry, FormatsCanonically) {
  EXPECT_EQ("mark,metadata,in_port,reg0-reg3,reg7,reg14-reg15",
            FormatCarry(MDTUN_CARRY_MARK, (1u << 0x03) | (1u << 0x04) |
                                              (0xfu << 0x10) | (1u << 0x17) |
                                              (3u << 0x1e)));
  EXPECT_EQ("reg15", FormatCarry(0, 1u << 0x1f));
}

TEST(PortOptions, InPortReg) {
  PortOptions o;
  EXPECT_EQ("", ParsePortOptions(
                    {{"carry", "in_port,reg14"}, {"in_port_reg", "reg7"}}, &o));
  EXPECT_EQ(7, o.in_port_reg);
  EXPECT_EQ(
      "in_port_reg=reg7 without in_port in carry",
      ParsePortOptions({{"carry", "reg14"}, {"in_port_reg", "reg7"}}, &o));
  EXPECT_EQ(
      "in_port_reg=reg14 is also carried (carry=in_port,reg14): the "
      "sender's value would overwrite the in_port",
      ParsePortOptions({{"carry", "in_port,reg14"}, {"in_port_reg", "reg14"}},
                       &o));
  EXPECT_EQ(
      "invalid in_port_reg 'r7': expected a register, reg0 to reg15",
      ParsePortOptions({{"carry", "in_port"}, {"in_port_reg", "r7"}}, &o));
  PortOptions a, b;
  ASSERT_EQ("", ParsePortOptions({{"carry", "in_port"}}, &a));
  ASSERT_EQ("", ParsePortOptions(
                    {{"carry", "in_port"}, {"in_port_reg", "reg2"}}, &b));
  EXPECT_NE(a, b) << "in_port_reg is part of the compared options";
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

TEST(TrustedRemotes, NoneIsTheEmptyList) {
  std::vector<TrustPrefix> t;
  ASSERT_EQ("", ParseTrustedRemotes("192.0.2.0/24", &t));
  EXPECT_EQ("", ParseTrustedRemotes("none", &t));
  EXPECT_TRUE(t.empty());
  // Only on its own: in a list it is no address.
  EXPECT_NE("", ParseTrustedRemotes("none,192.0.2.1", &t));
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

// ---- OVS's generic tunnel options, as an mdtun port takes them ----------

TEST(GenericOptions, KeysAreFlowOr24BitVnis) {
  for (const char* key : {"key", "in_key", "out_key"}) {
    SCOPED_TRACE(key);
    for (const char* ok : {"flow", "0", "1", "16777215", "0xffffff", "0x12"}) {
      EXPECT_EQ("", CheckGenericOption(key, ok)) << ok;
    }
    EXPECT_EQ(std::string("invalid ") + key +
                  " '16777216': expected flow or a VNI of at most 24 bits "
                  "(0 to 16777215, 0xffffff)",
              CheckGenericOption(key, "16777216"));
    for (const char* bad : {"0x1000000", "4294967295", "18446744073709551616",
                            "-1", "+1", " 1", "1 ", "abc", "", "0x", "FLOW"}) {
      EXPECT_NE("", CheckGenericOption(key, bad)) << "'" << bad << "'";
    }
  }
}

TEST(GenericOptions, TosIsInheritOrDscp) {
  for (const char* ok : {"inherit", "0", "0x28", "40", "0xfc", "252"}) {
    EXPECT_EQ("", CheckGenericOption("tos", ok)) << ok;
  }
  EXPECT_EQ(
      "invalid tos '0x101': expected inherit or a DSCP value in the upper six "
      "bits (0 to 0xfc, a multiple of 4)",
      CheckGenericOption("tos", "0x101"));
  // The two ECN bits, more than 8 bits, garbage.
  for (const char* bad : {"1", "0x29", "0xfd", "256", "-4", "", "x", "0x28 "}) {
    EXPECT_NE("", CheckGenericOption("tos", bad)) << "'" << bad << "'";
  }
}

TEST(GenericOptions, TtlIsInheritOr1To255) {
  for (const char* ok : {"inherit", "1", "64", "255"}) {
    EXPECT_EQ("", CheckGenericOption("ttl", ok)) << ok;
  }
  EXPECT_EQ("invalid ttl '300': expected inherit or 1 to 255",
            CheckGenericOption("ttl", "300"));
  // atoi() would make 0 and "x" the default, 256 zero, "0x10" zero.
  for (const char* bad : {"0", "256", "-1", "0x10", "x", ""}) {
    EXPECT_NE("", CheckGenericOption("ttl", bad)) << "'" << bad << "'";
  }
}

TEST(GenericOptions, CsumAndDfDefaultAreBooleans) {
  for (const char* key : {"csum", "df_default"}) {
    EXPECT_EQ("", CheckGenericOption(key, "true"));
    EXPECT_EQ("", CheckGenericOption(key, "false"));
    EXPECT_EQ(std::string("invalid ") + key + " 'yes': expected true or false",
              CheckGenericOption(key, "yes"));
    for (const char* bad : {"1", "0", "TRUE", "", "true "}) {
      EXPECT_NE("", CheckGenericOption(key, bad)) << "'" << bad << "'";
    }
  }
}

TEST(GenericOptions, EgressPktMarkIsDecimal) {
  for (const char* ok : {"0", "119", "4294967295"}) {
    EXPECT_EQ("", CheckGenericOption("egress_pkt_mark", ok)) << ok;
  }
  // OVS reads it with strtoul(..., 10): "0x77" would be 0.
  EXPECT_EQ(
      "invalid egress_pkt_mark '0x77': expected a decimal number, 0 to "
      "4294967295",
      CheckGenericOption("egress_pkt_mark", "0x77"));
  for (const char* bad : {"4294967296", "-1", "", "x"}) {
    EXPECT_NE("", CheckGenericOption("egress_pkt_mark", bad)) << bad;
  }
}

TEST(GenericOptions, LocalIpIsFlowOrAnAddress) {
  for (const char* ok : {"flow", "198.51.100.1", "2001:db8::1"}) {
    EXPECT_EQ("", CheckGenericOption("local_ip", ok)) << ok;
  }
  EXPECT_EQ(
      "invalid local_ip '198.51.100.300': expected flow or an IPv4 or IPv6 "
      "address",
      CheckGenericOption("local_ip", "198.51.100.300"));
  for (const char* bad : {"", "example.com", "198.51.100.1/24"}) {
    EXPECT_NE("", CheckGenericOption("local_ip", bad)) << bad;
  }
}

TEST(GenericOptions, OtherKeysAreNotChecked) {
  EXPECT_EQ("", CheckGenericOption("remote_ip", "nonsense"));
  EXPECT_EQ("", CheckGenericOption("frobnicate", "1"));
  PortOptions o;
  EXPECT_EQ(
      "invalid out_key '0x1000000': expected flow or a VNI of at most "
      "24 bits (0 to 16777215, 0xffffff)",
      ParsePortOptions(
          {{"carry", "mark"}, {"key", "flow"}, {"out_key", "0x1000000"}}, &o));
}

// ---- C strings for OVS -----------------------------------------------------

TEST(MallocString, CopiesWithTheTerminator) {
  char* p = MallocString(std::string_view("abc\0def", 3));
  ASSERT_NE(nullptr, p);
  EXPECT_STREQ("abc", p);
  std::free(p);
  p = MallocString("");
  ASSERT_NE(nullptr, p);
  EXPECT_STREQ("", p);
  std::free(p);
}

TEST(MallocStringDeathTest, AbortsInsteadOfReturningNull) {
  AllocFunc failing = [](size_t) -> void* { return nullptr; };
  EXPECT_DEATH(MallocString("an error", failing),
               "mdtun plugin: virtual memory exhausted");
}

}  // namespace
}  // namespace mdtun
