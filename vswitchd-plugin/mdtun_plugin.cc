// SPDX-License-Identifier: Apache-2.0
//
// The mdtun tunnel type for ovs-vswitchd 3.1.
//
// This file is linked into ovs-vswitchd as an object file (not from an
// archive, which the linker would skip because nothing refers to it).  Its
// one global, the Registrar below, registers the "mdtun" tunnel type with
// OVS's tunnel plugin hook (lib/netdev-tunnel-plugin.h, added by
// ovs-patches/0001-*.patch) while the program starts, before OVS opens any
// netdev.  OVS then:
//   - parses the generic tunnel options (remote_ip, local_ip, key, dst_port,
//     tos, ttl, csum, df_default, ...) as for geneve and hands all options
//     to ParseOptions(), which parses mdtun's own (mdtun_options.h) and puts
//     a bad one in the Interface's "error" column;
//   - kernel datapath: asks openvswitch.ko for a vport of type
//     OVS_VPORT_TYPE_MDTUN (vport-mdtun.ko, autoloaded by its alias) with
//     PutVportOptions(); when the kernel does not know that type, creates
//     an "mdtun" link in collect-metadata mode over rtnetlink (PutLinkData())
//     and attaches it as a netdev vport, as it does for geneve;
//   - calls Init() once, which registers "ovs-appctl mdtun/show".
//
// Either way the kernel device is an mdtun link named after the datapath
// port ("mdtun_sys_7081"), shared by the mdtun ports with that UDP port.
// Its carry set and trust list are the ports' options: a change to them on
// a running port is pushed to the device over rtnetlink (SyncKernelDevice()),
// and mdtun/show reads the device's counters the same way, with
// mdtun-ctl's rtnetlink client (utilities/mdtun-ctl/netlink.h).
//
// Every callback is noexcept: no C++ exception may unwind into OVS.

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <net/if.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "mdtun-ctl/format.h"
#include "mdtun-ctl/netlink.h"
#include "mdtun/codec.h"
#include "mdtun/if_mdtun.h"
#include "mdtun/ovs_mdtun.h"
#include "mdtun_options.h"
#include "netdev-tunnel-plugin.h"  // OVS, patched
#include "openvswitch/ofpbuf.h"    // OVS
#include "openvswitch/vlog.h"      // OVS
#include "unixctl.h"               // OVS

VLOG_DEFINE_THIS_MODULE(mdtun_plugin);

namespace mdtun {
namespace {

namespace ctl = mdtun::ctl;

using OptionList = std::vector<std::pair<std::string, std::string>>;

// ---- Per-port configuration ---------------------------------------------

class PortConfig;

// The live PortConfig objects, for mdtun/show.  OVS owns each object (as
// the netdev's plugin configuration) and frees it when the port goes or is
// reconfigured; the object enrolls and withdraws itself.
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
    return ++last_seq_;
  }
  void Remove(const PortConfig* port) {
    std::lock_guard<std::mutex> lock(mutex_);
    ports_.erase(port);
  }
  // Calls @fn for every port, ordered by name, under the table's lock.  Of
  // several configurations with the same name only the newest is the
  // port's: OVS may keep an older netdev object of a port alive for a while
  // (seen after a port was deleted because of a bad reconfiguration).
  template <typename Fn>
  void ForEachSorted(Fn fn) const;

 private:
  PortTable() = default;
  mutable std::mutex mutex_;
  std::set<const PortConfig*> ports_;
  uint64_t last_seq_ = 0;
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
  uint16_t dst_port() const { return dst_port_; }
  const OptionList& options() const { return options_; }
  const PortOptions& parsed() const { return parsed_; }
  uint64_t seq() const { return seq_; }

  bool operator==(const PortConfig& o) const {
    return name_ == o.name_ && dpif_port_ == o.dpif_port_ &&
           dst_port_ == o.dst_port_ && options_ == o.options_ &&
           parsed_ == o.parsed_;
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
  const OptionList options_;  // all of the port's options, as configured
  const PortOptions parsed_;
  const uint64_t seq_;
};

template <typename Fn>
void PortTable::ForEachSorted(Fn fn) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<const PortConfig*> sorted(ports_.begin(), ports_.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const PortConfig* a, const PortConfig* b) {
              return a->name() != b->name() ? a->name() < b->name()
                                            : a->seq() > b->seq();
            });
  const PortConfig* prev = nullptr;
  for (const PortConfig* port : sorted) {
    if (!prev || prev->name() != port->name()) {
      fn(*port);
    }
    prev = port;
  }
}

