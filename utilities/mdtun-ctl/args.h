// SPDX-License-Identifier: Apache-2.0
//
// mdtun-ctl's command line: parsed and checked here, with no netlink, so
// that every rule and message is unit-testable (tests/unit/mdtun_ctl_*).
#ifndef MDTUN_UTILITIES_MDTUN_CTL_ARGS_H
#define MDTUN_UTILITIES_MDTUN_CTL_ARGS_H

#include <stdexcept>
#include <string>
#include <vector>

#include "libmdtun/link.h"

namespace mdtun::ctl {

// A bad command line; what() is the one line printed after "mdtun-ctl: ".
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Verb { kHelp, kVersion, kAdd, kSet, kDel, kShow, kStats };

struct Command {
  Verb verb = Verb::kHelp;
  std::string name;  // empty for "show" of every link
  LinkConfig config;
  bool json = false;
};

// Parses argv[1..] (without the program name).  Throws UsageError.
Command ParseCommand(const std::vector<std::string>& args);

extern const char kUsage[];

}  // namespace mdtun::ctl

#endif  // MDTUN_UTILITIES_MDTUN_CTL_ARGS_H
