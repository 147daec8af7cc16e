// SPDX-License-Identifier: Apache-2.0
//
// The mdtun tunnel type for ovs-vswitchd 3.1.
//
// This file is linked into ovs-vswitchd as an object file (not from an
// archive, which the linker would skip because nothing refers to it).  Its
// one global, the Registrar below, registers the "mdtun" tunnel class with
// OVS (lib/netdev-tunnel-class.h, added by ovs-patches/) while the program
// starts, before OVS opens any netdev.  OVS then:
//   - parses the generic tunnel options (remote_ip, local_ip, key, dst_port,
//     tos, ttl, csum, df_default, ...) as for geneve and hands all options
//     to ParseOptions(), which parses mdtun's own (mdtun_options.h), checks
//     the generic ones more strictly than OVS does, refuses a port whose
//     carry/trusted_remotes differ from another's on the same UDP port, and
//     puts the reason in the Interface's "error" column;
//   - kernel datapath: asks openvswitch.ko for a vport of type
//     OVS_VPORT_TYPE_MDTUN (vport-mdtun.ko, autoloaded by its alias) with
//     PutVportOptions(); when the kernel does not know that type, creates
//     an "mdtun" link in collect-metadata mode over rtnetlink (PutLinkData())
//     and attaches it as a netdev vport, as it does for geneve;
//   - calls mdtun_init() once, which registers "ovs-appctl mdtun/show", and
//     mdtun_run() from its main loop.
//
// Either way the kernel device is an mdtun link named after the datapath
// port ("mdtun_sys_7081"), shared by the mdtun ports with that UDP port.
// Its carry set and trust list are the ports' options: when they change on
// a running port, DeviceSync::Run() (from mdtun_run()) changes the device
// over rtnetlink;
// mdtun/show reads the device's counters the same way, with libmdtun's
// rtnetlink client (utilities/libmdtun/rtnl.h), mdtun-ctl's too.
//
// Every callback has C language linkage and is noexcept: no C++ exception
// may unwind into OVS.  An allocation that fails aborts, as in OVS.

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "libmdtun/link.h"
#include "libmdtun/rtnl.h"
#include "mdtun-native.h"
#include "mdtun/codec.h"
#include "mdtun/if_mdtun.h"
#include "mdtun/ovs_mdtun.h"
#include "mdtun_cstring.h"
#include "mdtun_options.h"
#include "mdtun_userspace.h"
#include "netdev-tunnel-class.h"    // OVS, patched
#include "openvswitch/ofpbuf.h"     // OVS
#include "openvswitch/poll-loop.h"  // OVS
#include "openvswitch/vlog.h"       // OVS
#include "unixctl.h"                // OVS

VLOG_DEFINE_THIS_MODULE(mdtun_plugin);

namespace mdtun {
namespace {

using OptionList = std::vector<std::pair<std::string, std::string>>;

// ---- Per-port configuration ---------------------------------------------

// A copy of one port's configuration, for use outside the table's lock.
struct PortView {
  std::string name;
  std::string dpif_port;
  uint16_t dst_port = 0;
  OptionList options;  // all of the port's options, as configured
  PortOptions parsed;
};

class PortConfig;

// The live PortConfig objects, and which of them are in service.
//
// OVS owns each object (as the netdev's plugin configuration) and frees it
// when the port is reconfigured or its netdev goes, possibly from another
// thread (an RCU callback); the object enrolls and withdraws itself.  A
// netdev outlives its port for a while (OVS's translation configuration
// and caches hold it), so a live object is not always a port in service:
// a reconfiguration makes the new object before OVS frees the old one,
// and a port whose reconfiguration the plugin refused is down while its
// old object lives on.
class PortTable {
 public:
  static PortTable& Get() {
    static PortTable table;
    return table;
  }
  // Returns the port's sequence number: later configurations get higher
  // ones.
  uint64_t Add(const PortConfig* port) {
    std::lock_guard<std::mutex> lock(mutex_);
    ports_.insert(port);
    generation_++;
    return ++last_seq_;
  }
  void Remove(const PortConfig* port);
  // The plugin refused the newest configuration of port @name: the port
  // is out of service until a configuration is accepted.
  void NoteRefused(const std::string& name);
  // The ports in service, ordered by name, each with its newest
  // configuration.
  std::vector<PortView> Ports() const;
  // Changes whenever a configuration comes, goes, or leaves service.
  uint64_t generation() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return generation_;
  }

