#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Raw netlink for the tests: plain sockets and struct, no pyroute2.

rtnetlink: RTM_NEWLINK / RTM_SETLINK / RTM_DELLINK / RTM_GETLINK for links
of kind "mdtun" with any IFLA_INFO_DATA -- typed values, raw bytes, wrong
lengths and types, nests with or without NLA_F_NESTED -- and every answer
as an errno plus the kernel's extended-ACK message (NETLINK_EXT_ACK).
Generic Netlink: the Open vSwitch datapath and vport families.

The attribute numbers below are written out from include/mdtun/if_mdtun.h
and ovs_mdtun.h on purpose rather than read from them: they are ABI, so a
renumbered header must fail the tests.

As a library:

    from nl import Rtnl, attr, u8, u32, be16, ip, nest, MDTUN
    r = Rtnl()
    rep = r.newlink("m1", [u32(MDTUN["ID"], 42), ip(MDTUN["REMOTE"], "198.51.100.2")])
    rep.error, rep.msg          # 0 and None, or e.g. 34 and "VNI must fit in 24 bits"

As a program, "nl.py serve" reads one request per line on stdin and answers
each with one line on stdout (flushed), so that a shell test keeps a single
Python process (see tests/kernel/lib.sh: nl_start, nlq).  Requests:

    ns NAME                         work in network namespace NAME from now
                                    on (/run/netns/NAME; "-" for the first)
    new NAME [OPT...] [ATTR...]     RTM_NEWLINK, NLM_F_CREATE|NLM_F_EXCL
    change NAME [OPT...] [ATTR...]  RTM_NEWLINK on an existing link
    set NAME up|down|mtu=N...       RTM_SETLINK
    del NAME                        RTM_DELLINK
    get NAME [KEY...]               RTM_GETLINK: "ok KEY=VALUE ..." (all
                                    keys, or those named; see format_link)
    links                           "ok NAME..." of every mdtun link, sorted
    dp new|del DP                   OVS_DP_CMD_NEW / _DEL
    vport new DP NAME TYPE [noopts] [ATTR...]
                                    OVS_VPORT_CMD_NEW, ATTRs the options
    vport get DP NAME               "ok type=N OPTIONS" (format_vport_options)
    vport del DP NAME               OVS_VPORT_CMD_DEL
    udp DST PORT [tos=N] [ttl=N] [df=0|1] [mark=N] [prio=N]
                                    send one UDP datagram (IPv4 or IPv6)

Options of new/change: mtu=N, up (IFF_UP in the request), kind=KIND
(default mdtun), nodata (no IFLA_INFO_DATA), flatdata (IFLA_INFO_DATA
without NLA_F_NESTED), address=MAC or address=hex:BYTES (IFLA_ADDRESS).

An ATTR is NAME=VALUE.  NAME is an attribute of the current level
(IFLA_MDTUN_* without the prefix at the top, PREFIX inside TRUST, ADDR and
LEN inside a PREFIX; DST_PORT, CARRY and TRUST in vport options) or a
number, which may include flag bits (0x8001).  VALUE is one of
    u8:N u16:N u32:N u64:N be16:N be32:N   (N decimal or 0x hex)
    ip:ADDR          4 or 16 bytes
    hex:BYTES        raw payload, any length ("hex:" is empty)
    str:TEXT         NUL-terminated
    flag             no payload (also: NAME alone)
    {A,B,...}        a nest with NLA_F_NESTED, of attributes of the level
    nf{A,B,...}      the same nest without NLA_F_NESTED
    prefixes:P,P...  a trust list, each ADDR/LEN a nested PREFIX
Every answer is "ok[ ...]" or "err ERRNO: MESSAGE" (MESSAGE the extack
text, empty when the kernel gave none), e.g.
    err ERANGE: VNI must fit in 24 bits
