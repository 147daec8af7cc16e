// SPDX-License-Identifier: Apache-2.0
//
// The rtnetlink client for mdtun links, through libnl-route-3: mdtun-ctl's
// verbs, and the OVS plugin's reads and updates of its kernel device.
#ifndef MDTUN_LIBMDTUN_RTNL_H
#define MDTUN_LIBMDTUN_RTNL_H

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "libmdtun/link.h"

struct nl_sock;

namespace mdtun {

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

}  // namespace mdtun

#endif  // MDTUN_LIBMDTUN_RTNL_H
