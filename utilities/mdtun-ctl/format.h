// SPDX-License-Identifier: Apache-2.0
//
// mdtun-ctl's output: text like `ip -d link`, JSON shaped like
// `ip -d -j link`.  No netlink here (unit-tested).
#ifndef MDTUN_UTILITIES_MDTUN_CTL_FORMAT_H
#define MDTUN_UTILITIES_MDTUN_CTL_FORMAT_H

#include <string>
#include <vector>

#include "libmdtun/link.h"

namespace mdtun::ctl {

std::string JsonString(const std::string& s);

// IFF_* flag names in ip(8)'s order and spelling ("BROADCAST", "UP",
// "LOWER_UP"...); IFF_RUNNING is left out, as ip does.
std::vector<std::string> LinkFlagNames(unsigned int flags);

std::string FormatShowText(const LinkInfo& link);
std::string FormatShowJson(const std::vector<LinkInfo>& links);
std::string FormatStatsText(const LinkInfo& link);
std::string FormatStatsJson(const LinkInfo& link);

}  // namespace mdtun::ctl

#endif  // MDTUN_UTILITIES_MDTUN_CTL_FORMAT_H