 private:
  PortTable() = default;

  mutable std::mutex mutex_;
  std::set<const PortConfig*> ports_;
  // Port name -> sequence number up to which its objects are out of
  // service.
  std::map<std::string, uint64_t> retired_;
  uint64_t last_seq_ = 0;
  uint64_t generation_ = 0;
};

class PortConfig {
 public:
  PortConfig(std::string name, std::string dpif_port, uint16_t dst_port,
             OptionList options, PortOptions parsed)
      : name_(std::move(name)),
        dpif_port_(std::move(dpif_port)),
        dst_port_(dst_port),
        options_(std::move(options)),
        parsed_(std::move(parsed)),
        seq_(PortTable::Get().Add(this)) {}
  ~PortConfig() { PortTable::Get().Remove(this); }
  PortConfig(const PortConfig&) = delete;
  PortConfig& operator=(const PortConfig&) = delete;

  const std::string& name() const { return name_; }
  const std::string& dpif_port() const { return dpif_port_; }
  const PortOptions& parsed() const { return parsed_; }
  uint64_t seq() const { return seq_; }
  PortView View() const {
    return PortView{name_, dpif_port_, dst_port_, options_, parsed_};
  }

  bool operator==(const PortConfig& o) const {
    return name_ == o.name_ && dpif_port_ == o.dpif_port_ &&
           dst_port_ == o.dst_port_ && options_ == o.options_ &&
           parsed_ == o.parsed_;
  }

  // True if the port has a fixed remote_ip (not remote_ip=flow).
  bool FixedRemote() const {
    return std::any_of(options_.begin(), options_.end(), [](const auto& kv) {
      return kv.first == "remote_ip" && kv.second != "flow";
    });
  }

  // ifindex of the kernel device OVS made for the port, 0 if none (always
  // so with the userspace datapath).
  unsigned int KernelIfindex() const {
    return if_nametoindex(dpif_port_.c_str());
  }

 private:
  const std::string name_;
  const std::string dpif_port_;
  const uint16_t dst_port_;
  const OptionList options_;
  const PortOptions parsed_;
  const uint64_t seq_;
};

void PortTable::Remove(const PortConfig* port) {
  std::lock_guard<std::mutex> lock(mutex_);
  ports_.erase(port);
  generation_++;
  const bool more = std::any_of(
      ports_.begin(), ports_.end(),
      [&](const PortConfig* p) { return p->name() == port->name(); });
  if (!more) {
    retired_.erase(port->name());
  }
}

void PortTable::NoteRefused(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  const bool any =
      std::any_of(ports_.begin(), ports_.end(),
                  [&](const PortConfig* p) { return p->name() == name; });
  if (any && retired_[name] != last_seq_) {
    retired_[name] = last_seq_;
    generation_++;
  }
}

std::vector<PortView> PortTable::Ports() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<const PortConfig*> sorted(ports_.begin(), ports_.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const PortConfig* a, const PortConfig* b) {
              return a->name() != b->name() ? a->name() < b->name()
                                            : a->seq() > b->seq();
            });
  std::vector<PortView> out;
  const PortConfig* prev = nullptr;
  for (const PortConfig* port : sorted) {
    if (!prev || prev->name() != port->name()) {
      auto retired = retired_.find(port->name());
      if (retired == retired_.end() || retired->second < port->seq()) {
        out.push_back(port->View());
      }
    }
    prev = port;
  }
  return out;
}

const PortConfig& Cfg(const void* cfg) {
  return *static_cast<const PortConfig*>(cfg);
}

std::string CarryText(uint32_t carry, uint32_t pipeline = 0) {
  return carry || pipeline ? FormatCarry(carry, pipeline) : "none";
}

std::string InPortRegText(int reg) {
  return reg < 0 ? "none" : "reg" + std::to_string(reg);
}

std::string TrustText(const std::vector<TrustPrefix>& trusted) {
  return trusted.empty() ? "none" : FormatTrustedRemotes(trusted);
}

std::string CarryTrustText(const PortOptions& o) {
  std::string s = "carry=" + CarryText(o.carry, o.pipeline);
  if (o.in_port_reg >= 0) {
    s += " in_port_reg=" + InPortRegText(o.in_port_reg);
  }
  return s + " trusted_remotes=" + TrustText(o.trusted);
}

