// SPDX-License-Identifier: GPL-2.0
/*
 * link_mdtun.so: the "mdtun" link type for iproute2's ip(8).
 *
 *   ip link add NAME type mdtun { id VNI remote ADDR | external } [OPTIONS]
 *   ip link set NAME type mdtun OPTIONS
 *   ip -d [-j] link show NAME
 *
 * ip loads link_<kind>.so from its library directory (IP_LIB_DIR in the
 * environment overrides it) and looks up "<kind>_link_util".  The plugin
 * runs inside ip and uses ip's own helpers (argument parsers, the JSON
 * printer, the netlink request builder), so it is GPL-2.0 like iproute2
 * and is compiled against the headers of the iproute2 version it is
 * loaded into (Debian 12's, from its source package).
 *
 * Only syntax is checked here: what a device may be (fixed needs id and
 * remote, identity changes only while down, families agree) is the
 * kernel's decision, and its extack message is what ip prints.  A request
 * carries only what the command line names, so "ip link set" changes
 * exactly those settings.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utils.h"
#include "ip_common.h"

#include "mdtun/codec.h"
#include "mdtun/if_mdtun.h"

/* Room in ip's link request (struct iplink_req's buffer). */
#define MDTUN_REQ_MAXLEN 1024

/* Names of the MDTUN_CARRY_* bits, as mdtun-ctl and OVS spell them. */
static const struct {
	const char *name;
	__u32 bit;
} mdtun_carry_fields[] = {
	{ "mark", MDTUN_CARRY_MARK },
	{ "priority", MDTUN_CARRY_PRIORITY },
};

#define N_CARRY_FIELDS \
	(sizeof(mdtun_carry_fields) / sizeof(mdtun_carry_fields[0]))

static void print_explain(FILE *f)
{
	fprintf(f,
		"Usage: ... mdtun { id VNI remote ADDR | external }\n"
		"                 [ local ADDR ]\n"
		"                 [ dstport PORT ]\n"
		"                 [ ttl TTL ]\n"
		"                 [ tos TOS ]\n"
		"                 [ df DF ]\n"
		"                 [ [no]udpcsum ]\n"
		"                 [ [no]udp6zerocsumtx ]\n"
		"                 [ [no]udp6zerocsumrx ]\n"
		"                 [ carry FIELDS ]\n"
		"                 [ trust PREFIXES ]\n"
		"\n"
		"Where: VNI      := 0-16777215\n"
		"       ADDR     := IP_ADDRESS (IPv4 or IPv6)\n"
		"       PORT     := 1-65535 (default 7081)\n"
		"       TTL      := { 0..255 | auto | inherit }\n"
		"       TOS      := { 0..255 | inherit }\n"
		"       DF       := { unset | set | inherit }\n"
		"       FIELDS   := { none | FIELD[,FIELD] }, FIELD := { mark | priority }\n"
		"       PREFIXES := { none | PREFIX[,PREFIX]... } (at most %d)\n"
		"\n"
		"ip link set ... type mdtun changes ttl, tos, df, the checksum\n"
		"options, carry and trust at any time; id, remote, local and\n"
		"dstport only while the device is down.  Counters: ip -s -d link\n"
		"show, or mdtun-ctl stats.\n",
		MDTUN_TRUST_MAX);
}

static void explain(void)
{
	print_explain(stderr);
}

static void mdtun_print_help(struct link_util *lu, int argc, char **argv,
			     FILE *f)
{
	print_explain(f);
}

/* "mark,priority" or "none" into MDTUN_CARRY_* bits; -1 if malformed. */
static int mdtun_parse_carry(const char *arg, __u32 *carry)
{
	char *list, *item, *save = NULL;
	int err = 0;

	*carry = 0;
	if (strcmp(arg, "none") == 0)
		return 0;

	list = strdup(arg);
	if (!list)
		return -1;
	for (item = strtok_r(list, ",", &save); item && !err;
	     item = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < N_CARRY_FIELDS; i++)
			if (strcmp(item, mdtun_carry_fields[i].name) == 0)
				break;
		if (i == N_CARRY_FIELDS ||
		    (*carry & mdtun_carry_fields[i].bit)) {
			fprintf(stderr,
				"mdtun: carry: \"%s\" is not a field or is given twice (fields: mark, priority)\n",
				item);
			err = -1;
		} else {
			*carry |= mdtun_carry_fields[i].bit;
		}
	}
	free(list);
	/* A list of only commas names nothing: say "none" for that. */
	if (!err && !*carry)
		err = -1;
	return err;
}

