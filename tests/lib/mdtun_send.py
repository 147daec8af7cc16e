#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# mdtun_send.py: single test packets for the kernel tests, built by hand on
# plain sockets (scapy takes 10-15 s to import in the test VM).
#
#   icmp DST TOS TTL SIZE DF
#       one ICMP echo request with SIZE payload bytes to DST from a raw
#       socket: the kernel routes it and resolves the neighbour; DF 1 sets
#       the IP DF bit (IP_PMTUDISC_DO), 0 leaves it clear.
#   mdtun SRC DST VNI OUTER_TOS INNER_DST_MAC INNER_TOS
#       one mdtun datagram (no TLVs) from SRC:40000 to DST:7081 with that
#       outer TOS, carrying an Ethernet frame with an ICMP echo from
#       192.0.2.1 to 192.0.2.2 with INNER_TOS.
#   udp-frame SRC_MAC DST_MAC SRC DST SPORT DPORT TEXT
#       prints (sends nothing) the hex of an Ethernet/IPv4/UDP frame
#       carrying TEXT, e.g. for ovs-ofctl packet-out.
#   tcp-burst SRC DST VNI INNER_DST_MAC N MD[,MD...]
#       N mdtun datagrams from SRC to DST:7081 in ONE send (UDP GSO:
#       UDP_SEGMENT), so that they leave together and reach the receiver's
#       GRO in one batch.  Each carries the next inner TCP segment of one
#       flow (192.0.2.1:40000 -> 192.0.2.2:5555, 100 bytes each, in
#       sequence) and, as its metadata area, the next of the MD hex strings
#       in turn ("-" for none): the segments differ only in their metadata.
#   batch FILE
#       sends the datagrams of FILE in order, one per line,
#       "KIND SRC DST DPORT HEX" (HEX "-" for an empty payload); KIND is
#       udp, udp-ce (outer ECN CE), udp-zerocsum6 (IPv6, zero UDP
#       checksum), raw-badcsum (a wrong UDP checksum) or raw-badlen (a UDP
#       length 10 bytes longer than the datagram).
import socket
import struct
import sys

IP_MTU_DISCOVER, IP_PMTUDISC_DONT, IP_PMTUDISC_DO = 10, 0, 2


def csum(data):
    data += b"\0" * (len(data) % 2)
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def echo(size):
    msg = struct.pack("!BBHHH", 8, 0, 0, 0x4D54, 1) + b"x" * size
    return msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]


def icmp(dst, tos, ttl, size, df):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, int(tos, 0))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, int(ttl))
    s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER,
                 IP_PMTUDISC_DO if int(df) else IP_PMTUDISC_DONT)
    s.sendto(echo(int(size)), (dst, 0))


def ipv4(src, dst, proto, payload, tos=0):
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + len(payload), 1, 0,
                     64, proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    return ip[:10] + struct.pack("!H", csum(ip)) + ip[12:] + payload


def udp_frame(src_mac, dst_mac, src, dst, sport, dport, text):
    data = text.encode()
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack("!BBH", 0, 17, 8 + len(data))
    udp = struct.pack("!HHHH", int(sport), int(dport), 8 + len(data), 0) + data
    udp = udp[:6] + struct.pack("!H", csum(pseudo + udp) or 0xFFFF) + udp[8:]
    eth = bytes.fromhex(dst_mac.replace(":", "") + src_mac.replace(":", "")) + \
        b"\x08\x00"
    print((eth + ipv4(src, dst, 17, udp)).hex())


def mdtun(src, dst, vni, outer_tos, inner_mac, inner_tos):
    payload = echo(0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, int(inner_tos, 0),
                     20 + len(payload), 1, 0, 64, 1, 0,
                     socket.inet_aton("192.0.2.1"), socket.inet_aton("192.0.2.2"))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = bytes.fromhex(inner_mac.replace(":", "")) + \
        bytes.fromhex("020000000001") + b"\x08\x00"
    hdr = bytes([0x10, 0, 0x65, 0x58]) + int(vni).to_bytes(3, "big") + b"\0"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, int(outer_tos, 0))
    s.bind((src, 40000))
    s.sendto(hdr + eth + ip + payload, (dst, 7081))


