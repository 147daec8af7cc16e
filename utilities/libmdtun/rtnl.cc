// SPDX-License-Identifier: Apache-2.0
//
// The mdtun link kind, taught to libnl-route-3.
//
// Choice: mdtun is registered with libnl as link-info ops (struct
// rtnl_link_info_ops, rtnl_link_register_info()), option (a) of the design
// notes, rather than building IFLA_LINKINFO by hand with the libnl core
// message API (option (b)).  With the ops, rtnl_link_add(), the change
// request builder and the link cache build and parse IFLA_INFO_DATA and
// IFLA_INFO_XSTATS through MdtunInfoOps::Put()/Parse() below, exactly like
// libnl's own vxlan or geneve modules: one code path for every verb, the
// rest of the link (name, ifindex, flags, mtu, stats64) parsed by libnl.
//
// The price is that libnl exports rtnl_link_register_info() but keeps the
// struct in a private header (netlink-private/route/link/api.h up to 3.7,
// lib/route/link/link-api.h from 3.8), so it is mirrored below.  Checked
// against libnl's sources: the layout is the same from 3.2.28 (which added
// io_compare) through 3.12.0; before 3.2.28 io_list sat where io_compare
// is, which would also work (our io_compare is null and libnl never reads
// past its own struct), but it is untested.  The #if below refuses libnl
// versions outside that range so that a future layout change fails the
// build instead of corrupting memory; define MDTUN_CTL_LIBNL_LAYOUT_CHECKED
// after checking a new version's struct.  Debian 12 ships 3.7.0.
//
// The per-link data lives in a side table keyed by the link, since the
// slot libnl keeps for it (l_info) is in the equally private struct
// rtnl_link.
//
// "set" does not call rtnl_link_change(): when the kernel refuses an
// RTM_NEWLINK change with EOPNOTSUPP, that function silently retries as
// RTM_SETLINK, which ignores IFLA_LINKINFO, and reports success for a
// change that was not made.  Set() builds the same request with
// rtnl_link_build_change_request() and sends it once.

#include "libmdtun/rtnl.h"

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/version.h>
#include <sys/socket.h>

#include <cctype>
#include <cstring>
#include <map>
#include <optional>
#include <unordered_map>

#include "mdtun/if_mdtun.h"

#if !defined(MDTUN_CTL_LIBNL_LAYOUT_CHECKED) &&                  \
    (LIBNL_VER_NUM < LIBNL_VER(3, 2) ||                          \
     (LIBNL_VER_NUM == LIBNL_VER(3, 2) && LIBNL_VER_MIC < 28) || \
     LIBNL_VER_NUM > LIBNL_VER(3, 12))
#error \
    "struct rtnl_link_info_ops not checked for this libnl version; see the top of rtnl.cc"
#endif

extern "C" {
// Mirror of libnl 3.2.28-3.12.0's private struct rtnl_link_info_ops.
struct rtnl_link_info_ops {
  char* io_name;
  int io_refcnt;
  int (*io_alloc)(struct rtnl_link*);
  int (*io_parse)(struct rtnl_link*, struct nlattr*, struct nlattr*);
  void (*io_dump[NL_DUMP_MAX + 1])(struct rtnl_link*, struct nl_dump_params*);
  int (*io_clone)(struct rtnl_link*, struct rtnl_link*);
  int (*io_put_attrs)(struct nl_msg*, struct rtnl_link*);
  void (*io_free)(struct rtnl_link*);
  int (*io_compare)(struct rtnl_link*, struct rtnl_link*, int flags);
  struct nl_list_head io_list;
};
int rtnl_link_register_info(struct rtnl_link_info_ops*);
int rtnl_link_unregister_info(struct rtnl_link_info_ops*);
}

namespace mdtun {
namespace {

struct LinkData {
  LinkConfig config;
  std::map<int, uint64_t> counters;
};

// The registration of kind "mdtun" with libnl, and the data of each
// rtnl_link object of that kind.
class MdtunInfoOps {
 public:
  static MdtunInfoOps& Get() {
    static MdtunInfoOps instance;
    return instance;
  }
  LinkData& Data(rtnl_link* link) { return data_[link]; }

