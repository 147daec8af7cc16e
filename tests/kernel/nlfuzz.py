#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Netlink fuzzer for mdtun.ko and vport-mdtun.ko (tests/kernel/t-nlfuzz.sh).

  nlfuzz.py --seed N [--seconds S | --iterations N] [--dp DATAPATH]

Runs in the current network namespace.  For a bounded time (or number of
iterations) it sends random requests built from tests/lib/nl.py:

  - RTM_NEWLINK creating mdtun links with random IFLA_INFO_DATA: templates
    of valid configurations (fixed IPv4/IPv6, external) mutated -- values
    at and past their limits, random lengths, unknown and duplicate types,
    NLA_F_NESTED set and cleared, trust lists of 0-18 random entries,
    trailing garbage -- sometimes with a random IFLA_MTU or IFLA_ADDRESS;
  - changelink (RTM_NEWLINK on an existing link) of those links and of the
    vports' devices with the same kind of attributes, and RTM_SETLINK up
    and down, and RTM_DELLINK (also of a device a vport is attached to);
  - OVS_VPORT_CMD_NEW for vport type 200 on the datapath DATAPATH with
    random OVS_VPORT_ATTR_OPTIONS, then OVS_VPORT_CMD_GET, later _DEL.

The same seed gives the same sequence of requests: "--seed N --iterations
I" replays a run exactly up to its I-th request (both are printed).

