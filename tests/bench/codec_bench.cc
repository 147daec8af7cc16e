// SPDX-License-Identifier: Apache-2.0
//
// What the codec costs per packet, next to its peer in the same run: the
// cost of copying the packet itself (a 1500-byte memcpy, what any tunnel
// pays at least once).  Google Benchmark measures each case; main() then
// prints every codec case as a ratio of the memcpy time, so that the
// numbers compare across machines.
//
// Cases: the receive path (header parse + metadata validation with the
// well-known fields decoded) and the transmit path (header build + TLVs),
// for an area with no TLV, one 4-byte option, the carried mark and
// priority, and a full 252-byte area.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "mdtun/codec.h"

namespace {

struct Area {
  std::array<mdtun_u8, MDTUN_MD_MAX_LEN> md{};
  size_t len = 0;
};

// n_opts 4-byte options of class 0x0102, then the carried fields if asked.
Area MakeArea(int n_opts, bool carry) {
  Area a;
  const mdtun_u8 data[4] = {0, 0, 0x12, 0x34};
  for (int i = 0; i < n_opts; i++) {
    if (mdtun_tlv_put(a.md.data(), a.md.size(), &a.len, 0x0102,
                      static_cast<mdtun_u8>(i & 0x7f), data,
                      sizeof data) != MDTUN_OK)
      break;
  }
  if (carry) {
    mdtun_wk_put(a.md.data(), a.md.size(), &a.len, MDTUN_WK_MARK, 0x55);
    mdtun_wk_put(a.md.data(), a.md.size(), &a.len, MDTUN_WK_PRIORITY, 3);
  }
  return a;
}

// The packet as a receiver sees it: header, area, 64 bytes of payload.
std::vector<mdtun_u8> MakePacket(const Area& a) {
  std::vector<mdtun_u8> pkt(MDTUN_HDR_LEN + a.len + 64);
  mdtun_hdr hdr{};
  hdr.version = MDTUN_VERSION;
  hdr.protocol = MDTUN_PROTO_ETH;
  hdr.vni = 42;
  hdr.md_len = static_cast<mdtun_u8>(a.len);
  mdtun_hdr_build(pkt.data(), pkt.size(), &hdr);
  std::memcpy(pkt.data() + MDTUN_HDR_LEN, a.md.data(), a.len);
  return pkt;
}

void BM_Memcpy1500(benchmark::State& state) {
  std::vector<char> src(1500, 'x'), dst(1500);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), src.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_Memcpy1500);

void Receive(benchmark::State& state, int n_opts, bool carry) {
  const std::vector<mdtun_u8> pkt = MakePacket(MakeArea(n_opts, carry));
  for (auto _ : state) {
    mdtun_hdr hdr;
    mdtun_wk_fields wk;
    enum mdtun_status st = mdtun_hdr_parse(pkt.data(), pkt.size(), &hdr);
    if (st == MDTUN_OK)
      st = mdtun_md_validate(pkt.data() + MDTUN_HDR_LEN, hdr.md_len,
                             hdr.flags, MDTUN_POLICY_PASS_FOREIGN, &wk);
    if (st != MDTUN_OK) state.SkipWithError("packet refused");
    benchmark::DoNotOptimize(wk);
  }
}

void Transmit(benchmark::State& state, int n_opts, bool carry) {
  const Area opts = MakeArea(n_opts, false);
  mdtun_wk_fields wk{};
  wk.mark = 0x55;
  wk.priority = 3;
  wk.present = MDTUN_WK_BIT(MDTUN_WK_MARK) | MDTUN_WK_BIT(MDTUN_WK_PRIORITY);
  std::array<mdtun_u8, MDTUN_HDR_LEN + MDTUN_MD_MAX_LEN> out;
  for (auto _ : state) {
    size_t len = opts.len;
    std::memcpy(out.data() + MDTUN_HDR_LEN, opts.md.data(), opts.len);
    if (carry)
      mdtun_wk_put_fields(out.data() + MDTUN_HDR_LEN, MDTUN_MD_MAX_LEN, &len,
                          &wk, wk.present);
    mdtun_hdr hdr{};
    hdr.version = MDTUN_VERSION;
    hdr.protocol = MDTUN_PROTO_ETH;
    hdr.vni = 42;
    hdr.md_len = static_cast<mdtun_u8>(len);
    if (mdtun_hdr_build(out.data(), out.size(), &hdr) != MDTUN_OK)
      state.SkipWithError("build failed");
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
}

BENCHMARK_CAPTURE(Receive, no_tlv, 0, false);
BENCHMARK_CAPTURE(Receive, one_option, 1, false);
BENCHMARK_CAPTURE(Receive, carried_mark_priority, 0, true);
BENCHMARK_CAPTURE(Receive, full_area_31_options, 31, false);
BENCHMARK_CAPTURE(Transmit, no_tlv, 0, false);
BENCHMARK_CAPTURE(Transmit, one_option, 1, false);
BENCHMARK_CAPTURE(Transmit, carried_mark_priority, 0, true);
BENCHMARK_CAPTURE(Transmit, full_area_31_options, 31, false);

// Keeps each run's time per iteration for the ratio table.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs)
      if (!r.error_occurred) ns_[r.benchmark_name()] = r.GetAdjustedRealTime();
  }
  const std::map<std::string, double>& ns() const { return ns_; }

 private:
  std::map<std::string, double> ns_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const auto& ns = reporter.ns();
  auto peer = ns.find("BM_Memcpy1500");
  if (peer == ns.end() || peer->second <= 0) return 1;
  std::printf("\ncodec cost per packet, as a ratio of one 1500-byte memcpy "
              "(%.1f ns) in this run:\n",
              peer->second);
  for (const auto& [name, t] : ns)
    if (name != peer->first)
      std::printf("  bench: %-40s %6.2f x memcpy(1500)\n", name.c_str(),
                  t / peer->second);
  return 0;
}