UDP_NO_CHECK6_TX = 101
UDP_SEGMENT = 103


def tcp_segment(seq, payload):
    """An Ethernet-less IPv4/TCP segment of the burst's flow (DF, ACK)."""
    src, dst = socket.inet_aton("192.0.2.1"), socket.inet_aton("192.0.2.2")
    tcp = struct.pack("!HHIIBBHHH", 40000, 5555, seq, 1, 5 << 4, 0x10, 512,
                      0, 0) + payload
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64,
                     6, 0, src, dst)
    return ip[:10] + struct.pack("!H", csum(ip)) + ip[12:] + tcp


def tcp_burst(src, dst, vni, inner_mac, n, mds):
    areas = [b"" if m == "-" else bytes.fromhex(m) for m in mds.split(",")]
    eth = bytes.fromhex(inner_mac.replace(":", "") + "020000000001") + \
        b"\x08\x00"
    datagrams = []
    for i in range(int(n)):
        md = areas[i % len(areas)]
        hdr = bytes([0x10, len(md) // 4, 0x65, 0x58]) + \
            int(vni).to_bytes(3, "big") + b"\0"
        datagrams.append(hdr + md + eth +
                         tcp_segment(1000 + 100 * i, bytes([i]) * 100))
    size = len(datagrams[0])
    if any(len(d) != size for d in datagrams):
        sys.exit("tcp-burst: the metadata areas must be of one size")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.setsockopt(socket.IPPROTO_UDP, UDP_SEGMENT, size)
    s.sendto(b"".join(datagrams), (dst, 7081))


def udp_header(src, dst, sport, dport, payload, length=None):
    """A UDP header with a correct checksum (over IPv4 or IPv6)."""
    family = socket.AF_INET6 if ":" in src else socket.AF_INET
    length = length or 8 + len(payload)
    if family == socket.AF_INET:
        pseudo = socket.inet_pton(family, src) + socket.inet_pton(family, dst) + \
            struct.pack("!BBH", 0, 17, length)
    else:
        pseudo = socket.inet_pton(family, src) + socket.inet_pton(family, dst) + \
            struct.pack("!IxxxB", length, 17)
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    return struct.pack("!HHHH", sport, dport, length,
                       csum(pseudo + hdr + payload) or 0xFFFF)


def batch(path):
    socks = {}

    def sock(kind, src):
        family = socket.AF_INET6 if ":" in src else socket.AF_INET
        key = (kind, src)
        if key not in socks:
            if kind.startswith("raw"):
                s = socket.socket(family, socket.SOCK_RAW, socket.IPPROTO_UDP)
                s.bind((src, 0))
            else:
                s = socket.socket(family, socket.SOCK_DGRAM)
                s.bind((src, 0))
            if kind == "udp-ce":
                if family == socket.AF_INET:
                    s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, 3)
                else:
                    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS, 3)
            if kind == "udp-zerocsum6":
                s.setsockopt(socket.IPPROTO_UDP, UDP_NO_CHECK6_TX, 1)
            socks[key] = s
        return socks[key]

    for line in open(path):
        kind, src, dst, dport, data = line.split()
        dport = int(dport)
        payload = b"" if data == "-" else bytes.fromhex(data)
        s = sock(kind, src)
        if kind == "raw-badcsum":
            hdr = bytearray(udp_header(src, dst, 40000, dport, payload))
            hdr[6] ^= 0x55		# still non-zero: a checksum, but wrong
            s.sendto(bytes(hdr) + payload, (dst, 0))
        elif kind == "raw-badlen":
            hdr = udp_header(src, dst, 40000, dport, payload,
                             length=8 + len(payload) + 10)
            s.sendto(hdr + payload, (dst, 0))
        else:
            s.sendto(payload, (dst, dport))


if __name__ == "__main__":
    {"icmp": icmp, "mdtun": mdtun, "udp-frame": udp_frame,
     "tcp-burst": tcp_burst, "batch": batch}[sys.argv[1]](*sys.argv[2:])
