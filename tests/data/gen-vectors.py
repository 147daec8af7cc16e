#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# Generator of tests/data/mdtun-vectors.txt, the shared wire test vectors.
#
# The vector file is committed as data and read by the unit tests, the
# fuzzer's seed corpus, the kernel tests and the Wireshark dissector test.
# This program writes down how each vector is built and the verdict it was
# designed for, from docs/protocol.md alone: it does not use the codec
# (include/mdtun/codec.c) at all, neither to build the bytes nor to decide
# the expected verdict, so that the unit tests compare the codec against
# an independent reading of the specification.
#
# `make check` confirms that the committed file is exactly this program's
# output; `make regen-vectors` rewrites it (through a temporary file, so a
# failure leaves the committed file alone).
import sys

# ---- The wire format (docs/protocol.md sections 4-6) ----------------------

VERSION = 1
PROTO_ETH = 0x6558
F_OAM = 0x08
F_CRIT = 0x04
CRIT = 0x80                     # top bit of a TLV's type
MDTUN_CLASS = 0xFFF7
MD_MAX = 252
TLV_DATA_MAX = 124              # 31 words

# Well-known types and their data sizes (section 6.1).
MARK, PRIORITY, OF_METADATA, IN_PORT, REG0, REG15 = 1, 2, 3, 4, 0x10, 0x1F
WK_LEN = {MARK: 4, PRIORITY: 4, OF_METADATA: 8, IN_PORT: 4,
          **{t: 4 for t in range(REG0, REG15 + 1)}}


