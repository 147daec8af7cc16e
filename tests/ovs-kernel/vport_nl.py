#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Talk to openvswitch.ko's ovs_vport Generic Netlink family directly.

Used by the OVS kernel-datapath tests to give vport-mdtun.ko option
attributes that the vswitchd plugin never sends (bad carry bits, unknown
attributes, bad trust prefixes) and to read back what get_options reports.
The netlink work is tests/lib/nl.py's.

  vport_nl.py [--dp DATAPATH] add NAME [--dst-port P] [--carry N]
              [--trust ADDR/LEN]... [--raw TYPE:HEX]... [--no-options]
  vport_nl.py [--dp DATAPATH] get NAME
  vport_nl.py [--dp DATAPATH] del NAME

"add" and "del" print "ok" or "error: ERRNO (message)"; "get" prints the
vport type and its options, e.g. "type=200 dst_port=7081 carry=0x1
trust=198.51.100.0/24".  Trust prefixes are sent as given, host bits and
all: masking them is the kernel's job.  Exit status 0 on success, 1 on a
kernel error.
"""

import argparse
import errno
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import nl  # noqa: E402


def error_line(err):
    return (f"error: {err} ({errno.errorcode.get(err, '?')}: "
            f"{os.strerror(err)})")


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

    ovs = nl.Ovs()
    try:
        ovs.family("ovs_vport")
    except OSError as e:
        sys.exit(f"cannot resolve Generic Netlink family ovs_vport: "
                 f"{os.strerror(e.errno)}")

    if args.cmd == "add":
        opts = None
        if not args.no_options:
            opts = []
            if args.dst_port is not None:
                opts.append(nl.u16(nl.VPORT_OPTS["DST_PORT"], args.dst_port))
            if args.carry is not None:
                opts.append(nl.u32(nl.VPORT_OPTS["CARRY"], args.carry))
            if args.trust:
                opts.append(nl.trust(nl.VPORT_OPTS["TRUST"], args.trust))
            for raw in args.raw:
                atype, hexval = raw.split(":", 1)
                opts.append(nl.attr(int(atype, 0), bytes.fromhex(hexval)))
        rep = ovs.vport_new(args.dp, args.name, nl.OVS_VPORT_TYPE_MDTUN, opts)
    elif args.cmd == "del":
        rep = ovs.vport_del(args.dp, args.name)
    else:
        rep, attrs = ovs.vport_get(args.dp, args.name)
        if rep.error == 0 and attrs is None:
            print("error: no vport in the answer")
            return 1

    if rep.error:
        print(error_line(rep.error))
        return 1
    if args.cmd == "get":
        vtype = struct.unpack("=I", attrs[nl.OVS_VPORT_ATTR_TYPE][:4])[0]
        opts = nl.format_vport_options(attrs.get(nl.OVS_VPORT_ATTR_OPTIONS))
        print(f"type={vtype} " + opts)
    else:
        print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
