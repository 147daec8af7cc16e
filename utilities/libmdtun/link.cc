// SPDX-License-Identifier: Apache-2.0
#include "libmdtun/link.h"

#include <arpa/inet.h>

#include "mdtun/codec.h"
#include "mdtun/if_mdtun.h"

namespace mdtun {

std::optional<IpAddr> IpAddr::Parse(const std::string& text) {
  IpAddr a;
  if (inet_pton(AF_INET, text.c_str(), a.bytes.data()) == 1) return a;
  if (inet_pton(AF_INET6, text.c_str(), a.bytes.data()) == 1) {
    a.v6 = true;
    return a;
  }
  return std::nullopt;
}

std::string IpAddr::ToString() const {
  char buf[INET6_ADDRSTRLEN];
  if (!inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf))
    return "?";
  return buf;
}

std::string CounterName(int stat) {
  const char* name =
      stat < 0 ? nullptr : mdtun_stat_name(static_cast<unsigned int>(stat));
  return name ? name : "stat_" + std::to_string(stat);
}

const char* DfName(uint8_t df) {
  switch (df) {
    case MDTUN_DF_UNSET:
      return "unset";
    case MDTUN_DF_SET:
      return "set";
    case MDTUN_DF_INHERIT:
      return "inherit";
    default:
      return "?";
  }
}

}  // namespace mdtun
