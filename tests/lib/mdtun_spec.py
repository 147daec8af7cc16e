# SPDX-License-Identifier: Apache-2.0
#
# The receiver's codec checks of docs/protocol.md section 8.1, written from
# the specification alone (not from include/mdtun/codec.c), so that tests
# can predict the kernel's verdict on inputs nobody designed by hand, such
# as random datagrams.

MDTUN_CLASS = 0xFFF7
CRIT = 0x80
F_CRIT = 0x04
WK_LEN = {0x01: 4, 0x02: 4, 0x03: 8, 0x04: 4,
          **{t: 4 for t in range(0x10, 0x20)}}


def codec_verdict(payload, pass_foreign=True):
    """The counter name (without "rx_") of the first check of section 8.1
    that @payload (a UDP payload) fails, or "ok"; @pass_foreign is the
    collect-metadata policy, False the strict (fixed-mode) one."""
    if len(payload) < 8:
        return "hdr_truncated"
    if payload[0] >> 4 != 1:
        return "bad_version"
    if payload[2:4] != b"\x65\x58":
        return "bad_protocol"
    md_len = payload[1] * 4
    if md_len > 252:
        return "md_too_long"
    if md_len > len(payload) - 8:
        return "md_truncated"
    flags = payload[0] & 0x0F
    md = payload[8:8 + md_len]
    seen = set()
    off = 0
    while off < len(md):
        if len(md) - off < 4:
            return "tlv_truncated"
        opt_class = int.from_bytes(md[off:off + 2], "big")
        opt_type = md[off + 2]
        data_len = (md[off + 3] & 0x1F) * 4
        if data_len > len(md) - off - 4:
            return "tlv_overrun"
        crit = bool(opt_type & CRIT)
        field = opt_type & ~CRIT
        if crit and not flags & F_CRIT:
            return "crit_flag"
        if opt_class != MDTUN_CLASS:
            if crit and not pass_foreign:
                return "crit_unknown"
        elif field not in WK_LEN:
            if crit:
                return "crit_unknown"
        elif data_len != WK_LEN[field]:
            return "wk_bad_len"
        elif field in seen:
            return "wk_duplicate"
        else:
            seen.add(field)
        off += 4 + data_len
    return "ok"
