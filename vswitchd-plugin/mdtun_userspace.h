// SPDX-License-Identifier: Apache-2.0
//
// The C++ side of mdtun on OVS's userspace datapath (the C side, with the
// header build/push/pop, is mdtun-native.{h,c}):
//   - the per-UDP-port receive policy handed to it from the ports'
//     options (PutUserspacePolicy() when ParseOptions() accepts a port,
//     before it can carry traffic; SetUserspacePolicies() from the run
//     hook, which also drops the UDP ports no port uses any more);
//   - its counters as text, for ovs-appctl mdtun/show;
//   - the "dpctl" text of an mdtun header inside tnl_push(header(...)),
//     mdtun_format_header() and mdtun_parse_header() (C linkage: they are
//     the tunnel class's format_header/parse_header).
#ifndef MDTUN_VSWITCHD_PLUGIN_MDTUN_USERSPACE_H
#define MDTUN_VSWITCHD_PLUGIN_MDTUN_USERSPACE_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mdtun_options.h"

struct ds;

namespace mdtun {

void PutUserspacePolicy(uint16_t dst_port, const PortOptions& options);
void SetUserspacePolicies(
    const std::vector<std::pair<uint16_t, PortOptions>>& ports);

// The userspace datapath's counters of UDP port @dst_port, one indented
// line per non-zero counter ("    rx_bad_version: 3"), under a heading line.
std::string UserspaceCountersText(uint16_t dst_port);

// mdtun/show's lines on the pipeline fields received on UDP port
// @dst_port (both datapaths: they are decided during translation).
std::string PipelineCountersText(uint16_t dst_port);
// The same for packets that reached a UDP port without a policy; "" when
// they are all zero.
std::string UnboundCountersText();

// mdtun(oam,crit,vni=0x1389,options({class=0x102,type=0x80,len=4,
// 0x00010002}...)) for a header the codec parses and the text reproduces
// byte for byte, else mdtun(hex=...).
std::string FormatHeader(const uint8_t* header, size_t size);
// Parses that text at the start of @s into @header (at most @room bytes).
// Returns the number of characters consumed and sets *@size, or returns 0.
size_t ParseHeader(const char* s, uint8_t* header, size_t room, size_t* size);

}  // namespace mdtun

extern "C" {
void mdtun_format_header(struct ds* ds, const void* header,
                         size_t size) noexcept;
int mdtun_parse_header(const char* s, void* header, size_t room,
                       size_t* size) noexcept;
}

#endif  // MDTUN_VSWITCHD_PLUGIN_MDTUN_USERSPACE_H
