#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# insn-profile.py PROF DIVISOR [TOP]: the last section of the insn-count
# plugin's prof= file (utilities/bench/insn-count.c) as an exact
# instruction profile: instructions per kernel symbol, divided by DIVISOR
# (the frames or KiB the section covered), the TOP (default 400) largest.
# Run it in the VM that recorded the section: the addresses are resolved
# with that boot's /proc/kallsyms (modules included).
import bisect
import collections
import sys


def main():
    prof, divisor = sys.argv[1], float(sys.argv[2])
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 400
    symbols = []
    with open("/proc/kallsyms") as f:
        for line in f:
            fields = line.split()
            addr = int(fields[0], 16)
            if not addr:	# per-cpu symbols, or addresses hidden
                continue
            name = fields[2] + (" " + fields[3] if len(fields) > 3 else "")
            symbols.append((addr, name))
    if not symbols:
        sys.exit("insn-profile.py: /proc/kallsyms hides the addresses (run as root)")
    symbols.sort()
    addrs = [a for a, _ in symbols]
    sections, cur = [], []
    with open(prof) as f:
        for line in f:
            if line.strip() == "end":
                sections.append(cur)
                cur = []
            else:
                va, count = line.split()
                cur.append((int(va, 16), int(count)))
    if not sections:
        sys.exit(f"insn-profile.py: no complete section in {prof}")
    per_symbol = collections.Counter()
    for va, count in sections[-1]:
        i = bisect.bisect_right(addrs, va) - 1
        per_symbol[symbols[i][1] if i >= 0 else "?"] += count
    total = sum(per_symbol.values())
    print(f"# kernel instructions per unit: {total / divisor:.0f} "
          f"(section {len(sections)} of {prof})")
    for name, count in per_symbol.most_common(top):
        print(f"{count / divisor:10.1f}  {name}")


if __name__ == "__main__":
    main()