and anything else ("syntax error: ...", "error: ...") means the request
got no answer from the kernel.
"""

import ctypes
import errno
import ipaddress
import os
import socket
import struct
import sys

# ---- Netlink ------------------------------------------------------------------

NETLINK_ROUTE = 0
NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11

NLM_F_REQUEST = 0x1
NLM_F_MULTI = 0x2
NLM_F_ACK = 0x4
NLM_F_ROOT = 0x100
NLM_F_MATCH = 0x200
NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH
NLM_F_REPLACE = 0x100
NLM_F_EXCL = 0x200
NLM_F_CREATE = 0x400
# Flags of an NLMSG_ERROR answer.
NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200

NLMSG_ERROR = 2
NLMSG_DONE = 3

NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2

NLA_F_NESTED = 0x8000
NLA_F_NET_BYTEORDER = 0x4000
NLA_TYPE_MASK = 0x3FFF

# ---- rtnetlink ---------------------------------------------------------------

RTM_NEWLINK = 16
RTM_DELLINK = 17
RTM_GETLINK = 18
RTM_SETLINK = 19

IFLA_ADDRESS = 1
IFLA_IFNAME = 3
IFLA_MTU = 4
IFLA_LINKINFO = 18
IFLA_INFO_KIND = 1
IFLA_INFO_DATA = 2
IFLA_INFO_XSTATS = 3
IFF_UP = 0x1

# include/mdtun/if_mdtun.h
MDTUN = {
    "ID": 1, "REMOTE": 2, "REMOTE6": 3, "LOCAL": 4, "LOCAL6": 5, "PORT": 6,
    "TTL": 7, "TTL_INHERIT": 8, "TOS": 9, "TOS_INHERIT": 10, "DF": 11,
    "UDP_CSUM": 12, "UDP_ZERO_CSUM6_TX": 13, "UDP_ZERO_CSUM6_RX": 14,
    "COLLECT_METADATA": 15, "CARRY": 16, "TRUST": 17,
}
IFLA_MDTUN_MAX = 17
TRUST_PREFIX = 1
PREFIX_ADDR = 1
PREFIX_LEN = 2
MDTUN_TRUST_MAX = 16
CARRY_MARK = 0x1
CARRY_PRIORITY = 0x2

# ---- Open vSwitch (include/uapi/linux/openvswitch.h, ovs_mdtun.h) ------------

GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2

OVS_DATAPATH_VERSION = 2
OVS_DP_CMD_NEW, OVS_DP_CMD_DEL, OVS_DP_CMD_GET = 1, 2, 3
OVS_DP_ATTR_NAME = 1
OVS_DP_ATTR_UPCALL_PID = 2
OVS_VPORT_VERSION = 1
OVS_VPORT_CMD_NEW, OVS_VPORT_CMD_DEL, OVS_VPORT_CMD_GET = 1, 2, 3
OVS_VPORT_ATTR_PORT_NO = 1
OVS_VPORT_ATTR_TYPE = 2
OVS_VPORT_ATTR_NAME = 3
OVS_VPORT_ATTR_OPTIONS = 4
OVS_VPORT_ATTR_UPCALL_PID = 5
OVS_VPORT_TYPE_MDTUN = 200
VPORT_OPTS = {"DST_PORT": 1, "CARRY": 64, "TRUST": 65}

# Names at each nesting level, for the request language: the level's
# attribute names, the level inside each of its nests, and the level inside
# a nest given by number ("2={...}" in a trust list holds prefix fields).
LEVELS = {
    "mdtun": (MDTUN, {"TRUST": "trust"}, "trust"),
    "trust": ({"PREFIX": TRUST_PREFIX}, {"PREFIX": "prefix"}, "prefix"),
    "prefix": ({"ADDR": PREFIX_ADDR, "LEN": PREFIX_LEN}, {}, "prefix"),
    "vport": (VPORT_OPTS, {"TRUST": "trust"}, "trust"),
}


# ---- Attributes ----------------------------------------------------------------

def attr(atype, payload=b"", nested=False):
    """One attribute: TYPE (with any flag bits) and PAYLOAD of any length,
    padded to 4 bytes.  PAYLOAD may be a list of encoded attributes."""
    if isinstance(payload, (list, tuple)):
        payload = b"".join(payload)
    if nested:
        atype |= NLA_F_NESTED
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * (-len(payload) % 4)


def u8(atype, v):
    return attr(atype, struct.pack("=B", v))


def u16(atype, v):
    return attr(atype, struct.pack("=H", v))


def u32(atype, v):
    return attr(atype, struct.pack("=I", v))


def u64(atype, v):
    return attr(atype, struct.pack("=Q", v))


def be16(atype, v):
    return attr(atype, struct.pack("!H", v))


def be32(atype, v):
    return attr(atype, struct.pack("!I", v))


def ip(atype, addr):
    return attr(atype, ipaddress.ip_address(addr).packed)


def string(atype, text):
    return attr(atype, text.encode() + b"\0")


def flag(atype):
    return attr(atype)


def nest(atype, children, nested=True):
    """A nest of CHILDREN (encoded attributes), NLA_F_NESTED unless told."""
    return attr(atype, children, nested=nested)


def trust(atype, prefixes, nested=True, prefix_nested=True):
    """A trust list (IFLA_MDTUN_TRUST, OVS_MDTUN_ATTR_TRUST) of "ADDR/LEN"
    prefixes; the address is sent as given (not masked)."""
    body = []
    for p in prefixes:
        addr, _, plen = p.partition("/")
        a = ipaddress.ip_address(addr)
        plen = int(plen) if plen else a.max_prefixlen
        body.append(nest(TRUST_PREFIX, [ip(PREFIX_ADDR, addr),
                                        u8(PREFIX_LEN, plen)],
                         nested=prefix_nested))
    return nest(atype, body, nested=nested)


def parse_attrs(data):
    """[(type, flags, payload)] of a stream of attributes; stops at the
    first one whose length does not fit."""
    out = []
    while len(data) >= 4:
        alen, atype = struct.unpack_from("=HH", data)
        if alen < 4 or alen > len(data):
            break
        out.append((atype & NLA_TYPE_MASK, atype & ~NLA_TYPE_MASK,
                    bytes(data[4:alen])))
        data = data[(alen + 3) & ~3:]
    return out


def attr_dict(data):
    return {t: v for t, _, v in parse_attrs(data)}


# ---- Sockets --------------------------------------------------------------------

def errname(err):
    """The symbolic name of a positive errno, as the kernel sources say it
    (Python calls 95 ENOTSUP)."""
    if err == errno.EOPNOTSUPP:
        return "EOPNOTSUPP"
    return errno.errorcode.get(err, str(err))


class Reply:
    """The kernel's answer: error (a positive errno, 0 for success), msg
    (the extack text or None), offset (of the attribute it names, or None)
    and messages [(type, flags, payload)] that came before the ACK."""

    def __init__(self, error=0, msg=None, offset=None, messages=None):
        self.error = error
        self.msg = msg
        self.offset = offset
        self.messages = messages or []

    def __bool__(self):
        return self.error == 0

    def line(self, ok_text=""):
        """"ok[ TEXT]" or "err ENAME: MESSAGE"."""
        if self.error == 0:
            return "ok" + (" " + ok_text if ok_text else "")
        return f"err {errname(self.error)}: {self.msg or ''}"


class Netlink:
    """A netlink socket that asks for extended ACKs and capped ACKs (the
    request is not echoed back, so its TLVs are easy to find)."""

    def __init__(self, proto):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sock.bind((0, 0))
        self.sock.settimeout(30)
        self.seq = 0

    def close(self):
        self.sock.close()

    @staticmethod
    def _ack(payload, flags):
        (err,) = struct.unpack_from("=i", payload)
        msg = offset = None
        if flags & NLM_F_ACK_TLVS:
            if flags & NLM_F_CAPPED:
                tlv = 4 + 16
            else:
                tlv = 4 + struct.unpack_from("=I", payload, 4)[0]
            for atype, _, val in parse_attrs(payload[tlv:]):
                if atype == NLMSGERR_ATTR_MSG:
                    msg = val.rstrip(b"\0").decode(errors="replace")
                elif atype == NLMSGERR_ATTR_OFFS and len(val) >= 4:
                    offset = struct.unpack_from("=I", val)[0]
        return Reply(-err, msg, offset)

    def request(self, mtype, flags, body):
        """Send one message; collect the answers up to its ACK (or, for a
        dump, its NLMSG_DONE)."""
        self.seq += 1
        flags |= NLM_F_REQUEST
        if (flags & NLM_F_DUMP) != NLM_F_DUMP:
            flags |= NLM_F_ACK
        hdr = struct.pack("=IHHII", 16 + len(body), mtype, flags, self.seq, 0)
        self.sock.send(hdr + body)
        messages = []
        while True:
            data = self.sock.recv(1 << 20)
            while len(data) >= 16:
                mlen, rtype, rflags, seq, _ = struct.unpack_from("=IHHII", data)
                if mlen < 16:
                    raise RuntimeError(f"netlink: bad message length {mlen}")
                payload = data[16:mlen]
                data = data[(mlen + 3) & ~3:]
                if seq != self.seq:
                    continue
                if rtype == NLMSG_ERROR:
                    rep = self._ack(payload, rflags)
                    rep.messages = messages
                    return rep
                if rtype == NLMSG_DONE:
                    rep = self._ack(payload, rflags) if len(payload) >= 4 \
                        else Reply()
                    rep.messages = messages
                    return rep
                messages.append((rtype, rflags, payload))


# ---- rtnetlink -------------------------------------------------------------------

class Link:
    """One RTM_NEWLINK answer: index, name, flags, mtu, kind, data (the
    IFLA_INFO_DATA payload), address (bytes) and attrs {type: payload}."""

    def __init__(self, payload):
        _, _, self.index, self.flags, _ = struct.unpack_from("=BxHiII",
                                                             payload)
        self.attrs = attr_dict(payload[16:])
        self.name = self.attrs.get(IFLA_IFNAME, b"").rstrip(b"\0").decode()
        mtu = self.attrs.get(IFLA_MTU)
        self.mtu = struct.unpack("=I", mtu)[0] if mtu else None
        self.address = self.attrs.get(IFLA_ADDRESS)
        info = attr_dict(self.attrs.get(IFLA_LINKINFO, b""))
        self.kind = info.get(IFLA_INFO_KIND, b"").rstrip(b"\0").decode()
        self.data = info.get(IFLA_INFO_DATA)

    @property
    def up(self):
        return bool(self.flags & IFF_UP)


def ifinfomsg(index=0, flags=0, change=0):
    return struct.pack("=BxHiII", socket.AF_UNSPEC, 0, index, flags, change)


def linkinfo(kind="mdtun", data=None, data_nested=True):
    """IFLA_LINKINFO with IFLA_INFO_KIND and, unless DATA is None, the
    attributes DATA (bytes or a list of encoded attributes) as
    IFLA_INFO_DATA."""
    info = [string(IFLA_INFO_KIND, kind)] if kind is not None else []
    if data is not None:
        info.append(nest(IFLA_INFO_DATA, data, nested=data_nested))
    return nest(IFLA_LINKINFO, info)


class Rtnl(Netlink):
    def __init__(self):
        super().__init__(NETLINK_ROUTE)

    def link_request(self, mtype, flags, name, *, kind="mdtun", data=None,
                     data_nested=True, mtu=None, up=None, address=None,
                     extra=()):
        ifflags = change = 0
        if up is not None:
            ifflags, change = (IFF_UP if up else 0), IFF_UP
        body = ifinfomsg(0, ifflags, change)
        if name is not None:
            body += string(IFLA_IFNAME, name)
        if mtu is not None:
            body += u32(IFLA_MTU, mtu)
        if address is not None:
            body += attr(IFLA_ADDRESS, address)
        for a in extra:
            body += a
        if kind is not None or data is not None:
            body += linkinfo(kind, data, data_nested)
        return self.request(mtype, flags, body)

    def newlink(self, name, data=None, **kw):
        """Create a link (NLM_F_CREATE | NLM_F_EXCL)."""
        return self.link_request(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
                                 name, data=data, **kw)

    def changelink(self, name, data=None, **kw):
        """RTM_NEWLINK on an existing link: the driver's changelink."""
        return self.link_request(RTM_NEWLINK, 0, name, data=data, **kw)

    def setlink(self, name, up=None, mtu=None):
        return self.link_request(RTM_SETLINK, 0, name, kind=None, up=up,
                                 mtu=mtu)

    def dellink(self, name):
        return self.link_request(RTM_DELLINK, 0, name, kind=None)

    def getlink(self, name):
        """(Reply, Link or None)."""
        rep = self.request(RTM_GETLINK, 0,
                           ifinfomsg() + string(IFLA_IFNAME, name))
        links = [Link(p) for t, _, p in rep.messages if t == RTM_NEWLINK]
        return rep, (links[0] if rep and links else None)

    def links(self, kind=None):
        """Every link (of KIND) in the namespace."""
        rep = self.request(RTM_GETLINK, NLM_F_DUMP, ifinfomsg())
        if rep.error:
            raise OSError(rep.error, f"link dump: {rep.msg}")
        out = [Link(p) for t, _, p in rep.messages if t == RTM_NEWLINK]
        return [lk for lk in out if kind is None or lk.kind == kind]


