// SPDX-License-Identifier: Apache-2.0
#include "args.h"

#include <arpa/inet.h>
#include <net/if.h>

#include <set>

#include "mdtun/codec.h"
#include "mdtun/if_mdtun.h"

namespace mdtun::ctl {

const char kUsage[] =
    "Usage: mdtun-ctl add NAME [id VNI] [remote ADDR | external] [local ADDR]\n"
    "                 [port N] [ttl N|inherit] [tos N|inherit]\n"
    "                 [df set|unset|inherit] [csum on|off]\n"
    "                 [zero-csum6-tx on|off] [zero-csum6-rx on|off]\n"
    "                 [carry mark,priority|none] [trust PREFIX[,PREFIX...]]\n"
    "       mdtun-ctl set NAME [ttl ...] [tos ...] [df ...] [csum ...]\n"
    "                 [zero-csum6-tx ...] [zero-csum6-rx ...] [carry ...]\n"
    "                 [trust PREFIX,...|none]\n"
    "       mdtun-ctl del NAME\n"
    "       mdtun-ctl show [NAME] [--json]\n"
    "       mdtun-ctl stats NAME [--json]\n"
    "       mdtun-ctl --help | --version\n";

namespace {

// Decimal or 0x-hex unsigned number within [0, max]; all of @text.
uint64_t ParseNumber(const std::string& key, const std::string& text,
                     uint64_t max) {
  size_t pos = 0;
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    pos = 2;
  }
  if (pos == text.size())
    throw UsageError(key + ": '" + text + "' is not a number");
  uint64_t v = 0;
  for (; pos < text.size(); pos++) {
    char c = text[pos];
    int d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      throw UsageError(key + ": '" + text + "' is not a number");
    v = v * base + d;
    if (v > max) break;
  }
  if (v > max)
    throw UsageError(key + ": " + text + " is out of range (0-" +
                     std::to_string(max) + ")");
  return v;
}

bool ParseOnOff(const std::string& key, const std::string& text) {
  if (text == "on") return true;
  if (text == "off") return false;
  throw UsageError(key + ": '" + text + "' is not on or off");
}

HopSetting ParseHop(const std::string& key, const std::string& text) {
  HopSetting h;
  if (text == "inherit")
    h.inherit = true;
  else
    h.value = static_cast<uint8_t>(ParseNumber(key, text, 255));
  return h;
}

IpAddr ParseAddr(const std::string& key, const std::string& text) {
  auto a = IpAddr::Parse(text);
  if (!a)
    throw UsageError(key + ": '" + text + "' is not an IPv4 or IPv6 address");
  return *a;
}

std::string CheckName(const std::string& name) {
  if (name.empty() || name.size() >= IFNAMSIZ)
    throw UsageError("NAME: '" + name + "' must be 1 to " +
                     std::to_string(IFNAMSIZ - 1) + " characters");
  for (char c : name)
    if (c == '/' || c == ':' || c == ' ' || c == '\t' || c == '\n')
      throw UsageError("NAME: '" + name +
                       "' may not contain '/', ':' or spaces");
  if (name == "." || name == "..")
    throw UsageError("NAME: '" + name + "' is not a valid interface name");
  return name;
}

// Parses "KEY VALUE" pairs into @cfg; @allowed lists the keys this verb takes.
void ParseOptions(const std::vector<std::string>& args, size_t i,
                  const std::set<std::string>& allowed, LinkConfig* cfg) {
  std::set<std::string> seen;
  for (; i < args.size(); i++) {
    const std::string& key = args[i];
    if (!allowed.count(key)) {
      if (key == "id" || key == "remote" || key == "external" ||
          key == "local" || key == "port")
        throw UsageError(key +
                         ": cannot be changed by set; delete and add "
                         "the link again");
      throw UsageError(key + ": unknown keyword");
    }
    if (!seen.insert(key).second) throw UsageError(key + ": given twice");
    if (key == "external") {
      cfg->external = true;
      continue;
    }
    if (i + 1 >= args.size()) throw UsageError(key + ": missing value");
    const std::string& value = args[++i];
    if (key == "id") {
      cfg->id = static_cast<uint32_t>(ParseNumber(key, value, MDTUN_VNI_MAX));
    } else if (key == "remote") {
      cfg->remote = ParseAddr(key, value);
    } else if (key == "local") {
      cfg->local = ParseAddr(key, value);
    } else if (key == "port") {
      cfg->port = static_cast<uint16_t>(ParseNumber(key, value, 65535));
      if (*cfg->port == 0) throw UsageError("port: 0 is not a valid UDP port");
    } else if (key == "ttl") {
      cfg->ttl = ParseHop(key, value);
    } else if (key == "tos") {
      cfg->tos = ParseHop(key, value);
    } else if (key == "df") {
      if (value == "unset")
        cfg->df = MDTUN_DF_UNSET;
      else if (value == "set")
        cfg->df = MDTUN_DF_SET;
      else if (value == "inherit")
        cfg->df = MDTUN_DF_INHERIT;
      else
        throw UsageError("df: '" + value + "' is not set, unset or inherit");
    } else if (key == "csum") {
      cfg->csum = ParseOnOff(key, value);
    } else if (key == "zero-csum6-tx") {
      cfg->zero_csum6_tx = ParseOnOff(key, value);
    } else if (key == "zero-csum6-rx") {
      cfg->zero_csum6_rx = ParseOnOff(key, value);
    } else if (key == "carry") {
      uint32_t carry = 0;
      std::string err = ParseCarry(value, &carry);
      if (!err.empty()) throw UsageError("carry: " + err);
      cfg->carry = carry;
    } else if (key == "trust") {
      std::vector<TrustPrefix> trust;
      std::string err = ParseTrustedRemotes(value, &trust);
      if (!err.empty()) throw UsageError("trust: " + err);
      cfg->trust = std::move(trust);
    }
  }
}

void CheckAdd(const LinkConfig& cfg) {
  if (cfg.external) {
    if (cfg.remote) throw UsageError("remote: not allowed with external");
    if (cfg.id)
      throw UsageError(
          "id: not allowed with external (the VNI comes from each packet)");
    if (cfg.local) throw UsageError("local: not allowed with external");
    // Outer header fields come with each packet's metadata in external
    // mode; the kernel refuses them too, but this names the keyword.
    const char* fixed_only = cfg.ttl    ? "ttl"
                             : cfg.tos  ? "tos"
                             : cfg.df   ? "df"
                             : cfg.csum ? "csum"
                                        : nullptr;
    if (fixed_only)
      throw UsageError(std::string(fixed_only) +
                       ": not allowed with external (set per packet by "
                       "the metadata)");
  } else {
    if (!cfg.remote)
      throw UsageError("remote: required unless external is given");
    if (!cfg.id) throw UsageError("id: required with remote");
  }
  if (cfg.remote && cfg.local && cfg.remote->v6 != cfg.local->v6)
    throw UsageError("local: " + cfg.local->ToString() +
                     " is not of the same family as remote " +
                     cfg.remote->ToString());
}

void NoMoreArgs(const std::vector<std::string>& args, size_t i) {
  if (i < args.size()) throw UsageError(args[i] + ": unexpected argument");
}

}  // namespace

