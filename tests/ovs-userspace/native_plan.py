#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# native_plan.py VECTORS: what t-native.sh feeds to the userspace datapath
# with netdev-dummy/receive, and what each datagram must do there.
# native_plan.py --frame SRC DPORT PAYLOAD: just the frame, in hex, of one
# mdtun datagram (PAYLOAD in hex) from SRC to UDP port DPORT.
#
# Every wire vector goes, as the UDP payload of an Ethernet/IPv4/UDP frame
# to the receiver's mdtun port (UDP 7081, carry=mark,
# trusted_remotes=TRUSTED), once from TRUSTED and once from UNTRUSTED; then
# a few datagrams designed here for the receiver rules after the codec's
# (section 8.3: the inner frame, ECN, their order after the carried
# fields).
# One line per datagram on stdout:
#
#   NAME SRC FRAME COUNTERS MATCH
#
# FRAME is the frame in hex; COUNTERS the receiver's counters the datagram
# moves, "NAME=N,..." sorted by name ("-" if none); MATCH the OpenFlow
# match (ovs-ofctl syntax) of the metadata it must be delivered with, or
# "-" if it must be dropped (COUNTERS then names its one drop counter).
# The last line,
#
#   counters COUNTER=N,...
#
# gives every counter of the receiver that the whole batch moves, with its
# increase; the others must not move.
#
# The expectations are the design's, not the code's: a malformed vector's
# drop counter is its designed verdict in the vector file; for the vectors
# the codec accepts, the receiver's rules of docs/protocol.md sections 8.3,
# 8.4 and 9 are applied below for a collect-metadata receiver (an OVS
# port: it hands foreign TLVs and the pipeline's well-known fields to
# OVS), with this receiver's carry set and trust.  Receiver rules that
# have nothing to act on in OVS's userspace datapath are not modelled:
# rx_unknown_vni (an OVS port takes every VNI), rx_zero_csum (OVS accepts
# zero IPv6 checksums; these are IPv4), rx_oam (fixed-mode devices only),
# rx_loop (a tunnel netdev has no MAC address).
#
# The TLV map t-native.sh gives OVS (OVS drops a packet with a critical
# TLV it has no entry for, whatever mdtun decided):
#   tun_metadata0  {class=0x102,type=0x80,len=4}   foreign, critical
#   tun_metadata1  {class=0xfff7,type=0x1,len=4}   mark
#   tun_metadata2  {class=0xfff7,type=0x81,len=4}  mark, critical
#   tun_metadata3  {class=0xfff7,type=0x83,len=8}  OpenFlow metadata, crit.
#   tun_metadata4  {class=0xfff0,type=0xc0,len=0}  foreign, critical, empty
import collections
import struct
import sys

TRUSTED, UNTRUSTED, RECEIVER = "198.51.100.2", "198.51.100.3", "198.51.100.1"
RX_MAC, TX_MAC = "00:00:5e:00:53:01", "00:00:5e:00:53:02"
CARRY = {"mark"}
TLV_MAP = {(0x0102, 0x80): 0, (0xFFF7, 0x01): 1, (0xFFF7, 0x81): 2,
           (0xFFF7, 0x83): 3, (0xFFF0, 0xC0): 4}

MDTUN_CLASS = 0xFFF7
CRIT = 0x80
CARRIED = {0x01: "mark", 0x02: "priority"}
# Section 8.4: the pipeline's fields are handed to the consumer (applied).
PIPELINE = {0x03, 0x04, *range(0x10, 0x20)}


def tlvs(payload):
    md = payload[8:8 + payload[1] * 4]
    off = 0
    while off < len(md):
        opt_class = int.from_bytes(md[off:off + 2], "big")
        opt_type, n = md[off + 2], (md[off + 3] & 0x1F) * 4
        yield opt_class, opt_type, md[off + 4:off + 4 + n]
        off += 4 + n


def receiver(payload, trusted, outer_tos=0):
    """(verdict, counters, match) for a payload that passed section 8.1,
    received with outer TOS @outer_tos."""
    counters = collections.Counter()
    restored = {}
    applied = set(PIPELINE)
    for opt_class, opt_type, data in tlvs(payload):
        field = CARRIED.get(opt_type & ~CRIT)
        if opt_class != MDTUN_CLASS or not field:
            continue
        if field not in CARRY:  # section 9: carry set first
            counters["rx_carry_not_allowed"] += 1
        elif not trusted:
            counters["rx_carry_untrusted"] += 1
        else:
            restored[field] = int.from_bytes(data, "big")
            applied.add(opt_type & ~CRIT)
    for opt_class, opt_type, data in tlvs(payload):  # section 8.4
        if (opt_class == MDTUN_CLASS and opt_type & CRIT and
                opt_type & ~CRIT not in applied):
            return "drop:rx_crit_not_applied", collections.Counter(), None
    inner = payload[8 + payload[1] * 4:]
    if len(inner) < 14:
        return "drop:rx_inner_short", collections.Counter(), None
    ethertype = int.from_bytes(inner[12:14], "big")
    if ((ethertype == 0x0800 and len(inner) < 14 + 20) or
            (ethertype == 0x86DD and len(inner) < 14 + 40)):
        return "drop:rx_inner_truncated", collections.Counter(), None
    # RFC 6040: congestion experienced (CE) outside, not ECN-capable inside.
    if ethertype in (0x0800, 0x86DD) and outer_tos & 3 == 3:
        l3 = inner[14:]
        tos = l3[1] if ethertype == 0x0800 else \
            ((l3[0] & 0x0F) << 4) | (l3[1] >> 4)
        if tos & 3 == 0:
            return "drop:rx_ecn_error", collections.Counter(), None
    for field in restored:
        counters[f"rx_{field}_restored"] += 1
    vni = int.from_bytes(payload[4:7], "big")
    match = [f"tun_id={vni:#x}", f"tun_src={TRUSTED if trusted else UNTRUSTED}",
             # A mark that is not restored is 0 after the pop (OVS clears
             # the packet's metadata): the designed value, not a default.
             f"pkt_mark={restored.get('mark', 0):#x}",
             "tun_flags=+oam" if payload[0] & 0x08 else "tun_flags=-oam"]
    for opt_class, opt_type, data in tlvs(payload):
        n = TLV_MAP.get((opt_class, opt_type))
        if n is not None and data:
            match.append(f"tun_metadata{n}=0x{data.hex()}")
    return "deliver", counters, ",".join(match)