def header(flags, vni, md_len, proto=PROTO_ETH, version=VERSION):
    """The 8-byte fixed header (section 4)."""
    assert md_len % 4 == 0 and md_len // 4 <= 255 and vni <= 0xFFFFFF
    return (bytes([version << 4 | flags, md_len // 4]) +
            proto.to_bytes(2, "big") + vni.to_bytes(3, "big") + b"\0")


def tlv(opt_class, opt_type, data):
    """One TLV in Geneve option encoding (section 5.1)."""
    assert len(data) % 4 == 0 and len(data) <= TLV_DATA_MAX
    return (opt_class.to_bytes(2, "big") + bytes([opt_type, len(data) // 4]) +
            data)


def counting(n, seed):
    """@n bytes counting up from @seed (mod 256)."""
    return bytes((seed + i) & 0xFF for i in range(n))


def wk(opt_type, value):
    """A well-known TLV of class 0xfff7 holding @value."""
    return tlv(MDTUN_CLASS, opt_type,
               value.to_bytes(WK_LEN[opt_type & ~CRIT], "big"))


def csum(data):
    s = 0
    for i in range(0, len(data) - 1, 2):
        s += data[i] << 8 | data[i + 1]
    if len(data) % 2:
        s += data[-1] << 8
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def inner_frame():
    """The worked example's inner frame: Ethernet (documentation MACs, RFC
    7042) with an ICMP echo request 192.0.2.1 -> 192.0.2.2, id 1, seq 1, no
    data.  42 bytes."""
    eth = bytes.fromhex("00005e005302" "00005e005301" "0800")
    ip = bytearray.fromhex("4500001c" "00010000" "40010000"
                           "c0000201" "c0000202")
    ip[10:12] = csum(ip).to_bytes(2, "big")
    icmp = bytearray.fromhex("08000000" "00010001")
    icmp[2:4] = csum(icmp).to_bytes(2, "big")
    return eth + bytes(ip) + bytes(icmp)


def packet(flags, vni, md=b"", inner=True):
    return header(flags, vni, len(md)) + md + (inner_frame() if inner else b"")


def patch(pkt, offset, value):
    """@pkt with byte @offset replaced by @value."""
    b = bytearray(pkt)
    b[offset] = value
    return bytes(b)


def or_byte(pkt, offset, bits):
    return patch(pkt, offset, pkt[offset] | bits)


# ---- Output -----------------------------------------------------------------

out = []
names = set()


def comment(*lines):
    for line in lines:
        out.append("# %s" % line if line else "#")


def emit(name, verdict, payload):
    """One vector: @verdict is what docs/protocol.md section 8.1 says a
    collect-metadata receiver's codec checks decide for @payload."""
    assert name not in names and name and \
        set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
    names.add(name)
    out.append(name + " " + verdict + (" " + payload.hex() if payload else ""))
    out.append("")


# ---- The vectors -------------------------------------------------------------

# docs/protocol.md, "Worked example": keep the two in step.
EX_VNI = 5001
EX_MARK = 0x00001234
EX_PRIORITY = 0x00010003        # tc class 1:3
EX_FOREIGN = tlv(0x0102, 0x80, bytes.fromhex("00010002"))  # OVN's class


def spec_example():
    return packet(F_CRIT, EX_VNI,
                  EX_FOREIGN + wk(MARK, EX_MARK) + wk(PRIORITY, EX_PRIORITY))


def valid_vectors():
    comment("---- Valid packets ----",
            "The worked example of docs/protocol.md: C flag, VNI 5001, a critical",
            "foreign TLV (class 0x0102 type 0x80, data 00010002), mark 0x1234,",
            "priority 0x10003, then an Ethernet/IPv4 ICMP echo request.")
    emit("spec-example", "ok", spec_example())

    comment("Smallest useful packet: no metadata, VNI 1, the example's inner frame.")
    emit("no-metadata", "ok", packet(0, 1))

    comment("The fixed header alone (VNI 0).  The codec accepts it; the driver then",
            "drops it for lacking an inner Ethernet header (see docs/protocol.md).")
    emit("header-only", "ok", packet(0, 0, inner=False))

    comment("252-byte metadata (length byte 63): every well-known field (mark,",
            "priority, OpenFlow metadata, in_port, reg0-reg15) plus an 84-byte",
            "TLV of the experimental class 0xffff.")
    md = (wk(MARK, 0xFFFFFFFF) + wk(PRIORITY, 0x00060000) +
          wk(OF_METADATA, 0x0123456789ABCDEF) + wk(IN_PORT, 7) +
          b"".join(wk(t, 0x10000 * t + t) for t in range(REG0, REG15 + 1)) +
          tlv(0xFFFF, 0x42, counting(84, 0x00)))
    assert len(md) == MD_MAX
    emit("max-metadata", "ok", packet(0, 0x000100, md))

    comment("One TLV with the largest data (31 words = 124 bytes).")
    emit("max-tlv-data", "ok",
         packet(0, 2, tlv(0xFFFF, 0x01, counting(TLV_DATA_MAX, 0x80))))

    comment("O flag (OAM) set: valid on the wire; what a device does with it is",
            "the driver's choice (fixed-mode devices drop and count it).")
    emit("oam-flag", "ok", packet(F_OAM, 3, wk(MARK, 1)))

    comment("O and C flags both set, critical well-known mark (type 0x81).")
    emit("oam-and-critical", "ok",
         packet(F_OAM | F_CRIT, 3, wk(MARK | CRIT, 2)))

    comment("Largest VNI, 0xffffff.")
    emit("vni-max", "ok", packet(0, 0xFFFFFF))

    comment("Both reserved flag bits of byte 0 set: ignored on receipt (0x13).")
    emit("reserved-flag-bits-set", "ok",
         or_byte(packet(0, 4, wk(PRIORITY, 7)), 0, 0x03))

    comment("Reserved byte 7 of the header set to 0xff: ignored on receipt.")
    emit("reserved-byte-set", "ok", patch(packet(0, 4), 7, 0xFF))

    comment("The three reserved bits above a TLV's length set (0xe1 = length 1):",
            "ignored on receipt, the mark still decodes.")
    emit("tlv-reserved-bits-set", "ok",
         or_byte(packet(0, 4, wk(MARK, 0x55)), 8 + 3, 0xE0))

    comment("C flag set but no critical TLV: allowed (a sender SHOULD NOT do it).")
    emit("c-flag-without-critical", "ok", packet(F_CRIT, 5, wk(MARK, 3)))

    comment("C flag set with an empty metadata area: allowed.")
    emit("c-flag-no-metadata", "ok", packet(F_CRIT, 5))

    comment("Critical well-known TLVs (0x81 mark, 0x83 OpenFlow metadata) with C.")
    emit("wk-critical", "ok",
         packet(F_CRIT, 6, wk(MARK | CRIT, 0xDEADBEEF) +
                wk(OF_METADATA | CRIT, 0xFEDCBA9876543210)))

    comment("Unknown non-critical types of class 0xfff7 (0x00, 0x05, 0x20, 0x7f):",
            "skipped; being unknown they may repeat (0x20 twice).")
    emit("wk-unknown-types-skipped", "ok",
         packet(0, 7, tlv(MDTUN_CLASS, 0x00, counting(4, 0x10)) +
                tlv(MDTUN_CLASS, 0x05, counting(8, 0x20)) +
                tlv(MDTUN_CLASS, 0x20, b"") +
                tlv(MDTUN_CLASS, 0x20, counting(4, 0x30)) +
                tlv(MDTUN_CLASS, 0x7F, counting(12, 0x40))))

    comment("Type 0x01 of another class (0xffff) with 8 bytes: not mdtun's mark,",
            "so no length rule applies.")
    emit("foreign-class-type-1", "ok",
         packet(0, 8, tlv(0xFFFF, 0x01, counting(8, 0x01))))

    comment("Foreign TLVs with no data, one of them critical (C set), and a repeat.")
    emit("foreign-empty-tlvs", "ok",
         packet(F_CRIT, 9, tlv(0x0101, 0x01, b"") + tlv(0x0101, 0x01, b"") +
                tlv(0xFFF0, 0xC0, b"")))


def header_errors():
    comment("---- Header errors (mdtun_hdr_parse) ----",
            "Empty UDP payload: no HEX field at all.")
    emit("empty", "hdr_truncated", b"")

    comment("One byte short of the fixed header.")
    emit("hdr-truncated-7", "hdr_truncated", packet(0, 1, inner=False)[:7])

    comment("A single byte.")
    emit("hdr-truncated-1", "hdr_truncated", packet(0, 1, inner=False)[:1])

    comment("Version 0.")
    emit("bad-version-0", "bad_version", patch(packet(0, 1), 0, 0x00))

    comment("Version 2 (a future version).")
    emit("bad-version-2", "bad_version", patch(packet(0, 1), 0, 0x20))

    comment("Version 15 with every flag bit set.")
    emit("bad-version-15", "bad_version", patch(packet(0, 1), 0, 0xFF))

    comment("Version checked first: version 2 AND protocol 0x0800 AND length 64.")
    emit("bad-version-checked-first", "bad_version",
         header(0, 1, 0, proto=0x0800, version=2)[:1] + bytes([64]) +
         header(0, 1, 0, proto=0x0800)[2:])

    comment("Payload protocol 0x0800 (IPv4): not defined for version 1.")
    emit("bad-protocol-ipv4", "bad_protocol",
         header(0, 1, 0, proto=0x0800) + inner_frame())

    comment("Protocol 0x0000.")
    emit("bad-protocol-zero", "bad_protocol",
         header(0, 1, 0, proto=0x0000) + inner_frame())

    comment("Protocol checked before length: 0x86dd with length byte 64.")
    emit("bad-protocol-checked-before-length", "bad_protocol",
         patch(header(0, 1, 0, proto=0x86DD), 1, 64))

    comment("Length byte 64 (256 bytes) with 256 bytes present: over the maximum.")
    emit("md-too-long-64", "md_too_long",
         patch(header(0, 1, 0), 1, 64) + bytes(256))

    comment("Length byte 255, header only: too long is reported before truncated.")
    emit("md-too-long-255", "md_too_long", patch(header(0, 1, 0), 1, 255))

    comment("Length byte 1 and nothing after the header.")
    emit("md-truncated-header-only", "md_truncated",
         patch(header(0, 1, 0), 1, 1))

    comment("Mark and priority (16 bytes) cut to 12: last word missing.")
    emit("md-truncated-by-4", "md_truncated",
         packet(0, 1, wk(MARK, 1) + wk(PRIORITY, 2), inner=False)[:-4])

    comment("Length byte 63 with 248 bytes present.")
    emit("md-truncated-63", "md_truncated",
         patch(header(0, 1, 0), 1, 63) + bytes(248))


def tlv_errors():
    comment("---- Metadata errors (mdtun_md_validate, collect-metadata policy) ----",
            "No vector can give tlv_truncated: a length taken from the header is a",
            "multiple of 4 and so is every TLV, so a TLV header is never cut.  The",
            "code exists for areas of other origin (see docs/protocol.md).",
            "",
            "A lone TLV header claiming 31 words of data in a 1-word area.")
    emit("tlv-overrun-31", "tlv_overrun",
         patch(packet(0, 1, tlv(0xFFFF, 0x01, b"")), 8 + 3, 31))

    comment("Area of 2 words; its TLV claims 2 words of data (needs 3).  The",
            "inner frame follows, so the bytes exist but are not metadata.")
    emit("tlv-overrun-into-payload", "tlv_overrun",
         patch(packet(0, 1, wk(MARK, 0x0A0B0C0D)), 8 + 3, 2))

    comment("A valid mark, then a TLV overrunning the area's end.")
    emit("tlv-overrun-second", "tlv_overrun",
         patch(packet(0, 1, wk(MARK, 1) + tlv(0xFFFF, 0x01, counting(4, 0))),
               8 + 8 + 3, 2))

    comment("Critical type 0x85 (reserved) in class 0xfff7, C set.")
    emit("crit-unknown-reserved-type", "crit_unknown",
         packet(F_CRIT, 1, tlv(MDTUN_CLASS, 0x85, counting(4, 0))))

    comment("Critical type 0x80 (type 0, not defined) in class 0xfff7, C set.")
    emit("crit-unknown-type-0", "crit_unknown",
         packet(F_CRIT, 1, tlv(MDTUN_CLASS, 0x80, b"")))

    comment("Critical type 0xff (0x7f) in class 0xfff7 after a valid mark.")
    emit("crit-unknown-type-7f", "crit_unknown",
         packet(F_CRIT, 1, wk(MARK, 9) + tlv(MDTUN_CLASS, 0xFF, counting(8, 0))))

    comment("The worked example's critical foreign TLV with C clear.")
    emit("crit-flag-foreign", "crit_flag",
         patch(spec_example(), 0, spec_example()[0] & ~F_CRIT))

    comment("Critical well-known mark (0x81) with C clear.")
    emit("crit-flag-wk", "crit_flag", packet(0, 1, wk(MARK | CRIT, 1)))

    comment("C clear, critical first TLV, overrunning second: TLVs are judged in",
            "order, so the first one's crit_flag wins.")
    emit("crit-flag-before-overrun", "crit_flag",
         patch(packet(0, 1, tlv(0xFFFF, 0x80, counting(4, 0)) +
                      tlv(0xFFFF, 0x01, counting(4, 0))), 8 + 8 + 3, 5))

    comment("C clear and a critical reserved type: crit_flag is checked first.")
    emit("crit-flag-before-unknown", "crit_flag",
         packet(0, 1, tlv(MDTUN_CLASS, 0x85, counting(4, 0))))

    comment("Mark with 8 bytes of data.")
    emit("wk-bad-len-mark-8", "wk_bad_len",
         packet(0, 1, tlv(MDTUN_CLASS, MARK, counting(8, 1))))

    comment("Priority with no data.")
    emit("wk-bad-len-priority-0", "wk_bad_len",
         packet(0, 1, tlv(MDTUN_CLASS, PRIORITY, b"")))

    comment("OpenFlow metadata with 4 bytes.")
    emit("wk-bad-len-of-metadata-4", "wk_bad_len",
         packet(0, 1, tlv(MDTUN_CLASS, OF_METADATA, counting(4, 1))))

    comment("Critical reg15 (0x9f) with 8 bytes, C set.")
    emit("wk-bad-len-reg15-8", "wk_bad_len",
         packet(F_CRIT, 1, tlv(MDTUN_CLASS, REG15 | CRIT, counting(8, 1))))

    comment("Mark twice.")
    emit("wk-duplicate-mark", "wk_duplicate",
         packet(0, 1, wk(MARK, 1) + wk(MARK, 2)))

    comment("Priority, then its critical variant (0x82): the same field twice.")
    emit("wk-duplicate-critical-variant", "wk_duplicate",
         packet(F_CRIT, 1, wk(PRIORITY, 1) + wk(PRIORITY | CRIT, 1)))

    comment("reg3 twice with a foreign TLV between them.")
    emit("wk-duplicate-reg3", "wk_duplicate",
         packet(0, 1, wk(REG0 + 3, 1) + tlv(0x0102, 0x01, counting(4, 0)) +
                wk(REG0 + 3, 1)))

    comment("Mark, then a mark of the wrong size: the length rule is checked first.")
    emit("wk-bad-len-before-duplicate", "wk_bad_len",
         packet(0, 1, wk(MARK, 1) + tlv(MDTUN_CLASS, MARK, counting(8, 0))))


FILE_HEADER = [
    "mdtun wire test vectors: shared by the unit tests (tests/unit), the",
    "fuzzer's seed corpus (tests/fuzz/make-corpus.sh), the kernel tests and",
    "the Wireshark dissector test (tests/dissector/t-vectors.sh).",
    "",
    "Generated by tests/data/gen-vectors.py from docs/protocol.md, without",
    "the codec; do not edit by hand (make regen-vectors).",
    "",
    "Format:",
    "  - Lines starting with '#' are comments; empty lines are ignored.",
    "  - Every other line is one vector: NAME EXPECT HEX, separated by one",
    "    space.",
    "  - NAME matches [a-z0-9-]+ and is unique in the file.",
    "  - HEX is the whole UDP payload (mdtun header, metadata area, inner",
    "    frame) as contiguous lowercase hex digits.  An empty payload has no",
    "    HEX field: the line is just NAME EXPECT.",
    "  - EXPECT is the receive verdict the vector was designed for: the",
    "    counter name (mdtun_status_name()) of the first check of",
    "    docs/protocol.md section 8.1 that the packet fails under the",
    "    collect-metadata (pass-foreign) policy, or \"ok\" if it passes them",
    "    all.  The unit tests check that the codec's",
    "      mdtun_hdr_parse(payload, len, &hdr)",
    "    and then",
    "      mdtun_md_validate(payload + 8, hdr.md_len, hdr.flags,",
    "                        MDTUN_POLICY_PASS_FOREIGN, &wk)",
    "    give exactly this verdict.",
    "  - Names containing \"reserved\" have reserved bits set on purpose and so",
    "    do not re-encode to identical bytes.",
    "",
    "Most vectors carry the worked example's 42-byte inner frame (Ethernet,",
    "IPv4 192.0.2.1 -> 192.0.2.2, ICMP echo request); the codec does not look",
    "at it.",
]


def main():
    comment(*FILE_HEADER)
    out.append("")
    valid_vectors()
    header_errors()
    tlv_errors()
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