def format_prefixes(payload):
    out = []
    for _, _, one in parse_attrs(payload):
        f = attr_dict(one)
        addr = ipaddress.ip_address(f[PREFIX_ADDR])
        out.append(f"{addr}/{f[PREFIX_LEN][0]}")
    return ",".join(out) or "-"


def format_mdtun_data(payload):
    """{NAME: text} of an mdtun IFLA_INFO_DATA as the driver reports it:
    numbers in decimal, CARRY in hex, addresses and prefixes as text,
    COLLECT_METADATA as 1, unknown attributes as hex under their number."""
    names = {v: k for k, v in MDTUN.items()}
    out = {}
    for atype, _, val in parse_attrs(payload or b""):
        name = names.get(atype, str(atype))
        if name in ("REMOTE", "REMOTE6", "LOCAL", "LOCAL6"):
            text = str(ipaddress.ip_address(val))
        elif name == "PORT":
            text = str(struct.unpack("!H", val)[0])
        elif name == "ID":
            text = str(struct.unpack("=I", val)[0])
        elif name == "CARRY":
            text = "%#x" % struct.unpack("=I", val)[0]
        elif name == "COLLECT_METADATA":
            text = "1"
        elif name == "TRUST":
            text = format_prefixes(val)
        elif atype in names and len(val) == 1:
            text = str(val[0])
        else:
            text = "hex:" + val.hex()
        out[name] = text
    return out


