// SPDX-License-Identifier: GPL-2.0
/*
 * A tc program for tests/kernel/t-bpf.sh: gives every packet leaving an
 * external mdtun device tunnel metadata through the BPF helpers, as a BPF
 * datapath would: remote 198.51.100.2, VNI 55, TTL 21, and one
 * Geneve-style option (class 0x0102, type 0x05, 4 bytes 0xfeedf00d).
 *
 * Built inside the test VM with clang -target bpf; no libbpf headers: the
 * two helpers are declared by number, as in <linux/bpf.h>'s list.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#define SEC(name) __attribute__((section(name), used))

static long (*bpf_skb_set_tunnel_key)(struct __sk_buff *skb,
				      struct bpf_tunnel_key *key,
				      __u32 size, __u64 flags) =
	(void *)BPF_FUNC_skb_set_tunnel_key;
static long (*bpf_skb_set_tunnel_opt)(struct __sk_buff *skb, void *opt,
				      __u32 size) =
	(void *)BPF_FUNC_skb_set_tunnel_opt;

struct geneve_style_opt {
	__u8 opt_class[2];
	__u8 type;
	__u8 length;		/* in 4-byte words, low 5 bits */
	__u8 data[4];
};

SEC("tc")
int set_tunnel(struct __sk_buff *skb)
{
	struct bpf_tunnel_key key = {
		.remote_ipv4 = 0xc6336402,	/* 198.51.100.2, host order */
		.tunnel_id = 55,
		.tunnel_ttl = 21,
	};
	struct geneve_style_opt opt = {
		.opt_class = { 0x01, 0x02 },
		.type = 0x05,
		.length = 1,
		.data = { 0xfe, 0xed, 0xf0, 0x0d },
	};

	if (bpf_skb_set_tunnel_key(skb, &key, sizeof(key), 0) < 0 ||
	    bpf_skb_set_tunnel_opt(skb, &opt, sizeof(opt)) < 0)
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
