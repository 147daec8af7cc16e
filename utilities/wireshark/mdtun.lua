-- SPDX-License-Identifier: Apache-2.0
--
-- Copyright The ovs-mdtun Authors
--
-- Licensed under the Apache License, Version 2.0 (the "License");
-- you may not use this file except in compliance with the License.
-- You may obtain a copy of the License at
--
--     http://www.apache.org/licenses/LICENSE-2.0
--
-- Unless required by applicable law or agreed to in writing, software
-- distributed under the License is distributed on an "AS IS" BASIS,
-- WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
-- See the License for the specific language governing permissions and
-- limitations under the License.
--
-- Wireshark dissector for mdtun, the metadata-carrying UDP tunnel of
-- ovs-mdtun (docs/protocol.md).
--
-- Usage:
--   wireshark -X lua_script:utilities/wireshark/mdtun.lua capture.pcap
--   tshark -X lua_script:utilities/wireshark/mdtun.lua -r capture.pcap -V
-- or copy this file into the personal Lua plugins folder.  The UDP port is
-- the preference mdtun.udp_port (default 7081; `-o mdtun.udp_port:N`), and
-- "Decode As" (`-d udp.port==N,mdtun`) works for any other port.
--
-- The receive checks follow include/mdtun/codec.c exactly, in the same
-- order, so the generated field mdtun.status names the drop counter a
-- receiver using the collect-metadata policy would increment ("ok" if it
-- accepts the packet); tests/dissector/run.sh checks this against every
-- vector in tests/data/mdtun-vectors.txt.  Malformed packets are reported
-- as expert info, never as Lua errors: every read is bounds-checked first.

local MDTUN_UDP_PORT = 7081
local HDR_LEN = 8
local VERSION = 1
local PROTO_ETH = 0x6558
local MD_MAX_LEN = 252
local TLV_HDR_LEN = 4
local F_OAM = 0x08
local F_CRIT = 0x04
local TYPE_CRIT = 0x80
local OPT_CLASS = 0xfff7

local mdtun = Proto("mdtun", "mdtun Metadata Tunnel")

-- Wireshark's Lua has the "bit" library up to Lua 5.2; later Lua versions
-- have native operators instead.
local band, rshift
if bit then
	band, rshift = bit.band, bit.rshift
elseif bit32 then
	band, rshift = bit32.band, bit32.rshift
else
	band = load("return function(a, b) return a & b end")()
	rshift = load("return function(a, n) return a >> n end")()
end

-- ---- Value names --------------------------------------------------------

local protocol_names = {
	[PROTO_ETH] = "Transparent Ethernet Bridging",
}

-- Option classes from the Geneve option class registry that are likely
-- to be seen next to mdtun's own.
local class_names = {
	[0x0100] = "Linux",
	[0x0101] = "Open vSwitch",
	[0x0102] = "Open Virtual Networking (OVN)",
	[0x0103] = "In-band Network Telemetry (INT)",
	[0x0104] = "VMware",
	[OPT_CLASS] = "mdtun",
}

local function class_name(c)
	if class_names[c] then
		return class_names[c]
	elseif c >= 0xfff0 then
		return "Experimental"
	elseif c <= 0x00ff then
		return "Standard"
	end
	return "Unknown"
end

-- Well-known TLVs of class 0xfff7: type (without the critical bit) ->
-- name, data length.  Types 0x00, 0x05-0x0f and 0x20-0x7f are reserved.
local wk = {
	[0x01] = { name = "mark", len = 4 },
	[0x02] = { name = "priority", len = 4 },
	[0x03] = { name = "OpenFlow metadata", len = 8 },
	[0x04] = { name = "in_port", len = 4 },
}
for i = 0, 15 do
	wk[0x10 + i] = { name = "reg" .. i, len = 4 }
end

-- ---- Fields -------------------------------------------------------------