def format_link(link):
    """{KEY: text}: mtu, up (0/1), kind, address, then the mdtun data."""
    out = {"mtu": str(link.mtu), "up": str(int(link.up)), "kind": link.kind,
           "address": ":".join(f"{b:02x}" for b in link.address or b"")}
    out.update(format_mdtun_data(link.data))
    return out


# ---- Generic Netlink and Open vSwitch -----------------------------------------------

class Genl(Netlink):
    def __init__(self):
        super().__init__(NETLINK_GENERIC)
        self.families = {}

    def genl(self, family, cmd, version, body, flags=0):
        """A Generic Netlink request; the answers' payloads in
        rep.messages have the genlmsghdr stripped."""
        rep = self.request(family, flags,
                           struct.pack("=BBH", cmd, version, 0) + body)
        rep.messages = [(t, f, p[4:]) for t, f, p in rep.messages]
        return rep

    def family(self, name):
        if name not in self.families:
            rep = self.genl(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
                            string(CTRL_ATTR_FAMILY_NAME, name))
            if rep.error:
                raise OSError(rep.error, f"Generic Netlink family {name}: "
                              f"{os.strerror(rep.error)}")
            fid = attr_dict(rep.messages[0][2])[CTRL_ATTR_FAMILY_ID]
            self.families[name] = struct.unpack("=H", fid[:2])[0]
        return self.families[name]


