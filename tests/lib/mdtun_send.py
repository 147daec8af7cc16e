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


if __name__ == "__main__":
    {"icmp": icmp, "mdtun": mdtun,
     "udp-frame": udp_frame}[sys.argv[1]](*sys.argv[2:])
