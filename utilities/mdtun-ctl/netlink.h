// SPDX-License-Identifier: Apache-2.0
//
// mdtun-ctl's rtnetlink side, through libnl-route-3.
#ifndef MDTUN_UTILITIES_MDTUN_CTL_NETLINK_H
#define MDTUN_UTILITIES_MDTUN_CTL_NETLINK_H

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "args.h"
#include "format.h"

struct nl_sock;

namespace mdtun::ctl {

// A refusal by the kernel or a libnl failure; what() is the kernel's extack
// message when it gave one, else libnl's text for the error.
class NetlinkError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Rtnl {
 public:
  Rtnl();  // throws NetlinkError
  ~Rtnl();
  Rtnl(const Rtnl&) = delete;
  Rtnl& operator=(const Rtnl&) = delete;

  void Add(const std::string& name, const LinkConfig& config);
  void Set(const std::string& name, const LinkConfig& changes);
  void Del(const std::string& name);
  // Every mdtun link, or only @name (which must then be one).
  std::vector<LinkInfo> List(const std::string& name);

 private:
  struct Deleter {
    void operator()(nl_sock* sk) const;
  };
  struct AckState;

  [[noreturn]] void Fail(const std::string& what, int nlerr) const;

  std::unique_ptr<nl_sock, Deleter> sock_;
  std::unique_ptr<AckState> ack_;
};

}  // namespace mdtun::ctl

#endif  // MDTUN_UTILITIES_MDTUN_CTL_NETLINK_H
