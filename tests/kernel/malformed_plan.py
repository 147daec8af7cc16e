#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# malformed_plan.py VECTORS SEED OUTDIR: the datagrams t-malformed.sh sends
# and what each must do to the receiver's counters.
#
# Writes OUTDIR/batch, one datagram per line for `mdtun_send.py batch`
# ("KIND SRC DST DPORT HEX"), OUTDIR/designed, the "WHERE COUNTER" pairs
# the designed datagrams move (the same whatever the seed), and
# OUTDIR/expect, lines "WHERE COUNTER N":
# the increase of COUNTER that the batch must cause WHERE, one of the
# receiver's devices (rx, fx, fy, fx6), "netns" (/proc/net/mdtun) or "udp"
# (/proc/net/snmp and snmp6).  Every counter not listed must not move.
# The expectations come from the vector file's designed verdicts, from
# docs/protocol.md section 8 (tests/lib/mdtun_spec.py, for the random
# datagrams), and from the receiver's configuration in t-malformed.sh:
#
#   rx   external, UDP 7081 (IPv4 and IPv6), MAC 02:00:00:00:00:02,
#        carry mark, trusting nobody
#   fx   fixed, VNI 42, remote 198.51.100.1, UDP 7081, carry nothing
#   fx6  fixed, VNI 44, remote 2001:db8:1::1, UDP 7081
#   fy   fixed, VNI 43, remote 198.51.100.1, UDP 7090: alone on its port,
#        so what matches no device there is the namespace's
# and h1 sending from 198.51.100.1, 198.51.100.11 and 2001:db8:1::1.
# Of the "udp" counters only UdpInErrors, UdpInCsumErrors, Udp6InErrors
# and Udp6InCsumErrors are compared (other UDP traffic moves the rest).
import collections
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from mdtun_spec import codec_verdict  # noqa: E402

H1, H2 = "198.51.100.1", "198.51.100.2"
H1_B = "198.51.100.11"  # h1's second IPv4 address
H1_6, H2_6 = "2001:db8:1::1", "2001:db8:1::2"
RX_MAC = bytes.fromhex("020000000002")


