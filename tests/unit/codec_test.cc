// SPDX-License-Identifier: Apache-2.0
//
// Unit tests of the shared wire codec (include/mdtun/codec.{h,c}): header
// build/parse, TLV iteration, validation rules, well-known fields and their
// boundaries.  The same source is compiled into mdtun.ko.

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "mdtun/codec.h"
#include "mdtun/if_mdtun.h"

namespace {

using Bytes = std::vector<uint8_t>;

// A metadata area built TLV by TLV through the codec, failing the test on
// any encoder error so that each test states only what it checks.
class MdBuilder {
 public:
  MdBuilder& Tlv(uint16_t opt_class, uint8_t type, const Bytes& data) {
    EXPECT_EQ(MDTUN_OK, mdtun_tlv_put(buf_.data(), buf_.size(), &len_,
                                      opt_class, type, data.data(),
                                      data.size()));
    return *this;
  }
  MdBuilder& Wk(uint8_t type, uint64_t value) {
    EXPECT_EQ(MDTUN_OK,
              mdtun_wk_put(buf_.data(), buf_.size(), &len_, type, value));
    return *this;
  }
  Bytes Area() const { return Bytes(buf_.begin(), buf_.begin() + len_); }

 private:
  std::array<uint8_t, 512> buf_{};
  size_t len_ = 0;
};

// Header (with @flags, @vni) + metadata area + a 14-byte inner frame.
Bytes Packet(const Bytes& md, uint8_t flags = 0, uint32_t vni = 42) {
  Bytes pkt(MDTUN_HDR_LEN);
  mdtun_hdr hdr{};
  hdr.flags = flags;
  hdr.protocol = MDTUN_PROTO_ETH;
  hdr.vni = vni;
  hdr.md_len = static_cast<uint16_t>(md.size());
  EXPECT_EQ(MDTUN_OK, mdtun_hdr_build(pkt.data(), pkt.size(), &hdr));
  pkt.insert(pkt.end(), md.begin(), md.end());
  pkt.insert(pkt.end(), 14, 0xee);
  return pkt;
}

mdtun_status Validate(const Bytes& md, uint8_t flags = 0,
                      unsigned policy = MDTUN_POLICY_PASS_FOREIGN,
                      mdtun_wk_fields* wk = nullptr) {
  return mdtun_md_validate(md.data(), md.size(), flags, policy, wk);
}

// ---- Header -----------------------------------------------------------------

TEST(Header, BuildWritesSpecLayout) {
  uint8_t buf[MDTUN_HDR_LEN];
  mdtun_hdr hdr{};
  hdr.flags = MDTUN_F_OAM | MDTUN_F_CRIT;
  hdr.protocol = MDTUN_PROTO_ETH;
  hdr.vni = 0x123456;
  hdr.md_len = 12;
  ASSERT_EQ(MDTUN_OK, mdtun_hdr_build(buf, sizeof(buf), &hdr));
  const uint8_t want[] = {0x1c, 0x03, 0x65, 0x58, 0x12, 0x34, 0x56, 0x00};
  EXPECT_EQ(0, memcmp(want, buf, sizeof(want)));
}

TEST(Header, RoundTrip) {
  Bytes pkt = Packet(MdBuilder().Wk(MDTUN_WK_MARK, 7).Area(), MDTUN_F_OAM,
                     0xabcdef);
  mdtun_hdr hdr{};
  ASSERT_EQ(MDTUN_OK, mdtun_hdr_parse(pkt.data(), pkt.size(), &hdr));
  EXPECT_EQ(MDTUN_VERSION, hdr.version);
  EXPECT_EQ(MDTUN_F_OAM, hdr.flags);
  EXPECT_EQ(MDTUN_PROTO_ETH, hdr.protocol);
  EXPECT_EQ(0xabcdefu, hdr.vni);
  EXPECT_EQ(8u, hdr.md_len);
}

TEST(Header, ParseEmptyIsTruncated) {
  mdtun_hdr hdr{};
  EXPECT_EQ(MDTUN_ERR_HDR_TRUNCATED, mdtun_hdr_parse(nullptr, 0, &hdr));
}

TEST(Header, ParseOneShortIsTruncated) {
  Bytes pkt = Packet({});
  mdtun_hdr hdr{};
  EXPECT_EQ(MDTUN_ERR_HDR_TRUNCATED,
            mdtun_hdr_parse(pkt.data(), MDTUN_HDR_LEN - 1, &hdr));
}

TEST(Header, ParseExactlyHeaderNoMetadataIsOk) {
  Bytes pkt = Packet({});
  mdtun_hdr hdr{};
  EXPECT_EQ(MDTUN_OK, mdtun_hdr_parse(pkt.data(), MDTUN_HDR_LEN, &hdr));
  EXPECT_EQ(0u, hdr.md_len);
}

TEST(Header, BadVersionZero) {
  Bytes pkt = Packet({});
  pkt[0] &= 0x0f;
  mdtun_hdr hdr{};
  EXPECT_EQ(MDTUN_ERR_BAD_VERSION, mdtun_hdr_parse(pkt.data(), pkt.size(), &hdr));
  EXPECT_EQ(0, hdr.version);
}

TEST(Header, BadVersionTwo) {
  Bytes pkt = Packet({});
  pkt[0] = static_cast<uint8_t>((2 << 4) | (pkt[0] & 0x0f));
  mdtun_hdr hdr{};
  EXPECT_EQ(MDTUN_ERR_BAD_VERSION, mdtun_hdr_parse(pkt.data(), pkt.size(), &hdr));
}

TEST(Header, VersionCheckedBeforeLength) {
  // A future version may define the length differently: never judge it.
  Bytes pkt = Packet({});
  pkt[0] = 0x20;
  pkt[1] = 0xff;
  mdtun_hdr hdr{};
  EXPECT_EQ(MDTUN_ERR_BAD_VERSION, mdtun_hdr_parse(pkt.data(), pkt.size(), &hdr));
}

TEST(Header, BadProtocol) {
  Bytes pkt = Packet({});
  pkt[2] = 0x08;
  pkt[3] = 0x00;
  mdtun_hdr hdr{};
  EXPECT_EQ(MDTUN_ERR_BAD_PROTOCOL, mdtun_hdr_parse(pkt.data(), pkt.size(), &hdr));
  EXPECT_EQ(0x0800, hdr.protocol);
}

TEST(Header, MetadataLengthMaxIsOk) {
  Bytes md(MDTUN_MD_MAX_LEN, 0);
  // Fill with one big foreign TLV chain: 2 x (4 + 120) + (4 + 0).
  MdBuilder b;
  b.Tlv(0x0101, 1, Bytes(120, 0xaa)).Tlv(0x0101, 2, Bytes(120, 0xbb)).Tlv(0x0101, 3, {});
  md = b.Area();
  ASSERT_EQ(static_cast<size_t>(MDTUN_MD_MAX_LEN), md.size());
  Bytes pkt = Packet(md);
  mdtun_hdr hdr{};
  ASSERT_EQ(MDTUN_OK, mdtun_hdr_parse(pkt.data(), pkt.size(), &hdr));
  EXPECT_EQ(MDTUN_MD_MAX_LEN, hdr.md_len);
  EXPECT_EQ(MDTUN_OK, Validate(md));
}

TEST(Header, MetadataLengthMaxPlusOneWordTooLong) {
  Bytes pkt(MDTUN_HDR_LEN + 256 + 14, 0);
  pkt[0] = MDTUN_VERSION << 4;
  pkt[1] = MDTUN_MD_MAX_WORDS + 1;
  pkt[2] = 0x65;
  pkt[3] = 0x58;
  mdtun_hdr hdr{};
  EXPECT_EQ(MDTUN_ERR_MD_TOO_LONG, mdtun_hdr_parse(pkt.data(), pkt.size(), &hdr));
}

TEST(Header, MetadataLengthFieldMaxTooLong) {
  Bytes pkt(MDTUN_HDR_LEN + 1024, 0);
  pkt[0] = MDTUN_VERSION << 4;
  pkt[1] = 0xff;
  pkt[2] = 0x65;
  pkt[3] = 0x58;
  mdtun_hdr hdr{};
  EXPECT_EQ(MDTUN_ERR_MD_TOO_LONG, mdtun_hdr_parse(pkt.data(), pkt.size(), &hdr));
}

TEST(Header, MetadataBeyondPacket) {
  Bytes pkt = Packet(MdBuilder().Wk(MDTUN_WK_MARK, 1).Area());
  mdtun_hdr hdr{};
  // Cut the packet one byte inside the metadata area.
  EXPECT_EQ(MDTUN_ERR_MD_TRUNCATED,
            mdtun_hdr_parse(pkt.data(), MDTUN_HDR_LEN + 7, &hdr));
  // Exactly header + metadata, no payload: still a whole header.
  EXPECT_EQ(MDTUN_OK, mdtun_hdr_parse(pkt.data(), MDTUN_HDR_LEN + 8, &hdr));
}

TEST(Header, ReservedBitsIgnoredOnReceipt) {
  Bytes pkt = Packet({});
  pkt[0] |= 0x03;  // two reserved flag bits
  pkt[7] = 0xff;   // reserved byte
  mdtun_hdr hdr{};
  ASSERT_EQ(MDTUN_OK, mdtun_hdr_parse(pkt.data(), pkt.size(), &hdr));
  EXPECT_EQ(0, hdr.flags);
  EXPECT_EQ(42u, hdr.vni);
}

TEST(Header, VniMaxRoundTrips) {
  Bytes pkt = Packet({}, 0, MDTUN_VNI_MAX);
  mdtun_hdr hdr{};
  ASSERT_EQ(MDTUN_OK, mdtun_hdr_parse(pkt.data(), pkt.size(), &hdr));
  EXPECT_EQ(MDTUN_VNI_MAX, hdr.vni);
  EXPECT_EQ(0, pkt[7]);
}

TEST(Header, BuildRejectsVniOver24Bits) {
  uint8_t buf[MDTUN_HDR_LEN];
  mdtun_hdr hdr{};
  hdr.protocol = MDTUN_PROTO_ETH;
  hdr.vni = MDTUN_VNI_MAX + 1;
  EXPECT_EQ(MDTUN_ERR_INVALID, mdtun_hdr_build(buf, sizeof(buf), &hdr));
}

TEST(Header, BuildRejectsUnknownFlags) {
  uint8_t buf[MDTUN_HDR_LEN];
  mdtun_hdr hdr{};
  hdr.protocol = MDTUN_PROTO_ETH;
  hdr.flags = 0x01;
  EXPECT_EQ(MDTUN_ERR_INVALID, mdtun_hdr_build(buf, sizeof(buf), &hdr));
}

TEST(Header, BuildRejectsUnalignedOrLongMetadata) {
  uint8_t buf[MDTUN_HDR_LEN];
  mdtun_hdr hdr{};
  hdr.protocol = MDTUN_PROTO_ETH;
  hdr.md_len = 6;
  EXPECT_EQ(MDTUN_ERR_INVALID, mdtun_hdr_build(buf, sizeof(buf), &hdr));
  hdr.md_len = MDTUN_MD_MAX_LEN + MDTUN_MD_UNIT;
  EXPECT_EQ(MDTUN_ERR_INVALID, mdtun_hdr_build(buf, sizeof(buf), &hdr));
  hdr.md_len = MDTUN_MD_MAX_LEN;
  EXPECT_EQ(MDTUN_OK, mdtun_hdr_build(buf, sizeof(buf), &hdr));
}

TEST(Header, BuildRejectsUndefinedProtocol) {
  uint8_t buf[MDTUN_HDR_LEN];
  mdtun_hdr hdr{};
  hdr.protocol = 0x0800;
  EXPECT_EQ(MDTUN_ERR_INVALID, mdtun_hdr_build(buf, sizeof(buf), &hdr));
}

TEST(Header, BuildNeedsEightBytes) {
  uint8_t buf[MDTUN_HDR_LEN];
  mdtun_hdr hdr{};
  hdr.protocol = MDTUN_PROTO_ETH;
  EXPECT_EQ(MDTUN_ERR_NO_SPACE, mdtun_hdr_build(buf, MDTUN_HDR_LEN - 1, &hdr));
}

// ---- TLV iteration ------------------------------------------------------------

TEST(Tlv, IterateEmptyArea) {
  mdtun_tlv_iter it;
  mdtun_tlv tlv;
  mdtun_tlv_iter_init(&it, nullptr, 0);
  EXPECT_FALSE(mdtun_tlv_next(&it, &tlv));
  EXPECT_EQ(MDTUN_OK, it.status);
}

TEST(Tlv, IterateInOrderWithFields) {
  Bytes md = MdBuilder()
                 .Tlv(0x0102, 0x80 | 5, {1, 2, 3, 4})
                 .Tlv(0x0103, 6, {})
                 .Wk(MDTUN_WK_PRIORITY, 9)
                 .Area();
  mdtun_tlv_iter it;
  mdtun_tlv tlv;
  mdtun_tlv_iter_init(&it, md.data(), md.size());
  ASSERT_TRUE(mdtun_tlv_next(&it, &tlv));
  EXPECT_EQ(0x0102, tlv.opt_class);
  EXPECT_EQ(0x85, tlv.type);
  EXPECT_TRUE(mdtun_tlv_is_critical(&tlv));
  EXPECT_EQ(4, tlv.len);
  EXPECT_EQ(md.data() + 4, tlv.data);
  ASSERT_TRUE(mdtun_tlv_next(&it, &tlv));
  EXPECT_EQ(0x0103, tlv.opt_class);
  EXPECT_EQ(0, tlv.len);
  EXPECT_FALSE(mdtun_tlv_is_critical(&tlv));
  ASSERT_TRUE(mdtun_tlv_next(&it, &tlv));
  EXPECT_EQ(MDTUN_OPT_CLASS, tlv.opt_class);
  EXPECT_EQ(MDTUN_WK_PRIORITY, tlv.type);
  EXPECT_FALSE(mdtun_tlv_next(&it, &tlv));
  EXPECT_EQ(MDTUN_OK, it.status);
}

TEST(Tlv, TruncatedHeader) {
  Bytes md = MdBuilder().Tlv(0x0101, 1, {}).Area();
  mdtun_tlv_iter it;
  mdtun_tlv tlv;
  mdtun_tlv_iter_init(&it, md.data(), 3);
  EXPECT_FALSE(mdtun_tlv_next(&it, &tlv));
  EXPECT_EQ(MDTUN_ERR_TLV_TRUNCATED, it.status);
}

TEST(Tlv, DataOverrunsArea) {
  Bytes md = MdBuilder().Tlv(0x0101, 1, {1, 2, 3, 4}).Area();
  mdtun_tlv_iter it;
  mdtun_tlv tlv;
  mdtun_tlv_iter_init(&it, md.data(), md.size() - 1);
  EXPECT_FALSE(mdtun_tlv_next(&it, &tlv));
  EXPECT_EQ(MDTUN_ERR_TLV_OVERRUN, it.status);
}

TEST(Tlv, MaxLengthFieldOverrunsSmallArea) {
  Bytes md = {0x01, 0x01, 0x01, 0x1f, 0, 0, 0, 0};  // claims 124 bytes
  EXPECT_EQ(MDTUN_ERR_TLV_OVERRUN, Validate(md));
}

TEST(Tlv, ReservedLengthBitsIgnored) {
  Bytes md = {0x01, 0x01, 0x01, 0xe1, 9, 9, 9, 9};  // R bits set, len 1
  mdtun_tlv_iter it;
  mdtun_tlv tlv;
  mdtun_tlv_iter_init(&it, md.data(), md.size());
  ASSERT_TRUE(mdtun_tlv_next(&it, &tlv));
  EXPECT_EQ(4, tlv.len);
  EXPECT_EQ(MDTUN_OK, Validate(md));
}

TEST(Tlv, IteratorStaysStoppedAfterError) {
  Bytes md = {0x01, 0x01};
  mdtun_tlv_iter it;
  mdtun_tlv tlv;
  mdtun_tlv_iter_init(&it, md.data(), md.size());
  EXPECT_FALSE(mdtun_tlv_next(&it, &tlv));
  EXPECT_FALSE(mdtun_tlv_next(&it, &tlv));
  EXPECT_EQ(MDTUN_ERR_TLV_TRUNCATED, it.status);
}

TEST(Tlv, FindIgnoresCriticalBit) {
  Bytes md = MdBuilder()
                 .Tlv(0x0101, 1, {})
                 .Tlv(MDTUN_OPT_CLASS, 0x80 | MDTUN_WK_MARK, {0, 0, 1, 0})
                 .Area();
  mdtun_tlv tlv;
  ASSERT_EQ(MDTUN_OK, mdtun_tlv_find(md.data(), md.size(), MDTUN_OPT_CLASS,
                                     MDTUN_WK_MARK, &tlv));
  EXPECT_EQ(0x80 | MDTUN_WK_MARK, tlv.type);
  EXPECT_EQ(4, tlv.len);
}

TEST(Tlv, FindMissing) {
  Bytes md = MdBuilder().Tlv(0x0101, 1, {}).Area();
  mdtun_tlv tlv;
  EXPECT_EQ(MDTUN_ERR_NOT_FOUND,
            mdtun_tlv_find(md.data(), md.size(), 0x0101, 2, &tlv));
  EXPECT_EQ(MDTUN_ERR_NOT_FOUND,
            mdtun_tlv_find(md.data(), md.size(), 0x0102, 1, &tlv));
}

TEST(Tlv, FindReportsMalformedArea) {
  Bytes md = {0x01, 0x01, 0x01, 0x02, 0, 0, 0, 0};
  mdtun_tlv tlv;
  EXPECT_EQ(MDTUN_ERR_TLV_OVERRUN,
            mdtun_tlv_find(md.data(), md.size(), 0x0101, 9, &tlv));
}

// ---- Validation -----------------------------------------------------------------

TEST(Validate, EmptyAreaIsOk) {
  mdtun_wk_fields wk{};
  wk.present = 0xffffffff;
  EXPECT_EQ(MDTUN_OK, Validate({}, 0, 0, &wk));
  EXPECT_EQ(0u, wk.present);
}

TEST(Validate, AreaLongerThanMaxRejected) {
  Bytes md(MDTUN_MD_MAX_LEN + MDTUN_MD_UNIT, 0);
  EXPECT_EQ(MDTUN_ERR_MD_TOO_LONG, Validate(md));
}

TEST(Validate, EarlyFailureStillClearsPresent) {
  Bytes md(MDTUN_MD_MAX_LEN + MDTUN_MD_UNIT, 0);
  mdtun_wk_fields wk{};
  wk.present = MDTUN_WK_BIT(MDTUN_WK_MARK);
  EXPECT_EQ(MDTUN_ERR_MD_TOO_LONG, Validate(md, 0, 0, &wk));
  EXPECT_EQ(0u, wk.present);
}

TEST(Validate, UnalignedAreaRejected) {
  Bytes md = MdBuilder().Tlv(0x0101, 1, {}).Area();
  md.push_back(0);
  EXPECT_EQ(MDTUN_ERR_TLV_TRUNCATED, Validate(md));
}

TEST(Validate, CriticalTlvNeedsCFlag) {
  Bytes md = MdBuilder().Tlv(0x0101, 0x81, {}).Area();
  EXPECT_EQ(MDTUN_ERR_CRIT_FLAG, Validate(md, 0));
  EXPECT_EQ(MDTUN_OK, Validate(md, MDTUN_F_CRIT));
}

TEST(Validate, CFlagWithoutCriticalTlvIsOk) {
  Bytes md = MdBuilder().Tlv(0x0101, 1, {}).Area();
  EXPECT_EQ(MDTUN_OK, Validate(md, MDTUN_F_CRIT));
}

TEST(Validate, CriticalForeignTlvDependsOnPolicy) {
  Bytes md = MdBuilder().Tlv(0x0102, 0x80, {1, 2, 3, 4}).Area();
  EXPECT_EQ(MDTUN_OK, Validate(md, MDTUN_F_CRIT, MDTUN_POLICY_PASS_FOREIGN));
  EXPECT_EQ(MDTUN_ERR_CRIT_UNKNOWN, Validate(md, MDTUN_F_CRIT, 0));
}

TEST(Validate, NonCriticalForeignTlvAlwaysOk) {
  Bytes md = MdBuilder().Tlv(0x0102, 0x7f, {1, 2, 3, 4}).Area();
  EXPECT_EQ(MDTUN_OK, Validate(md, 0, 0));
}

TEST(Validate, CriticalUnknownMdtunTypeDropped) {
  Bytes md = MdBuilder().Tlv(MDTUN_OPT_CLASS, 0x80 | 0x05, {}).Area();
  // Even a collect-metadata receiver owns mdtun's class: it must know it.
  EXPECT_EQ(MDTUN_ERR_CRIT_UNKNOWN,
            Validate(md, MDTUN_F_CRIT, MDTUN_POLICY_PASS_FOREIGN));
}

TEST(Validate, NonCriticalUnknownMdtunTypeSkipped) {
  Bytes md = MdBuilder().Tlv(MDTUN_OPT_CLASS, 0x7f, {1, 2, 3, 4}).Area();
  mdtun_wk_fields wk{};
  EXPECT_EQ(MDTUN_OK, Validate(md, 0, 0, &wk));
  EXPECT_EQ(0u, wk.present);
}

TEST(Validate, CriticalKnownMdtunTypeAccepted) {
  Bytes md = MdBuilder().Tlv(MDTUN_OPT_CLASS, 0x80 | MDTUN_WK_MARK,
                             {0, 0, 0, 5}).Area();
  mdtun_wk_fields wk{};
  ASSERT_EQ(MDTUN_OK, Validate(md, MDTUN_F_CRIT, 0, &wk));
  EXPECT_EQ(5u, wk.mark);
}

TEST(Validate, WellKnownWrongLength) {
  Bytes md = MdBuilder().Tlv(MDTUN_OPT_CLASS, MDTUN_WK_MARK, {0, 0, 0, 1, 0, 0, 0, 2}).Area();
  EXPECT_EQ(MDTUN_ERR_WK_BAD_LEN, Validate(md));
  Bytes md2 = MdBuilder().Tlv(MDTUN_OPT_CLASS, MDTUN_WK_OF_METADATA, {0, 0, 0, 1}).Area();
  EXPECT_EQ(MDTUN_ERR_WK_BAD_LEN, Validate(md2));
  Bytes md3 = MdBuilder().Tlv(MDTUN_OPT_CLASS, MDTUN_WK_PRIORITY, {}).Area();
  EXPECT_EQ(MDTUN_ERR_WK_BAD_LEN, Validate(md3));
}

TEST(Validate, WellKnownDuplicate) {
  Bytes md = MdBuilder().Wk(MDTUN_WK_MARK, 1).Wk(MDTUN_WK_MARK, 2).Area();
  EXPECT_EQ(MDTUN_ERR_WK_DUPLICATE, Validate(md));
}

TEST(Validate, DuplicateEvenIfOneIsCritical) {
  Bytes md = MdBuilder()
                 .Wk(MDTUN_WK_REG0 + 3, 1)
                 .Tlv(MDTUN_OPT_CLASS, 0x80 | (MDTUN_WK_REG0 + 3), {0, 0, 0, 2})
                 .Area();
  EXPECT_EQ(MDTUN_ERR_WK_DUPLICATE, Validate(md, MDTUN_F_CRIT));
}

TEST(Validate, ForeignTlvsMayRepeat) {
  Bytes md = MdBuilder().Tlv(0x0101, 1, {}).Tlv(0x0101, 1, {}).Area();
  EXPECT_EQ(MDTUN_OK, Validate(md));
}

TEST(Validate, DecodesEveryWellKnownField) {
  MdBuilder b;
  b.Wk(MDTUN_WK_MARK, 0xdeadbeef)
      .Wk(MDTUN_WK_PRIORITY, 0x10002)
      .Wk(MDTUN_WK_OF_METADATA, 0x0123456789abcdefULL)
      .Wk(MDTUN_WK_IN_PORT, 65534);
  for (int r = 0; r < MDTUN_WK_NREGS; r++)
    b.Wk(static_cast<uint8_t>(MDTUN_WK_REG0 + r), 1000u + r);
  Bytes md = b.Area();
  mdtun_wk_fields wk{};
  ASSERT_EQ(MDTUN_OK, Validate(md, 0, 0, &wk));
  EXPECT_EQ(0xdeadbeefu, wk.mark);
  EXPECT_EQ(0x10002u, wk.priority);
  EXPECT_EQ(0x0123456789abcdefULL, wk.of_metadata);
  EXPECT_EQ(65534u, wk.in_port);
  for (int r = 0; r < MDTUN_WK_NREGS; r++) EXPECT_EQ(1000u + r, wk.reg[r]);
  EXPECT_EQ(0xffff001eu, wk.present);
}

TEST(Validate, StopsAtFirstMalformedTlvAfterGoodOnes) {
  Bytes md = MdBuilder().Wk(MDTUN_WK_MARK, 1).Area();
  md.insert(md.end(), {0x01, 0x01, 0x01, 0x05});  // 20 bytes claimed, 0 here
  EXPECT_EQ(MDTUN_ERR_TLV_OVERRUN, Validate(md));
}

TEST(Validate, HasCritical) {
  Bytes none = MdBuilder().Tlv(0x0101, 1, {}).Wk(MDTUN_WK_MARK, 1).Area();
  Bytes crit = MdBuilder().Tlv(0x0101, 1, {}).Tlv(0x0101, 0x81, {}).Area();
  EXPECT_FALSE(mdtun_md_has_critical(none.data(), none.size()));
  EXPECT_TRUE(mdtun_md_has_critical(crit.data(), crit.size()));
  EXPECT_FALSE(mdtun_md_has_critical(nullptr, 0));
}

// The validating walk reports the C flag a sender must set: any class.
TEST(Validate, ReportsHasCritical) {
  mdtun_wk_fields wk{};
  Bytes none = MdBuilder().Tlv(0x0101, 1, {}).Wk(MDTUN_WK_MARK, 1).Area();
  Bytes foreign = MdBuilder().Tlv(0x0101, 1, {}).Tlv(0x0101, 0x81, {}).Area();
  Bytes own = MdBuilder().Wk(MDTUN_WK_MARK | MDTUN_TLV_TYPE_CRIT, 1).Area();
  wk.has_critical = true;
  ASSERT_EQ(MDTUN_OK, Validate(none, MDTUN_F_CRIT, MDTUN_POLICY_PASS_FOREIGN, &wk));
  EXPECT_FALSE(wk.has_critical);
  ASSERT_EQ(MDTUN_OK, Validate(foreign, MDTUN_F_CRIT, MDTUN_POLICY_PASS_FOREIGN, &wk));
  EXPECT_TRUE(wk.has_critical);
  ASSERT_EQ(MDTUN_OK, Validate(own, MDTUN_F_CRIT, MDTUN_POLICY_PASS_FOREIGN, &wk));
  EXPECT_TRUE(wk.has_critical);
  EXPECT_EQ(MDTUN_WK_BIT(MDTUN_WK_MARK), wk.critical);
  ASSERT_EQ(MDTUN_OK, Validate({}, 0, 0, &wk));
  EXPECT_FALSE(wk.has_critical);
}

// ---- Encoding -------------------------------------------------------------------

TEST(Encode, TlvPutLayout) {
  uint8_t buf[16] = {};
  size_t len = 0;
  const uint8_t data[] = {0xa, 0xb, 0xc, 0xd};
  ASSERT_EQ(MDTUN_OK, mdtun_tlv_put(buf, sizeof(buf), &len, 0x0102, 0x83,
                                    data, sizeof(data)));
  const uint8_t want[] = {0x01, 0x02, 0x83, 0x01, 0xa, 0xb, 0xc, 0xd};
  ASSERT_EQ(sizeof(want), len);
  EXPECT_EQ(0, memcmp(want, buf, len));
}

TEST(Encode, TlvPutRejectsUnalignedData) {
  uint8_t buf[16];
  size_t len = 0;
  const uint8_t data[3] = {};
  EXPECT_EQ(MDTUN_ERR_INVALID,
            mdtun_tlv_put(buf, sizeof(buf), &len, 1, 1, data, 3));
  EXPECT_EQ(0u, len);
}

TEST(Encode, TlvPutDataLengthBoundary) {
  uint8_t buf[256];
  size_t len = 0;
  Bytes data(MDTUN_TLV_MAX_DATA_LEN + MDTUN_MD_UNIT, 1);
  EXPECT_EQ(MDTUN_ERR_INVALID, mdtun_tlv_put(buf, sizeof(buf), &len, 1, 1,
                                             data.data(), data.size()));
  EXPECT_EQ(MDTUN_OK, mdtun_tlv_put(buf, sizeof(buf), &len, 1, 1, data.data(),
                                    MDTUN_TLV_MAX_DATA_LEN));
  EXPECT_EQ(static_cast<size_t>(MDTUN_TLV_HDR_LEN + MDTUN_TLV_MAX_DATA_LEN), len);
}

TEST(Encode, TlvPutNoSpaceLeavesLengthAlone) {
  uint8_t buf[8];
  size_t len = 4;
  const uint8_t data[4] = {};
  EXPECT_EQ(MDTUN_ERR_NO_SPACE, mdtun_tlv_put(buf, sizeof(buf), &len, 1, 1,
                                              data, sizeof(data)));
  EXPECT_EQ(4u, len);
  EXPECT_EQ(MDTUN_OK, mdtun_tlv_put(buf, sizeof(buf), &len, 1, 1, nullptr, 0));
  EXPECT_EQ(8u, len);
}

TEST(Encode, AreaCannotGrowPastMax) {
  uint8_t buf[512];
  size_t len = 0;
  Bytes data(120, 0);
  ASSERT_EQ(MDTUN_OK, mdtun_tlv_put(buf, sizeof(buf), &len, 1, 1, data.data(), 120));
  ASSERT_EQ(MDTUN_OK, mdtun_tlv_put(buf, sizeof(buf), &len, 1, 1, data.data(), 120));
  ASSERT_EQ(248u, len);
  // 4 more bytes fit exactly (252), 8 do not.
  EXPECT_EQ(MDTUN_ERR_MD_TOO_LONG,
            mdtun_tlv_put(buf, sizeof(buf), &len, 1, 1, data.data(), 4));
  EXPECT_EQ(MDTUN_OK, mdtun_tlv_put(buf, sizeof(buf), &len, 1, 1, nullptr, 0));
  EXPECT_EQ(static_cast<size_t>(MDTUN_MD_MAX_LEN), len);
}

TEST(Encode, WkPutRejectsUnknownTypeAndOversizeValue) {
  uint8_t buf[16];
  size_t len = 0;
  EXPECT_EQ(MDTUN_ERR_INVALID, mdtun_wk_put(buf, sizeof(buf), &len, 0x05, 1));
  EXPECT_EQ(MDTUN_ERR_INVALID, mdtun_wk_put(buf, sizeof(buf), &len, 0, 1));
  EXPECT_EQ(MDTUN_ERR_INVALID,
            mdtun_wk_put(buf, sizeof(buf), &len, MDTUN_WK_MARK, 1ULL << 32));
  EXPECT_EQ(0u, len);
}

TEST(Encode, WkPutBigEndian) {
  uint8_t buf[16];
  size_t len = 0;
  ASSERT_EQ(MDTUN_OK, mdtun_wk_put(buf, sizeof(buf), &len, MDTUN_WK_OF_METADATA,
                                   0x0102030405060708ULL));
  const uint8_t want[] = {0xff, 0xf7, 0x03, 0x02, 1, 2, 3, 4, 5, 6, 7, 8};
  ASSERT_EQ(sizeof(want), len);
  EXPECT_EQ(0, memcmp(want, buf, len));
}

TEST(Encode, WkLengths) {
  EXPECT_EQ(4u, mdtun_wk_len(MDTUN_WK_MARK));
  EXPECT_EQ(4u, mdtun_wk_len(MDTUN_WK_PRIORITY));
  EXPECT_EQ(8u, mdtun_wk_len(MDTUN_WK_OF_METADATA));
  EXPECT_EQ(4u, mdtun_wk_len(MDTUN_WK_IN_PORT));
  EXPECT_EQ(4u, mdtun_wk_len(MDTUN_WK_REG0));
  EXPECT_EQ(4u, mdtun_wk_len(MDTUN_WK_REG15));
  EXPECT_EQ(4u, mdtun_wk_len(0x80 | MDTUN_WK_MARK));
  EXPECT_EQ(0u, mdtun_wk_len(0x00));
  EXPECT_EQ(0u, mdtun_wk_len(0x05));
  EXPECT_EQ(0u, mdtun_wk_len(0x0f));
  EXPECT_EQ(0u, mdtun_wk_len(0x20));
  EXPECT_EQ(0u, mdtun_wk_len(0x7f));
}

TEST(Encode, PutFieldsRoundTripsThroughValidate) {
  mdtun_wk_fields in{};
  in.present = MDTUN_WK_BIT(MDTUN_WK_MARK) | MDTUN_WK_BIT(MDTUN_WK_PRIORITY) |
               MDTUN_WK_BIT(MDTUN_WK_REG0 + 7);
  in.mark = 0x11;
  in.priority = 0x22;
  in.reg[7] = 0x77;
  uint8_t buf[64];
  size_t len = 0;
  ASSERT_EQ(MDTUN_OK, mdtun_wk_put_fields(buf, sizeof(buf), &len, &in, ~0u));
  EXPECT_EQ(24u, len);
  mdtun_wk_fields out{};
  ASSERT_EQ(MDTUN_OK, mdtun_md_validate(buf, len, 0, 0, &out));
  EXPECT_EQ(in.present, out.present);
  EXPECT_EQ(0x11u, out.mark);
  EXPECT_EQ(0x22u, out.priority);
  EXPECT_EQ(0x77u, out.reg[7]);
}

TEST(Encode, PutFieldsHonoursMask) {
  mdtun_wk_fields in{};
  in.present = MDTUN_WK_BIT(MDTUN_WK_MARK) | MDTUN_WK_BIT(MDTUN_WK_PRIORITY);
  in.mark = 1;
  in.priority = 2;
  uint8_t buf[64];
  size_t len = 0;
  ASSERT_EQ(MDTUN_OK, mdtun_wk_put_fields(buf, sizeof(buf), &len, &in,
                                          MDTUN_WK_BIT(MDTUN_WK_PRIORITY)));
  mdtun_tlv tlv;
  EXPECT_EQ(MDTUN_ERR_NOT_FOUND,
            mdtun_tlv_find(buf, len, MDTUN_OPT_CLASS, MDTUN_WK_MARK, &tlv));
  EXPECT_EQ(MDTUN_OK,
            mdtun_tlv_find(buf, len, MDTUN_OPT_CLASS, MDTUN_WK_PRIORITY, &tlv));
}

TEST(Encode, PutFieldsIsAllOrNothing) {
  mdtun_wk_fields in{};
  in.present = MDTUN_WK_BIT(MDTUN_WK_MARK) | MDTUN_WK_BIT(MDTUN_WK_PRIORITY);
  uint8_t buf[12];  // room for one 8-byte TLV, not two
  size_t len = 0;
  EXPECT_EQ(MDTUN_ERR_NO_SPACE,
            mdtun_wk_put_fields(buf, sizeof(buf), &len, &in, ~0u));
  EXPECT_EQ(0u, len);
}

TEST(Encode, WkGetAbsentIsZero) {
  mdtun_wk_fields wk{};
  wk.mark = 5;  // stale value without its present bit
  EXPECT_EQ(0u, mdtun_wk_get(&wk, MDTUN_WK_MARK));
  wk.present = MDTUN_WK_BIT(MDTUN_WK_MARK);
  EXPECT_EQ(5u, mdtun_wk_get(&wk, MDTUN_WK_MARK));
  EXPECT_EQ(5u, mdtun_wk_get(&wk, 0x80 | MDTUN_WK_MARK));
  EXPECT_EQ(0u, mdtun_wk_get(&wk, 0x05));
}

// ---- Status names and the counter ABI --------------------------------------------

TEST(Status, NamesAreDistinctAndNonEmpty) {
  std::set<std::string> names;
  for (int s = 0; s < MDTUN_STATUS_COUNT; s++) {
    auto st = static_cast<mdtun_status>(s);
    ASSERT_NE(nullptr, mdtun_status_name(st));
    ASSERT_NE(nullptr, mdtun_status_text(st));
    EXPECT_STRNE("", mdtun_status_name(st));
    EXPECT_STRNE("", mdtun_status_text(st));
    EXPECT_TRUE(names.insert(mdtun_status_name(st)).second)
        << "duplicate name " << mdtun_status_name(st);
  }
}

// ---- Which well-known fields a receiver applies (spec section 8.4) ----

TEST(Applied, CriticalFieldsAreRecorded) {
  uint8_t md[32];
  size_t len = 0;
  ASSERT_EQ(MDTUN_OK, mdtun_wk_put(md, sizeof md, &len,
                                   MDTUN_WK_MARK | MDTUN_TLV_TYPE_CRIT, 5));
  ASSERT_EQ(MDTUN_OK, mdtun_wk_put(md, sizeof md, &len, MDTUN_WK_PRIORITY, 6));
  mdtun_wk_fields wk{};
  ASSERT_EQ(MDTUN_OK, mdtun_md_validate(md, len, MDTUN_F_CRIT, 0, &wk));
  EXPECT_EQ((1u << 1) | (1u << 2), wk.present);
  EXPECT_EQ(1u << 1, wk.critical);  // the mark only
  // Applied: passes; the priority alone applied: the critical mark is not.
  EXPECT_EQ(MDTUN_OK, mdtun_wk_check_applied(&wk, 1u << 1));
  EXPECT_EQ(MDTUN_ERR_CRIT_NOT_APPLIED, mdtun_wk_check_applied(&wk, 1u << 2));
  EXPECT_EQ(MDTUN_ERR_CRIT_NOT_APPLIED, mdtun_wk_check_applied(&wk, 0));
  // A non-critical field need not be applied.
  wk.critical = 0;
  EXPECT_EQ(MDTUN_OK, mdtun_wk_check_applied(&wk, 0));
}

TEST(Applied, PipelineFieldsAreMetadataInPortAndRegisters) {
  // Types 0x03 (OpenFlow metadata), 0x04 (in_port), 0x10-0x1f (reg0-15).
  EXPECT_EQ(0xffff0018u, MDTUN_WK_PIPELINE);
}

TEST(Status, EveryCounterHasOneName) {
  std::set<std::string> names;
  for (unsigned int stat = MDTUN_STAT_RX_HDR_TRUNCATED; stat <= MDTUN_STAT_MAX;
       stat++) {
    const char* name = mdtun_stat_name(stat);
    ASSERT_NE(nullptr, name) << "counter " << stat << " has no name";
    EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
  }
  EXPECT_EQ(nullptr, mdtun_stat_name(MDTUN_STAT_UNSPEC));
  EXPECT_EQ(nullptr, mdtun_stat_name(MDTUN_STAT_PAD));
  EXPECT_EQ(nullptr, mdtun_stat_name(MDTUN_STAT_MAX + 1));
  EXPECT_EQ(nullptr, mdtun_stat_name(~0u));
}

TEST(Status, EveryRxDropHasTheCounterNamedAfterIt) {
  // A receive drop with status S is counted as "rx_" + S, and no two
  // statuses share a counter.
  std::set<unsigned int> stats;
  for (int s = MDTUN_STATUS_FIRST_RX_DROP; s <= MDTUN_STATUS_LAST_RX_DROP;
       s++) {
    auto status = static_cast<mdtun_status>(s);
    unsigned int stat = mdtun_status_stat(status);
    ASSERT_NE(0u, stat) << mdtun_status_name(status);
    EXPECT_EQ(std::string("rx_") + mdtun_status_name(status),
              mdtun_stat_name(stat));
    EXPECT_TRUE(stats.insert(stat).second) << mdtun_status_name(status);
  }
  for (mdtun_status not_a_drop : {MDTUN_OK, MDTUN_ERR_NO_SPACE,
                                  MDTUN_ERR_INVALID, MDTUN_ERR_NOT_FOUND,
                                  MDTUN_STATUS_COUNT})
    EXPECT_EQ(0u, mdtun_status_stat(not_a_drop))
        << mdtun_status_name(not_a_drop);
}

TEST(Status, CounterNumbersAreAbi) {
  // The numbers of include/mdtun/if_mdtun.h as first released: counters
  // are only ever appended (the values here are written by hand from the
  // header's history, not taken from it).
  EXPECT_EQ(2, MDTUN_STAT_RX_HDR_TRUNCATED);
  EXPECT_EQ(12, MDTUN_STAT_RX_WK_DUPLICATE);
  EXPECT_EQ(13, MDTUN_STAT_RX_UNKNOWN_VNI);
  EXPECT_EQ(16, MDTUN_STAT_RX_NOMEM);
  EXPECT_EQ(20, MDTUN_STAT_RX_CARRY_UNTRUSTED);
  EXPECT_EQ(21, MDTUN_STAT_TX_NO_ROUTE);
  EXPECT_EQ(25, MDTUN_STAT_TX_CARRY_ADDED);
  EXPECT_EQ(26, MDTUN_STAT_RX_CRIT_NOT_APPLIED);
  EXPECT_EQ(32, MDTUN_STAT_RX_SOCK_CLOSING);
  EXPECT_EQ(37, MDTUN_STAT_TX_NOMEM);
  EXPECT_EQ(37, MDTUN_STAT_MAX);
}

TEST(Status, OutOfRangeIsSafe) {
  EXPECT_STREQ("unknown", mdtun_status_name(MDTUN_STATUS_COUNT));
  EXPECT_STREQ("unknown", mdtun_status_name(static_cast<mdtun_status>(-1)));
  EXPECT_STREQ("unknown status", mdtun_status_text(MDTUN_STATUS_COUNT));
}


}  // namespace