 private:
  MdtunInfoOps() {
    ops_.io_name = const_cast<char*>(MDTUN_LINK_KIND);
    ops_.io_alloc = [](rtnl_link* l) {
      Get().data_[l] = LinkData();
      return 0;
    };
    ops_.io_free = [](rtnl_link* l) { Get().data_.erase(l); };
    ops_.io_clone = [](rtnl_link* dst, rtnl_link* src) {
      Get().data_[dst] = Get().data_[src];
      return 0;
    };
    ops_.io_parse = [](rtnl_link* l, nlattr* data, nlattr* xstats) {
      return Get().Parse(l, data, xstats);
    };
    ops_.io_put_attrs = [](nl_msg* msg, rtnl_link* l) {
      return Get().Put(msg, l);
    };
    int err = rtnl_link_register_info(&ops_);
    if (err < 0)
      throw NetlinkError(
          std::string("cannot register link kind " MDTUN_LINK_KIND
                      " with libnl: ") +
          nl_geterror(err));
  }
  // libnl's list of kinds outlives us (it is libnl's static data); leave it
  // without a dangling entry.  Every link is freed by then (refcount 0).
  ~MdtunInfoOps() { rtnl_link_unregister_info(&ops_); }

  static std::optional<IpAddr> Addr(nlattr* a, bool v6) {
    if (!a || nla_len(a) != (v6 ? 16 : 4)) return std::nullopt;
    IpAddr addr;
    addr.v6 = v6;
    memcpy(addr.bytes.data(), nla_data(a), v6 ? 16 : 4);
    return addr;
  }
  static std::optional<uint8_t> U8(nlattr* a) {
    if (!a || nla_len(a) < 1) return std::nullopt;
    return nla_get_u8(a);
  }

  int Parse(rtnl_link* link, nlattr* data, nlattr* xstats) {
    LinkData& d = data_[link];
    if (data) {
      nlattr* tb[IFLA_MDTUN_MAX + 1];
      int err = nla_parse_nested(tb, IFLA_MDTUN_MAX, data, nullptr);
      if (err < 0) return err;
      LinkConfig& c = d.config;
      c.external = tb[IFLA_MDTUN_COLLECT_METADATA] != nullptr;
      if (tb[IFLA_MDTUN_ID] && nla_len(tb[IFLA_MDTUN_ID]) == 4)
        c.id = nla_get_u32(tb[IFLA_MDTUN_ID]);
      c.remote = Addr(tb[IFLA_MDTUN_REMOTE], false);
      if (!c.remote) c.remote = Addr(tb[IFLA_MDTUN_REMOTE6], true);
      c.local = Addr(tb[IFLA_MDTUN_LOCAL], false);
      if (!c.local) c.local = Addr(tb[IFLA_MDTUN_LOCAL6], true);
      if (tb[IFLA_MDTUN_PORT] && nla_len(tb[IFLA_MDTUN_PORT]) == 2)
        c.port = ntohs(nla_get_u16(tb[IFLA_MDTUN_PORT]));
      if (auto ttl = U8(tb[IFLA_MDTUN_TTL]))
        c.ttl =
            HopSetting{U8(tb[IFLA_MDTUN_TTL_INHERIT]).value_or(0) != 0, *ttl};
      if (auto tos = U8(tb[IFLA_MDTUN_TOS]))
        c.tos =
            HopSetting{U8(tb[IFLA_MDTUN_TOS_INHERIT]).value_or(0) != 0, *tos};
      c.df = U8(tb[IFLA_MDTUN_DF]);
      if (auto v = U8(tb[IFLA_MDTUN_UDP_CSUM])) c.csum = *v != 0;
      if (auto v = U8(tb[IFLA_MDTUN_UDP_ZERO_CSUM6_TX]))
        c.zero_csum6_tx = *v != 0;
      if (auto v = U8(tb[IFLA_MDTUN_UDP_ZERO_CSUM6_RX]))
        c.zero_csum6_rx = *v != 0;
      if (tb[IFLA_MDTUN_CARRY] && nla_len(tb[IFLA_MDTUN_CARRY]) == 4)
        c.carry = nla_get_u32(tb[IFLA_MDTUN_CARRY]);
      if (tb[IFLA_MDTUN_TRUST]) c.trust = ParseTrust(tb[IFLA_MDTUN_TRUST]);
    }
    if (xstats) {
      nlattr* pos;
      int rem;
      nla_for_each_nested(pos, xstats, rem) {
        if (nla_type(pos) >= MDTUN_STAT_RX_HDR_TRUNCATED && nla_len(pos) == 8)
          d.counters[nla_type(pos)] = nla_get_u64(pos);
      }
    }
    return 0;
  }

