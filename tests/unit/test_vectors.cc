// SPDX-License-Identifier: Apache-2.0
#include "test_vectors.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "mdtun/codec.h"

namespace mdtun::test {

namespace {

int HexNibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::vector<Vector> LoadVectors(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<Vector> out;
  std::string line;
  for (int lineno = 1; std::getline(in, line); lineno++) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    Vector v;
    std::string hex, extra;
    v.line = lineno;
    // An empty payload has no HEX field at all.
    if (!(fields >> v.name >> v.expect))
      throw std::runtime_error(path + ":" + std::to_string(lineno) +
                               ": expected NAME EXPECT HEX");
    fields >> hex;
    if (fields >> extra || hex.size() % 2)
      throw std::runtime_error(path + ":" + std::to_string(lineno) +
                               ": malformed hex field");
    for (size_t i = 0; i < hex.size(); i += 2) {
      int hi = HexNibble(hex[i]), lo = HexNibble(hex[i + 1]);
      if (hi < 0 || lo < 0)
        throw std::runtime_error(path + ":" + std::to_string(lineno) +
                                 ": not lowercase hex");
      v.payload.push_back(static_cast<uint8_t>(hi << 4 | lo));
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::string Verdict(const std::vector<uint8_t>& payload) {
  mdtun_hdr hdr{};
  mdtun_status st = mdtun_hdr_parse(payload.data(), payload.size(), &hdr);
  if (st == MDTUN_OK) {
    mdtun_wk_fields wk{};
    st = mdtun_md_validate(payload.data() + MDTUN_HDR_LEN, hdr.md_len,
                           hdr.flags, MDTUN_POLICY_PASS_FOREIGN, &wk);
  }
  return mdtun_status_name(st);
}

}  // namespace mdtun::test