def ovs_header(dp_ifindex):
    return struct.pack("=i", dp_ifindex)


class Ovs(Genl):
    """openvswitch.ko's datapath and vport families."""

    def dp_new(self, name):
        return self.genl(self.family("ovs_datapath"), OVS_DP_CMD_NEW,
                         OVS_DATAPATH_VERSION,
                         ovs_header(0) + string(OVS_DP_ATTR_NAME, name) +
                         u32(OVS_DP_ATTR_UPCALL_PID, 0))

    def dp_del(self, name):
        return self.genl(self.family("ovs_datapath"), OVS_DP_CMD_DEL,
                         OVS_DATAPATH_VERSION,
                         ovs_header(0) + string(OVS_DP_ATTR_NAME, name))

    def _vport(self, cmd, dp, name, extra=b""):
        body = ovs_header(socket.if_nametoindex(dp))
        body += string(OVS_VPORT_ATTR_NAME, name) + extra
        return self.genl(self.family("ovs_vport"), cmd, OVS_VPORT_VERSION,
                         body)

    def vport_new(self, dp, name, vtype=OVS_VPORT_TYPE_MDTUN, options=None):
        """OPTIONS: None for no OVS_VPORT_ATTR_OPTIONS, else its payload
        (bytes or a list of encoded attributes)."""
        extra = u32(OVS_VPORT_ATTR_TYPE, vtype)
        extra += u32(OVS_VPORT_ATTR_UPCALL_PID, 0)
        if options is not None:
            extra += nest(OVS_VPORT_ATTR_OPTIONS, options, nested=False)
        return self._vport(OVS_VPORT_CMD_NEW, dp, name, extra)

    def vport_del(self, dp, name):
        return self._vport(OVS_VPORT_CMD_DEL, dp, name)

    def vport_get(self, dp, name):
        """(Reply, {attribute: payload} of the vport or None)."""
        rep = self._vport(OVS_VPORT_CMD_GET, dp, name)
        if rep.error or not rep.messages:
            return rep, None
        return rep, attr_dict(rep.messages[0][2][4:])  # skip ovs_header


