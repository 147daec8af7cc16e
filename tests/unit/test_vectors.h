// SPDX-License-Identifier: Apache-2.0
//
// Loader for tests/data/mdtun-vectors.txt, the shared wire test vectors
// (format described at the top of that file).
#ifndef MDTUN_TESTS_UNIT_TEST_VECTORS_H
#define MDTUN_TESTS_UNIT_TEST_VECTORS_H

#include <cstdint>
#include <string>
#include <vector>

namespace mdtun::test {

struct Vector {
  std::string name;
  std::string expect;  // mdtun_status_name() of the receive verdict
  std::vector<uint8_t> payload;
  int line = 0;
};

// Reads @path; throws std::runtime_error naming the line on a bad entry.
std::vector<Vector> LoadVectors(const std::string& path);

// The receive verdict the vector file records: header parse, then
// metadata validation with the collect-metadata policy.
std::string Verdict(const std::vector<uint8_t>& payload);

}  // namespace mdtun::test

#endif  // MDTUN_TESTS_UNIT_TEST_VECTORS_H
