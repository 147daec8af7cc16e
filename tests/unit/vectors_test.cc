// SPDX-License-Identifier: Apache-2.0
//
// The shared wire test vectors (tests/data/mdtun-vectors.txt): each one's
// recorded verdict must be the codec's, every receive drop reason must be
// covered, and the specification's worked example must decode to what
// docs/protocol.md says it holds.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "mdtun/codec.h"
#include "test_vectors.h"

namespace mdtun::test {
namespace {

// docs/protocol.md, "Worked example".
constexpr uint32_t SPEC_EXAMPLE_VNI = 5001;
constexpr uint8_t SPEC_EXAMPLE_FLAGS = MDTUN_F_CRIT;
constexpr uint16_t SPEC_EXAMPLE_MD_LEN = 24;
constexpr uint64_t SPEC_EXAMPLE_MARK = 0x1234;
constexpr uint64_t SPEC_EXAMPLE_PRIORITY = 0x10003;
constexpr uint16_t SPEC_EXAMPLE_FOREIGN_CLASS = 0x0102;
constexpr uint8_t SPEC_EXAMPLE_FOREIGN_TYPE = 0x80;

const std::vector<Vector>& Vectors() {
  static const std::vector<Vector> vectors = LoadVectors(MDTUN_VECTORS_FILE);
  return vectors;
}

const Vector* Find(const std::string& name) {
  for (const auto& v : Vectors())
    if (v.name == name) return &v;
  return nullptr;
}

TEST(Vectors, FileLoadsAndNamesAreUnique) {
  std::set<std::string> names;
  ASSERT_GE(Vectors().size(), 15u);
  for (const auto& v : Vectors())
    EXPECT_TRUE(names.insert(v.name).second) << "duplicate " << v.name;
}

TEST(Vectors, EveryVerdictMatchesTheCodec) {
  for (const auto& v : Vectors())
    EXPECT_EQ(v.expect, Verdict(v.payload))
        << v.name << " (line " << v.line << ")";
}

TEST(Vectors, EveryReceiveDropReasonIsCovered) {
  std::set<std::string> covered;
  for (const auto& v : Vectors()) covered.insert(v.expect);
  for (int s = MDTUN_STATUS_FIRST_RX_DROP; s <= MDTUN_STATUS_LAST_RX_DROP; s++) {
    // A header's area is whole words, so no packet can cut a TLV header:
    // codec_test covers tlv_truncated with byte-length areas instead.
    if (s == MDTUN_ERR_TLV_TRUNCATED) continue;
    // Decided after validation, by what the receiving device applies
    // (mdtun_wk_check_applied()): not a verdict on the bytes alone.
    if (s == MDTUN_ERR_CRIT_NOT_APPLIED) continue;
    const char* name = mdtun_status_name(static_cast<mdtun_status>(s));
    EXPECT_TRUE(covered.count(name)) << "no vector for " << name;
  }
  EXPECT_TRUE(covered.count("ok"));
}

TEST(Vectors, SpecExampleDecodes) {
  const Vector* v = Find("spec-example");
  ASSERT_NE(nullptr, v);
  mdtun_hdr hdr{};
  ASSERT_EQ(MDTUN_OK, mdtun_hdr_parse(v->payload.data(), v->payload.size(), &hdr));
  const uint8_t* md = v->payload.data() + MDTUN_HDR_LEN;
  mdtun_wk_fields wk{};
  ASSERT_EQ(MDTUN_OK, mdtun_md_validate(md, hdr.md_len, hdr.flags,
                                        MDTUN_POLICY_PASS_FOREIGN, &wk));
  // What docs/protocol.md's worked example states.
  EXPECT_EQ(MDTUN_PROTO_ETH, hdr.protocol);
  EXPECT_EQ(SPEC_EXAMPLE_VNI, hdr.vni);
  EXPECT_EQ(SPEC_EXAMPLE_FLAGS, hdr.flags);
  EXPECT_EQ(SPEC_EXAMPLE_MD_LEN, hdr.md_len);
  EXPECT_EQ(SPEC_EXAMPLE_MARK, mdtun_wk_get(&wk, MDTUN_WK_MARK));
  EXPECT_EQ(SPEC_EXAMPLE_PRIORITY, mdtun_wk_get(&wk, MDTUN_WK_PRIORITY));
  mdtun_tlv tlv{};
  ASSERT_EQ(MDTUN_OK, mdtun_tlv_find(md, hdr.md_len, SPEC_EXAMPLE_FOREIGN_CLASS,
                                     SPEC_EXAMPLE_FOREIGN_TYPE, &tlv));
  EXPECT_TRUE(mdtun_tlv_is_critical(&tlv));
  // Strict (fixed-mode) receivers refuse its critical foreign TLV.
  EXPECT_EQ(MDTUN_ERR_CRIT_UNKNOWN,
            mdtun_md_validate(md, hdr.md_len, hdr.flags, 0, nullptr));
}

TEST(Vectors, ValidVectorsReEncodeIdentically) {
  for (const auto& v : Vectors()) {
    if (v.expect != "ok") continue;
    mdtun_hdr hdr{};
    ASSERT_EQ(MDTUN_OK, mdtun_hdr_parse(v.payload.data(), v.payload.size(), &hdr));
    uint8_t out[MDTUN_HDR_LEN + MDTUN_MD_MAX_LEN];
    size_t md_len = 0;
    ASSERT_EQ(MDTUN_OK, mdtun_hdr_build(out, sizeof(out), &hdr));
    mdtun_tlv_iter it;
    mdtun_tlv tlv;
    mdtun_tlv_iter_init(&it, v.payload.data() + MDTUN_HDR_LEN, hdr.md_len);
    while (mdtun_tlv_next(&it, &tlv))
      ASSERT_EQ(MDTUN_OK, mdtun_tlv_put(out + MDTUN_HDR_LEN, MDTUN_MD_MAX_LEN,
                                        &md_len, tlv.opt_class, tlv.type,
                                        tlv.data, tlv.len));
    // Vectors with reserved bits set on purpose differ only there.
    if (v.name.find("reserved") != std::string::npos) continue;
    EXPECT_EQ(std::vector<uint8_t>(out, out + MDTUN_HDR_LEN + md_len),
              std::vector<uint8_t>(v.payload.begin(),
                                   v.payload.begin() + MDTUN_HDR_LEN + md_len))
        << v.name;
  }
}

}  // namespace
}  // namespace mdtun::test
