#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Talk to openvswitch.ko's ovs_vport Generic Netlink family directly.

Used by tests/ovs-kernel/run.sh to give vport-mdtun.ko option attributes
that the vswitchd plugin never sends (bad carry bits, unknown attributes,
bad trust prefixes) and to read back what get_options reports.

  vport_nl.py [--dp DATAPATH] add NAME [--dst-port P] [--carry N]
              [--trust ADDR/LEN]... [--raw TYPE:HEX]... [--no-options]
  vport_nl.py [--dp DATAPATH] get NAME
  vport_nl.py [--dp DATAPATH] del NAME

"add" and "del" print "ok" or "error: ERRNO (message)"; "get" prints the
vport type and its options, e.g. "type=200 dst_port=7081 carry=0x1
trust=198.51.100.0/24".  Exit status 0 on success, 1 on a kernel error.
"""

import argparse
import errno
import ipaddress
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLA_F_NESTED = 0x8000
NLA_TYPE_MASK = 0x3FFF

GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2

OVS_VPORT_CMD_NEW, OVS_VPORT_CMD_DEL, OVS_VPORT_CMD_GET = 1, 2, 3
OVS_VPORT_VERSION = 1
OVS_VPORT_ATTR_TYPE = 2
OVS_VPORT_ATTR_NAME = 3
OVS_VPORT_ATTR_OPTIONS = 4
OVS_VPORT_ATTR_UPCALL_PID = 5

# include/mdtun/ovs_mdtun.h and if_mdtun.h
OVS_VPORT_TYPE_MDTUN = 200
OVS_TUNNEL_ATTR_DST_PORT = 1
OVS_MDTUN_ATTR_CARRY = 64
OVS_MDTUN_ATTR_TRUST = 65
IFLA_MDTUN_TRUST_PREFIX = 1
IFLA_MDTUN_PREFIX_ADDR = 1
IFLA_MDTUN_PREFIX_LEN = 2


def attr(atype, payload):
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    pad = b"\0" * ((4 - len(payload) % 4) % 4)
    return hdr + payload + pad


def parse_attrs(data):
    out = []
    while len(data) >= 4:
        alen, atype = struct.unpack_from("=HH", data)
        if alen < 4 or alen > len(data):
            break
        out.append((atype & NLA_TYPE_MASK, data[4:alen]))
        data = data[(alen + 3) & ~3:]
    return out


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.bind((0, 0))
        self.seq = 0

    def request(self, family, cmd, version, body):
        """Sends one request; returns (errno, [payloads of replies])."""
        self.seq += 1
        msg = struct.pack("=BBH", cmd, version, 0) + body
        hdr = struct.pack("=IHHII", 16 + len(msg), family,
                          NLM_F_REQUEST | NLM_F_ACK, self.seq, 0)
        self.sock.send(hdr + msg)
        replies = []
        while True:
            data = self.sock.recv(65536)
            while len(data) >= 16:
                mlen, mtype, _, seq, _ = struct.unpack_from("=IHHII", data)
                payload = data[16:mlen]
                data = data[(mlen + 3) & ~3:]
                if seq != self.seq:
                    continue
                if mtype == NLMSG_ERROR:
                    (err,) = struct.unpack_from("=i", payload)
                    return -err, replies
                if mtype == NLMSG_DONE:
                    return 0, replies
                replies.append(payload[4:])  # skip genlmsghdr

    def family(self, name):
        err, replies = self.request(
            GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
            attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"))
        if err:
            sys.exit(f"cannot resolve Generic Netlink family {name}: "
                     f"{os.strerror(err)}")
        for atype, val in parse_attrs(replies[0]):
            if atype == CTRL_ATTR_FAMILY_ID:
                return struct.unpack("=H", val[:2])[0]
        sys.exit(f"no id for family {name}")


def trust_attr(prefixes):
    body = b""
    for p in prefixes:
        net = ipaddress.ip_network(p, strict=False)
        one = attr(IFLA_MDTUN_PREFIX_ADDR, net.network_address.packed)
        one += attr(IFLA_MDTUN_PREFIX_LEN, struct.pack("=B", net.prefixlen))
        body += attr(IFLA_MDTUN_TRUST_PREFIX | NLA_F_NESTED, one)
    return attr(OVS_MDTUN_ATTR_TRUST | NLA_F_NESTED, body)


def format_options(opts):
    words = []
    for atype, val in parse_attrs(opts):
        if atype == OVS_TUNNEL_ATTR_DST_PORT:
            words.append("dst_port=%d" % struct.unpack("=H", val[:2]))
        elif atype == OVS_MDTUN_ATTR_CARRY:
            words.append("carry=%#x" % struct.unpack("=I", val[:4]))
        elif atype == OVS_MDTUN_ATTR_TRUST:
            prefixes = []
            for _, one in parse_attrs(val):
                fields = dict(parse_attrs(one))
                addr = ipaddress.ip_address(fields[IFLA_MDTUN_PREFIX_ADDR])
                prefixes.append(f"{addr}/{fields[IFLA_MDTUN_PREFIX_LEN][0]}")
            words.append("trust=" + ",".join(prefixes))
        else:
            words.append(f"attr{atype}={val.hex()}")
    return " ".join(words)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dp", default="ovs-system")
    ap.add_argument("cmd", choices=["add", "get", "del"])
    ap.add_argument("name")
    ap.add_argument("--dst-port", type=int)
    ap.add_argument("--carry", type=lambda s: int(s, 0))
    ap.add_argument("--trust", action="append", default=[])
    ap.add_argument("--raw", action="append", default=[],
                    help="extra option attribute TYPE:HEX")
    ap.add_argument("--no-options", action="store_true")
    args = ap.parse_args()

    genl = Genl()
    family = genl.family("ovs_vport")
    body = struct.pack("=i", socket.if_nametoindex(args.dp))
    body += attr(OVS_VPORT_ATTR_NAME, args.name.encode() + b"\0")

    if args.cmd == "add":
        body += attr(OVS_VPORT_ATTR_TYPE,
                     struct.pack("=I", OVS_VPORT_TYPE_MDTUN))
        body += attr(OVS_VPORT_ATTR_UPCALL_PID, struct.pack("=I", 0))
        if not args.no_options:
            opts = b""
            if args.dst_port is not None:
                opts += attr(OVS_TUNNEL_ATTR_DST_PORT,
                             struct.pack("=H", args.dst_port))
            if args.carry is not None:
                opts += attr(OVS_MDTUN_ATTR_CARRY,
                             struct.pack("=I", args.carry))
            if args.trust:
                opts += trust_attr(args.trust)
            for raw in args.raw:
                atype, hexval = raw.split(":", 1)
                opts += attr(int(atype, 0), bytes.fromhex(hexval))
            body += attr(OVS_VPORT_ATTR_OPTIONS, opts)
        cmd = OVS_VPORT_CMD_NEW
    else:
        cmd = OVS_VPORT_CMD_GET if args.cmd == "get" else OVS_VPORT_CMD_DEL

    err, replies = genl.request(family, cmd, OVS_VPORT_VERSION, body)
    if err:
        print(f"error: {err} ({errno.errorcode.get(err, '?')}: "
              f"{os.strerror(err)})")
        return 1
    if args.cmd == "get":
        # Skip struct ovs_header.
        fields = dict(parse_attrs(replies[0][4:]))
        vtype = struct.unpack("=I", fields[OVS_VPORT_ATTR_TYPE][:4])[0]
        print(f"type={vtype} "
              + format_options(fields.get(OVS_VPORT_ATTR_OPTIONS, b"")))
    else:
        print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