Command ParseCommand(const std::vector<std::string>& args) {
  static const std::set<std::string> kAddKeys = {
      "id", "remote", "external",      "local",         "port",  "ttl",  "tos",
      "df", "csum",   "zero-csum6-tx", "zero-csum6-rx", "carry", "trust"};
  static const std::set<std::string> kSetKeys = {
      "ttl",           "tos",           "df",    "csum",
      "zero-csum6-tx", "zero-csum6-rx", "carry", "trust"};
  Command cmd;
  if (args.empty()) throw UsageError("missing command (try --help)");
  const std::string& verb = args[0];
  size_t i = 1;
  if (verb == "--help" || verb == "-h" || verb == "help") {
    cmd.verb = Verb::kHelp;
    return cmd;
  }
  if (verb == "--version" || verb == "-V") {
    cmd.verb = Verb::kVersion;
    return cmd;
  }
  if (verb == "add" || verb == "set" || verb == "del") {
    if (i >= args.size()) throw UsageError(verb + ": missing NAME");
    cmd.name = CheckName(args[i++]);
  }
  if (verb == "add") {
    cmd.verb = Verb::kAdd;
    ParseOptions(args, i, kAddKeys, &cmd.config);
    CheckAdd(cmd.config);
  } else if (verb == "set") {
    cmd.verb = Verb::kSet;
    ParseOptions(args, i, kSetKeys, &cmd.config);
    if (i == args.size()) throw UsageError("set: nothing to change");
  } else if (verb == "del") {
    cmd.verb = Verb::kDel;
    NoMoreArgs(args, i);
  } else if (verb == "show" || verb == "stats") {
    // --json may come before or after NAME.
    cmd.verb = verb == "show" ? Verb::kShow : Verb::kStats;
    for (; i < args.size(); i++) {
      if (args[i] == "--json" || args[i] == "-j") {
        cmd.json = true;
      } else if (args[i].size() > 1 && args[i][0] == '-') {
        throw UsageError(args[i] + ": unknown option");
      } else if (cmd.name.empty()) {
        cmd.name = CheckName(args[i]);
      } else {
        throw UsageError(args[i] + ": unexpected argument");
      }
    }
    if (cmd.verb == Verb::kStats && cmd.name.empty())
      throw UsageError("stats: missing NAME");
  } else {
    throw UsageError(verb + ": unknown command (try --help)");
  }
  return cmd;
}

}  // namespace mdtun::ctl