// ---- The kernel device -------------------------------------------------

// The port's kernel device as the driver reports it, or nothing when there
// is none (userspace datapath, or not created yet).  Throws
// NetlinkError, also when a device of that name is not an mdtun link.
std::optional<LinkInfo> ReadKernelDevice(const std::string& name) {
  if (!if_nametoindex(name.c_str())) {
    return std::nullopt;
  }
  std::vector<LinkInfo> links = Rtnl().List(name);
  if (links.empty()) {  // List() throws first; do not rely on it here
    throw NetlinkError(name + ": not an mdtun device");
  }
  return std::move(links.front());
}

// Keeps each kernel device's carry set and trust list equal to those of
// the ports that share it.  OVS creates the device (or vport) with the
// options of the moment and does not touch it again while a port uses it
// (a restarted ovs-vswitchd deletes the tunnel vports it finds and makes
// them again).  Run() is called from OVS's main loop (the netdev class's
// run) and talks to the kernel only for a device whose desired state
// changed since it last looked: after a port's carry or trusted_remotes
// changed, and when the first port of a UDP port comes up.
class DeviceSync {
 public:
  static DeviceSync& Get() {
    static DeviceSync sync;
    return sync;
  }
  void Run() noexcept;
  // The last failure to bring @dpif_port's device in line, "" if none.
  std::string Error(const std::string& dpif_port) const;

 private:
  DeviceSync() = default;
  // "" on success (or nothing to do), otherwise what went wrong.
  static std::string Apply(const std::string& port, const std::string& dev,
                           const PortOptions& want);

  mutable std::mutex mutex_;  // guards errors_
  bool ran_ = false;
  uint64_t generation_ = 0;
  std::map<std::string, PortOptions> applied_;  // device -> state handled
  std::map<std::string, std::string> errors_;   // device -> failure
};

std::string DeviceSync::Apply(const std::string& port, const std::string& dev,
                              const PortOptions& want) {
  static struct vlog_rate_limit info_rl = VLOG_RATE_LIMIT_INIT(10, 20);
  static struct vlog_rate_limit warn_rl = VLOG_RATE_LIMIT_INIT(5, 20);
  try {
    std::optional<LinkInfo> link = ReadKernelDevice(dev);
    if (!link || (link->config.carry.value_or(0) == want.carry &&
                  link->config.trust.value_or(std::vector<TrustPrefix>{}) ==
                      want.trusted)) {
      // No device yet (it is created with these options) or already so.
      return "";
    }
    LinkConfig change;
    change.carry = want.carry;
    change.trust = want.trusted;  // an empty list clears the device's
    Rtnl().Set(dev, change);
    VLOG_INFO_RL(&info_rl,
                 "%s: kernel device %s now has carry=%s "
                 "trusted_remotes=%s",
                 port.c_str(), dev.c_str(), CarryText(want.carry).c_str(),
                 TrustText(want.trusted).c_str());
    return "";
  } catch (const std::bad_alloc&) {
    OutOfMemory();
  } catch (const std::exception& e) {
    VLOG_WARN_RL(&warn_rl, "%s: cannot update kernel device %s: %s",
                 port.c_str(), dev.c_str(), e.what());
    return e.what();
  }
}

void DeviceSync::Run() noexcept {
  try {
    const uint64_t generation = PortTable::Get().generation();
    if (ran_ && generation == generation_) {
      return;
    }
    ran_ = true;
    generation_ = generation;
    // The desired state of each device: its ports' options (they agree,
    // ParseOptions() refuses a port that would not), and one of them to
    // name in the log.
    std::map<std::string, std::pair<std::string, PortOptions>> desired;
    std::vector<std::pair<uint16_t, PortOptions>> userspace;
    for (PortView& port : PortTable::Get().Ports()) {
      userspace.emplace_back(port.dst_port, port.parsed);
      desired.emplace(port.dpif_port,
                      std::make_pair(port.name, std::move(port.parsed)));
    }
    // The userspace datapath's per-UDP-port policy, the same state.
    SetUserspacePolicies(userspace);
    for (const auto& [dev, want] : desired) {
      auto applied = applied_.find(dev);
      if (applied != applied_.end() && applied->second == want.second) {
        continue;
      }
      // One attempt per change: a failure is logged and shown by
      // mdtun/show, and tried again only when the state changes.
      std::string error = Apply(want.first, dev, want.second);
      applied_[dev] = want.second;
      std::lock_guard<std::mutex> lock(mutex_);
      if (error.empty()) {
        errors_.erase(dev);
      } else {
        errors_[dev] = error;
      }
    }
    // Devices without ports: forget them, so that a new port re-checks.
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = applied_.begin(); it != applied_.end();) {
      if (desired.count(it->first)) {
        ++it;
      } else {
        errors_.erase(it->first);
        it = applied_.erase(it);
      }
    }
  } catch (const std::bad_alloc&) {
    OutOfMemory();
  } catch (const std::exception&) {
    // Nothing else throws above.
  }
}