/* One IFLA_MDTUN_TRUST_PREFIX nest from "ADDR[/LEN]". */
static int mdtun_add_trust_prefix(struct nlmsghdr *n, char *arg)
{
	struct rtattr *entry;
	inet_prefix pfx;

	if (get_prefix_1(&pfx, arg, AF_UNSPEC) ||
	    (pfx.family != AF_INET && pfx.family != AF_INET6)) {
		fprintf(stderr, "mdtun: trust: \"%s\" is not an address prefix\n",
			arg);
		return -1;
	}
	entry = addattr_nest(n, MDTUN_REQ_MAXLEN,
			     IFLA_MDTUN_TRUST_PREFIX | NLA_F_NESTED);
	addattr_l(n, MDTUN_REQ_MAXLEN, IFLA_MDTUN_PREFIX_ADDR, pfx.data,
		  pfx.bytelen);
	addattr8(n, MDTUN_REQ_MAXLEN, IFLA_MDTUN_PREFIX_LEN, pfx.bitlen);
	addattr_nest_end(n, entry);
	return 0;
}

/*
 * The whole trust list, replacing the device's; "none" sends an empty
 * list, which the kernel reads as "trust no sender".
 */
static int mdtun_add_trust(struct nlmsghdr *n, const char *arg)
{
	char *list, *item, *save = NULL;
	struct rtattr *nest;
	int count = 0, err = 0;

	/* The kernel parses the list strictly: nests say so. */
	nest = addattr_nest(n, MDTUN_REQ_MAXLEN, IFLA_MDTUN_TRUST | NLA_F_NESTED);
	if (strcmp(arg, "none") != 0) {
		list = strdup(arg);
		if (!list)
			return -1;
		for (item = strtok_r(list, ",", &save); item && !err;
		     item = strtok_r(NULL, ",", &save)) {
			if (++count > MDTUN_TRUST_MAX) {
				fprintf(stderr, "mdtun: trust: at most %d prefixes\n",
					MDTUN_TRUST_MAX);
				err = -1;
				break;
			}
			err = mdtun_add_trust_prefix(n, item);
		}
		free(list);
		if (!err && !count) {
			fprintf(stderr, "mdtun: trust: no prefix given (say \"none\" for an empty list)\n");
			err = -1;
		}
	}
	addattr_nest_end(n, nest);
	return err;
}

/* 1 for "udpcsum", 0 for "noudpcsum" (@word "udpcsum"), -1 for neither. */
static int mdtun_flag_word(const char *arg, const char *word)
{
	if (strcmp(arg, word) == 0)
		return 1;
	if (strncmp(arg, "no", 2) == 0 && strcmp(arg + 2, word) == 0)
		return 0;
	return -1;
}

/*
 * TTL and TOS are each a value or "inherit", two attributes of which the
 * kernel takes one per request: send the choice, with inheriting cleared
 * when a value is chosen, so that a set replaces whichever was there.
 */
static void mdtun_add_value_or_inherit(struct nlmsghdr *n, int value_attr,
				       int inherit_attr, bool inherit,
				       __u8 value)
{
	addattr8(n, MDTUN_REQ_MAXLEN, inherit_attr, inherit);
	if (!inherit)
		addattr8(n, MDTUN_REQ_MAXLEN, value_attr, value);
}

static int mdtun_parse_opt(struct link_util *lu, int argc, char **argv,
			   struct nlmsghdr *n)
{
	/* Each setting once per command, as ip does for its own options. */
	bool seen_id = false, seen_remote = false, seen_local = false;
	bool seen_port = false, seen_ttl = false, seen_tos = false;
	bool seen_df = false, seen_carry = false, seen_trust = false;
	int flag;