  static std::vector<TrustPrefix> ParseTrust(nlattr* nest) {
    std::vector<TrustPrefix> out;
    nlattr* pos;
    int rem;
    nla_for_each_nested(pos, nest, rem) {
      nlattr* tb[IFLA_MDTUN_PREFIX_MAX + 1];
      if (nla_parse_nested(tb, IFLA_MDTUN_PREFIX_MAX, pos, nullptr) < 0 ||
          !tb[IFLA_MDTUN_PREFIX_ADDR] || !tb[IFLA_MDTUN_PREFIX_LEN])
        continue;
      int len = nla_len(tb[IFLA_MDTUN_PREFIX_ADDR]);
      if (len != 4 && len != 16) continue;
      TrustPrefix p;
      p.ipv6 = len == 16;
      memcpy(p.addr.data(), nla_data(tb[IFLA_MDTUN_PREFIX_ADDR]), len);
      p.len = nla_get_u8(tb[IFLA_MDTUN_PREFIX_LEN]);
      out.push_back(p);
    }
    return out;
  }

  int Put(nl_msg* msg, rtnl_link* link) {
    const LinkConfig& c = data_[link].config;
    nlattr* data = nla_nest_start(msg, IFLA_INFO_DATA);
    if (!data) return -NLE_NOMEM;
    int err = 0;
    auto ok = [&err](int e) {
      if (e < 0 && !err) err = e;
    };
    if (c.external) ok(nla_put_flag(msg, IFLA_MDTUN_COLLECT_METADATA));
    if (c.id) ok(nla_put_u32(msg, IFLA_MDTUN_ID, *c.id));
    if (c.remote)
      ok(nla_put(msg, c.remote->v6 ? IFLA_MDTUN_REMOTE6 : IFLA_MDTUN_REMOTE,
                 c.remote->v6 ? 16 : 4, c.remote->bytes.data()));
    if (c.local)
      ok(nla_put(msg, c.local->v6 ? IFLA_MDTUN_LOCAL6 : IFLA_MDTUN_LOCAL,
                 c.local->v6 ? 16 : 4, c.local->bytes.data()));
    if (c.port) ok(nla_put_u16(msg, IFLA_MDTUN_PORT, htons(*c.port)));
    if (c.ttl) {
      ok(nla_put_u8(msg, IFLA_MDTUN_TTL_INHERIT, c.ttl->inherit));
      if (!c.ttl->inherit) ok(nla_put_u8(msg, IFLA_MDTUN_TTL, c.ttl->value));
    }
    if (c.tos) {
      ok(nla_put_u8(msg, IFLA_MDTUN_TOS_INHERIT, c.tos->inherit));
      if (!c.tos->inherit) ok(nla_put_u8(msg, IFLA_MDTUN_TOS, c.tos->value));
    }
    if (c.df) ok(nla_put_u8(msg, IFLA_MDTUN_DF, *c.df));
    if (c.csum) ok(nla_put_u8(msg, IFLA_MDTUN_UDP_CSUM, *c.csum));
    if (c.zero_csum6_tx)
      ok(nla_put_u8(msg, IFLA_MDTUN_UDP_ZERO_CSUM6_TX, *c.zero_csum6_tx));
    if (c.zero_csum6_rx)
      ok(nla_put_u8(msg, IFLA_MDTUN_UDP_ZERO_CSUM6_RX, *c.zero_csum6_rx));
    if (c.carry) ok(nla_put_u32(msg, IFLA_MDTUN_CARRY, *c.carry));
    if (c.trust) {
      nlattr* list = nla_nest_start(msg, IFLA_MDTUN_TRUST);
      if (!list) return -NLE_NOMEM;
      for (const TrustPrefix& p : *c.trust) {
        nlattr* entry = nla_nest_start(msg, IFLA_MDTUN_TRUST_PREFIX);
        if (!entry) return -NLE_NOMEM;
        ok(nla_put(msg, IFLA_MDTUN_PREFIX_ADDR, static_cast<int>(p.AddrSize()),
                   p.addr.data()));
        ok(nla_put_u8(msg, IFLA_MDTUN_PREFIX_LEN, p.len));
        nla_nest_end(msg, entry);
      }
      // An empty list means "trust nothing": libnl would drop it as empty.
      nla_nest_end_keep_empty(msg, list);
    }
    nla_nest_end(msg, data);
    return err;
  }