std::string DeviceSync::Error(const std::string& dpif_port) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = errors_.find(dpif_port);
  return it == errors_.end() ? "" : it->second;
}

// ---- Options ------------------------------------------------------------

const char* const kOptionKeys[] = {"carry", "in_port_reg", "trusted_remotes",
                                   nullptr};

// The ports on one UDP port share one kernel device, which has one carry
// set and trust list: a port whose options differ from those of a port
// already in service there is refused (as OVS refuses a VXLAN-GBP port on
// the UDP port of a plain VXLAN one).  Returns the error, "" if none.
std::string CheckSharedDevice(const std::string& name,
                              const std::string& dpif_port, uint16_t dst_port,
                              const PortOptions& parsed) {
  for (const PortView& other : PortTable::Get().Ports()) {
    if (other.name != name && other.dpif_port == dpif_port &&
        other.parsed != parsed) {
      return "carry, in_port_reg and trusted_remotes must be the same on all "
             "mdtun ports "
             "with UDP port " +
             std::to_string(dst_port) + " (they share the kernel device " +
             dpif_port + "): this port has " + CarryTrustText(parsed) +
             ", port " + other.name + " has " + CarryTrustText(other.parsed);
    }
  }
  return "";
}

char* ParseOptions(const netdev_tunnel_port* port, void** cfgp) noexcept {
  try {
    OptionList options;
    options.reserve(port->n_options);
    for (size_t i = 0; i < port->n_options; i++) {
      options.emplace_back(port->options[i].key, port->options[i].value);
    }
    PortOptions parsed;
    std::string error = ParsePortOptions(options, &parsed);
    if (error.empty()) {
      error = CheckSharedDevice(port->name, port->dpif_port, port->dst_port,
                                parsed);
    }
    if (!error.empty()) {
      PortTable::Get().NoteRefused(port->name);
      return MallocString(error);
    }
    // Before the port can carry traffic: the userspace datapath's policy
    // for its UDP port (the ports there agree, CheckSharedDevice()).
    PutUserspacePolicy(port->dst_port, parsed);
    *cfgp = new PortConfig(port->name, port->dpif_port, port->dst_port,
                           std::move(options), std::move(parsed));
    // DeviceSync::Run() brings the kernel device in line: OVS calls it
    // from its main loop after this reconfiguration; wake the loop in
    // case nothing else would.
    poll_immediate_wake();
    return nullptr;
  } catch (const std::bad_alloc&) {
    OutOfMemory();
  } catch (const std::exception& e) {
    return MallocString(std::string("mdtun plugin: ") + e.what());
  }
}

void FreeOptions(void* cfg) noexcept { delete static_cast<PortConfig*>(cfg); }

bool OptionsEqual(const void* a, const void* b) noexcept {
  return Cfg(a) == Cfg(b);
}

void GetOptions(const void* cfg, netdev_tunnel_put_func* put,
                void* aux) noexcept {
  try {
    const PortOptions& o = Cfg(cfg).parsed();
    if (o.carry || o.pipeline) {
      put(aux, "carry", FormatCarry(o.carry, o.pipeline).c_str());
    }
    if (o.in_port_reg >= 0) {
      put(aux, "in_port_reg", InPortRegText(o.in_port_reg).c_str());
    }
    if (!o.trusted.empty()) {
      put(aux, "trusted_remotes", FormatTrustedRemotes(o.trusted).c_str());
    }
  } catch (const std::exception&) {
    OutOfMemory();  // only std::string throws here
  }
}

