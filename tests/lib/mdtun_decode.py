#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# mdtun_decode.py PCAP [PORT]: one line per mdtun datagram (UDP destination
# PORT, default 7081) in a capture, decoded by hand from the outer Ethernet
# header down to the inner frame's IPv4 TOS -- deliberately not with our C
# codec, so that the kernel tests check the wire against a second reading
# of docs/protocol.md:
#
#   src=A dst=B sport=N tos=0xTT ttl=N df=0|1 csum=0xCCCC ver=V flags=0xF vni=N
#       proto=0xPPPP tlvs=CLASS:TYPE:DATA,... inner_tos=0xTT
#
# (on one line; tlvs "-" when there are none, inner_tos "-" when the inner
# frame is not IPv4).  Reads pcap and pcapng files of Ethernet frames.  No
# scapy: importing it takes 10-15 s in the test VM.
import ipaddress
import struct
import sys


def frames(raw):
    """The captured frames of a pcap or pcapng file."""
    magic = raw[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    elif magic == b"\x0a\x0d\x0d\x0a":
        yield from pcapng_frames(raw)
        return
    else:
        raise SystemExit("mdtun_decode: not a pcap/pcapng file")
    off = 24
    while off + 16 <= len(raw):
        caplen = struct.unpack(end + "I", raw[off + 8:off + 12])[0]
        yield raw[off + 16:off + 16 + caplen]
        off += 16 + caplen


def pcapng_frames(raw):
    end = "<" if raw[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    off = 0
    while off + 12 <= len(raw):
        btype, blen = struct.unpack(end + "II", raw[off:off + 8])
        if btype == 6:  # enhanced packet block
            caplen = struct.unpack(end + "I", raw[off + 20:off + 24])[0]
            yield raw[off + 28:off + 28 + caplen]
        elif btype == 3:  # simple packet block
            yield raw[off + 12:off + blen - 4]
        off += blen


def decode(frame, port):
    """The line for one frame, None if it is not an mdtun datagram."""
    ethertype = struct.unpack("!H", frame[12:14])[0]
    l3 = frame[14:]
    if ethertype == 0x0800:
        ihl = (l3[0] & 0xF) * 4
        if l3[9] != 17:
            return None
        tos, ttl = l3[1], l3[8]
        df = int(bool(struct.unpack("!H", l3[6:8])[0] & 0x4000))
        src, dst = ipaddress.ip_address(l3[12:16]), ipaddress.ip_address(l3[16:20])
        udp = l3[ihl:]
    elif ethertype == 0x86DD:
        if l3[6] != 17:  # no extension headers in the tests' traffic
            return None
        tos = (struct.unpack("!I", l3[0:4])[0] >> 20) & 0xFF
        ttl, df = l3[7], 0
        src, dst = ipaddress.ip_address(l3[8:24]), ipaddress.ip_address(l3[24:40])
        udp = l3[40:]
    else:
        return None
    sport, dport, ulen, csum = struct.unpack("!HHHH", udp[0:8])
    if dport != port:
        return None
    data = udp[8:ulen]
    if len(data) < 8:
        return f"src={src} dst={dst} short={len(data)}"
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
    inner = data[8 + md_len:]
    inner_tos = "-"
    if len(inner) >= 16 and inner[12:14] == b"\x08\x00":
        inner_tos = f"0x{inner[15]:02x}"
    return (f"src={src} dst={dst} sport={sport} tos=0x{tos:02x} ttl={ttl} "
            f"df={df} csum=0x{csum:04x} ver={data[0] >> 4} "
            f"flags=0x{data[0] & 0xF:x} "
            f"vni={int.from_bytes(data[4:7], 'big')} "
            f"proto=0x{int.from_bytes(data[2:4], 'big'):04x} "
            f"tlvs={','.join(tlvs) or '-'} inner_tos={inner_tos}")


def main():
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 7081
    with open(sys.argv[1], "rb") as f:
        raw = f.read()
    for frame in frames(raw):
        line = decode(frame, port)
        if line:
            print(line)


if __name__ == "__main__":
    main()