	for (; argc > 0; argc--, argv++) {
		const char *opt = *argv;

		if (strcmp(opt, "id") == 0 || strcmp(opt, "vni") == 0) {
			__u32 vni;

			NEXT_ARG();
			if (seen_id)
				duparg2(opt, *argv);
			if (get_u32(&vni, *argv, 0) || vni > MDTUN_VNI_MAX)
				invarg("id must be 0 to 16777215", *argv);
			addattr32(n, MDTUN_REQ_MAXLEN, IFLA_MDTUN_ID, vni);
			seen_id = true;
		} else if (strcmp(opt, "remote") == 0 ||
			   strcmp(opt, "local") == 0) {
			bool remote = opt[0] == 'r';
			bool *seen = remote ? &seen_remote : &seen_local;
			inet_prefix addr;
			int type;

			NEXT_ARG();
			if (*seen)
				duparg2(opt, *argv);
			if (get_addr(&addr, *argv, AF_UNSPEC) ||
			    (addr.family != AF_INET && addr.family != AF_INET6))
				invarg("not an IP address", *argv);
			if (addr.family == AF_INET)
				type = remote ? IFLA_MDTUN_REMOTE : IFLA_MDTUN_LOCAL;
			else
				type = remote ? IFLA_MDTUN_REMOTE6 : IFLA_MDTUN_LOCAL6;
			/* get_addr gives 4 or 16 bytes, as the family says. */
			addattr_l(n, MDTUN_REQ_MAXLEN, type, addr.data,
				  addr.bytelen);
			*seen = true;
		} else if (strcmp(opt, "dstport") == 0 ||
			   strcmp(opt, "port") == 0) {
			__u16 port;

			NEXT_ARG();
			if (seen_port)
				duparg2(opt, *argv);
			if (get_u16(&port, *argv, 0) || port == 0)
				invarg("dstport must be 1 to 65535", *argv);
			addattr16(n, MDTUN_REQ_MAXLEN, IFLA_MDTUN_PORT,
				  htons(port));
			seen_port = true;
		} else if (strcmp(opt, "ttl") == 0 ||
			   strcmp(opt, "hoplimit") == 0) {
			bool inherit;
			__u8 ttl = 0;	/* "auto": the route's default */

			NEXT_ARG();
			if (seen_ttl)
				duparg2(opt, *argv);
			inherit = strcmp(*argv, "inherit") == 0;
			if (!inherit && strcmp(*argv, "auto") != 0 &&
			    get_u8(&ttl, *argv, 0))
				invarg("ttl must be 0 to 255, auto or inherit",
				       *argv);
			mdtun_add_value_or_inherit(n, IFLA_MDTUN_TTL,
						   IFLA_MDTUN_TTL_INHERIT,
						   inherit, ttl);
			seen_ttl = true;
		} else if (strcmp(opt, "tos") == 0 ||
			   strcmp(opt, "dsfield") == 0) {
			bool inherit;
			__u8 tos = 0;

			NEXT_ARG();
			if (seen_tos)
				duparg2(opt, *argv);
			inherit = strcmp(*argv, "inherit") == 0;
			/* A number, decimal or 0x hex, as the help says. */
			if (!inherit && get_u8(&tos, *argv, 0))
				invarg("tos must be 0 to 255 or inherit", *argv);
			mdtun_add_value_or_inherit(n, IFLA_MDTUN_TOS,
						   IFLA_MDTUN_TOS_INHERIT,
						   inherit, tos);
			seen_tos = true;
		} else if (strcmp(opt, "df") == 0) {
			__u8 df;

			NEXT_ARG();
			if (seen_df)
				duparg2(opt, *argv);
			if (strcmp(*argv, "unset") == 0)
				df = MDTUN_DF_UNSET;
			else if (strcmp(*argv, "set") == 0)
				df = MDTUN_DF_SET;
			else if (strcmp(*argv, "inherit") == 0)
				df = MDTUN_DF_INHERIT;
			else
				invarg("df must be unset, set or inherit",
				       *argv);
			addattr8(n, MDTUN_REQ_MAXLEN, IFLA_MDTUN_DF, df);
			seen_df = true;
		} else if ((flag = mdtun_flag_word(opt, "udpcsum")) >= 0) {
			addattr8(n, MDTUN_REQ_MAXLEN, IFLA_MDTUN_UDP_CSUM,
				 flag);
		} else if ((flag = mdtun_flag_word(opt, "udp6zerocsumtx")) >= 0) {
			addattr8(n, MDTUN_REQ_MAXLEN,
				 IFLA_MDTUN_UDP_ZERO_CSUM6_TX, flag);
		} else if ((flag = mdtun_flag_word(opt, "udp6zerocsumrx")) >= 0) {
			addattr8(n, MDTUN_REQ_MAXLEN,
				 IFLA_MDTUN_UDP_ZERO_CSUM6_RX, flag);
		} else if (strcmp(opt, "external") == 0) {
			addattr_l(n, MDTUN_REQ_MAXLEN,
				  IFLA_MDTUN_COLLECT_METADATA, NULL, 0);
		} else if (strcmp(opt, "carry") == 0) {
			__u32 carry;

			NEXT_ARG();
			if (seen_carry)
				duparg2(opt, *argv);
			if (mdtun_parse_carry(*argv, &carry))
				invarg("carry takes none or mark,priority",
				       *argv);
			addattr32(n, MDTUN_REQ_MAXLEN, IFLA_MDTUN_CARRY, carry);
			seen_carry = true;
		} else if (strcmp(opt, "trust") == 0) {
			NEXT_ARG();
			if (seen_trust)
				duparg2(opt, *argv);
			if (mdtun_add_trust(n, *argv))
				invarg("trust takes none or PREFIX[,PREFIX]...",
				       *argv);
			seen_trust = true;
		} else if (strcmp(opt, "help") == 0) {
			explain();
			return -1;
		} else {
			fprintf(stderr, "mdtun: unknown command \"%s\"?\n", opt);
			explain();
			return -1;
		}
	}
	return 0;
}