def csum(data):
    data += b"\0" * (len(data) % 2)
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(src, payload, dport=7081, tos=0):
    udp = struct.pack("!HHHH", 40000, dport, 8 + len(payload), 0) + payload
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + len(udp), 1,
                               0x4000, 64, 17, 0,
                               bytes(map(int, src.split("."))),
                               bytes(map(int, RECEIVER.split(".")))))
    ip[10:12] = struct.pack("!H", csum(bytes(ip)))
    eth = bytes.fromhex(RX_MAC.replace(":", "") + TX_MAC.replace(":", ""))
    return (eth + b"\x08\x00" + bytes(ip) + udp).hex()


def inner(ethertype=0x0800, l3=None):
    """An inner frame to the receiver; by default the vectors' ICMP echo
    request (an IPv4 header with TOS 0: not ECN-capable)."""
    if l3 is None:
        l3 = bytes.fromhex("4500001c000100004001f6dcc0000201c0000202"
                           "0800f7fd00010001")
    return (bytes.fromhex("00005e005302" "00005e005301") +
            ethertype.to_bytes(2, "big") + l3)


def mdtun(vni, md=b"", flags=0):
    return bytes([0x10 | flags, len(md) // 4, 0x65, 0x58]) + \
        vni.to_bytes(3, "big") + b"\0" + md


def designed_here():
    """(name, src, payload, outer TOS) of the datagrams designed here."""
    mark = bytes.fromhex("fff7010100000055")
    crit_mark = bytes.fromhex("fff7810100000055")
    ip4 = inner()[14:]
    ect0 = ip4[:1] + b"\x02" + ip4[2:10] + b"\xf6\xda" + ip4[12:]
    return [
        ("inner-short-13", TRUSTED, mdtun(10) + inner()[:13], 0),
        ("inner-ipv4-truncated", TRUSTED, mdtun(10) + inner()[:14 + 19], 0),
        ("inner-ipv6-truncated", TRUSTED,
         mdtun(10) + inner(0x86DD, bytes(39)), 0),
        ("inner-ipv6-whole", TRUSTED, mdtun(10) + inner(0x86DD, bytes(40)), 0),
        ("inner-arp-short", TRUSTED, mdtun(10) + inner(0x0806, bytes(4)), 0),
        ("ecn-ce-over-not-ect", TRUSTED, mdtun(10) + inner(), 0x03),
        ("ecn-ce-over-ect0", TRUSTED, mdtun(10) + inner(l3=ect0), 0x03),
        ("ecn-ect0-over-not-ect", TRUSTED, mdtun(10) + inner(), 0x02),
        # The order: the carried fields' decisions (and a critical one not
        # applied) before the inner frame; the decisions of a packet that
        # is dropped are not counted.
        ("crit-mark-untrusted-short", UNTRUSTED,
         mdtun(10, crit_mark, 0x04) + inner()[:13], 0),
        ("mark-untrusted-short", UNTRUSTED, mdtun(10, mark) + inner()[:13], 0),
        ("mark-trusted-truncated", TRUSTED,
         mdtun(10, mark) + inner()[:14 + 19], 0),
    ]


def main():
    if sys.argv[1] == "--frame":
        print(frame(sys.argv[2], bytes.fromhex(sys.argv[4]),
                    int(sys.argv[3])))
        return
    total = collections.Counter()
    for line in open(sys.argv[1]):
        if line.startswith("#") or not line.strip():
            continue
        f = line.split()
        name, designed = f[0], f[1]
        payload = bytes.fromhex(f[2]) if len(f) > 2 else b""
        for src in (TRUSTED, UNTRUSTED):
            if designed != "ok":
                verdict, counters, match = f"drop:rx_{designed}", None, None
            else:
                verdict, counters, match = receiver(payload, src == TRUSTED)
            if verdict.startswith("drop:"):
                counters = collections.Counter({verdict[5:]: 1})
            total.update(counters)
            print(name, src, frame(src, payload), text(counters), match or "-")
    for name, src, payload, tos in designed_here():
        verdict, counters, match = receiver(payload, src == TRUSTED, tos)
        if verdict.startswith("drop:"):
            counters = collections.Counter({verdict[5:]: 1})
        total.update(counters)
        print(name, src, frame(src, payload, tos=tos), text(counters),
              match or "-")
    print("counters", text(total))


def text(counters):
    return ",".join(f"{k}={v}" for k, v in sorted(counters.items()) if v) or "-"


if __name__ == "__main__":
    main()
