// SPDX-License-Identifier: Apache-2.0
//
// The C++ side of mdtun on OVS's userspace datapath; see mdtun_userspace.h.

#include "mdtun_userspace.h"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "libmdtun/carry_trust.h"
#include "libmdtun/link.h"
#include "mdtun-native.h"
#include "mdtun/codec.h"
#include "mdtun_cstring.h"
#include "openvswitch/dynamic-string.h"  // OVS

namespace mdtun {
namespace {

mdtun_native_policy ToPolicy(uint16_t dst_port, const PortOptions& o) {
  mdtun_native_policy p{};
  p.dst_port = dst_port;
  p.carry = o.carry;
  p.pipeline = o.pipeline;
  p.in_port_reg = o.in_port_reg;
  for (const TrustPrefix& t : o.trusted) {
    if (p.n_trusted == MDTUN_TRUST_MAX) {
      break;  // the parser allows no more
    }
    mdtun_native_prefix& n = p.trusted[p.n_trusted++];
    n.ipv6 = t.ipv6;
    std::memcpy(n.addr, t.addr.data(), sizeof n.addr);
    n.len = t.len;
  }
  return p;
}

std::string CountersText(const uint64_t (&c)[MDTUN_NATIVE_N_COUNTERS]) {
  std::string s;
  for (size_t i = 0; i < MDTUN_NATIVE_N_COUNTERS; i++) {
    if (c[i]) {
      s += "    " + CounterName(static_cast<int>(i)) + ": " +
           std::to_string(c[i]) + "\n";
    }
  }
  return s;
}

std::string Hex(const uint8_t* p, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(2 * n);
  for (size_t i = 0; i < n; i++) {
    s += kDigits[p[i] >> 4];
    s += kDigits[p[i] & 0xf];
  }
  return s;
}

std::string HexNumber(unsigned long v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%lx", v);
  return buf;
}

// The structured text of a header the codec parses whole, or "".
std::string StructuredText(const uint8_t* h, size_t size) {
  mdtun_hdr hdr;
  if (mdtun_hdr_parse(h, size, &hdr) != MDTUN_OK ||
      size != MDTUN_HDR_LEN + size_t{hdr.md_len}) {
    return "";
  }
  std::string s = "mdtun(";
  if (hdr.flags & MDTUN_F_OAM) {
    s += "oam,";
  }
  if (hdr.flags & MDTUN_F_CRIT) {
    s += "crit,";
  }
  s += "vni=" + HexNumber(hdr.vni);
  if (hdr.md_len) {
    s += ",options(";
    mdtun_tlv_iter it;
    mdtun_tlv tlv;
    mdtun_tlv_iter_init(&it, h + MDTUN_HDR_LEN, hdr.md_len);
    while (mdtun_tlv_next(&it, &tlv)) {
      s += "{class=" + HexNumber(tlv.opt_class) +
           ",type=" + HexNumber(tlv.type) + ",len=" + std::to_string(tlv.len);
      if (tlv.len) {
        s += ",0x" + Hex(tlv.data, tlv.len);
      }
      s += "}";
    }
    if (it.status != MDTUN_OK) {
      return "";
    }
    s += ")";
  }
  return s + ")";
}

// Reads the text of ParseHeader().
class Scanner {
 public:
  explicit Scanner(const char* s) : start_(s), p_(s) {}

  size_t consumed() const { return static_cast<size_t>(p_ - start_); }
  bool Peek(char c) const { return *p_ == c; }

  bool Lit(std::string_view lit) {
    if (std::strncmp(p_, lit.data(), lit.size())) {
      return false;
    }
    p_ += lit.size();
    return true;
  }

  // A decimal or 0x-hex number of at most @max.
  bool Number(uint64_t max, uint64_t* v) {
    unsigned base = 10;
    if (p_[0] == '0' && (p_[1] == 'x' || p_[1] == 'X') &&
        std::isxdigit(static_cast<unsigned char>(p_[2]))) {
      base = 16;
      p_ += 2;
    }
    uint64_t value = 0;
    int digits = 0;
    for (;; p_++, digits++) {
      int d = Digit(*p_);
      if (d < 0 || d >= static_cast<int>(base)) {
        break;
      }
      if (value > (max - static_cast<uint64_t>(d)) / base) {
        return false;
      }
      value = value * base + static_cast<uint64_t>(d);
    }
    *v = value;
    return digits > 0;
  }

