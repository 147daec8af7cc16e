#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# mdtun_decode.py PCAP [PORT]: one line per mdtun datagram (UDP destination
# PORT, default 7081) in a capture, decoded with scapy for the outer headers
# and by hand for the mdtun header and TLVs -- deliberately not with our C
# codec, so that the kernel tests check the wire against a second reading
# of docs/protocol.md:
#
#   src=A dst=B tos=0xTT ttl=N df=0|1 csum=0xCCCC ver=V flags=0xF vni=N
#       proto=0xPPPP tlvs=CLASS:TYPE:DATA,... inner_tos=0xTT
#
# (on one line; tlvs "-" when there are none, inner_tos "-" when the inner
# frame is not IPv4).
import sys

from scapy.all import IP, UDP, Ether, IPv6, rdpcap


def main():
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 7081
    for pkt in rdpcap(sys.argv[1]):
        if UDP not in pkt or pkt[UDP].dport != port:
            continue
        if IP in pkt:
            outer = pkt[IP]
            tos, ttl, df = outer.tos, outer.ttl, int(bool(outer.flags & 2))
        else:
            outer = pkt[IPv6]
            tos, ttl, df = outer.tc, outer.hlim, 0
        data = bytes(pkt[UDP].payload)
        if len(data) < 8:
            print(f"src={outer.src} dst={outer.dst} short={len(data)}")
            continue
        md_len = data[1] * 4
        tlvs = []
        off = 8
        while off + 4 <= 8 + md_len:
            opt_class = int.from_bytes(data[off:off + 2], "big")
            opt_type = data[off + 2]
            length = (data[off + 3] & 0x1F) * 4
            value = data[off + 4:off + 4 + length]
            tlvs.append(f"{opt_class:04x}:{opt_type:02x}:{value.hex()}")
            off += 4 + length
        inner = Ether(data[8 + md_len:])
        inner_tos = f"0x{inner[IP].tos:02x}" if IP in inner else "-"
        print(f"src={outer.src} dst={outer.dst} tos=0x{tos:02x} ttl={ttl} "
              f"df={df} csum=0x{pkt[UDP].chksum:04x} ver={data[0] >> 4} "
              f"flags=0x{data[0] & 0xF:x} "
              f"vni={int.from_bytes(data[4:7], 'big')} "
              f"proto=0x{int.from_bytes(data[2:4], 'big'):04x} "
              f"tlvs={','.join(tlvs) or '-'} inner_tos={inner_tos}")


if __name__ == "__main__":
    main()