const PortConfig& Cfg(const void* cfg) {
  return *static_cast<const PortConfig*>(cfg);
}

// OVS frees error strings with free().
char* MallocString(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p) {
    std::memcpy(p, s.c_str(), s.size() + 1);
  }
  return p;
}

std::string CarryText(uint32_t carry) {
  return carry ? FormatCarry(carry) : "none";
}

std::string TrustText(const std::vector<TrustPrefix>& trusted) {
  return trusted.empty() ? "none" : FormatTrustedRemotes(trusted);
}

// ---- The kernel device -------------------------------------------------

// The port's kernel device as the driver reports it, or nothing when there
// is none (userspace datapath, or not created yet).  Throws
// ctl::NetlinkError.
std::optional<ctl::LinkInfo> ReadKernelDevice(const std::string& name) {
  if (!if_nametoindex(name.c_str())) {
    return std::nullopt;
  }
  std::vector<ctl::LinkInfo> links = ctl::Rtnl().List(name);
  return std::move(links.front());
}

// Gives the port's kernel device the port's carry set and trust list if it
// has others: OVS creates the device (or vport) with the options of the
// moment and does not touch it again while the port lives, nor when a
// restarted ovs-vswitchd finds it in the datapath.  Before the device
// exists there is nothing to do: it is then created with these options.
void SyncKernelDevice(const PortConfig& port) noexcept {
  static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);
  const std::string& dev = port.dpif_port();
  const PortOptions& o = port.parsed();
  try {
    std::optional<ctl::LinkInfo> link = ReadKernelDevice(dev);
    if (!link || (link->config.carry.value_or(0) == o.carry &&
                  link->config.trust.value_or(std::vector<TrustPrefix>{}) ==
                      o.trusted)) {
      return;
    }
    ctl::LinkConfig change;
    change.carry = o.carry;
    change.trust = o.trusted;  // an empty list clears the device's
    ctl::Rtnl().Set(dev, change);
    VLOG_INFO("%s: kernel device %s now has carry=%s trusted_remotes=%s",
              port.name().c_str(), dev.c_str(), CarryText(o.carry).c_str(),
              TrustText(o.trusted).c_str());
  } catch (const std::exception& e) {
    VLOG_WARN_RL(&rl, "%s: cannot update kernel device %s: %s",
                 port.name().c_str(), dev.c_str(), e.what());
  }
}

// ---- Options ------------------------------------------------------------

const char* const kOptionKeys[] = {"carry", "trusted_remotes", nullptr};

char* ParseOptions(const netdev_tunnel_plugin_port* port,
                   void** cfgp) noexcept {
  try {
    OptionList options;
    options.reserve(port->n_options);
    for (size_t i = 0; i < port->n_options; i++) {
      options.emplace_back(port->options[i].key, port->options[i].value);
    }
    PortOptions parsed;
    std::string error = ParsePortOptions(options, &parsed);
    if (!error.empty()) {
      return MallocString(error);
    }
    auto* cfg = new PortConfig(port->name, port->dpif_port, port->dst_port,
                               std::move(options), std::move(parsed));
    *cfgp = cfg;
    SyncKernelDevice(*cfg);
    return nullptr;
  } catch (const std::exception& e) {
    return MallocString(std::string("mdtun plugin: ") + e.what());
  }
}

void FreeOptions(void* cfg) noexcept { delete static_cast<PortConfig*>(cfg); }

bool OptionsEqual(const void* a, const void* b) noexcept {
  return Cfg(a) == Cfg(b);
}

void GetOptions(const void* cfg, netdev_tunnel_plugin_put_func* put,
                void* aux) noexcept {
  try {
    const PortOptions& o = Cfg(cfg).parsed();
    if (o.carry) {
      put(aux, "carry", FormatCarry(o.carry).c_str());
    }
    if (!o.trusted.empty()) {
      put(aux, "trusted_remotes", FormatTrustedRemotes(o.trusted).c_str());
    }
  } catch (const std::exception&) {
    // Out of memory: the options are just not reported.
  }
}