  rtnl_link_info_ops ops_{};
  std::unordered_map<rtnl_link*, LinkData> data_;
};

struct LinkDeleter {
  void operator()(rtnl_link* l) const { rtnl_link_put(l); }
};
using LinkPtr = std::unique_ptr<rtnl_link, LinkDeleter>;

struct CacheDeleter {
  void operator()(nl_cache* c) const { nl_cache_free(c); }
};

struct MsgDeleter {
  void operator()(nl_msg* m) const { nlmsg_free(m); }
};
using MsgPtr = std::unique_ptr<nl_msg, MsgDeleter>;

LinkPtr NewMdtunLink(const std::string& name) {
  LinkPtr link(rtnl_link_alloc());
  if (!link) throw NetlinkError("out of memory");
  if (!name.empty()) rtnl_link_set_name(link.get(), name.c_str());
  rtnl_link_set_type(link.get(), MDTUN_LINK_KIND);
  return link;
}

bool IsMdtun(rtnl_link* link) {
  const char* type = rtnl_link_get_type(link);
  return type && strcmp(type, MDTUN_LINK_KIND) == 0;
}

}  // namespace

// The kernel's extended ack for the last request, caught by an error
// callback (libnl 3.7 reports only the errno).
struct Rtnl::AckState {
  std::string message;

  static int OnError(sockaddr_nl*, nlmsgerr* err, void* arg) {
    auto* self = static_cast<AckState*>(arg);
    const auto* hdr = reinterpret_cast<const nlmsghdr*>(
        reinterpret_cast<const char*>(err) - NLMSG_HDRLEN);
    self->message.clear();
    if (hdr->nlmsg_flags & NLM_F_ACK_TLVS) {
      size_t offset = sizeof(*err);
      if (!(hdr->nlmsg_flags & NLM_F_CAPPED))
        offset += err->msg.nlmsg_len - NLMSG_HDRLEN;
      const long len = static_cast<long>(hdr->nlmsg_len) - NLMSG_HDRLEN -
                       static_cast<long>(offset);
      if (len > 0) {
        nlattr* tb[NLMSGERR_ATTR_MAX + 1];
        auto* attrs =
            reinterpret_cast<nlattr*>(reinterpret_cast<char*>(err) + offset);
        if (nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, static_cast<int>(len),
                      nullptr) == 0 &&
            tb[NLMSGERR_ATTR_MSG])
          self->message = nla_get_string(tb[NLMSGERR_ATTR_MSG]);
      }
    }
    return NL_STOP;  // libnl turns err->error into its own code
  }
};

void Rtnl::Deleter::operator()(nl_sock* sk) const { nl_socket_free(sk); }

Rtnl::Rtnl() : sock_(nl_socket_alloc()), ack_(std::make_unique<AckState>()) {
  MdtunInfoOps::Get();
  if (!sock_) throw NetlinkError("cannot allocate a netlink socket");
  int err = nl_connect(sock_.get(), NETLINK_ROUTE);
  if (err < 0) Fail("cannot open an rtnetlink socket", err);
  int one = 1;
  // Ask for the kernel's reason with each refusal.
  setsockopt(nl_socket_get_fd(sock_.get()), SOL_NETLINK, NETLINK_EXT_ACK, &one,
             sizeof(one));
  nl_socket_modify_err_cb(sock_.get(), NL_CB_CUSTOM, &AckState::OnError,
                          ack_.get());
}

Rtnl::~Rtnl() = default;

void Rtnl::Fail(const std::string& what, int nlerr) const {
  std::string reason =
      ack_->message.empty() ? nl_geterror(nlerr) : ack_->message;
  throw NetlinkError(what + ": " + reason);
}

void Rtnl::Add(const std::string& name, const LinkConfig& config) {
  LinkPtr link = NewMdtunLink(name);
  MdtunInfoOps::Get().Data(link.get()).config = config;
  ack_->message.clear();
  int err = rtnl_link_add(sock_.get(), link.get(), NLM_F_CREATE | NLM_F_EXCL);
  if (err == -NLE_EXIST && ack_->message.empty())
    throw NetlinkError("add " + name + ": a link with that name exists");
  if (err < 0) Fail("add " + name, err);
}