def format_vport_options(opts):
    """"dst_port=N carry=0xN trust=P,P" (what is present, in order)."""
    words = []
    for atype, _, val in parse_attrs(opts or b""):
        if atype == VPORT_OPTS["DST_PORT"]:
            words.append("dst_port=%d" % struct.unpack("=H", val[:2]))
        elif atype == VPORT_OPTS["CARRY"]:
            words.append("carry=%#x" % struct.unpack("=I", val[:4]))
        elif atype == VPORT_OPTS["TRUST"]:
            words.append("trust=" + format_prefixes(val))
        else:
            words.append(f"attr{atype}={val.hex()}")
    return " ".join(words)


# ---- Network namespaces ---------------------------------------------------------------

CLONE_NEWNET = 0x40000000
_libc = None


def setns(name):
    """Move this process (it is single-threaded) into /run/netns/NAME."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"setns {name}: {os.strerror(err)}")
    finally:
        os.close(fd)


# ---- The request language ---------------------------------------------------------------

class SyntaxErr(Exception):
    pass


def _split(text):
    """TEXT split at the commas outside braces."""
    parts, depth, cur = [], 0, ""
    for c in text:
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                raise SyntaxErr(f"unbalanced braces in {text!r}")
        if c == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += c
    if depth:
        raise SyntaxErr(f"unbalanced braces in {text!r}")
    if cur:
        parts.append(cur)
    return parts


def _num(text):
    try:
        return int(text, 0)
    except ValueError:
        raise SyntaxErr(f"not a number: {text!r}") from None


def encode_attr(spec, level="mdtun"):
    """One ATTR of the request language (see the module's documentation)."""
    names, sublevels, numbered = LEVELS[level]
    name, eq, value = spec.partition("=")
    if name in names:
        atype = names[name]
        sub = sublevels.get(name, level)
    elif name[:1].isdigit():
        atype = _num(name)
        sub = numbered
    else:
        raise SyntaxErr(f"unknown attribute {name!r} at level {level}")
    if not eq or value == "flag":
        return struct.pack("=HH", 4, atype)
    kind, _, arg = value.partition(":")
    if value.startswith("{") or value.startswith("nf{"):
        nested = value.startswith("{")
        inner = value if nested else value[2:]
        if not inner.endswith("}"):
            raise SyntaxErr(f"nest without closing brace: {spec!r}")
        kids = [encode_attr(s, sub) for s in _split(inner[1:-1])]
        return attr(atype, kids, nested=nested)
    if kind in ("u8", "u16", "u32", "u64"):
        fmt = {"u8": "=B", "u16": "=H", "u32": "=I", "u64": "=Q"}[kind]
        return attr(atype, struct.pack(fmt, _num(arg)))
    if kind == "be16":
        return attr(atype, struct.pack("!H", _num(arg)))
    if kind == "be32":
        return attr(atype, struct.pack("!I", _num(arg)))
    if kind == "ip":
        return attr(atype, ipaddress.ip_address(arg).packed)
    if kind == "hex":
        return attr(atype, bytes.fromhex(arg))
    if kind == "str":
        return attr(atype, arg.encode() + b"\0")
    if kind == "prefixes":
        return trust(atype, arg.split(",") if arg else [])
    raise SyntaxErr(f"unknown value {value!r}")


class Server:
    """The "serve" loop: one request per line, one answer per line."""

    def __init__(self):
        self._sockets = {}
        self.ns = "-"

    def rtnl(self):
        key = (self.ns, "rtnl")
        if key not in self._sockets:
            self._sockets[key] = Rtnl()
        return self._sockets[key]

    def ovs(self):
        key = (self.ns, "ovs")
        if key not in self._sockets:
            self._sockets[key] = Ovs()
        return self._sockets[key]

    def link_opts(self, words, level="mdtun"):
        kw = {"data": []}
        for w in words:
            if w.startswith("mtu="):
                kw["mtu"] = _num(w[4:])
            elif w == "up":
                kw["up"] = True
            elif w.startswith("kind="):
                kw["kind"] = w[5:]
            elif w == "nodata":
                kw["data"] = None
            elif w == "flatdata":
                kw["data_nested"] = False
            elif w.startswith("address="):
                v = w[8:]
                kw["address"] = bytes.fromhex(v[4:]) if v.startswith("hex:") \
                    else bytes.fromhex(v.replace(":", ""))
            elif kw["data"] is None:
                raise SyntaxErr(f"{w}: attribute after nodata")
            else:
                kw["data"].append(encode_attr(w, level))
        return kw

    def handle(self, words):
        cmd, args = words[0], words[1:]
        if cmd == "ns":
            if args[0] != "-":
                setns(args[0])
            self.ns = args[0]
            return "ok"
        if cmd == "new":
            return self.rtnl().newlink(args[0], **self.link_opts(args[1:])).line()
        if cmd == "change":
            return self.rtnl().changelink(args[0],
                                          **self.link_opts(args[1:])).line()
        if cmd == "set":
            up = mtu = None
            for w in args[1:]:
                if w in ("up", "down"):
                    up = w == "up"
                elif w.startswith("mtu="):
                    mtu = _num(w[4:])
                else:
                    raise SyntaxErr(f"set: {w}?")
            return self.rtnl().setlink(args[0], up=up, mtu=mtu).line()
        if cmd == "del":
            return self.rtnl().dellink(args[0]).line()
        if cmd == "get":
            rep, link = self.rtnl().getlink(args[0])
            if not link:
                return rep.line() if rep.error else "err ENOENT: no answer"
            f = format_link(link)
            keys = args[1:] or list(f)
            return rep.line(" ".join(f"{k}={f.get(k, '(absent)')}"
                                     for k in keys))
        if cmd == "links":
            names = sorted(lk.name for lk in self.rtnl().links("mdtun"))
            return "ok" + "".join(" " + n for n in names)
        if cmd == "dp":
            o = self.ovs()
            rep = o.dp_new(args[1]) if args[0] == "new" else o.dp_del(args[1])
            return rep.line()
        if cmd == "vport":
            return self.vport(args)
        if cmd == "udp":
            return self.udp(args)
        raise SyntaxErr(f"unknown request {cmd!r}")

    def vport(self, args):
        sub, dp, name = args[0], args[1], args[2]
        o = self.ovs()
        if sub == "new":
            vtype = _num(args[3])
            opts = []
            for w in args[4:]:
                if w == "noopts":
                    opts = None
                else:
                    opts.append(encode_attr(w, "vport"))
            return o.vport_new(dp, name, vtype, opts).line()
        if sub == "del":
            return o.vport_del(dp, name).line()
        if sub == "get":
            rep, a = o.vport_get(dp, name)
            if a is None:
                return rep.line() if rep.error else "err ENOENT: no answer"
            vtype = struct.unpack("=I", a[OVS_VPORT_ATTR_TYPE][:4])[0]
            text = format_vport_options(a.get(OVS_VPORT_ATTR_OPTIONS))
            return rep.line(f"type={vtype}" + (" " + text if text else ""))
        raise SyntaxErr(f"vport {sub}?")

    @staticmethod
    def udp(args):
        dst, port = args[0], _num(args[1])
        fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        try:
            for w in args[2:]:
                k, _, v = w.partition("=")
                v = _num(v)
                if k == "tos":
                    if fam == socket.AF_INET:
                        s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, v)
                    else:
                        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS, v)
                elif k == "ttl":
                    if fam == socket.AF_INET:
                        s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, v)
                    else:
                        s.setsockopt(socket.IPPROTO_IPV6,
                                     socket.IPV6_UNICAST_HOPS, v)
                elif k == "df":
                    # IP_MTU_DISCOVER: IP_PMTUDISC_DO sets DF, _DONT not.
                    s.setsockopt(socket.IPPROTO_IP, 10, 2 if v else 0)
                elif k == "mark":
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, v)
                elif k == "prio":
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_PRIORITY, v)
                else:
                    raise SyntaxErr(f"udp: {w}?")
            s.sendto(b"mdtun-test", (dst, port))
        finally:
            s.close()
        return "ok"

    def serve(self, infile, outfile):
        for line in infile:
            words = line.split()
            if not words:
                continue
            try:
                out = self.handle(words)
            except (SyntaxErr, IndexError, ValueError) as e:
                out = f"syntax error: {e}"
            except OSError as e:
                # A kernel refusal has an errno; a timeout or a closed
                # socket is no answer at all.
                if e.errno:
                    out = f"err {errname(e.errno)}: {e.strerror or e}"
                else:
                    out = f"error: {e!r}"
            outfile.write(out + "\n")
            outfile.flush()


def main(argv):
    if len(argv) == 2 and argv[1] == "serve":
        Server().serve(sys.stdin, sys.stdout)
        return 0
    if len(argv) >= 2:
        # One request from the command line, e.g. nl.py get m1 MTU.
        srv = Server()
        print(srv.handle(argv[1:]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