def header(vni, md=b"", flags=0, proto=0x6558):
    return (bytes([0x10 | flags | (F_CRIT if crit_in(md) else 0),
                   len(md) // 4]) + proto.to_bytes(2, "big") +
            vni.to_bytes(3, "big") + b"\0" + md)


F_CRIT = 0x04


def crit_in(md):
    off = 0
    while off + 4 <= len(md):
        if md[off + 2] & 0x80:
            return True
        off += 4 + (md[off + 3] & 0x1F) * 4
    return False


def tlv(opt_class, opt_type, data):
    return opt_class.to_bytes(2, "big") + bytes([opt_type, len(data) // 4]) + data


def csum(data):
    data += b"\0" * (len(data) % 2)
    s = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4_icmp(tos=0, truncate=None):
    """Ethernet payload: an IPv4 ICMP echo 192.0.2.1 -> 192.0.2.2."""
    icmp = bytearray.fromhex("0800000000010001")
    icmp[2:4] = csum(icmp).to_bytes(2, "big")
    ip = bytearray.fromhex("45000000000100004001" "0000c0000201c0000202")
    ip[1] = tos
    ip[2:4] = (20 + len(icmp)).to_bytes(2, "big")
    ip[10:12] = csum(ip).to_bytes(2, "big")
    pkt = bytes(ip) + bytes(icmp)
    return pkt[:truncate] if truncate is not None else pkt


def frame(src_mac=bytes.fromhex("020000000001"), tos=0, truncate=None):
    return RX_MAC + src_mac + b"\x08\x00" + ipv4_icmp(tos, truncate)


def main():
    vectors, seed, outdir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    batch = []
    expect = collections.Counter()

    def send(kind, src, dst, dport, payload, where, counter, n=1):
        batch.append(f"{kind} {src} {dst} {dport} {payload.hex() or '-'}")
        if where:
            expect[(where, counter)] += n

    # The codec's verdicts on every designed vector, to the collect-md
    # device, over IPv4 and over IPv6.  The valid ones are left out (they
    # would be delivered, with inner frames not meant for anyone).
    for line in open(vectors):
        if line.startswith("#") or not line.strip():
            continue
        f = line.split()
        name, verdict = f[0], f[1]
        payload = bytes.fromhex(f[2]) if len(f) > 2 else b""
        if verdict == "ok":
            continue
        send("udp", H1, H2, 7081, payload, "rx", "rx_" + verdict)
        send("udp", H1_6, H2_6, 7081, payload, "rx", "rx_" + verdict)

    ok = header(1) + frame()
    # Driver-level drops (section 8.3), IPv4 and IPv6 where the family
    # matters.  rx carries the mark and trusts nobody.
    crit_mark = tlv(0xFFF7, 0x81, (0x55).to_bytes(4, "big"))
    send("udp", H1, H2, 7081, header(1, crit_mark) + frame(), "rx",
         "rx_crit_not_applied")
    send("udp", H1_6, H2_6, 7081, header(1, crit_mark) + frame(), "rx",
         "rx_crit_not_applied")
    send("udp", H1, H2, 7081, header(1) + frame()[:10], "rx", "rx_inner_short")
    send("udp", H1_6, H2_6, 7081, header(1) + b"", "rx", "rx_inner_short")
    send("udp", H1, H2, 7081, header(1) + frame(src_mac=RX_MAC), "rx", "rx_loop")
    send("udp", H1, H2, 7081, header(1) + frame(truncate=12), "rx",
         "rx_inner_truncated")
    send("udp", H1_6, H2_6, 7081, header(1) + frame(truncate=19), "rx",
         "rx_inner_truncated")
    # Outer CE (TOS 3) over a not-ECT inner packet.
    send("udp-ce", H1, H2, 7081, header(1) + frame(tos=0), "rx", "rx_ecn_error")
    send("udp-ce", H1_6, H2_6, 7081, header(1) + frame(tos=0), "rx",
         "rx_ecn_error")
    # IPv6 zero UDP checksum: rx does not accept them.
    send("udp-zerocsum6", H1_6, H2_6, 7081, ok, "rx", "rx_zero_csum")
    # The order of the checks: zero checksum before the metadata, the
    # metadata before OAM, the header before anything.
    send("udp-zerocsum6", H1_6, H2_6, 7081,
         header(1, tlv(0xFFF7, 0x01, b"")) + frame(), "rx", "rx_zero_csum")

    # Carried fields of a dropped packet are not counted as decided: an
    # untrusted mark looped back, a mark fx does not carry in a frame too
    # short (the "no other counter moved" checks see rx_carry_*).
    mark = tlv(0xFFF7, 0x01, (0x55).to_bytes(4, "big"))
    send("udp", H1, H2, 7081, header(1, mark) + frame(src_mac=RX_MAC), "rx",
         "rx_loop")
    send("udp", H1, H2, 7081, header(42, mark) + frame()[:13], "fx",
         "rx_inner_short")

    # The fixed device fx (strict policy, no pipeline, carries nothing).
    foreign_crit = tlv(0x0102, 0x80, bytes(4))
    send("udp", H1, H2, 7081, header(42, foreign_crit) + frame(), "fx",
         "rx_crit_unknown")
    send("udp", H1, H2, 7081, header(42, flags=0x08) + frame(), "fx", "rx_oam")
    send("udp", H1, H2, 7081,
         header(42, tlv(0xFFF7, 0x01, bytes(8)), flags=0x08) + frame(), "fx",
         "rx_wk_bad_len")
    send("udp", H1, H2, 7081,
         header(42, tlv(0xFFF7, 0x90, bytes(4)), flags=0x08) + frame(), "fx",
         "rx_oam")
    send("udp", H1, H2, 7081, header(42, tlv(0xFFF7, 0x90, bytes(4))) + frame(),
         "fx", "rx_crit_not_applied")
    send("udp", H1, H2, 7081, header(42, crit_mark) + frame(), "fx",
         "rx_crit_not_applied")
    # Over IPv6 to fx6.
    send("udp", H1_6, H2_6, 7081, header(44, foreign_crit) + frame(), "fx6",
         "rx_crit_unknown")
    send("udp", H1_6, H2_6, 7081, header(44, flags=0x08) + frame(), "fx6",
         "rx_oam")
    # A header error is charged to the device its VNI and source name.
    send("udp", H1, H2, 7081, header(42, proto=0x0800) + frame(), "fx",
         "rx_bad_protocol")
    # UDP 7090 has only fy: what no device takes is the namespace's.
    send("udp", H1, H2, 7090, header(99) + frame(), "netns", "rx_unknown_vni")
    send("udp", H1, H2, 7090, header(43)[:5], "netns", "rx_hdr_truncated")
    send("udp", H1, H2, 7090, header(99, proto=0x86DD) + frame(), "netns",
         "rx_bad_protocol")
    send("udp", H1, H2, 7090, header(43, proto=0x86DD) + frame(), "fy",
         "rx_bad_protocol")
    # A fixed device matches the remote too: VNI 43 from h1's second
    # address has no device.
    send("udp", H1_B, H2, 7090, header(43) + frame(), "netns",
         "rx_unknown_vni")

    # What the UDP layer refuses never reaches mdtun: a wrong checksum, a
    # length field longer than the datagram.
    # (A checksum error is an input error too.)
    send("raw-badcsum", H1, H2, 7081, ok, "udp", "UdpInCsumErrors")
    expect[("udp", "UdpInErrors")] += 1
    send("raw-badcsum", H1_6, H2_6, 7081, ok, "udp", "Udp6InCsumErrors")
    expect[("udp", "Udp6InErrors")] += 1
    send("raw-badlen", H1, H2, 7081, ok, "udp", "UdpInErrors")

    designed = set(expect)
    # Random datagrams, judged by an independent reading of section 8.1;
    # only those the codec must refuse (the rest would be delivered).
    rng = random.Random(seed)
    n_random = 0
    while n_random < 40:
        length = rng.choice((0, 3, 8, 9, 12, 16, 24, 40, 64, 100, 300))
        payload = bytearray(rng.getrandbits(8) for _ in range(length))
        if length >= 4 and rng.random() < 0.7:
            # Mostly plausible headers, so that the later rules are hit.
            payload[0] = 0x10 | (payload[0] & 0x0F)
            payload[2:4] = b"\x65\x58"
            payload[1] = min(payload[1], max(0, (length - 8) // 4 + 1))
        verdict = codec_verdict(bytes(payload), pass_foreign=True)
        if verdict == "ok":
            continue
        n_random += 1
        send("udp", H1, H2, 7081, bytes(payload), "rx", "rx_" + verdict)

    # Valid traffic after all that: one datagram to every device, delivered
    # (the last to rx: once it is counted, everything before it has been
    # judged, as the sender is pinned to one CPU).
    send("udp", H1, H2, 7090, header(43) + frame(), "fy", "rx_packets")
    send("udp", H1_6, H2_6, 7081, header(44) + frame(), "fx6", "rx_packets")
    send("udp", H1, H2, 7081, header(42) + frame(), "fx", "rx_packets")
    send("udp", H1, H2, 7081, ok, "rx", "rx_packets")
    designed |= {("fy", "rx_packets"), ("fx6", "rx_packets"),
                 ("fx", "rx_packets"), ("rx", "rx_packets")}

    with open(os.path.join(outdir, "batch"), "w") as f:
        f.write("\n".join(batch) + "\n")
    with open(os.path.join(outdir, "designed"), "w") as f:
        for where, counter in sorted(designed):
            f.write(f"{where} {counter}\n")
    with open(os.path.join(outdir, "expect"), "w") as f:
        for (where, counter), n in sorted(expect.items()):
            f.write(f"{where} {counter} {n}\n")


if __name__ == "__main__":
    main()