void Rtnl::Set(const std::string& name, const LinkConfig& changes) {
  std::vector<LinkInfo> current = List(name);  // checks it is an mdtun link
  // List() throws first; do not rely on it here.
  if (current.empty()) throw NetlinkError(name + ": not an mdtun device");
  LinkPtr orig(rtnl_link_alloc());
  if (!orig) throw NetlinkError("out of memory");
  rtnl_link_set_ifindex(orig.get(), current[0].ifindex);
  rtnl_link_set_name(orig.get(), name.c_str());
  LinkPtr link = NewMdtunLink("");
  MdtunInfoOps::Get().Data(link.get()).config = changes;
  // Sent once as RTM_NEWLINK: see the top of this file for why not
  // rtnl_link_change().
  nl_msg* raw = nullptr;
  int err = rtnl_link_build_change_request(orig.get(), link.get(), 0, &raw);
  MsgPtr msg(raw);
  if (err < 0) Fail("set " + name, err);
  ack_->message.clear();
  err = nl_send_auto(sock_.get(), msg.get());
  if (err >= 0) err = nl_wait_for_ack(sock_.get());
  if (err < 0) Fail("set " + name, err);
}

void Rtnl::Del(const std::string& name) {
  List(name);  // refuse to delete a link that is not ours
  LinkPtr link(rtnl_link_alloc());
  if (!link) throw NetlinkError("out of memory");
  rtnl_link_set_name(link.get(), name.c_str());
  ack_->message.clear();
  int err = rtnl_link_delete(sock_.get(), link.get());
  if (err < 0) Fail("del " + name, err);
}

std::vector<LinkInfo> Rtnl::List(const std::string& name) {
  nl_cache* raw = nullptr;
  ack_->message.clear();
  int err = rtnl_link_alloc_cache(sock_.get(), AF_UNSPEC, &raw);
  if (err < 0) Fail("cannot list links", err);
  std::unique_ptr<nl_cache, CacheDeleter> cache(raw);

  std::vector<LinkInfo> out;
  bool found = false;
  for (nl_object* obj = nl_cache_get_first(cache.get()); obj;
       obj = nl_cache_get_next(obj)) {
    auto* link = reinterpret_cast<rtnl_link*>(obj);
    const char* link_name = rtnl_link_get_name(link);
    if (!name.empty() && (!link_name || name != link_name)) continue;
    found = true;
    if (!IsMdtun(link)) continue;
    LinkInfo info;
    info.name = link_name ? link_name : "";
    info.ifindex = rtnl_link_get_ifindex(link);
    info.mtu = rtnl_link_get_mtu(link);
    char buf[32];
    info.operstate =
        rtnl_link_operstate2str(rtnl_link_get_operstate(link), buf, sizeof buf);
    // As ip(8) prints it.
    for (char& ch : info.operstate) ch = static_cast<char>(toupper(ch));
    info.flags = rtnl_link_get_flags(link);
    const LinkData& d = MdtunInfoOps::Get().Data(link);
    info.config = d.config;
    info.counters = d.counters;
    LinkStats& s = info.stats;
    s.rx_packets = rtnl_link_get_stat(link, RTNL_LINK_RX_PACKETS);
    s.rx_bytes = rtnl_link_get_stat(link, RTNL_LINK_RX_BYTES);
    s.rx_errors = rtnl_link_get_stat(link, RTNL_LINK_RX_ERRORS);
    s.rx_dropped = rtnl_link_get_stat(link, RTNL_LINK_RX_DROPPED);
    s.tx_packets = rtnl_link_get_stat(link, RTNL_LINK_TX_PACKETS);
    s.tx_bytes = rtnl_link_get_stat(link, RTNL_LINK_TX_BYTES);
    s.tx_errors = rtnl_link_get_stat(link, RTNL_LINK_TX_ERRORS);
    s.tx_dropped = rtnl_link_get_stat(link, RTNL_LINK_TX_DROPPED);
    out.push_back(std::move(info));
  }
  if (!name.empty() && !found) throw NetlinkError(name + ": no such device");
  if (!name.empty() && out.empty())
    throw NetlinkError(name + ": not an mdtun device");
  return out;
}

}  // namespace mdtun
