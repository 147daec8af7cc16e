# SPDX-License-Identifier: Apache-2.0
#
# Open vSwitch 3.1 with the mdtun plugin (included from the top Makefile.am;
# paths are relative to the top directories).
#
# OVS is built once in $(OVS_BUILD_DIR): extracted from $(OVS_SOURCE) (a
# tarball or a tree), patched with vswitchd-plugin/ovs-patches/ in order,
# configured and made.  Stamp files keep each step from running again; the
# plugin's objects are linked into ovs-vswitchd by overriding its LDADD and
# DEPENDENCIES on OVS's make command line, so a plugin change only relinks
# ovs-vswitchd (and ovs-dpctl).  The plugin is linked as object files, not as an archive,
# because nothing in OVS refers to it: it registers itself from a static
# constructor (see vswitchd-plugin/mdtun_plugin.cc).

OVS_BUILD_DIR = ovs-build
# Debian's own paths (its openvswitch source package configures the same):
# the packaged daemon (openvswitch-switch-mdtun) runs under Debian's
# ovs-ctl and talks to Debian's ovsdb-server and ovs-appctl through
# /var/run/openvswitch.  The tests and demos set OVS_RUNDIR and the other
# OVS_*DIR variables to their own directories, so they never touch these.
OVS_CONFIGURE_FLAGS = --enable-silent-rules --prefix=/usr \
	--localstatedir=/var --sysconfdir=/etc
OVS_PATCHES = \
	vswitchd-plugin/ovs-patches/0001-netdev-vport-One-default-UDP-port-helper-strict-dst_.patch \
	vswitchd-plugin/ovs-patches/0002-netdev-vport-Describe-tunnel-types-in-a-table-of-tun.patch \
	vswitchd-plugin/ovs-patches/0003-netdev-vport-Let-code-linked-into-ovs-vswitchd-provi.patch \
	vswitchd-plugin/ovs-patches/0004-netdev-Userspace-datapath-support-for-tunnel-provide.patch \
	vswitchd-plugin/ovs-patches/0005-ofproto-dpif-xlate-Let-a-tunnel-class-carry-pipeline.patch \
	vswitchd-plugin/ovs-patches/0006-ofproto-dpif-trace-Trace-a-tunnel-class-s-options-as.patch

EXTRA_DIST += $(OVS_PATCHES) \
	vswitchd-plugin/README.md \
	vswitchd-plugin/ovs-patches/series.sh \
	tests/ovs-userspace/hosts.sh \
	tests/ovs-userspace/lib.sh \
	tests/ovs-userspace/t-bad-config.sh \
	tests/ovs-userspace/native_plan.py \
	tests/ovs-userspace/t-basic.sh \
	tests/ovs-userspace/t-native.sh \
	tests/ovs-userspace/t-netns.sh \
	tests/ovs-userspace/t-pipeline.sh \
	tests/ovs-userspace/t-shared.sh

# The plugin, compiled against the patched tree (only C++-clean headers are
# used: lib/netdev-tunnel-class.h, lib/unixctl.h and the public
# include/openvswitch/ ones; -iquote keeps OVS's other headers from
# shadowing system ones, as -idirafter for include/ does).  It sits above
# libmdtun (utilities/libmdtun/: carry/trust parsers, rtnetlink client),
# which mdtun-ctl links too.
noinst_LIBRARIES += vswitchd-plugin/libmdtun-ovs-plugin.a
vswitchd_plugin_libmdtun_ovs_plugin_a_SOURCES = \
	vswitchd-plugin/mdtun_plugin.cc \
	vswitchd-plugin/mdtun_options.cc \
	vswitchd-plugin/mdtun_options.h \
	vswitchd-plugin/mdtun_userspace.cc \
	vswitchd-plugin/mdtun_userspace.h \
	vswitchd-plugin/mdtun_cstring.h
vswitchd_plugin_libmdtun_ovs_plugin_a_CPPFLAGS = $(LIBMDTUN_CPPFLAGS) \
	-I$(top_srcdir)/vswitchd-plugin \
	-iquote $(OVS_BUILD_DIR)/lib -idirafter $(OVS_BUILD_DIR)/include
$(vswitchd_plugin_libmdtun_ovs_plugin_a_OBJECTS): $(OVS_BUILD_DIR)/.patched

# The userspace datapath's header ops, in C: they need OVS's internal
# headers (flows, packets, RCU), which do not compile as C++.  Compiled like
# OVS's own files (config.h, its include paths and warnings); the C++ side
# sees only the C-clean vswitchd-plugin/mdtun-native.h.
noinst_LIBRARIES += vswitchd-plugin/libmdtun-native.a
vswitchd_plugin_libmdtun_native_a_SOURCES = \
	vswitchd-plugin/mdtun-native.c \
	vswitchd-plugin/mdtun-native.h \
	vswitchd-plugin/mdtun-native-private.h \
	vswitchd-plugin/mdtun-pipeline.c
# OVS's config.h defines PACKAGE_* too: ours (in DEFS) go.
vswitchd_plugin_libmdtun_native_a_CPPFLAGS = -UPACKAGE -UPACKAGE_BUGREPORT \
	-UPACKAGE_NAME -UPACKAGE_STRING -UPACKAGE_TARNAME -UPACKAGE_URL \
	-UPACKAGE_VERSION -UVERSION -DHAVE_CONFIG_H \
	-I$(OVS_BUILD_DIR) -I$(OVS_BUILD_DIR)/include -I$(OVS_BUILD_DIR)/lib \
	$(AM_CPPFLAGS)