/* ---- Printing ---------------------------------------------------------- */

/* An address in text as "WORD ADDR"; in JSON under KEY or KEY6 (geneve's). */
static void mdtun_print_addr(struct rtattr *tb[], int v4, int v6,
			     const char *word)
{
	struct rtattr *a = tb[v4] ? tb[v4] : tb[v6];
	int family = tb[v4] ? AF_INET : AF_INET6;
	char text[32], key[32];

	if (!a || RTA_PAYLOAD(a) != (family == AF_INET ? 4U : 16U))
		return;
	snprintf(text, sizeof(text), "%s %%s ", word);
	snprintf(key, sizeof(key), "%s%s", word, family == AF_INET ? "" : "6");
	print_string(PRINT_ANY, key, text, format_host_rta(family, a));
}

static bool mdtun_attr_u8(struct rtattr *tb[], int type, __u8 *value)
{
	if (!tb[type] || RTA_PAYLOAD(tb[type]) < sizeof(__u8))
		return false;
	*value = rta_getattr_u8(tb[type]);
	return true;
}

/* A boolean setting: "udpcsum"/"noudpcsum" in text, true/false in JSON. */
static void mdtun_print_flag(FILE *f, struct rtattr *tb[], int type,
			     const char *key, const char *word)
{
	__u8 on;

	if (!mdtun_attr_u8(tb, type, &on))
		return;
	if (is_json_context())
		print_bool(PRINT_JSON, key, NULL, on);
	else
		fprintf(f, "%s%s ", on ? "" : "no", word);
}

/*
 * A list setting, "KEY a,b " or "KEY none " in text and an array under KEY
 * in JSON: open, an item at a time, close.
 */
static void mdtun_list_open(const char *key)
{
	open_json_array(PRINT_JSON, key);
	print_string(PRINT_FP, NULL, "%s ", key);
}