void GetStatus(const void* cfg, netdev_tunnel_put_func* put,
               void* aux) noexcept {
  try {
    const PortConfig& port = Cfg(cfg);
    put(aux, "mdtun_dpif_port", port.dpif_port().c_str());
    put(aux, "mdtun_kernel_device",
        port.KernelIfindex() ? "present" : "absent");
    const PortOptions& o = port.parsed();
    std::string warning;
    if (o.carry && o.trusted.empty()) {
      // The kernel device is shared and in collect-metadata mode: it has no
      // fixed remote to trust.
      warning =
          "carry set but no trusted_remotes: received fields are not "
          "restored";
    } else if (o.pipeline && o.trusted.empty() && !port.FixedRemote()) {
      warning =
          "carry set but no trusted_remotes and no fixed remote_ip: "
          "received fields are not restored";
    }
    if ((o.pipeline & MDTUN_WK_BIT(MDTUN_WK_IN_PORT)) && o.in_port_reg < 0) {
      warning += std::string(warning.empty() ? "" : "; ") +
                 "carry has in_port but no in_port_reg: a sender's in_port "
                 "is not restored";
    }
    if (!warning.empty()) {
      put(aux, "mdtun_warning", warning.c_str());
    }
  } catch (const std::exception&) {
    OutOfMemory();  // only std::string throws here
  }
}

// ---- Netlink ------------------------------------------------------------

// Appends Netlink attributes to a message OVS is building.  OVS's own
// nl_msg_put_*() are in an internal header that does not compile as C++;
// its public ofpbuf.h does.
class NlWriter {
 public:
  explicit NlWriter(ofpbuf* msg) : msg_(msg) {}

  void Put(uint16_t type, const void* data, size_t size) {
    PutHeader(type, NLA_HDRLEN + size);
    if (size) {
      ofpbuf_put(msg_, data, size);
    }
    ofpbuf_put_zeros(msg_, NLA_ALIGN(size) - size);
  }
  void PutU8(uint16_t type, uint8_t v) { Put(type, &v, sizeof v); }
  void PutU32(uint16_t type, uint32_t v) { Put(type, &v, sizeof v); }

  // Nests carry NLA_F_NESTED (OVS's nl_msg_start_nested() does not set it):
  // mdtun.ko parses each trust prefix strictly, as new Netlink code should,
  // and refuses a nest without the flag.
  size_t StartNested(uint16_t type) {
    const size_t offset = msg_->size;
    PutHeader(static_cast<uint16_t>(type | NLA_F_NESTED), NLA_HDRLEN);
    return offset;
  }
  void EndNested(size_t offset) {
    const uint16_t len = static_cast<uint16_t>(msg_->size - offset);
    std::memcpy(static_cast<uint8_t*>(msg_->data) + offset, &len, sizeof len);
  }

 private:
  void PutHeader(uint16_t type, size_t len) {
    nlattr hdr{static_cast<uint16_t>(len), type};
    ofpbuf_put(msg_, &hdr, sizeof hdr);
  }

  ofpbuf* msg_;
};

// The trust list, nested as IFLA_MDTUN_TRUST (also OVS_MDTUN_ATTR_TRUST).
void PutTrust(NlWriter& nl, uint16_t type,
              const std::vector<TrustPrefix>& trusted) {
  const size_t list = nl.StartNested(type);
  for (const TrustPrefix& p : trusted) {
    const size_t one = nl.StartNested(IFLA_MDTUN_TRUST_PREFIX);
    nl.Put(IFLA_MDTUN_PREFIX_ADDR, p.addr.data(), p.AddrSize());
    nl.PutU8(IFLA_MDTUN_PREFIX_LEN, p.len);
    nl.EndNested(one);
  }
  nl.EndNested(list);
}

void PutVportOptions(const void* cfg, ofpbuf* msg) noexcept {
  const PortOptions& o = Cfg(cfg).parsed();
  NlWriter nl(msg);
  nl.PutU32(OVS_MDTUN_ATTR_CARRY, o.carry);
  if (!o.trusted.empty()) {
    PutTrust(nl, OVS_MDTUN_ATTR_TRUST, o.trusted);
  }
}

