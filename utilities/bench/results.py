#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# results.py DIR CODEC_JSON LOG...: writes DIR/<date>.json for make bench:
# the codec's Google Benchmark results (CODEC_JSON, its --benchmark_out
# file) and the rows that the bench scripts printed as "bench-json {...}"
# lines in their logs, with the date, the commit and the kernel.  Fails
# when a log holds no such line (a bench that did not finish).
import datetime
import json
import os
import subprocess
import sys


def main():
    out_dir, codec, logs = sys.argv[1], sys.argv[2], sys.argv[3:]
    result = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "kernel_in_vm": "Debian 6.1 under QEMU TCG",
    }
    try:
        result["commit"] = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True,
            check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        result["commit"] = None
    with open(codec) as f:
        bench = json.load(f)
    result["codec_ns"] = {b["name"]: b["real_time"] for b in bench["benchmarks"]
                          if b.get("time_unit") == "ns"}
    for log in logs:
        found = False
        with open(log, errors="replace") as f:
            for line in f:
                if line.startswith("bench-json "):
                    result.update(json.loads(line[len("bench-json "):]))
                    found = True
        if not found:
            sys.exit(f"results.py: no bench-json line in {log}")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, datetime.date.today().isoformat() + ".json")
    with open(path, "w") as f:
        json.dump(result, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"bench results: {path}")


if __name__ == "__main__":
    main()