static void mdtun_list_item(bool *first, const char *item)
{
	print_string(PRINT_ANY, NULL, *first ? "%s" : ",%s", item);
	*first = false;
}

static void mdtun_list_close(bool first)
{
	print_string(PRINT_FP, NULL, "%s ", first ? "none" : "");
	close_json_array(PRINT_JSON, NULL);
}

static void mdtun_print_carry(struct rtattr *tb[])
{
	__u32 carry;
	size_t i;
	bool first = true;

	if (!tb[IFLA_MDTUN_CARRY] ||
	    RTA_PAYLOAD(tb[IFLA_MDTUN_CARRY]) < sizeof(__u32))
		return;
	carry = rta_getattr_u32(tb[IFLA_MDTUN_CARRY]);

	mdtun_list_open("carry");
	for (i = 0; i < N_CARRY_FIELDS; i++) {
		if (!(carry & mdtun_carry_fields[i].bit))
			continue;
		mdtun_list_item(&first, mdtun_carry_fields[i].name);
		carry &= ~mdtun_carry_fields[i].bit;
	}
	/* Bits this plugin has no name for are shown, not hidden. */
	if (carry) {
		char unknown[16];

		snprintf(unknown, sizeof(unknown), "%#x", carry);
		mdtun_list_item(&first, unknown);
	}
	mdtun_list_close(first);
}

static void mdtun_print_trust(struct rtattr *list)
{
	struct rtattr *entry;
	bool first = true;
	int rem;

	mdtun_list_open("trust");
	for (entry = RTA_DATA(list), rem = RTA_PAYLOAD(list); RTA_OK(entry, rem);
	     entry = RTA_NEXT(entry, rem)) {
		struct rtattr *tb[IFLA_MDTUN_PREFIX_MAX + 1];
		char text[INET6_ADDRSTRLEN + 8];
		int family;
		__u8 len;

		/* The kernel marks its nests NLA_F_NESTED. */
		if ((entry->rta_type & NLA_TYPE_MASK) != IFLA_MDTUN_TRUST_PREFIX)
			continue;
		parse_rtattr_nested(tb, IFLA_MDTUN_PREFIX_MAX, entry);
		if (!tb[IFLA_MDTUN_PREFIX_ADDR] ||
		    !mdtun_attr_u8(tb, IFLA_MDTUN_PREFIX_LEN, &len))
			continue;
		switch (RTA_PAYLOAD(tb[IFLA_MDTUN_PREFIX_ADDR])) {
		case 4:
			family = AF_INET;
			break;
		case 16:
			family = AF_INET6;
			break;
		default:
			continue;
		}
		snprintf(text, sizeof(text), "%s/%u",
			 rt_addr_n2a_rta(family, tb[IFLA_MDTUN_PREFIX_ADDR]),
			 len);
		mdtun_list_item(&first, text);
	}
	mdtun_list_close(first);
}