local f = {
	version = ProtoField.uint8("mdtun.version", "Version", base.DEC, nil,
		0xf0),
	flags = ProtoField.uint8("mdtun.flags", "Flags", base.HEX, nil, 0x0f),
	flag_oam = ProtoField.bool("mdtun.flags.oam", "OAM (O)", 8,
		{ "Set", "Not set" }, F_OAM),
	flag_crit = ProtoField.bool("mdtun.flags.critical",
		"Critical metadata present (C)", 8, { "Set", "Not set" },
		F_CRIT),
	flag_rsvd = ProtoField.uint8("mdtun.flags.reserved", "Reserved",
		base.HEX, nil, 0x03),
	md_len = ProtoField.uint8("mdtun.md_len",
		"Metadata length (4-byte words)", base.DEC),
	protocol = ProtoField.uint16("mdtun.protocol", "Protocol type",
		base.HEX, protocol_names),
	vni = ProtoField.uint24("mdtun.vni", "VNI", base.DEC_HEX),
	reserved = ProtoField.uint8("mdtun.reserved", "Reserved", base.HEX),
	metadata = ProtoField.bytes("mdtun.metadata", "Metadata"),
	status = ProtoField.string("mdtun.status", "Receive verdict"),
	data = ProtoField.bytes("mdtun.data", "Data"),

	tlv = ProtoField.bytes("mdtun.tlv", "TLV"),
	tlv_class = ProtoField.uint16("mdtun.tlv.class", "Option class",
		base.HEX),
	tlv_type = ProtoField.uint8("mdtun.tlv.type", "Type", base.HEX),
	tlv_crit = ProtoField.bool("mdtun.tlv.critical", "Critical", 8,
		{ "Yes", "No" }, TYPE_CRIT),
	tlv_rsvd = ProtoField.uint8("mdtun.tlv.reserved", "Reserved", base.HEX,
		nil, 0xe0),
	tlv_len = ProtoField.uint8("mdtun.tlv.len", "Length (4-byte words)",
		base.DEC, nil, 0x1f),
	tlv_data = ProtoField.bytes("mdtun.tlv.data", "Data"),

	mark = ProtoField.uint32("mdtun.mark", "Mark", base.HEX_DEC),
	priority = ProtoField.uint32("mdtun.priority", "Priority", base.HEX),
	of_metadata = ProtoField.uint64("mdtun.of_metadata",
		"OpenFlow metadata", base.HEX),
	in_port = ProtoField.uint32("mdtun.in_port", "Sender in_port",
		base.DEC),
	reg = {},
}
for i = 0, 15 do
	f.reg[i] = ProtoField.uint32("mdtun.reg" .. i, "reg" .. i, base.HEX)
end

