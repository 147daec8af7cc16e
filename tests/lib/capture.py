#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# capture.py IFACE PCAP COUNT [--dport PORT] [--src ADDR] [--family 4|6]
#            [--timeout SECONDS]
#
# Captures, in both directions on IFACE, the first COUNT UDP datagrams to
# PORT (default 7081), optionally only those from ADDR or of one IP
# family, and writes them to PCAP (classic pcap, Ethernet) as they come.
# Prints "listening" on stdout once its socket is bound: whatever is sent
# after that line is seen, which is what a test waits for before it sends
# (a capture program's own "started" message can come before its filter
# is in place).  Ends after COUNT datagrams, after SECONDS (default 60), or
# on SIGTERM; the file is complete at every packet.
#
# A plain AF_PACKET socket with the filter in Python: tshark and dumpcap
# take seconds to start in the test VM, and no BPF compiler is needed.
import argparse
import ipaddress
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003


def matches(frame, args):
    if len(frame) < 14:
        return False
    ethertype = struct.unpack("!H", frame[12:14])[0]
    l3 = frame[14:]
    if ethertype == 0x0800 and len(l3) >= 20 and args.family in (None, 4):
        ihl = (l3[0] & 0xF) * 4
        proto, src, l4 = l3[9], l3[12:16], l3[ihl:]
    elif ethertype == 0x86DD and len(l3) >= 40 and args.family in (None, 6):
        # The tests' traffic has no IPv6 extension headers.
        proto, src, l4 = l3[6], l3[8:24], l3[40:]
    else:
        return False
    if proto != 17 or len(l4) < 8:
        return False
    if struct.unpack("!H", l4[2:4])[0] != args.dport:
        return False
    return args.src is None or ipaddress.ip_address(src) == args.src


def main():
    p = argparse.ArgumentParser()
    p.add_argument("iface")
    p.add_argument("pcap")
    p.add_argument("count", type=int)
    p.add_argument("--dport", type=int, default=7081)
    p.add_argument("--src", type=ipaddress.ip_address)
    p.add_argument("--family", type=int, choices=(4, 6))
    p.add_argument("--timeout", type=float, default=60)
    args = p.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((args.iface, 0))
    deadline = time.monotonic() + args.timeout
    with open(args.pcap, "wb") as out:
        # Classic pcap header: version 2.4, snaplen 262144, Ethernet.
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        out.flush()
        print("listening", flush=True)
        n = 0
        while n < args.count:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            try:
                frame = s.recv(262144)
            except socket.timeout:
                break
            if not matches(frame, args):
                continue
            now = time.time()
            out.write(struct.pack("<IIII", int(now), int(now % 1 * 1e6),
                                  len(frame), len(frame)) + frame)
            out.flush()
            n += 1


if __name__ == "__main__":
    main()