static void mdtun_print_opt(struct link_util *lu, FILE *f, struct rtattr *tb[])
{
	__u8 value;

	if (!tb)
		return;

	if (tb[IFLA_MDTUN_COLLECT_METADATA])
		print_bool(PRINT_ANY, "external", "external ", true);
	if (tb[IFLA_MDTUN_ID] && RTA_PAYLOAD(tb[IFLA_MDTUN_ID]) >= sizeof(__u32))
		print_uint(PRINT_ANY, "id", "id %u ",
			   rta_getattr_u32(tb[IFLA_MDTUN_ID]));
	mdtun_print_addr(tb, IFLA_MDTUN_REMOTE, IFLA_MDTUN_REMOTE6, "remote");
	mdtun_print_addr(tb, IFLA_MDTUN_LOCAL, IFLA_MDTUN_LOCAL6, "local");

	if (mdtun_attr_u8(tb, IFLA_MDTUN_TTL_INHERIT, &value) && value) {
		print_string(PRINT_FP, NULL, "ttl %s ", "inherit");
		print_bool(PRINT_JSON, "ttl_inherit", NULL, true);
	} else if (mdtun_attr_u8(tb, IFLA_MDTUN_TTL, &value)) {
		if (is_json_context() || value)
			print_uint(PRINT_ANY, "ttl", "ttl %u ", value);
		else
			print_string(PRINT_FP, NULL, "ttl %s ", "auto");
	}
	if (mdtun_attr_u8(tb, IFLA_MDTUN_TOS_INHERIT, &value) && value) {
		print_string(PRINT_FP, NULL, "tos %s ", "inherit");
		print_bool(PRINT_JSON, "tos_inherit", NULL, true);
	} else if (mdtun_attr_u8(tb, IFLA_MDTUN_TOS, &value)) {
		/* As geneve: a zero TOS is left out of the text. */
		print_0xhex(value ? PRINT_ANY : PRINT_JSON, "tos", "tos %#llx ",
			    value);
	}
	if (mdtun_attr_u8(tb, IFLA_MDTUN_DF, &value)) {
		static const char *const df_names[] = {
			[MDTUN_DF_UNSET] = "unset",
			[MDTUN_DF_SET] = "set",
			[MDTUN_DF_INHERIT] = "inherit",
		};

		char unknown[8];

		snprintf(unknown, sizeof(unknown), "%u", value);
		/* As geneve: the default (unset) only in JSON. */
		print_string(value == MDTUN_DF_UNSET ? PRINT_JSON : PRINT_ANY,
			     "df", "df %s ",
			     value <= MDTUN_DF_MAX ? df_names[value] : unknown);
	}
	if (tb[IFLA_MDTUN_PORT] && RTA_PAYLOAD(tb[IFLA_MDTUN_PORT]) >= 2)
		print_uint(PRINT_ANY, "port", "dstport %u ",
			   rta_getattr_be16(tb[IFLA_MDTUN_PORT]));
	mdtun_print_flag(f, tb, IFLA_MDTUN_UDP_CSUM, "udp_csum", "udpcsum");
	mdtun_print_flag(f, tb, IFLA_MDTUN_UDP_ZERO_CSUM6_TX,
			 "udp_zero_csum6_tx", "udp6zerocsumtx");
	mdtun_print_flag(f, tb, IFLA_MDTUN_UDP_ZERO_CSUM6_RX,
			 "udp_zero_csum6_rx", "udp6zerocsumrx");
	mdtun_print_carry(tb);
	if (tb[IFLA_MDTUN_TRUST])
		mdtun_print_trust(tb[IFLA_MDTUN_TRUST]);
}

/*
 * IFLA_INFO_XSTATS: one u64 per MDTUN_STAT_* counter, named by the codec
 * as every other tool names them.  Shown with ip -s -d link show.
 */
static void mdtun_print_xstats(struct link_util *lu, FILE *f,
			       struct rtattr *xstats)
{
	struct rtattr *tb[MDTUN_STAT_MAX + 1];
	unsigned int stat, shown = 0;

	parse_rtattr_nested(tb, MDTUN_STAT_MAX, xstats);
	for (stat = 1; stat <= MDTUN_STAT_MAX; stat++) {
		const char *name = mdtun_stat_name(stat);

		if (!name || !tb[stat] || RTA_PAYLOAD(tb[stat]) < sizeof(__u64))
			continue;
		if (!is_json_context())
			fprintf(f, shown % 4 ? " " : "\n    ");
		print_u64(PRINT_JSON, name, NULL, rta_getattr_u64(tb[stat]));
		if (!is_json_context())
			fprintf(f, "%s %llu", name,
				(unsigned long long)rta_getattr_u64(tb[stat]));
		shown++;
	}
	/* What ip prints next continues on its own indented line. */
	if (shown && !is_json_context())
		fprintf(f, "\n    ");
}

struct link_util mdtun_link_util = {
	.id = MDTUN_LINK_KIND,
	.maxattr = IFLA_MDTUN_MAX,
	.parse_opt = mdtun_parse_opt,
	.print_opt = mdtun_print_opt,
	.print_xstats = mdtun_print_xstats,
	.print_help = mdtun_print_help,
};
