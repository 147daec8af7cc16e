// SPDX-License-Identifier: Apache-2.0
#include "format.h"

#include <cstdio>
#include <sstream>
#include <utility>

#include "mdtun/codec.h"
#include "mdtun/if_mdtun.h"

namespace mdtun::ctl {

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::vector<std::string> LinkFlagNames(unsigned int flags) {
  // Values from the kernel's uapi <linux/if.h>; glibc's <net/if.h> lacks
  // the last three and the two headers cannot be included together.
  static const struct {
    unsigned int bit;
    const char* name;
  } kFlags[] = {
      {0x8, "LOOPBACK"},     {0x2, "BROADCAST"},    {0x10, "POINTOPOINT"},
      {0x1000, "MULTICAST"}, {0x80, "NOARP"},       {0x200, "ALLMULTI"},
      {0x100, "PROMISC"},    {0x20, "NOTRAILERS"},  {0x4, "DEBUG"},
      {0x8000, "DYNAMIC"},   {0x4000, "AUTOMEDIA"}, {0x2000, "PORTSEL"},
      {0x400, "MASTER"},     {0x800, "SLAVE"},      {0x1, "UP"},
      {0x10000, "LOWER_UP"}, {0x20000, "DORMANT"},  {0x40000, "ECHO"},
  };
  std::vector<std::string> out;
  for (const auto& f : kFlags)
    if (flags & f.bit) out.push_back(f.name);
  return out;
}

namespace {

std::string Hop(const HopSetting& h) {
  return h.inherit ? "inherit" : std::to_string(h.value);
}

// Writes a JSON object from (key, already-encoded value) pairs.
class JsonObject {
 public:
  JsonObject& Raw(const std::string& key, const std::string& value) {
    fields_.emplace_back(key, value);
    return *this;
  }
  JsonObject& Str(const std::string& key, const std::string& value) {
    return Raw(key, JsonString(value));
  }
  JsonObject& Num(const std::string& key, uint64_t value) {
    return Raw(key, std::to_string(value));
  }
  JsonObject& Bool(const std::string& key, bool value) {
    return Raw(key, value ? "true" : "false");
  }
  std::string Build() const {
    std::string out = "{";
    for (size_t i = 0; i < fields_.size(); i++) {
      if (i) out += ",";
      out += JsonString(fields_[i].first) + ":" + fields_[i].second;
    }
    return out + "}";
  }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

std::string JsonStringList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); i++)
    out += (i ? "," : "") + JsonString(items[i]);
  return out + "]";
}

std::vector<std::string> CarryList(uint32_t carry) {
  std::vector<std::string> out;
  if (carry & MDTUN_CARRY_MARK) out.push_back("mark");
  if (carry & MDTUN_CARRY_PRIORITY) out.push_back("priority");
  return out;
}

std::string InfoDataJson(const LinkConfig& c) {
  JsonObject o;
  o.Bool("external", c.external);
  if (c.id) o.Num("id", *c.id);
  if (c.remote) o.Str("remote", c.remote->ToString());
  if (c.local) o.Str("local", c.local->ToString());
  if (c.port) o.Num("port", *c.port);
  if (c.ttl) {
    o.Num("ttl", c.ttl->value).Bool("ttl_inherit", c.ttl->inherit);
  }
  if (c.tos) {
    o.Num("tos", c.tos->value).Bool("tos_inherit", c.tos->inherit);
  }
  if (c.df) o.Str("df", DfName(*c.df));
  if (c.csum) o.Bool("csum", *c.csum);
  if (c.zero_csum6_tx) o.Bool("zero_csum6_tx", *c.zero_csum6_tx);
  if (c.zero_csum6_rx) o.Bool("zero_csum6_rx", *c.zero_csum6_rx);
  if (c.carry) o.Raw("carry", JsonStringList(CarryList(*c.carry)));
  if (c.trust) {
    std::vector<std::string> prefixes;
    for (const auto& p : *c.trust) prefixes.push_back(p.ToString());
    o.Raw("trust", JsonStringList(prefixes));
  }
  return o.Build();
}

}  // namespace