void GetStatus(const void* cfg, netdev_tunnel_plugin_put_func* put,
               void* aux) noexcept {
  const PortConfig& port = Cfg(cfg);
  put(aux, "mdtun_dpif_port", port.dpif_port().c_str());
  put(aux, "mdtun_kernel_device", port.KernelIfindex() ? "present" : "absent");
  const PortOptions& o = port.parsed();
  if (o.carry && o.trusted.empty()) {
    // A collect-metadata port has no fixed remote to trust.
    put(aux, "mdtun_warning",
        "carry set but no trusted_remotes: received fields are not restored");
  }
  try {
    // The ports on one UDP port share one kernel device, which has one
    // carry set and trust list: the newest configuration's.
    std::string others;
    PortTable::Get().ForEachSorted([&](const PortConfig& other) {
      if (other.name() != port.name() &&
          other.dpif_port() == port.dpif_port() &&
          other.parsed() != port.parsed()) {
        others += (others.empty() ? "" : ", ") + other.name();
      }
    });
    if (!others.empty()) {
      put(aux, "mdtun_conflict",
          ("carry/trusted_remotes differ from " + others + ", which share " +
           port.dpif_port() + "; the kernel device has the newest")
              .c_str());
    }
  } catch (const std::exception&) {
    // Out of memory: no warning.
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

std::string ShowPort(const PortConfig& port) {
  const PortOptions& o = port.parsed();
  std::string s = port.name() + ":\n";
  s += "  datapath port: " + port.dpif_port() + " (UDP port " +
       std::to_string(port.dst_port()) + ")\n";
  s += "  options:";
  for (const auto& [key, value] : port.options()) {
    s += " " + key + "=" + value;
  }
  s += "\n";
  s += "  carry: " + CarryText(o.carry) + "\n";
  s +=
      "  trusted_remotes: " +
      (o.trusted.empty() ? std::string("none (carried fields are not restored)")
                         : FormatTrustedRemotes(o.trusted)) +
      "\n";
  std::optional<ctl::LinkInfo> link;
  try {
    link = ReadKernelDevice(port.dpif_port());
  } catch (const std::exception& e) {
    s += "  kernel device: " + port.dpif_port() + ": " + e.what() + "\n";
    return s;
  }
  if (!link) {
    s += "  kernel device: none (userspace datapath, or not created)\n";
    return s;
  }
  const ctl::LinkStats& st = link->stats;
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
          "    " + ctl::CounterName(stat) + ": " + std::to_string(value) + "\n";
    }
  }
  s += counters.empty() ? "    (all mdtun counters are zero)\n" : counters;
  return s;
}

void ShowCommand(unixctl_conn* conn, int argc, const char* argv[],
                 void* /* aux */) noexcept {
  try {
    const std::string only = argc > 1 ? argv[1] : "";
    std::string reply;
    bool found = false;
    PortTable::Get().ForEachSorted([&](const PortConfig& port) {
      if (only.empty() || port.name() == only) {
        reply += ShowPort(port);
        found = true;
      }
    });
    if (!only.empty() && !found) {
      unixctl_command_reply_error(conn, ("no mdtun port " + only).c_str());
    } else {
      unixctl_command_reply(conn,
                            reply.empty() ? "no mdtun ports\n" : reply.c_str());
    }
  } catch (const std::exception& e) {
    unixctl_command_reply_error(conn, e.what());
  }
}

void Init() noexcept {
  unixctl_command_register("mdtun/show", "[port]", 0, 1, ShowCommand, nullptr);
}

// ---- Registration ---------------------------------------------------------

// Registers the tunnel type while ovs-vswitchd starts (static
// initialization, before main()).  OVS keeps a pointer to plugin_, so the
// Registrar lives as long as the program.
class Registrar {
 public:
  Registrar() {
    plugin_.type = "mdtun";
    plugin_.dpif_port = "mdtun_sys";
    plugin_.dst_port = MDTUN_UDP_PORT;
    plugin_.options = kOptionKeys;
    plugin_.init = Init;
    plugin_.parse_options = ParseOptions;
    plugin_.free_options = FreeOptions;
    plugin_.options_equal = OptionsEqual;
    plugin_.get_options = GetOptions;
    plugin_.get_status = GetStatus;
    plugin_.ovs_vport_type = OVS_VPORT_TYPE_MDTUN;
    plugin_.put_vport_options = PutVportOptions;
    // OVS asks for a vport of type OVS_VPORT_TYPE_MDTUN first and creates
    // an rtnetlink "mdtun" link only if the kernel does not know the type.
    plugin_.link_kind = MDTUN_LINK_KIND;
    plugin_.put_link_data = PutLinkData;
    plugin_.check_link_data = CheckLinkData;
    // Userspace datapath header ops (build/push/pop_header): not yet.
    // The TLV area uses Geneve option encoding: OVS hands the flow's
    // tun_metadata to the kernel datapath as Geneve options.
    plugin_.geneve_opts = true;

    int error = netdev_tunnel_plugin_register(&plugin_);
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
  netdev_tunnel_plugin plugin_{};
};

const Registrar registrar;

}  // namespace
}  // namespace mdtun