// As OVS does for geneve: metadata comes from the flow, the device only
// fixes the port; IPv6 packets without UDP checksum are accepted.
void PutLinkData(const void* cfg, uint16_t dst_port, ofpbuf* msg) noexcept {
  const PortOptions& o = Cfg(cfg).parsed();
  const uint16_t port_be = htons(dst_port);
  NlWriter nl(msg);
  nl.Put(IFLA_MDTUN_COLLECT_METADATA, nullptr, 0);
  nl.Put(IFLA_MDTUN_PORT, &port_be, sizeof port_be);
  nl.PutU8(IFLA_MDTUN_UDP_ZERO_CSUM6_RX, 1);
  nl.PutU32(IFLA_MDTUN_CARRY, o.carry);
  if (!o.trusted.empty()) {
    PutTrust(nl, IFLA_MDTUN_TRUST, o.trusted);
  }
}

// Walks the Netlink attributes in [data, data + size).
template <typename Fn>
bool ForEachAttr(const uint8_t* data, size_t size, Fn fn) {
  while (size >= NLA_HDRLEN) {
    nlattr hdr;
    std::memcpy(&hdr, data, sizeof hdr);
    if (hdr.nla_len < NLA_HDRLEN || hdr.nla_len > size) {
      return false;
    }
    fn(hdr.nla_type & NLA_TYPE_MASK, data + NLA_HDRLEN,
       static_cast<size_t>(hdr.nla_len - NLA_HDRLEN));
    const size_t step = std::min<size_t>(NLA_ALIGN(hdr.nla_len), size);
    data += step;
    size -= step;
  }
  return true;
}

bool ParseTrustAttr(const uint8_t* data, size_t size,
                    std::vector<TrustPrefix>* out) {
  bool only_prefixes = true;
  bool ok =
      ForEachAttr(data, size, [&](uint16_t type, const uint8_t* d, size_t n) {
        if (type != IFLA_MDTUN_TRUST_PREFIX) {
          only_prefixes = false;
          return;
        }
        TrustPrefix p;
        bool have_addr = false, have_len = false;
        ForEachAttr(d, n, [&](uint16_t t, const uint8_t* v, size_t len) {
          if (t == IFLA_MDTUN_PREFIX_ADDR && (len == 4 || len == 16)) {
            p.ipv6 = len == 16;
            std::memcpy(p.addr.data(), v, len);
            have_addr = true;
          } else if (t == IFLA_MDTUN_PREFIX_LEN && len >= 1) {
            p.len = v[0];
            have_len = true;
          }
        });
        if (have_addr && have_len) {
          out->push_back(p);
        }
      });
  return ok && only_prefixes;
}

// True if an existing mdtun device's IFLA_INFO_DATA matches the port; OVS
// recreates the device otherwise.
bool CheckLinkData(const void* cfg, uint16_t dst_port, const void* data,
                   size_t size) noexcept {
  try {
    const PortOptions& o = Cfg(cfg).parsed();
    bool collect_md = false, zero_csum6_rx = false, trust_ok = true;
    uint16_t port_be = 0;
    uint32_t carry = 0;
    std::vector<TrustPrefix> trusted;
    bool ok = ForEachAttr(
        static_cast<const uint8_t*>(data), size,
        [&](uint16_t type, const uint8_t* v, size_t len) {
          if (type == IFLA_MDTUN_COLLECT_METADATA) {
            collect_md = true;
          } else if (type == IFLA_MDTUN_PORT && len >= 2) {
            std::memcpy(&port_be, v, 2);
          } else if (type == IFLA_MDTUN_UDP_ZERO_CSUM6_RX && len >= 1) {
            zero_csum6_rx = v[0];
          } else if (type == IFLA_MDTUN_CARRY && len >= 4) {
            std::memcpy(&carry, v, 4);
          } else if (type == IFLA_MDTUN_TRUST) {
            trust_ok = ParseTrustAttr(v, len, &trusted);
          }
        });
    return ok && trust_ok && collect_md && zero_csum6_rx &&
           port_be == htons(dst_port) && carry == o.carry &&
           trusted == o.trusted;
  } catch (const std::exception&) {
    return false;
  }
}

// ---- ovs-appctl mdtun/show ------------------------------------------------