  // 0x and at most 2 * @n hex digits, right-aligned into @out[0..@n).
  bool HexField(size_t n, uint8_t* out) {
    if (!Lit("0x")) {
      return false;
    }
    const char* digits = p_;
    while (Digit(*p_) >= 0 && Digit(*p_) < 16) {
      p_++;
    }
    size_t count = static_cast<size_t>(p_ - digits);
    if (!count || count > 2 * n) {
      return false;
    }
    std::memset(out, 0, n);
    for (size_t i = 0; i < count; i++) {
      size_t nibble = 2 * n - count + i;  // position from the left
      uint8_t d = static_cast<uint8_t>(Digit(digits[i]));
      out[nibble / 2] |= nibble % 2 ? d : static_cast<uint8_t>(d << 4);
    }
    return true;
  }

  // An even number of hex digits (at least one byte), at most @room bytes.
  bool Bytes(size_t room, uint8_t* out, size_t* n) {
    *n = 0;
    while (Digit(p_[0]) >= 0 && Digit(p_[0]) < 16) {
      if (Digit(p_[1]) < 0 || Digit(p_[1]) >= 16 || *n == room) {
        return false;
      }
      out[(*n)++] = static_cast<uint8_t>(Digit(p_[0]) << 4 | Digit(p_[1]));
      p_ += 2;
    }
    return *n > 0;
  }

