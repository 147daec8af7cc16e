// SPDX-License-Identifier: Apache-2.0
//
// mdtun-ctl: create, change, delete and inspect mdtun tunnel links.
// Exit status: 0 success, 1 the kernel or libnl refused, 2 bad arguments.
#include <iostream>

#include "args.h"
#include "format.h"
#include "libmdtun/rtnl.h"

namespace {

int Run(const mdtun::ctl::Command& cmd) {
  using mdtun::ctl::Verb;
  switch (cmd.verb) {
    case Verb::kHelp:
      std::cout << mdtun::ctl::kUsage;
      return 0;
    case Verb::kVersion:
      std::cout << "mdtun-ctl (ovs-mdtun) " PACKAGE_VERSION "\n";
      return 0;
    default:
      break;
  }
  mdtun::Rtnl rtnl;
  switch (cmd.verb) {
    case Verb::kAdd:
      rtnl.Add(cmd.name, cmd.config);
      break;
    case Verb::kSet:
      rtnl.Set(cmd.name, cmd.config);
      break;
    case Verb::kDel:
      rtnl.Del(cmd.name);
      break;
    case Verb::kShow: {
      auto links = rtnl.List(cmd.name);
      if (cmd.json) {
        std::cout << mdtun::ctl::FormatShowJson(links);
      } else {
        for (const auto& link : links)
          std::cout << mdtun::ctl::FormatShowText(link);
      }
      break;
    }
    case Verb::kStats: {
      auto link = rtnl.List(cmd.name).at(0);
      std::cout << (cmd.json ? mdtun::ctl::FormatStatsJson(link)
                             : mdtun::ctl::FormatStatsText(link));
      break;
    }
    default:
      break;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  mdtun::ctl::Command cmd;
  try {
    cmd = mdtun::ctl::ParseCommand(args);
  } catch (const mdtun::ctl::UsageError& e) {
    std::cerr << "mdtun-ctl: " << e.what() << "\n";
    return 2;
  }
  try {
    return Run(cmd);
  } catch (const std::exception& e) {
    std::cerr << "mdtun-ctl: " << e.what() << "\n";
    return 1;
  }
}