std::string FormatShowText(const LinkInfo& link) {
  const LinkConfig& c = link.config;
  std::ostringstream out;
  std::string flags;
  for (const std::string& f : LinkFlagNames(link.flags))
    flags += (flags.empty() ? "" : ",") + f;
  out << link.ifindex << ": " << link.name << ": <" << flags << "> mtu "
      << link.mtu << " state " << link.operstate << "\n    mdtun mode "
      << (c.external ? "external" : "fixed");
  if (c.id) out << " id " << *c.id;
  if (c.remote) out << " remote " << c.remote->ToString();
  if (c.local) out << " local " << c.local->ToString();
  if (c.port) out << " port " << *c.port;
  if (c.ttl) out << " ttl " << Hop(*c.ttl);
  if (c.tos) out << " tos " << Hop(*c.tos);
  if (c.df) out << " df " << DfName(*c.df);
  if (c.csum) out << " csum " << (*c.csum ? "on" : "off");
  if (c.zero_csum6_tx)
    out << " zero-csum6-tx " << (*c.zero_csum6_tx ? "on" : "off");
  if (c.zero_csum6_rx)
    out << " zero-csum6-rx " << (*c.zero_csum6_rx ? "on" : "off");
  if (c.carry) {
    std::string carry = FormatCarry(*c.carry);
    out << " carry " << (carry.empty() ? "none" : carry);
  }
  if (c.trust) {
    std::string trust = FormatTrustedRemotes(*c.trust);
    out << " trust " << (trust.empty() ? "none" : trust);
  }
  out << "\n";
  return out.str();
}

std::string FormatShowJson(const std::vector<LinkInfo>& links) {
  std::string out = "[";
  for (size_t i = 0; i < links.size(); i++) {
    const LinkInfo& l = links[i];
    JsonObject linkinfo;
    linkinfo.Str("info_kind", MDTUN_LINK_KIND)
        .Raw("info_data", InfoDataJson(l.config));
    JsonObject o;
    // Keys in the order `ip -d -j link` prints them.
    o.Num("ifindex", l.ifindex)
        .Str("ifname", l.name)
        .Raw("flags", JsonStringList(LinkFlagNames(l.flags)))
        .Num("mtu", l.mtu)
        .Str("operstate", l.operstate)
        .Raw("linkinfo", linkinfo.Build());
    out += (i ? "," : "") + o.Build();
  }
  return out + "]\n";
}

namespace {

std::vector<std::pair<std::string, uint64_t>> AllCounters(const LinkInfo& l) {
  std::vector<std::pair<std::string, uint64_t>> out = {
      {"rx_packets", l.stats.rx_packets}, {"rx_bytes", l.stats.rx_bytes},
      {"rx_errors", l.stats.rx_errors},   {"rx_dropped", l.stats.rx_dropped},
      {"tx_packets", l.stats.tx_packets}, {"tx_bytes", l.stats.tx_bytes},
      {"tx_errors", l.stats.tx_errors},   {"tx_dropped", l.stats.tx_dropped},
  };
  for (const auto& [stat, value] : l.counters)
    out.emplace_back(CounterName(stat), value);
  return out;
}

}  // namespace

std::string FormatStatsText(const LinkInfo& link) {
  std::ostringstream out;
  out << link.name << ":\n";
  for (const auto& [name, value] : AllCounters(link))
    out << "    " << name << ": " << value << "\n";
  return out.str();
}

std::string FormatStatsJson(const LinkInfo& link) {
  JsonObject o;
  o.Str("ifname", link.name);
  for (const auto& [name, value] : AllCounters(link)) o.Num(name, value);
  return o.Build() + "\n";
}

}  // namespace mdtun::ctl
