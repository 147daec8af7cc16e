// SPDX-License-Identifier: Apache-2.0
//
// What the codec costs per packet, next to its peers in the same run: a
// memcpy of the same bytes (the header and metadata area, which the kernel
// copies into the skb once more after building them), and the cost of
// copying a whole packet (a 1500-byte memcpy, what any tunnel pays at least
// once).  Google Benchmark measures each case; main() then prints every
// codec case as a ratio of both peers, so that the numbers compare across
// machines.
//
// Cases (codec_cases.c, which mirrors the kernel driver call for call):
// build, what mdtun_build_txhdr() does per packet, and parse, the header
// parse and metadata validation of mdtun_udp_encap_recv(), for 0, 4 and 16
// four-byte options of a foreign class, the carried mark and priority, and
// the full 252-byte area.  codec_callgrind.c counts the instructions of the
// same cases.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "codec_cases.h"

namespace {

void BM_Memcpy1500(benchmark::State& state) {
  std::vector<char> src(1500, 'x'), dst(1500);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), src.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_Memcpy1500);

using CaseFn = int (*)(const bench_case*, mdtun_u8*);

void RunCase(benchmark::State& state, CaseFn fn, bench_case_id id) {
  static std::array<bench_case, BENCH_N_CASES> cases;
  bench_case& c = cases[id];
  if (bench_case_init(&c, id) != 0) {
    state.SkipWithError("case refused by the codec");
    return;
  }
  std::array<mdtun_u8, BENCH_WIRE_MAX> out{};
  for (auto _ : state) {
    if (fn(&c, out.data()) < 0) {
      state.SkipWithError("codec failed");
      break;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
}

void Build(benchmark::State& s, bench_case_id id) {
  RunCase(s, bench_build, id);
}
void Parse(benchmark::State& s, bench_case_id id) {
  RunCase(s, bench_parse, id);
}
void Memcpy(benchmark::State& s, bench_case_id id) {
  RunCase(s, bench_copy, id);
}

// Names: <kind>/<case>; the peer of build/X and parse/X is memcpy/X.
#define CODEC_CASE(id, name)          \
  BENCHMARK_CAPTURE(Build, name, id); \
  BENCHMARK_CAPTURE(Parse, name, id); \
  BENCHMARK_CAPTURE(Memcpy, name, id)
CODEC_CASE(BENCH_0_TLV, 0_tlv);
CODEC_CASE(BENCH_4_TLV, 4_tlv);
CODEC_CASE(BENCH_16_TLV, 16_tlv);
CODEC_CASE(BENCH_CARRY, carry_mark_priority);
CODEC_CASE(BENCH_FULL_252, full_252);

// Keeps each run's time per iteration for the ratio table.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.error_occurred)
        failed_++;
      else
        ns_[r.benchmark_name()] = r.GetAdjustedRealTime();
    }
  }
  const std::map<std::string, double>& ns() const { return ns_; }
  int failed() const { return failed_; }

 private:
  std::map<std::string, double> ns_;
  int failed_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  // A case that failed is no number: fail rather than leave a gap.
  if (reporter.failed()) {
    std::printf("codec-bench: %d cases failed\n", reporter.failed());
    return 1;
  }
  const auto& ns = reporter.ns();
  auto peer = ns.find("BM_Memcpy1500");
  if (peer == ns.end() || peer->second <= 0) return 1;
  std::printf(
      "\ncodec cost per packet (ns), as a ratio of a memcpy of the "
      "same header + area bytes and of one 1500-byte memcpy "
      "(%.1f ns) in this run:\n",
      peer->second);
  // Every case run with its peer (all of them unless --benchmark_filter).
  for (const char* kind : {"Build", "Parse"}) {
    for (int id = 0; id < BENCH_N_CASES; id++) {
      bench_case c;
      if (bench_case_init(&c, static_cast<bench_case_id>(id)) != 0) return 1;
      const std::string name = std::string(kind) + "/" + c.name;
      auto t = ns.find(name);
      auto same = ns.find(std::string("Memcpy/") + c.name);
      if (t == ns.end() || same == ns.end() || same->second <= 0) continue;
      std::printf(
          "  bench: %-28s %6.1f ns %6.2f x memcpy(%3zu) %6.2f x "
          "memcpy(1500)\n",
          name.c_str(), t->second, t->second / same->second, c.wire_len,
          t->second / peer->second);
    }
  }
  return 0;
}
