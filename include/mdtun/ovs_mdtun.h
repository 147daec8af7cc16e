/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR Apache-2.0 */
/*
 * Open vSwitch datapath ABI of the mdtun vport, shared by
 * datapath/vport-mdtun.c and the vswitchd plugin.
 */
#ifndef MDTUN_OVS_MDTUN_H
#define MDTUN_OVS_MDTUN_H

/*
 * OVS vport type number (enum ovs_vport_type).  Linux uses 0-5 and OVS
 * userspace's out-of-tree types 105-112; 200 stays clear of both and of
 * their likely growth.  openvswitch.ko asks for "vport-type-200" when a
 * port of this type is added, which vport-mdtun.ko answers by alias.
 */
#define OVS_VPORT_TYPE_MDTUN 200

/*
 * Attributes inside OVS_VPORT_ATTR_OPTIONS.  OVS_TUNNEL_ATTR_DST_PORT (1)
 * is honoured as for every OVS tunnel; mdtun's own start at 64 to leave
 * OVS's generic tunnel attributes room to grow.
 */
enum {
	OVS_MDTUN_ATTR_CARRY = 64,	/* u32: MDTUN_CARRY_* bits */
	OVS_MDTUN_ATTR_TRUST,		/* nested, as IFLA_MDTUN_TRUST */
	__OVS_MDTUN_ATTR_END
};
#define OVS_MDTUN_ATTR_MAX (__OVS_MDTUN_ATTR_END - 1)

#endif /* MDTUN_OVS_MDTUN_H */
