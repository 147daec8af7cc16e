// SPDX-License-Identifier: Apache-2.0
//
// mdtun-ctl's command-line rules and output formats (no netlink here; the
// kernel side is tested in the VM by tests/kernel/).

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "args.h"
#include "format.h"
#include "mdtun/codec.h"
#include "mdtun/if_mdtun.h"

namespace mdtun::ctl {
namespace {

Command Parse(const std::string& line) {
  std::vector<std::string> args;
  size_t pos = 0;
  while (pos < line.size()) {
    size_t space = line.find(' ', pos);
    if (space == std::string::npos) space = line.size();
    if (space > pos) args.push_back(line.substr(pos, space - pos));
    pos = space + 1;
  }
  return ParseCommand(args);
}

// The UsageError message for @line, or "" if it parsed.
std::string ErrorOf(const std::string& line) {
  try {
    Parse(line);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

// The same for an argument vector (values with spaces or empty ones).
std::string ErrorOfArgs(const std::vector<std::string>& args) {
  try {
    ParseCommand(args);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(CtlArgs, AddFixedIpv4) {
  Command c =
      Parse("add m0 id 42 remote 198.51.100.2 local 198.51.100.1 port 7082");
  EXPECT_EQ(Verb::kAdd, c.verb);
  EXPECT_EQ("m0", c.name);
  EXPECT_EQ(42u, *c.config.id);
  EXPECT_EQ("198.51.100.2", c.config.remote->ToString());
  EXPECT_FALSE(c.config.remote->v6);
  EXPECT_EQ("198.51.100.1", c.config.local->ToString());
  EXPECT_EQ(7082, *c.config.port);
  EXPECT_FALSE(c.config.external);
  EXPECT_FALSE(c.config.carry.has_value());
}

TEST(CtlArgs, AddFixedIpv6AndAllKnobs) {
  Command c = Parse(
      "add t6 id 0xffffff remote 2001:db8::2 ttl inherit tos 0x10 df inherit "
      "csum off zero-csum6-tx on zero-csum6-rx on carry mark,priority "
      "trust 2001:db8::/32,198.51.100.0/24");
  EXPECT_EQ(0xffffffu, *c.config.id);
  EXPECT_TRUE(c.config.remote->v6);
  EXPECT_TRUE(c.config.ttl->inherit);
  EXPECT_FALSE(c.config.tos->inherit);
  EXPECT_EQ(0x10, c.config.tos->value);
  EXPECT_EQ(MDTUN_DF_INHERIT, *c.config.df);
  EXPECT_FALSE(*c.config.csum);
  EXPECT_TRUE(*c.config.zero_csum6_tx);
  EXPECT_TRUE(*c.config.zero_csum6_rx);
  EXPECT_EQ(MDTUN_CARRY_MARK | MDTUN_CARRY_PRIORITY, *c.config.carry);
  ASSERT_EQ(2u, c.config.trust->size());
  EXPECT_EQ("2001:db8::/32", (*c.config.trust)[0].ToString());
}

TEST(CtlArgs, AddExternal) {
  Command c = Parse("add ext external carry mark");
  EXPECT_TRUE(c.config.external);
  EXPECT_FALSE(c.config.remote.has_value());
  EXPECT_EQ(MDTUN_CARRY_MARK, *c.config.carry);
}

TEST(CtlArgs, TrustPrefixIsMasked) {
  Command c = Parse("add ext external trust 198.51.100.77/24");
  EXPECT_EQ("198.51.100.0/24", (*c.config.trust)[0].ToString());
}

TEST(CtlArgs, IdOutOfRange) {
  EXPECT_EQ("id: 16777216 is out of range (0-16777215)",
            ErrorOf("add m0 id 16777216 remote 198.51.100.2"));
}

TEST(CtlArgs, NotANumber) {
  EXPECT_EQ("id: 'forty' is not a number",
            ErrorOf("add m0 id forty remote 198.51.100.2"));
  EXPECT_EQ("ttl: '-1' is not a number",
            ErrorOf("add m0 id 1 remote 198.51.100.2 ttl -1"));
  EXPECT_EQ("tos: 256 is out of range (0-255)",
            ErrorOf("add m0 id 1 remote 198.51.100.2 tos 256"));
}

TEST(CtlArgs, PortZeroAndTooBig) {
  EXPECT_EQ("port: 0 is not a valid UDP port",
            ErrorOf("add m0 external port 0"));
  EXPECT_EQ("port: 65536 is out of range (0-65535)",
            ErrorOf("add m0 external port 65536"));
}

TEST(CtlArgs, RemoteAndExternalTogether) {
  EXPECT_EQ("remote: not allowed with external",
            ErrorOf("add m0 external remote 198.51.100.2"));
}

TEST(CtlArgs, FixedModeNeedsRemoteAndId) {
  EXPECT_EQ("remote: required unless external is given",
            ErrorOf("add m0 id 5"));
  EXPECT_EQ("id: required with remote", ErrorOf("add m0 remote 198.51.100.2"));
}

TEST(CtlArgs, FamilyMismatch) {
  EXPECT_EQ(
      "local: 2001:db8::1 is not of the same family as remote 198.51.100.2",
      ErrorOf("add m0 id 1 remote 198.51.100.2 local 2001:db8::1"));
}

TEST(CtlArgs, BadAddress) {
  EXPECT_EQ("remote: '198.51.100.300' is not an IPv4 or IPv6 address",
            ErrorOf("add m0 id 1 remote 198.51.100.300"));
}

TEST(CtlArgs, UnknownDuplicateAndMissing) {
  EXPECT_EQ("colour: unknown keyword", ErrorOf("add m0 external colour blue"));
  EXPECT_EQ("carry: given twice",
            ErrorOf("add m0 external carry mark carry priority"));
  EXPECT_EQ("ttl: missing value", ErrorOf("add m0 external ttl"));
}

TEST(CtlArgs, BadCarryAndTrust) {
  EXPECT_NE(std::string::npos,
            ErrorOf("add m0 external carry colour").find("carry: "));
  EXPECT_NE(
      std::string::npos,
      ErrorOf("add m0 external carry colour").find("unknown field 'colour'"));
  EXPECT_NE(std::string::npos, ErrorOf("add m0 external trust 198.51.100.0/33")
                                   .find("prefix length must be 0 to 32"));
  std::string many = "add m0 external trust ";
  for (int i = 1; i <= 17; i++)
    many += (i > 1 ? "," : "") + ("198.51.100." + std::to_string(i));
  EXPECT_NE(std::string::npos, ErrorOf(many).find("at most 16"));
}

TEST(CtlArgs, BadOnOffAndDf) {
  EXPECT_EQ("csum: 'yes' is not on or off",
            ErrorOf("add m0 external csum yes"));
  EXPECT_EQ("df: 'maybe' is not set, unset or inherit",
            ErrorOf("add m0 external df maybe"));
}

TEST(CtlArgs, Names) {
  EXPECT_EQ("NAME: 'abcdefghijklmnop' must be 1 to 15 characters",
            ErrorOf("add abcdefghijklmnop external"));
  EXPECT_EQ("NAME: 'a/b' may not contain '/', ':' or spaces",
            ErrorOf("del a/b"));
  EXPECT_EQ("add: missing NAME", ErrorOf("add"));
}

TEST(CtlArgs, SetTakesOnlyChangeableKeys) {
  Command c = Parse("set m0 carry none trust none ttl 9");
  EXPECT_EQ(Verb::kSet, c.verb);
  EXPECT_EQ(0u, *c.config.carry);
  EXPECT_TRUE(c.config.trust->empty());
  EXPECT_EQ(9, c.config.ttl->value);
  EXPECT_EQ("port: cannot be changed by set; delete and add the link again",
            ErrorOf("set m0 port 9"));
  EXPECT_EQ("set: nothing to change", ErrorOf("set m0"));
}

TEST(CtlArgs, ShowStatsDel) {
  Command all = Parse("show --json");
  EXPECT_EQ(Verb::kShow, all.verb);
  EXPECT_TRUE(all.json);
  EXPECT_TRUE(all.name.empty());
  Command one = Parse("show m0");
  EXPECT_EQ("m0", one.name);
  EXPECT_FALSE(one.json);
  EXPECT_EQ(Verb::kStats, Parse("stats m0 --json").verb);
  EXPECT_EQ("stats: missing NAME", ErrorOf("stats"));
  EXPECT_EQ("extra: unexpected argument", ErrorOf("del m0 extra"));
  EXPECT_EQ("b: unexpected argument", ErrorOf("show a b"));
}

TEST(CtlArgs, UnknownCommand) {
  EXPECT_EQ("frob: unknown command (try --help)", ErrorOf("frob"));
  EXPECT_EQ("missing command (try --help)", ErrorOf(""));
  EXPECT_EQ(Verb::kHelp, Parse("--help").verb);
  EXPECT_EQ(Verb::kVersion, Parse("--version").verb);
}

TEST(CtlFormat, CounterNamesFollowTheCodec) {
  EXPECT_EQ("rx_hdr_truncated", CounterName(MDTUN_STAT_RX_HDR_TRUNCATED));
  EXPECT_EQ("rx_bad_version", CounterName(MDTUN_STAT_RX_BAD_VERSION));
  EXPECT_EQ("rx_wk_duplicate", CounterName(MDTUN_STAT_RX_WK_DUPLICATE));
  EXPECT_EQ("rx_unknown_vni", CounterName(MDTUN_STAT_RX_UNKNOWN_VNI));
  EXPECT_EQ("tx_carry_added", CounterName(MDTUN_STAT_TX_CARRY_ADDED));
  EXPECT_EQ("rx_crit_not_applied", CounterName(MDTUN_STAT_RX_CRIT_NOT_APPLIED));
  EXPECT_EQ("tx_nomem", CounterName(MDTUN_STAT_TX_NOMEM));
  EXPECT_EQ("stat_999", CounterName(999));
  EXPECT_EQ("stat_-1", CounterName(-1));
  // Every counter this build knows has a real name.
  for (int s = MDTUN_STAT_RX_HDR_TRUNCATED; s <= MDTUN_STAT_MAX; s++)
    EXPECT_EQ(std::string::npos, CounterName(s).find("stat_")) << s;
}

TEST(CtlFormat, JsonEscaping) {
  EXPECT_EQ("\"a\\\"b\\\\c\\n\\u0001\"", JsonString("a\"b\\c\n\x01"));
}

LinkInfo SampleLink() {
  LinkInfo l;
  l.name = "m0";
  l.ifindex = 7;
  l.mtu = 1434;
  l.operstate = "UNKNOWN";
  l.flags = 0x1 | 0x2 | 0x1000 | 0x10000;  // UP BROADCAST MULTICAST LOWER_UP
  l.config =
      Parse("add m0 id 42 remote 198.51.100.2 carry mark trust 198.51.100.0/24")
          .config;
  l.config.port = 7081;
  l.stats.rx_packets = 3;
  l.counters[MDTUN_STAT_RX_BAD_VERSION] = 2;
  return l;
}

TEST(CtlFormat, ShowJsonShapedLikeIp) {
  std::string json = FormatShowJson({SampleLink()});
  EXPECT_EQ(
      "[{\"ifindex\":7,\"ifname\":\"m0\","
      "\"flags\":[\"BROADCAST\",\"MULTICAST\",\"UP\",\"LOWER_UP\"],"
      "\"mtu\":1434,\"operstate\":\"UNKNOWN\","
      "\"linkinfo\":{\"info_kind\":\"mdtun\",\"info_data\":{"
      "\"external\":false,\"id\":42,\"remote\":\"198.51.100.2\",\"port\":7081,"
      "\"carry\":[\"mark\"],"
      "\"trust\":[\"198.51.100.0/24\"]}}}]\n",
      json);
  EXPECT_EQ("[]\n", FormatShowJson({}));
}

TEST(CtlFormat, ShowText) {
  EXPECT_EQ(
      "7: m0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1434 state UNKNOWN\n"
      "    mdtun mode fixed id 42 remote 198.51.100.2 port 7081 carry mark "
      "trust 198.51.100.0/24\n",
      FormatShowText(SampleLink()));
}

TEST(CtlFormat, Stats) {
  std::string json = FormatStatsJson(SampleLink());
  EXPECT_NE(std::string::npos, json.find("\"rx_packets\":3"));
  EXPECT_NE(std::string::npos, json.find("\"rx_bad_version\":2"));
  EXPECT_EQ(0u, json.find("{\"ifname\":\"m0\""));
  std::string text = FormatStatsText(SampleLink());
  EXPECT_NE(std::string::npos, text.find("    rx_bad_version: 2\n"));
}

TEST(CtlArgs, ExternalRefusesFixedModeKeys) {
  EXPECT_EQ("ttl: not allowed with external (set per packet by the metadata)",
            ErrorOf("add e0 external ttl 5"));
  EXPECT_EQ("tos: not allowed with external (set per packet by the metadata)",
            ErrorOf("add e0 external tos inherit"));
  EXPECT_EQ("df: not allowed with external (set per packet by the metadata)",
            ErrorOf("add e0 external df set"));
  EXPECT_EQ("csum: not allowed with external (set per packet by the metadata)",
            ErrorOf("add e0 external csum on"));
  EXPECT_EQ("local: not allowed with external",
            ErrorOf("add e0 external local 198.51.100.1"));
  EXPECT_EQ("id: not allowed with external (the VNI comes from each packet)",
            ErrorOf("add e0 id 5 external"));
  // Port, checksum-6 and carry settings belong to both modes.
  Command c = Parse("add e0 external port 7082 zero-csum6-rx on carry none");
  EXPECT_EQ(7082, *c.config.port);
  EXPECT_TRUE(*c.config.zero_csum6_rx);
  EXPECT_EQ(0u, *c.config.carry);
}

TEST(CtlArgs, NumbersHexAndEdges) {
  EXPECT_EQ(0u, *Parse("add m0 id 0 remote 198.51.100.2").config.id);
  EXPECT_EQ(0xabcdefu,
            *Parse("add m0 id 0xABCDEF remote 198.51.100.2").config.id);
  EXPECT_EQ("id: '0x' is not a number",
            ErrorOf("add m0 id 0x remote 198.51.100.2"));
  EXPECT_EQ("id: 0x1000000 is out of range (0-16777215)",
            ErrorOf("add m0 id 0x1000000 remote 198.51.100.2"));
  EXPECT_EQ("id: 99999999999999999999999 is out of range (0-16777215)",
            ErrorOf("add m0 id 99999999999999999999999 remote 198.51.100.2"));
  EXPECT_EQ("ttl: ' 5' is not a number",
            ErrorOfArgs({"add", "m0", "id", "1", "remote", "198.51.100.2",
                         "ttl", " 5"}));
  EXPECT_EQ(255,
            Parse("add m0 id 1 remote 198.51.100.2 ttl 255").config.ttl->value);
}

TEST(CtlArgs, EmptyValueIsNotANumber) {
  EXPECT_EQ("port: '' is not a number",
            ErrorOfArgs({"add", "e0", "external", "port", ""}));
}

TEST(CtlArgs, SetRefusesIdentityAndMode) {
  EXPECT_EQ("external: cannot be changed by set; delete and add the link again",
            ErrorOf("set m0 external"));
  EXPECT_EQ("remote: cannot be changed by set; delete and add the link again",
            ErrorOf("set m0 remote 198.51.100.9"));
  EXPECT_EQ("trust: given twice", ErrorOf("set m0 trust none trust none"));
  Command c = Parse("set m0 tos inherit df unset csum on");
  EXPECT_TRUE(c.config.tos->inherit);
  EXPECT_EQ(MDTUN_DF_UNSET, *c.config.df);
  EXPECT_TRUE(*c.config.csum);
  EXPECT_FALSE(c.config.id.has_value());
}

TEST(CtlArgs, JsonFlagAnywhere) {
  Command s = Parse("stats --json m0");
  EXPECT_EQ(Verb::kStats, s.verb);
  EXPECT_EQ("m0", s.name);
  EXPECT_TRUE(s.json);
  Command j = Parse("show -j");
  EXPECT_TRUE(j.json);
  EXPECT_EQ("--jsn: unknown option", ErrorOf("show --jsn"));
  EXPECT_EQ("stats: missing NAME", ErrorOf("stats --json"));
}

TEST(CtlArgs, Ipv6FamilyMismatchAndLocalSameFamily) {
  EXPECT_EQ(
      "local: 198.51.100.1 is not of the same family as remote 2001:db8::2",
      ErrorOf("add m0 id 1 remote 2001:db8::2 local 198.51.100.1"));
  Command c = Parse("add m0 id 1 remote 2001:db8::2 local 2001:db8::1");
  EXPECT_TRUE(c.config.local->v6);
  EXPECT_EQ("2001:db8::1", c.config.local->ToString());
}

TEST(CtlArgs, NameEdges) {
  EXPECT_EQ("m23456789012345", Parse("del m23456789012345").name);  // 15 chars
  EXPECT_EQ("NAME: 'a b' may not contain '/', ':' or spaces",
            ErrorOfArgs({"del", "a b"}));
  EXPECT_EQ("NAME: '..' is not a valid interface name", ErrorOf("del .."));
  EXPECT_EQ("NAME: 'a:b' may not contain '/', ':' or spaces",
            ErrorOf("show a:b"));
}

TEST(CtlFormat, CodecCountersUseCodecNames) {
  for (int s = MDTUN_STATUS_FIRST_RX_DROP; s <= MDTUN_STATUS_LAST_RX_DROP;
       s++) {
    auto status = static_cast<mdtun_status>(s);
    EXPECT_EQ(std::string("rx_") + mdtun_status_name(status),
              CounterName(static_cast<int>(mdtun_status_stat(status))));
  }
}

TEST(CtlFormat, CounterNamesAreDistinct) {
  std::set<std::string> names;
  for (int s = MDTUN_STAT_RX_HDR_TRUNCATED; s <= MDTUN_STAT_MAX; s++)
    EXPECT_TRUE(names.insert(CounterName(s)).second) << CounterName(s);
  for (const char* std_name : {"rx_packets", "rx_bytes", "rx_dropped",
                               "tx_packets", "tx_bytes", "tx_dropped"})
    EXPECT_EQ(0u, names.count(std_name)) << std_name;
}

TEST(CtlFormat, LinkFlagNamesInIpOrder) {
  EXPECT_EQ(
      (std::vector<std::string>{"BROADCAST", "MULTICAST", "NOARP", "UP",
                                "LOWER_UP"}),
      LinkFlagNames(0x1 | 0x2 | 0x40 /* RUNNING */ | 0x80 | 0x1000 | 0x10000));
  EXPECT_TRUE(LinkFlagNames(0).empty());
}

TEST(CtlFormat, ExternalLink) {
  LinkInfo l;
  l.name = "e\"0";  // JSON escaping of a name
  l.ifindex = 3;
  l.mtu = 1430;
  l.operstate = "DOWN";
  l.flags = 0x2 | 0x1000;
  l.config = Parse("add e0 external carry none trust none").config;
  l.config.port = 7081;
  EXPECT_EQ(
      "[{\"ifindex\":3,\"ifname\":\"e\\\"0\",\"flags\":[\"BROADCAST\","
      "\"MULTICAST\"],"
      "\"mtu\":1430,\"operstate\":\"DOWN\",\"linkinfo\":{\"info_kind\":"
      "\"mdtun\","
      "\"info_data\":{\"external\":true,\"port\":7081,\"carry\":[],\"trust\":[]"
      "}}}]\n",
      FormatShowJson({l}));
  EXPECT_EQ(
      "3: e\"0: <BROADCAST,MULTICAST> mtu 1430 state DOWN\n"
      "    mdtun mode external port 7081 carry none trust none\n",
      FormatShowText(l));
}

TEST(CtlFormat, ShowJsonHopSettingsAndTwoLinks) {
  LinkInfo a = SampleLink();
  a.config.ttl = HopSetting{true, 0};
  a.config.tos = HopSetting{false, 16};
  a.config.df = MDTUN_DF_INHERIT;
  a.config.csum = false;
  std::string json = FormatShowJson({a, SampleLink()});
  EXPECT_NE(
      std::string::npos,
      json.find("\"ttl\":0,\"ttl_inherit\":true,\"tos\":16,"
                "\"tos_inherit\":false,\"df\":\"inherit\",\"csum\":false"));
  EXPECT_NE(std::string::npos, json.find("}}},{\"ifindex\":7"));
  EXPECT_EQ('[', json.front());
  EXPECT_EQ("]\n", json.substr(json.size() - 2));
  EXPECT_NE(std::string::npos,
            FormatShowText(a).find(" ttl inherit tos 16 df inherit csum off"));
}

TEST(CtlFormat, StatsListStandardCountersFirst) {
  LinkInfo l = SampleLink();
  l.counters[999] = 5;  // from a newer module
  std::string text = FormatStatsText(l);
  EXPECT_EQ(0u, text.find("m0:\n    rx_packets: 3\n    rx_bytes: 0\n"));
  EXPECT_LT(text.find("tx_dropped"), text.find("rx_bad_version"));
  EXPECT_NE(std::string::npos, text.find("    stat_999: 5\n"));
}

}  // namespace
}  // namespace mdtun::ctl