 private:
  static int Digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  const char* start_;
  const char* p_;
};

size_t ParseStructured(Scanner& in, uint8_t* header, size_t room,
                       size_t* size) {
  uint8_t buf[MDTUN_HDR_LEN + MDTUN_MD_MAX_LEN];
  mdtun_hdr hdr{};
  if (in.Lit("oam,")) {
    hdr.flags |= MDTUN_F_OAM;
  }
  if (in.Lit("crit,")) {
    hdr.flags |= MDTUN_F_CRIT;
  }
  uint64_t vni;
  if (!in.Lit("vni=") || !in.Number(MDTUN_VNI_MAX, &vni)) {
    return 0;
  }
  hdr.vni = static_cast<uint32_t>(vni);
  size_t md_len = 0;
  if (in.Lit(",options(")) {
    while (in.Lit("{class=")) {
      uint64_t opt_class, type, len;
      uint8_t data[MDTUN_TLV_MAX_DATA_LEN];
      if (!in.Number(0xffff, &opt_class) || !in.Lit(",type=") ||
          !in.Number(0xff, &type) || !in.Lit(",len=") ||
          !in.Number(MDTUN_TLV_MAX_DATA_LEN, &len)) {
        return 0;
      }
      if (len && (!in.Lit(",") || !in.HexField(len, data))) {
        return 0;
      }
      if (!in.Lit("}") ||
          mdtun_tlv_put(buf + MDTUN_HDR_LEN, MDTUN_MD_MAX_LEN, &md_len,
                        static_cast<uint16_t>(opt_class),
                        static_cast<uint8_t>(type), data, len) != MDTUN_OK) {
        return 0;
      }
    }
    if (!md_len || !in.Lit(")")) {
      return 0;
    }
  }
  hdr.protocol = MDTUN_PROTO_ETH;
  hdr.md_len = static_cast<uint16_t>(md_len);
  if (!in.Lit(")") || MDTUN_HDR_LEN + md_len > room ||
      mdtun_hdr_build(buf, MDTUN_HDR_LEN, &hdr) != MDTUN_OK) {
    return 0;
  }
  std::memcpy(header, buf, MDTUN_HDR_LEN + md_len);
  *size = MDTUN_HDR_LEN + md_len;
  return in.consumed();
}

}  // namespace

void PutUserspacePolicy(uint16_t dst_port, const PortOptions& options) {
  const mdtun_native_policy p = ToPolicy(dst_port, options);
  mdtun_native_put_policy(&p);
}

void SetUserspacePolicies(
    const std::vector<std::pair<uint16_t, PortOptions>>& ports) {
  std::vector<mdtun_native_policy> policies;
  policies.reserve(ports.size());
  for (const auto& [dst_port, options] : ports) {
    policies.push_back(ToPolicy(dst_port, options));
  }
  mdtun_native_set_policies(policies.data(), policies.size());
}

std::string PipelineCountersText(uint16_t dst_port) {
  mdtun_pipeline_counters c{};
  std::string s = "  pipeline fields (counted per upcall, UDP port " +
                  std::to_string(dst_port) + "):\n";
  if (!mdtun_native_read_pipeline_counters(dst_port, &c)) {
    return s + "    (no policy yet)\n";
  }
  std::string lines;
  for (unsigned int type = 0; type < MDTUN_PIPELINE_N_TYPES; type++) {
    const uint64_t* n = c.fields[type];
    if (!n[MDTUN_PIPELINE_RESTORED] && !n[MDTUN_PIPELINE_UNTRUSTED] &&
        !n[MDTUN_PIPELINE_NOT_CARRIED]) {
      continue;
    }
    // The name that options:carry uses.
    const std::string name = FormatCarry(0, MDTUN_WK_BIT(type));
    lines += "    " + name + ": restored " +
             std::to_string(n[MDTUN_PIPELINE_RESTORED]) + ", untrusted " +
             std::to_string(n[MDTUN_PIPELINE_UNTRUSTED]) + ", not_carried " +
             std::to_string(n[MDTUN_PIPELINE_NOT_CARRIED]) + "\n";
  }
  if (c.tx_no_room) {
    lines += "    outputs refused, no room for the fields: " +
             std::to_string(c.tx_no_room) + "\n";
  }
  return s + (lines.empty() ? "    (none received)\n" : lines);
}

std::string UserspaceCountersText(uint16_t dst_port) {
  uint64_t c[MDTUN_NATIVE_N_COUNTERS];
  std::string s =
      "  userspace datapath (UDP port " + std::to_string(dst_port) + "):\n";
  if (!mdtun_native_read_counters(dst_port, c)) {
    return s + "    (no receive policy yet)\n";
  }
  const std::string counters = CountersText(c);
  return s +
         (counters.empty() ? "    (all mdtun counters are zero)\n" : counters);
}

std::string UnboundCountersText() {
  uint64_t c[MDTUN_NATIVE_N_COUNTERS];
  mdtun_native_read_counters(0, c);
  const std::string counters = CountersText(c);
  return counters.empty()
             ? ""
             : "userspace datapath, UDP ports without an mdtun port:\n" +
                   counters;
}

std::string FormatHeader(const uint8_t* header, size_t size) {
  const std::string text = StructuredText(header, size);
  if (!text.empty()) {
    uint8_t again[MDTUN_HDR_LEN + MDTUN_MD_MAX_LEN];
    size_t n = 0;
    if (ParseHeader(text.c_str(), again, sizeof again, &n) == text.size() &&
        n == size && !std::memcmp(again, header, size)) {
      return text;
    }
  }
  return "mdtun(hex=" + Hex(header, size) + ")";
}

size_t ParseHeader(const char* s, uint8_t* header, size_t room, size_t* size) {
  Scanner in(s);
  if (!in.Lit("mdtun(")) {
    return 0;
  }
  if (in.Lit("hex=")) {
    size_t n;
    if (!in.Bytes(room, header, &n) || !in.Lit(")")) {
      return 0;
    }
    *size = n;
    return in.consumed();
  }
  return ParseStructured(in, header, room, size);
}

}  // namespace mdtun

extern "C" {

void mdtun_format_header(struct ds* ds, const void* header,
                         size_t size) noexcept {
  try {
    ds_put_cstr(
        ds,
        mdtun::FormatHeader(static_cast<const uint8_t*>(header), size).c_str());
  } catch (const std::exception&) {
    mdtun::OutOfMemory();  // only std::string throws here
  }
}

int mdtun_parse_header(const char* s, void* header, size_t room,
                       size_t* size) noexcept {
  try {
    return static_cast<int>(
        mdtun::ParseHeader(s, static_cast<uint8_t*>(header), room, size));
  } catch (const std::exception&) {
    mdtun::OutOfMemory();  // only std::string throws here
  }
}

}  // extern "C"