What it checks on the way (the counts are printed, the test checks them):
  refused_changed    a refused changelink that changed the link anyway
                     (every attribute, MTU, IFF_UP, address compared;
                     requests that also set the MTU or address aside,
                     which rtnetlink applies after the driver's part)
  refused_left       a refused create or vport that left a device behind
  accepted_missing   an accepted create or vport whose device/vport cannot
                     be read back
  vport_stale        a vport whose options (dst_port, carry, trust) are
                     not its device's as rtnetlink reports them now
At the end everything it created is deleted and the mdtun links left in
the namespace are listed ("left=-" when none).  Output, last lines:

  seed=N iterations=I seconds=S
  create accepted=A refused=R         (RTM_NEWLINK creating a link)
  change accepted=A refused=R         (RTM_NEWLINK changing one)
  setlink accepted=A refused=R
  dellink accepted=A refused=R
  vport accepted=A refused=R          (OVS_VPORT_CMD_NEW and _DEL)
  refused_changed=0 refused_left=0 accepted_missing=0
  vport_checked=N vport_stale=0
  errnos: EINVAL=.. ERANGE=.. ...
  left=-
"""

import argparse
import collections
import ipaddress
import os
import random
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import nl  # noqa: E402
from nl import MDTUN  # noqa: E402

LINKS = [f"fz{i}" for i in range(8)]
VPORTS = [f"fv{i}" for i in range(4)]
PORTS = [7081, 7082, 7083, 7084]
# What an external device takes besides COLLECT_METADATA.
EXTERNAL_OK = ["PORT", "UDP_ZERO_CSUM6_TX", "UDP_ZERO_CSUM6_RX", "CARRY",
               "TRUST"]


class Gen:
    """Random attributes, from one random.Random."""

    def __init__(self, rnd):
        self.r = rnd

    def chance(self, p):
        return self.r.random() < p

    def pick(self, seq):
        return self.r.choice(seq)

    def junk(self, maxlen=20):
        return bytes(self.r.getrandbits(8)
                     for _ in range(self.r.randint(0, maxlen)))

    # ---- values --------------------------------------------------------------

    def u32(self):
        return self.pick([0, 1, 2, 3, 4, 42, 0xFFFFFF, 0x1000000,
                          0x7FFFFFFF, 0xFFFFFFFF, self.r.getrandbits(32)])

    def u8(self):
        return self.pick([0, 1, 2, 3, 63, 64, 128, 255,
                          self.r.getrandbits(8)])

    def addr4(self):
        return self.pick(["198.51.100.2", "198.51.100.3", "198.51.100.1",
                          "0.0.0.0", "224.0.0.1", "255.255.255.255",
                          "127.0.0.1", str(ipaddress.IPv4Address(
                              self.r.getrandbits(32)))])

    def addr6(self):
        return self.pick(["2001:db8::2", "2001:db8::3", "::", "::1",
                          "ff02::1", "fe80::1", str(ipaddress.IPv6Address(
                              self.r.getrandbits(128)))])

    def port(self):
        return self.pick(PORTS + [0, 1, 65535, self.r.getrandbits(16)])

    # ---- trust lists ------------------------------------------------------------

    def prefix(self):
        """One entry of a trust list, usually well-formed."""
        v6 = self.chance(0.4)
        addr = self.addr6() if v6 else self.addr4()
        plen = self.r.randint(0, 130 if v6 else 34)
        kids = [nl.ip(nl.PREFIX_ADDR, addr), nl.u8(nl.PREFIX_LEN, plen)]
        if self.chance(0.1):
            kids = [nl.attr(nl.PREFIX_ADDR, self.junk(18)), kids[1]]
        if self.chance(0.05):
            kids = [nl.attr(nl.PREFIX_LEN, self.junk(3)), kids[0]]
        if self.chance(0.05):
            kids.append(nl.attr(self.pick([0, 3, 4, 0x3FFF]), self.junk(8)))
        if self.chance(0.05):
            kids = kids[:self.r.randint(0, len(kids) - 1)]
        if self.chance(0.05):
            self.r.shuffle(kids)
        atype = nl.TRUST_PREFIX if not self.chance(0.05) else \
            self.pick([0, 2, 3, 0x3FFF])
        return nl.nest(atype, kids, nested=not self.chance(0.05))

    def trust(self, atype):
        n = self.pick([0, 1, 1, 2, 3, 15, 16, 16, 17, 18])
        body = [self.prefix() for _ in range(n)]
        if self.chance(0.05):
            body.append(self.junk(7))
        return nl.nest(atype, body, nested=not self.chance(0.1))

    # ---- IFLA_INFO_DATA -------------------------------------------------------

    def mdtun_value(self, name, valid=False):
        """NAME with a random value; VALID: one the driver takes alone."""
        t = MDTUN[name]
        if name == "ID":
            return nl.u32(t, self.r.getrandbits(24) if valid else self.u32())
        if name in ("REMOTE", "LOCAL"):
            return nl.ip(t, f"198.51.100.{self.r.randint(1, 254)}" if valid
                         else self.addr4())
        if name in ("REMOTE6", "LOCAL6"):
            return nl.ip(t, f"2001:db8::{self.r.randint(1, 0xffff):x}"
                         if valid else self.addr6())
        if name == "PORT":
            return nl.be16(t, self.port())
        if name == "COLLECT_METADATA":
            return nl.flag(t)
        if name == "CARRY":
            return nl.u32(t, self.pick([0, 1, 2, 3, 3, 4, self.u32()]))
        if name == "TRUST":
            return self.trust(t)
        if name in ("TTL", "TOS"):
            return nl.u8(t, self.u8())
        # The booleans and DF.
        return nl.u8(t, self.pick([0, 1] * 4 + [2, 3, 255]))

    def mutate(self, a):
        """A copy of encoded attribute A, maybe broken."""
        alen, atype = struct.unpack_from("=HH", a)
        payload = a[4:alen]
        roll = self.r.random()
        if roll < 0.06:
            payload = self.junk()
        elif roll < 0.09:
            payload = payload[:self.r.randint(0, len(payload))]
        elif roll < 0.11:
            payload = payload + self.junk(6)
        if self.chance(0.03):
            atype ^= nl.NLA_F_NESTED
        if self.chance(0.01):
            atype |= nl.NLA_F_NET_BYTEORDER
        return nl.attr(atype, payload)

    def info_data(self, existing_kind=None):
        """A list of encoded attributes (or raw bytes) for IFLA_INFO_DATA."""
        tmpl = existing_kind or self.pick(
            ["fixed4"] * 3 + ["fixed6", "external"] * 2 + ["empty"] +
            ["random"] * 2)
        names = []
        if tmpl == "fixed4":
            names = ["ID", "REMOTE"] + (["LOCAL"] if self.chance(0.3) else [])
        elif tmpl == "fixed6":
            names = ["ID", "REMOTE6"] + (["LOCAL6"] if self.chance(0.3) else [])
        elif tmpl == "external":
            names = ["COLLECT_METADATA"]
        elif tmpl == "change":
            names = []
        base = len(names)
        optional = [n for n in MDTUN if n not in names]
        if tmpl == "external" and self.chance(0.7):
            optional = [n for n in EXTERNAL_OK if n not in names]
        k = self.pick([0, 0, 1, 1, 2, 3, 5]) if tmpl != "random" else \
            self.r.randint(1, 8)
        names += self.r.sample(optional, k)
        if self.chance(0.1) and names:
            names.append(self.pick(names))          # a duplicate
        attrs = [self.mdtun_value(n, i < base and self.chance(0.6))
                 for i, n in enumerate(names)]
        if tmpl in ("fixed4", "fixed6", "external") and self.chance(0.5):
            pass                                     # leave it well-formed
        else:
            attrs = [self.mutate(a) for a in attrs]
        if self.chance(0.08):
            attrs.append(nl.attr(self.pick([0, 18, 19, 31, 0x3FFF,
                                            self.r.getrandbits(14)]),
                                 self.junk()))
        self.r.shuffle(attrs)
        data = b"".join(attrs)
        if self.chance(0.03):
            data += self.junk(3)                     # a cut-off attribute
        return data

    def link_extra(self):
        kw = {}
        if self.chance(0.08):
            kw["mtu"] = self.pick([0, 67, 68, 1280, 1500, 9000, 65505, 65506,
                                   0xFFFFFFFF])
        if self.chance(0.04):
            kw["address"] = self.pick([bytes.fromhex("020000000001"),
                                       bytes.fromhex("010000000001"),
                                       bytes(6), self.junk(8)])
        if self.chance(0.03):
            kw["data_nested"] = False
        return kw

    # ---- OVS_VPORT_ATTR_OPTIONS ---------------------------------------------

    def vport_options(self):
        if self.chance(0.1):
            return None
        opts = []
        if self.chance(0.8):
            opts.append(nl.u16(nl.VPORT_OPTS["DST_PORT"],
                               self.pick(PORTS + PORTS + [0, 65535])))
        if self.chance(0.6):
            opts.append(nl.u32(nl.VPORT_OPTS["CARRY"],
                               self.pick([0, 1, 2, 3, 4, self.u32()])))
        if self.chance(0.4):
            opts.append(self.trust(nl.VPORT_OPTS["TRUST"]))
        if self.chance(0.4):
            opts = [self.mutate(a) for a in opts]
        if self.chance(0.1):
            opts.append(nl.attr(self.pick([0, 2, 3, 63, 66, 0x3FFF]),
                                self.junk(8)))
        self.r.shuffle(opts)
        data = b"".join(opts)
        if self.chance(0.05):
            data = self.junk(12)
        return data


def snapshot(rtnl, name):
    rep, link = rtnl.getlink(name)
    if not link:
        return None
    # Of the flags only IFF_UP: IFF_RUNNING and IFF_LOWER_UP follow the
    # carrier, which linkwatch updates later.
    return (link.flags & nl.IFF_UP, link.mtu, link.address, link.kind,
            link.data)


class Fuzzer:
    def __init__(self, seed, dp):
        self.g = Gen(random.Random(seed))
        self.rtnl = nl.Rtnl()
        self.ovs = nl.Ovs() if dp else None
        self.dp = dp
        self.count = collections.Counter()
        self.errnos = collections.Counter()
        self.notes = []

    def note(self, what):
        if len(self.notes) < 20:
            self.notes.append(what)

    def exists(self, name):
        return snapshot(self.rtnl, name) is not None

    def outcome(self, kind, rep):
        if rep.error:
            self.count[kind + "_refused"] += 1
            self.errnos[nl.errname(rep.error)] += 1
        else:
            self.count[kind + "_accepted"] += 1
        return rep.error == 0

    def step(self, i):
        g = self.g
        roll = g.r.random()
        if roll < 0.35:
            # Mostly a free name: an existing one is only EEXIST.
            free = [n for n in LINKS if not self.exists(n)]
            name = g.pick(free if free and g.chance(0.9) else LINKS)
            existed = self.exists(name)
            rep = self.rtnl.newlink(name, g.info_data(), **g.link_extra())
            if self.outcome("create", rep):
                if not self.exists(name):
                    self.count["accepted_missing"] += 1
                    self.note(f"{i}: create {name} accepted, not there")
            elif not existed and self.exists(name):
                self.count["refused_left"] += 1
                self.note(f"{i}: create {name} refused "
                          f"({rep.line()}), left behind")
        elif roll < 0.65:
            name = g.pick(LINKS + VPORTS)
            before = snapshot(self.rtnl, name)
            if before is None:
                return
            kw = g.link_extra()
            data = g.info_data("change" if g.chance(0.8) else None)
            if g.chance(0.3):
                # Down first, where the identity may change: a new UDP
                # port, VNI or remote (for a vport's device, a port).
                if self.rtnl.setlink(name, up=False).error == 0:
                    before = snapshot(self.rtnl, name)
                if name in VPORTS or g.chance(0.5):
                    data += nl.be16(MDTUN["PORT"], g.pick(PORTS))
            rep = self.rtnl.changelink(name, data, **kw)
            # rtnetlink applies IFLA_MTU and IFLA_ADDRESS after the
            # driver's changelink, so a refused MTU may follow an applied
            # change: only requests without them must be all or nothing.
            if not self.outcome("change", rep) and \
                    "mtu" not in kw and "address" not in kw:
                after = snapshot(self.rtnl, name)
                if after != before:
                    self.count["refused_changed"] += 1
                    self.note(f"{i}: change {name} refused "
                              f"({rep.line()}) but changed")
        elif roll < 0.75:
            name = g.pick(LINKS + VPORTS)
            if self.exists(name):
                self.outcome("setlink", self.rtnl.setlink(name,
                                                          up=g.chance(0.6)))
        elif roll < 0.8:
            name = g.pick(LINKS + (VPORTS if g.chance(0.2) else []))
            if self.exists(name):
                self.outcome("dellink", self.rtnl.dellink(name))
        elif not self.ovs:
            return
        elif roll < 0.85:
            self.vport_live(i, g.pick(VPORTS))
        else:
            self.vport_step(i)

    def vport_live(self, i, name):
        """The options a vport reports are its device's, as they are now
        (the device may have been changed over rtnetlink)."""
        rep, attrs = self.ovs.vport_get(self.dp, name)
        if rep.error:
            return
        _, link = self.rtnl.getlink(name)
        if not link or link.kind != "mdtun":
            return
        opts = nl.attr_dict(attrs.get(nl.OVS_VPORT_ATTR_OPTIONS, b""))
        data = nl.format_mdtun_data(link.data)
        port = opts.get(nl.VPORT_OPTS["DST_PORT"])
        carry = opts.get(nl.VPORT_OPTS["CARRY"])
        trust = opts.get(nl.VPORT_OPTS["TRUST"])
        have = (str(struct.unpack("=H", port)[0]) if port else None,
                "%#x" % struct.unpack("=I", carry)[0] if carry else None,
                nl.format_prefixes(trust) if trust else "-")
        want = (data.get("PORT"), data.get("CARRY"), data.get("TRUST", "-"))
        self.count["vport_checked"] += 1
        if have != want:
            self.count["vport_stale"] += 1
            self.note(f"{i}: vport {name} reports port/carry/trust {have}, "
                      f"its device has {want}")

    def vport_step(self, i):
        g = self.g
        if g.chance(0.03):
            # A name taken by another device: the datapath's own port, a
            # link of the fuzzer's, the loopback.
            name = g.pick([self.dp, "lo"] + LINKS)
            if not self.exists(name):
                return
            rep = self.ovs.vport_new(self.dp, name, nl.OVS_VPORT_TYPE_MDTUN,
                                     g.vport_options())
            if self.outcome("vport", rep):
                self.count["accepted_missing"] += 1
                self.note(f"{i}: vport {name} accepted over an existing "
                          "device")
            return
        name = g.pick(VPORTS)
        rep, _ = self.ovs.vport_get(self.dp, name)
        if rep.error == 0 and g.chance(0.5):
            self.outcome("vport", self.ovs.vport_del(self.dp, name))
            return
        existed = self.exists(name)
        rep = self.ovs.vport_new(self.dp, name, nl.OVS_VPORT_TYPE_MDTUN,
                                 g.vport_options())
        if self.outcome("vport", rep):
            rep, attrs = self.ovs.vport_get(self.dp, name)
            if rep.error or not attrs or struct.unpack(
                    "=I", attrs[nl.OVS_VPORT_ATTR_TYPE][:4])[0] != 200:
                self.count["accepted_missing"] += 1
                self.note(f"{i}: vport {name} accepted, get: {rep.line()}")
            else:
                self.vport_live(i, name)
        elif not existed and self.exists(name):
            self.count["refused_left"] += 1
            self.note(f"{i}: vport {name} refused ({rep.line()}), "
                      "device left behind")

    def cleanup(self):
        if self.ovs:
            for name in VPORTS:
                rep, _ = self.ovs.vport_get(self.dp, name)
                if rep.error == 0:
                    self.ovs.vport_del(self.dp, name)
        for lk in self.rtnl.links("mdtun"):
            if lk.name in LINKS or lk.name in VPORTS:
                self.rtnl.dellink(lk.name)
        return sorted(lk.name for lk in self.rtnl.links("mdtun"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--iterations", type=int)
    ap.add_argument("--dp", help="datapath for the vport requests")
    args = ap.parse_args()

    print(f"nlfuzz: seed {args.seed}", flush=True)
    fz = Fuzzer(args.seed, args.dp)
    start = time.monotonic()
    i = 0
    while True:
        if args.iterations is not None:
            if i >= args.iterations:
                break
        elif time.monotonic() - start >= args.seconds:
            break
        i += 1
        fz.step(i)
    left = fz.cleanup()
    c = fz.count
    print(f"seed={args.seed} iterations={i} "
          f"seconds={time.monotonic() - start:.0f}")
    print(f"replay: nlfuzz.py --seed {args.seed} --iterations {i}"
          + (f" --dp {args.dp}" if args.dp else ""))
    for n in fz.notes:
        print("note:", n)
    for kind in ("create", "change", "setlink", "dellink", "vport"):
        print(f"{kind} accepted={c[kind + '_accepted']} "
              f"refused={c[kind + '_refused']}")
    print(f"refused_changed={c['refused_changed']} "
          f"refused_left={c['refused_left']} "
          f"accepted_missing={c['accepted_missing']}")
    print(f"vport_checked={c['vport_checked']} "
          f"vport_stale={c['vport_stale']}")
    print("errnos: " + " ".join(f"{k}={v}" for k, v in
                                sorted(fz.errnos.items())))
    print("left=" + (",".join(left) or "-"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