// Reads the kernel device: called without any lock held.
std::string ShowPort(const PortView& port) {
  const PortOptions& o = port.parsed;
  std::string s = port.name + ":\n";
  s += "  datapath port: " + port.dpif_port + " (UDP port " +
       std::to_string(port.dst_port) + ")\n";
  s += "  options:";
  for (const auto& [key, value] : port.options) {
    s += " " + key + "=" + value;
  }
  s += "\n";
  s += "  carry: " + CarryText(o.carry, o.pipeline) + "\n";
  if (o.pipeline & MDTUN_WK_BIT(MDTUN_WK_IN_PORT)) {
    s += "  in_port_reg: " + InPortRegText(o.in_port_reg) + "\n";
  }
  s +=
      "  trusted_remotes: " +
      (o.trusted.empty() ? std::string("none (carried fields are not restored)")
                         : FormatTrustedRemotes(o.trusted)) +
      "\n";
  s += UserspaceCountersText(port.dst_port);
  s += PipelineCountersText(port.dst_port);
  const std::string sync_error = DeviceSync::Get().Error(port.dpif_port);
  if (!sync_error.empty()) {
    s += "  kernel device not updated: " + sync_error + "\n";
  }
  std::optional<LinkInfo> link;
  try {
    link = ReadKernelDevice(port.dpif_port);
  } catch (const NetlinkError& e) {
    s += "  kernel device: " + port.dpif_port + ": " + e.what() + "\n";
    return s;
  }
  if (!link) {
    s += "  kernel device: none (userspace datapath, or not created)\n";
    return s;
  }
  const LinkStats& st = link->stats;
  s += "  kernel device: " + link->name + " (ifindex " +
       std::to_string(link->ifindex) + ", mtu " + std::to_string(link->mtu) +
       ", carry " + CarryText(link->config.carry.value_or(0)) + ")\n";
  s += "    rx: packets " + std::to_string(st.rx_packets) + " bytes " +
       std::to_string(st.rx_bytes) + " errors " + std::to_string(st.rx_errors) +
       " dropped " + std::to_string(st.rx_dropped) + "\n";
  s += "    tx: packets " + std::to_string(st.tx_packets) + " bytes " +
       std::to_string(st.tx_bytes) + " errors " + std::to_string(st.tx_errors) +
       " dropped " + std::to_string(st.tx_dropped) + "\n";
  // The driver's own counters (per drop reason, per carry decision); the
  // zero ones are left out, as there are many.
  std::string counters;
  for (const auto& [stat, value] : link->counters) {
    if (value) {
      counters +=
          "    " + CounterName(stat) + ": " + std::to_string(value) + "\n";
    }
  }
  s += counters.empty() ? "    (all mdtun counters are zero)\n" : counters;
  return s;
}

void ShowCommand(unixctl_conn* conn, int argc, const char* argv[]) noexcept {
  try {
    const std::string only = argc > 1 ? argv[1] : "";
    std::string reply;
    bool found = false;
    // A copy of the table: the kernel devices are read without its lock.
    for (const PortView& port : PortTable::Get().Ports()) {
      if (only.empty() || port.name == only) {
        reply += ShowPort(port);
        found = true;
      }
    }
    if (only.empty()) {
      reply += UnboundCountersText();
    }
    if (!only.empty() && !found) {
      unixctl_command_reply_error(conn, ("no mdtun port " + only).c_str());
    } else {
      unixctl_command_reply(conn,
                            reply.empty() ? "no mdtun ports\n" : reply.c_str());
    }
  } catch (const std::bad_alloc&) {
    OutOfMemory();
  } catch (const std::exception& e) {
    unixctl_command_reply_error(conn, e.what());
  }
}

}  // namespace

// As OVS's xmalloc() does.
[[noreturn]] void OutOfMemory() noexcept {
  VLOG_ABORT("mdtun plugin: virtual memory exhausted");
  std::abort();  // not reached
}

}  // namespace mdtun

// ---- The callbacks -----------------------------------------------------