local fields = {}
for k, v in pairs(f) do
	if k ~= "reg" then
		fields[#fields + 1] = v
	end
end
for i = 0, 15 do
	fields[#fields + 1] = f.reg[i]
end
mdtun.fields = fields

-- ---- Expert info --------------------------------------------------------

-- One entry per receive drop reason, named like mdtun_status_name().
local status_text = {
	hdr_truncated = "packet shorter than the mdtun header",
	bad_version = "unsupported mdtun version",
	bad_protocol = "unsupported payload protocol",
	md_too_long = "metadata longer than the protocol maximum",
	md_truncated = "metadata runs past the end of the packet",
	tlv_truncated = "TLV header cut short by the end of the metadata",
	tlv_overrun = "TLV data runs past the end of the metadata",
	crit_unknown = "unknown TLV marked critical",
	crit_flag = "critical TLV present but header C flag clear",
	wk_bad_len = "well-known TLV has the wrong length",
	wk_duplicate = "well-known TLV appears twice",
}

local ex = {}
local experts = {}
for name, text in pairs(status_text) do
	ex[name] = ProtoExpert.new("mdtun." .. name, text,
		expert.group.MALFORMED, expert.severity.ERROR)
	experts[#experts + 1] = ex[name]
end
ex.reserved = ProtoExpert.new("mdtun.reserved_set",
	"reserved bits set (must be zero on send, ignored on receipt)",
	expert.group.PROTOCOL, expert.severity.WARN)
ex.oam = ProtoExpert.new("mdtun.oam", "OAM packet",
	expert.group.SEQUENCE, expert.severity.NOTE)
ex.crit_foreign = ProtoExpert.new("mdtun.crit_foreign",
	"critical TLV of another class: passed on by collect-metadata "
	.. "receivers, dropped as crit_unknown by fixed-mode receivers",
	expert.group.PROTOCOL, expert.severity.NOTE)
ex.skipped = ProtoExpert.new("mdtun.unknown_type",
	"reserved mdtun TLV type, not critical: skipped",
	expert.group.PROTOCOL, expert.severity.NOTE)
ex.c_unused = ProtoExpert.new("mdtun.c_without_critical",
	"C flag set but no critical TLV",
	expert.group.PROTOCOL, expert.severity.WARN)
ex.snapped = ProtoExpert.new("mdtun.snapped",
	"capture cut short (snapshot length) before the end of the metadata: "
	.. "no verdict",
	expert.group.UNDECODED, expert.severity.WARN)
ex.inner_error = ProtoExpert.new("mdtun.inner_error",
	"inner frame could not be fully dissected",
	expert.group.MALFORMED, expert.severity.WARN)
ex.no_inner = ProtoExpert.new("mdtun.short_inner",
	"payload shorter than an Ethernet header: receivers drop it",
	expert.group.MALFORMED, expert.severity.WARN)
for _, k in ipairs({ "reserved", "oam", "crit_foreign", "skipped",
		"c_unused", "snapped", "inner_error", "no_inner" }) do
	experts[#experts + 1] = ex[k]
end
mdtun.experts = experts

-- ---- Preferences --------------------------------------------------------

mdtun.prefs.udp_port = Pref.uint("UDP port", MDTUN_UDP_PORT,
	"UDP destination port of mdtun (default 7081)")

local udp_table = DissectorTable.get("udp.port")
local eth_dissector = Dissector.get("eth_withoutfcs")
local registered_port

local function register_port()
	if registered_port then
		udp_table:remove(registered_port, mdtun)
	end
	registered_port = mdtun.prefs.udp_port
	if registered_port ~= 0 then
		udp_table:add(registered_port, mdtun)
	end
end

function mdtun.prefs_changed()
	if registered_port ~= mdtun.prefs.udp_port then
		register_port()
	end
end

-- ---- Dissection ---------------------------------------------------------

-- Adds the fields of the TLV at @off; returns the length item.  @left is
-- the number of metadata bytes from @off to the end of the area, at least
-- TLV_HDR_LEN.  Judging the TLV is the caller's job.
local function add_tlv_fields(tvb, tlv_tree, off, data_len, left)
	tlv_tree:add(f.tlv_class, tvb(off, 2))
	tlv_tree:add(f.tlv_type, tvb(off + 2, 1))
	tlv_tree:add(f.tlv_crit, tvb(off + 2, 1))
	local rsvd = tlv_tree:add(f.tlv_rsvd, tvb(off + 3, 1))
	if band(tvb(off + 3, 1):uint(), 0xe0) ~= 0 then
		rsvd:add_proto_expert_info(ex.reserved)
	end
	local len_item = tlv_tree:add(f.tlv_len, tvb(off + 3, 1))
	len_item:append_text(" (" .. data_len .. " bytes)")
	local avail = math.min(data_len, left - TLV_HDR_LEN)
	if avail > 0 then
		tlv_tree:add(f.tlv_data, tvb(off + TLV_HDR_LEN, avail))
	end
	return len_item
end

-- Adds the decoded value of a well-known TLV of the right size; returns
-- it as text for the TLV's summary line.
local function add_wk_value(tvb, tlv_tree, type_id, off)
	local r = tvb(off, wk[type_id].len)
	if type_id == 0x03 then
		tlv_tree:add(f.of_metadata, r)
		return "0x" .. r:uint64():tohex()
	end
	local field
	if type_id == 0x01 then
		field = f.mark
	elseif type_id == 0x02 then
		field = f.priority
	elseif type_id == 0x04 then
		field = f.in_port
		tlv_tree:add(field, r)
		return tostring(r:uint())
	else
		field = f.reg[type_id - 0x10]
	end
	tlv_tree:add(field, r)
	return string.format("0x%08x", r:uint())
end

-- Walks the metadata area [off, off + md_len) exactly as
-- mdtun_md_validate() with MDTUN_POLICY_PASS_FOREIGN does; returns the
-- verdict (the first failure), the number of TLVs shown and whether any
-- of them is critical.  After a failure that leaves the TLV boundaries
-- intact it goes on showing (and flagging) the remaining TLVs, so that
-- the whole area is visible, but the verdict stays the first failure.
local function dissect_metadata(tvb, md_tree, off, md_len, flags)
	local verdict = "ok"
	local seen = {}
	local any_crit = false
	local count = 0
	local pos, left = off, md_len

	local function fail(item, name)
		item:add_proto_expert_info(ex[name])
		if verdict == "ok" then
			verdict = name
		end
	end

	while left > 0 do
		if left < TLV_HDR_LEN then
			-- Unreachable from the header (lengths are multiples of
			-- 4) but kept in step with the codec.
			local item = md_tree:add(f.tlv, tvb(pos, left))
			fail(item, "tlv_truncated")
			break
		end

		local opt_class = tvb(pos, 2):uint()
		local type_byte = tvb(pos + 2, 1):uint()
		local type_id = band(type_byte, 0x7f)
		local crit = band(type_byte, TYPE_CRIT) ~= 0
		local data_len = band(tvb(pos + 3, 1):uint(), 0x1f) * 4
		local tlv_len = math.min(TLV_HDR_LEN + data_len, left)
		local tlv_tree = md_tree:add(f.tlv, tvb(pos, tlv_len))
		local label
		if opt_class == OPT_CLASS and wk[type_id] then
			label = string.format("TLV: mdtun %s", wk[type_id].name)
		else
			label = string.format(
				"TLV: class 0x%04x (%s), type 0x%02x",
				opt_class, class_name(opt_class), type_byte)
		end
		if crit then
			label = label .. " (critical)"
			any_crit = true
		end
		tlv_tree:set_text(string.format("%s, %d bytes", label,
			data_len))
		local len_item = add_tlv_fields(tvb, tlv_tree, pos, data_len,
			left)
		count = count + 1

		if data_len > left - TLV_HDR_LEN then
			fail(len_item, "tlv_overrun")
			break
		end

		if crit and band(flags, F_CRIT) == 0 then
			fail(tlv_tree, "crit_flag")
		elseif opt_class ~= OPT_CLASS then
			-- Another class: the consumer (OVS, tc) judges it.
			if crit then
				tlv_tree:add_proto_expert_info(ex.crit_foreign)
			end
		elseif not wk[type_id] then
			if crit then
				fail(tlv_tree, "crit_unknown")
			else
				tlv_tree:add_proto_expert_info(ex.skipped)
			end
		elseif data_len ~= wk[type_id].len then
			fail(len_item, "wk_bad_len")
		elseif seen[type_id] then
			fail(tlv_tree, "wk_duplicate")
		else
			seen[type_id] = true
			local value = add_wk_value(tvb, tlv_tree, type_id,
				pos + TLV_HDR_LEN)
			tlv_tree:append_text(" = " .. value)
		end

		pos = pos + TLV_HDR_LEN + data_len
		left = left - TLV_HDR_LEN - data_len
	end

	return verdict, count, any_crit
end

function mdtun.dissector(tvb, pinfo, tree)
	-- The verdict is about the packet (reported length); only captured
	-- bytes (len) are ever read, so a short capture snapshot cannot raise
	-- a Lua error.  When it hides bytes that the verdict needs, no
	-- verdict is given.
	local len = tvb:len()
	local rlen = tvb:reported_len()
	pinfo.cols.protocol = "mdtun"

	local root = tree:add(mdtun, tvb(0, math.min(len, HDR_LEN)))

	-- @shown: the expert info is already on the offending item.
	local function verdict(name, shown)
		local item = root:add(f.status, name)
		item:set_generated()
		if name ~= "ok" and not shown then
			item:add_proto_expert_info(ex[name])
			pinfo.cols.info:set("mdtun [" .. name .. "]")
		end
		root:append_text(", " .. name)
	end

	local function snapped(from)
		root:add_proto_expert_info(ex.snapped)
		if len > from then
			root:add(f.data, tvb(from, len - from))
				:set_text("Captured part")
		end
		root:append_text(", [capture cut short]")
		return len
	end

	if rlen < HDR_LEN then
		if len > 0 then
			root:add(f.data, tvb(0, len))
				:set_text("Truncated header")
		end
		verdict("hdr_truncated")
		return len
	end
	if len < HDR_LEN then
		return snapped(0)
	end

	local b0 = tvb(0, 1):uint()
	local version = rshift(b0, 4)
	local flags = band(b0, 0x0f)
	local md_len = tvb(1, 1):uint() * 4
	local protocol = tvb(2, 2):uint()
	local vni = tvb(4, 3):uint()

	root:add(f.version, tvb(0, 1))
	if version ~= VERSION then
		-- A later version may lay out the rest differently.
		verdict("bad_version")
		return len
	end

	local flags_item = root:add(f.flags, tvb(0, 1))
	flags_item:add(f.flag_oam, tvb(0, 1))
	flags_item:add(f.flag_crit, tvb(0, 1))
	local rsvd = flags_item:add(f.flag_rsvd, tvb(0, 1))
	if band(flags, 0x03) ~= 0 then
		rsvd:add_proto_expert_info(ex.reserved)
	end
	if band(flags, F_OAM) ~= 0 then
		flags_item:add_proto_expert_info(ex.oam)
	end
	local len_item = root:add(f.md_len, tvb(1, 1))
	len_item:append_text(" (" .. md_len .. " bytes)")
	root:add(f.protocol, tvb(2, 2))
	root:add(f.vni, tvb(4, 3))
	local rsvd_item = root:add(f.reserved, tvb(7, 1))
	if tvb(7, 1):uint() ~= 0 then
		rsvd_item:add_proto_expert_info(ex.reserved)
	end

	pinfo.cols.info:set(string.format("mdtun VNI %d", vni))
	root:append_text(string.format(", VNI %d", vni))

	if protocol ~= PROTO_ETH then
		verdict("bad_protocol")
		return len
	end
	if md_len > MD_MAX_LEN then
		verdict("md_too_long")
		return len
	end
	if md_len > rlen - HDR_LEN then
		if len > HDR_LEN then
			root:add(f.metadata, tvb(HDR_LEN, len - HDR_LEN))
				:set_text("Metadata (truncated)")
		end
		verdict("md_truncated")
		return len
	end
	if md_len > len - HDR_LEN then
		return snapped(HDR_LEN)
	end

	local status, any_crit = "ok", false
	if md_len > 0 then
		root:set_len(HDR_LEN + md_len)
		local md_tree = root:add(f.metadata, tvb(HDR_LEN, md_len))
		md_tree:set_text(string.format("Metadata (%d bytes)", md_len))
		local count
		status, count, any_crit = dissect_metadata(tvb, md_tree,
			HDR_LEN, md_len, flags)
		md_tree:append_text(string.format(", %d TLV%s", count,
			count == 1 and "" or "s"))
	end
	if status == "ok" and not any_crit and band(flags, F_CRIT) ~= 0 then
		flags_item:add_proto_expert_info(ex.c_unused)
	end
	verdict(status, true)

	-- The inner frame is shown even when a receiver would drop the
	-- packet: its position is known once the header is valid.
	local inner = HDR_LEN + md_len
	if rlen - inner < 14 then
		root:add_proto_expert_info(ex.no_inner)
		if len > inner then
			root:add(f.data, tvb(inner, len - inner))
				:set_text("Inner frame (too short)")
		end
	elseif len > inner then
		-- Dissector:call() turns the inner dissector's exceptions (a
		-- capture cut short, a malformed inner packet) into Lua errors;
		-- they are about the inner frame, so report them as such.
		local ok, err = pcall(Dissector.call, eth_dissector,
			tvb(inner):tvb(), pinfo, tree)
		if not ok then
			root:add_proto_expert_info(ex.inner_error,
				"inner frame could not be fully dissected: "
				.. tostring(err))
		end
	end
	if status ~= "ok" then
		pinfo.cols.info:append(" [mdtun " .. status .. "]")
	end
	return len
end

register_port()
-- Offer mdtun in "Decode As" for any UDP port.
if udp_table.add_for_decode_as then
	udp_table:add_for_decode_as(mdtun)
end