vswitchd_plugin_libmdtun_native_a_CFLAGS = -Wall -Wextra -Wno-sign-compare \
	-Wpointer-arith -Wformat -Wformat-security -Wswitch-enum \
	-Wunused-parameter -Wstrict-prototypes -Wold-style-definition \
	-Wmissing-prototypes -Wmissing-field-initializers -Wshadow \
	-fno-strict-aliasing
$(vswitchd_plugin_libmdtun_native_a_OBJECTS): $(OVS_BUILD_DIR)/.headers
# The headers it includes that OVS's make generates.
$(OVS_BUILD_DIR)/.headers: $(OVS_BUILD_DIR)/.configured
	+$(MAKE) -C $(OVS_BUILD_DIR) include/odp-netlink.h \
		include/openvswitch/version.h lib/stdio.h lib/string.h && \
	touch $@

# The option parsers' unit tests (GoogleTest; no OVS needed).
check_PROGRAMS += tests/ovs-userspace/mdtun-options-test
tests_ovs_userspace_mdtun_options_test_SOURCES = \
	tests/ovs-userspace/mdtun_options_test.cc \
	vswitchd-plugin/mdtun_options.cc \
	vswitchd-plugin/mdtun_options.h \
	vswitchd-plugin/mdtun_cstring.h
tests_ovs_userspace_mdtun_options_test_CPPFLAGS = $(LIBMDTUN_CPPFLAGS) \
	-I$(top_srcdir)/vswitchd-plugin
tests_ovs_userspace_mdtun_options_test_CXXFLAGS = $(AM_CXXFLAGS) $(GTEST_CFLAGS)
tests_ovs_userspace_mdtun_options_test_LDADD = $(LIBMDTUN) $(GTEST_LIBS)

MDTUN_PLUGIN_OBJS = \
	$(abs_top_builddir)/vswitchd-plugin/libmdtun_ovs_plugin_a-mdtun_plugin.$(OBJEXT) \
	$(abs_top_builddir)/vswitchd-plugin/libmdtun-ovs-plugin.a \
	$(abs_top_builddir)/vswitchd-plugin/libmdtun-native.a \
	$(abs_top_builddir)/utilities/libmdtun/libmdtun.a \
	$(abs_top_builddir)/lib/libmdtun-codec.a
OVS_VSWITCHD_LIBS = ofproto/libofproto.la lib/libsflow.la lib/libopenvswitch.la
# ovs-dpctl gets the plugin too, so that it names the mdtun vport type.
OVS_MAKE = $(MAKE) -C $(OVS_BUILD_DIR) \
	vswitchd_ovs_vswitchd_LDADD="$(MDTUN_PLUGIN_OBJS) $(OVS_VSWITCHD_LIBS) $(LIBNL_LIBS) -lstdc++" \
	vswitchd_ovs_vswitchd_DEPENDENCIES="$(MDTUN_PLUGIN_OBJS) $(OVS_VSWITCHD_LIBS)" \
	utilities_ovs_dpctl_LDADD="$(MDTUN_PLUGIN_OBJS) lib/libopenvswitch.la $(LIBNL_LIBS) -lstdc++" \
	utilities_ovs_dpctl_DEPENDENCIES="$(MDTUN_PLUGIN_OBJS) lib/libopenvswitch.la"

$(OVS_BUILD_DIR)/.patched: $(OVS_PATCHES)
	$(AM_V_GEN)rm -rf $(OVS_BUILD_DIR) && $(MKDIR_P) $(OVS_BUILD_DIR) && \
	if test -d "$(OVS_SOURCE)"; then \
		cp -pR "$(OVS_SOURCE)"/. $(OVS_BUILD_DIR)/; \
	else \
		tar -xzf "$(OVS_SOURCE)" -C $(OVS_BUILD_DIR) --strip-components=1; \
	fi && \
	for p in $(OVS_PATCHES); do \
		patch -d $(OVS_BUILD_DIR) -p1 --quiet --forward \
			< $(top_srcdir)/$$p || exit 1; \
	done && \
	touch $@

$(OVS_BUILD_DIR)/.configured: $(OVS_BUILD_DIR)/.patched
	$(AM_V_GEN)cd $(OVS_BUILD_DIR) && \
	./configure $(OVS_CONFIGURE_FLAGS) > configure.out 2>&1 || \
		{ tail -n 30 configure.out; exit 1; }; \
	touch .configured

# Always asks OVS's make, which knows what is out of date (nothing, a
# relink of ovs-vswitchd, or the whole tree the first time: ~3 minutes).
ovs: $(OVS_BUILD_DIR)/.configured vswitchd-plugin/libmdtun-ovs-plugin.a \
		vswitchd-plugin/libmdtun-native.a \
		utilities/libmdtun/libmdtun.a lib/libmdtun-codec.a
	+$(OVS_MAKE)
.PHONY: ovs

clean-local: ovs-clean
ovs-clean:
	rm -rf $(OVS_BUILD_DIR)
.PHONY: ovs-clean

# OVS's own tunnel tests, run on the patched OVS with the plugin linked in
# (no kernel module, about two minutes; part of make check, counted against
# tests/baseline.txt): the tunnel class table must not break a built-in
# type.  "tunnel" and "tnl" leave out the native tunnelling tests
# (tunnel_push_pop*), the ones closest to what the table changes.
OVS_TESTSUITEFLAGS = -j2 -k tunnel -k tnl -k geneve -k vxlan \
	-k tunnel_push_pop -k tunnel_push_pop_ipv6
check-ovs-testsuite: ovs
	+$(OVS_MAKE) check TESTSUITEFLAGS='$(OVS_TESTSUITEFLAGS)'
.PHONY: check-ovs-testsuite
CHECK_SUITES += ovs_testsuite