// OVS calls these through the C function pointers of struct
// netdev_tunnel_class and unixctl: they have C language linkage, and
// internal linkage (static) so that their names clash with nothing.
extern "C" {

static void mdtun_show_command(unixctl_conn* conn, int argc, const char* argv[],
                               void* /* aux */) noexcept {
  mdtun::ShowCommand(conn, argc, argv);
}

static void mdtun_init(void) noexcept {
  unixctl_command_register("mdtun/show", "[port]", 0, 1, mdtun_show_command,
                           nullptr);
}

static void mdtun_run(void) noexcept { mdtun::DeviceSync::Get().Run(); }

static char* mdtun_parse_options(const netdev_tunnel_port* port,
                                 void** cfgp) noexcept {
  return mdtun::ParseOptions(port, cfgp);
}

static void mdtun_free_options(void* cfg) noexcept { mdtun::FreeOptions(cfg); }

static bool mdtun_options_equal(const void* a, const void* b) noexcept {
  return mdtun::OptionsEqual(a, b);
}

static void mdtun_get_options(const void* cfg, netdev_tunnel_put_func* put,
                              void* aux) noexcept {
  mdtun::GetOptions(cfg, put, aux);
}

static void mdtun_get_status(const void* cfg, netdev_tunnel_put_func* put,
                             void* aux) noexcept {
  mdtun::GetStatus(cfg, put, aux);
}

static void mdtun_put_vport_options(const void* cfg, ofpbuf* msg) noexcept {
  mdtun::PutVportOptions(cfg, msg);
}

static void mdtun_put_link_data(const void* cfg, uint16_t dst_port,
                                ofpbuf* msg) noexcept {
  mdtun::PutLinkData(cfg, dst_port, msg);
}

static bool mdtun_check_link_data(const void* cfg, uint16_t dst_port,
                                  const void* data, size_t size) noexcept {
  return mdtun::CheckLinkData(cfg, dst_port, data, size);
}

}  // extern "C"

namespace mdtun {
namespace {

// ---- Registration ---------------------------------------------------------

// Registers the tunnel class while ovs-vswitchd starts (static
// initialization, before main()).  OVS keeps a pointer to class_, so the
// Registrar lives as long as the program.
class Registrar {
 public:
  Registrar() {
    // The facts OVS's generic code asks the class for.
    class_.type = "mdtun";
    class_.dpif_port = "mdtun_sys";
    class_.vport_type = OVS_VPORT_TYPE_MDTUN;
    class_.link_kind = MDTUN_LINK_KIND;
    class_.nw_proto = IPPROTO_UDP;
    class_.dst_port = MDTUN_UDP_PORT;
    class_.needs_dst_port = true;
    class_.has_csum = true;
    class_.layers = NETDEV_TNL_L2;
    // The TLV area uses Geneve option encoding: OVS hands the flow's
    // tun_metadata to the kernel datapath as Geneve options.
    class_.geneve_opts = true;

    // Userspace datapath native tunnelling (mdtun-native.h,
    // mdtun_userspace.h).
    class_.build_header = mdtun_native_build_header;
    class_.push_header = mdtun_native_push_header;
    class_.pop_header = mdtun_native_pop_header;
    class_.format_header = mdtun_format_header;
    class_.parse_header = mdtun_parse_header;
    class_.options = kOptionKeys;
    class_.init = mdtun_init;
    class_.run = mdtun_run;
    class_.parse_options = mdtun_parse_options;
    class_.free_options = mdtun_free_options;
    class_.options_equal = mdtun_options_equal;
    class_.get_options = mdtun_get_options;
    class_.get_status = mdtun_get_status;
    // OVS asks for a vport of type OVS_VPORT_TYPE_MDTUN first and creates
    // an rtnetlink "mdtun" link only if the kernel does not know the type.
    class_.put_vport_options = mdtun_put_vport_options;
    class_.put_link_data = mdtun_put_link_data;
    class_.check_link_data = mdtun_check_link_data;
    // The OpenFlow pipeline's fields across the tunnel (mdtun-pipeline.c).
    class_.xlate_output = mdtun_pipeline_xlate_output;
    class_.xlate_input = mdtun_pipeline_xlate_input;

    int error = netdev_tunnel_class_register(&class_);
    if (error) {
      // vlog is not usable this early (before main()); stderr reaches the
      // log of a daemonized ovs-vswitchd only via its monitor.
      std::fprintf(stderr, "mdtun: cannot register tunnel type: %s\n",
                   std::strerror(error));
    }
  }
  Registrar(const Registrar&) = delete;
  Registrar& operator=(const Registrar&) = delete;

 private:
  netdev_tunnel_class class_{};
};

const Registrar registrar;

}  // namespace
}  // namespace mdtun
