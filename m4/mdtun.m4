# SPDX-License-Identifier: Apache-2.0
#
# configure checks for ovs-mdtun.  Each failure names the Debian package.

# MDTUN_CHECK_CXX17: the plugin and tools are C++17.
AC_DEFUN([MDTUN_CHECK_CXX17], [
  AC_LANG_PUSH([C++])
  save_CXXFLAGS=$CXXFLAGS
  CXXFLAGS="$CXXFLAGS -std=c++17"
  AC_MSG_CHECKING([whether $CXX accepts -std=c++17])
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <optional>]],
                                     [[std::optional<int> o; return o.value_or(0);]])],
    [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([a C++17 compiler is needed: install the Debian package g++])])
  CXXFLAGS=$save_CXXFLAGS
  AC_LANG_POP([C++])
])

# MDTUN_FIND_LINUX_BUILD: locate the kernel build dir (LINUX_BUILD) and its
# release string (LINUX_KVER).
AC_DEFUN([MDTUN_FIND_LINUX_BUILD], [
  AC_MSG_CHECKING([for the target kernel build dir])
  if test -z "$LINUX_BUILD"; then
    for d in `ls -d /lib/modules/6.1.*/build 2>/dev/null | sort -V -r`; do
      if test -f "$d/Makefile"; then LINUX_BUILD=$d; break; fi
    done
  fi
  if test -z "$LINUX_BUILD" || test ! -f "$LINUX_BUILD/Makefile"; then
    AC_MSG_RESULT([not found])
    AC_MSG_ERROR([no kernel build dir${LINUX_BUILD:+ at $LINUX_BUILD}.
Install the Debian package linux-headers-amd64 (Debian 12's 6.1 kernel headers)
or pass --with-linux=DIR.])
  fi
  LINUX_BUILD=`cd "$LINUX_BUILD" && pwd -P`
  LINUX_KVER=`sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' \
              "$LINUX_BUILD/include/generated/utsrelease.h" 2>/dev/null`
  if test -z "$LINUX_KVER"; then
    AC_MSG_RESULT([$LINUX_BUILD])
    AC_MSG_ERROR([$LINUX_BUILD is not a configured kernel build dir (no
include/generated/utsrelease.h).  Install linux-headers-amd64 or pass
--with-linux=DIR.])
  fi
  AC_MSG_RESULT([$LINUX_BUILD ($LINUX_KVER)])
  AC_MSG_CHECKING([for the $LINUX_KVER kernel image the tests boot])
  if test -f "/boot/vmlinuz-$LINUX_KVER" && test -d "/lib/modules/$LINUX_KVER/kernel"; then
    AC_MSG_RESULT([/boot/vmlinuz-$LINUX_KVER])
  else
    AC_MSG_RESULT([no])
    AC_MSG_WARN([kernel $LINUX_KVER is not installed, so check-kernel cannot run.
Install the Debian package linux-image-amd64 matching linux-headers-amd64.])
  fi
  AC_SUBST([LINUX_BUILD])
  AC_SUBST([LINUX_KVER])
])

# MDTUN_EXTRACT_OVS_KHEADERS: put net/openvswitch/*.h of the target kernel
# into the build tree as OVS_KHEADERS (reused when already there).
AC_DEFUN([MDTUN_EXTRACT_OVS_KHEADERS], [
  AC_MSG_CHECKING([for the kernel's net/openvswitch headers])
  OVS_KHEADERS=`pwd`/linux-ovs-headers
  if test -d "$LINUX_SOURCE/net/openvswitch"; then
    rm -rf "$OVS_KHEADERS" && $MKDIR_P "$OVS_KHEADERS" &&
      cp "$LINUX_SOURCE"/net/openvswitch/*.h "$OVS_KHEADERS"/ ||
      AC_MSG_ERROR([cannot copy headers from $LINUX_SOURCE/net/openvswitch])
  elif test -f "$LINUX_SOURCE"; then
    stamp="$OVS_KHEADERS/.from"
    if test ! -f "$OVS_KHEADERS/datapath.h" ||
       test "`cat "$stamp" 2>/dev/null`" != "$LINUX_SOURCE"; then
      tmp=`pwd`/linux-ovs-headers.tmp
      rm -rf "$tmp" "$OVS_KHEADERS" && $MKDIR_P "$tmp" "$OVS_KHEADERS"
      tar -xf "$LINUX_SOURCE" -C "$tmp" --wildcards --no-anchored \
          'net/openvswitch/*.h' ||
        AC_MSG_ERROR([cannot extract net/openvswitch/*.h from $LINUX_SOURCE])
      find "$tmp" -path '*/net/openvswitch/*.h' -exec cp {} "$OVS_KHEADERS"/ \;
      rm -rf "$tmp"
      echo "$LINUX_SOURCE" > "$stamp"
    fi
  else
    AC_MSG_RESULT([no])
    AC_MSG_ERROR([kernel source $LINUX_SOURCE not found.
Install the Debian package linux-source-6.1 or pass --with-linux-source=DIR.])
  fi
  if test ! -f "$OVS_KHEADERS/datapath.h" || test ! -f "$OVS_KHEADERS/vport.h"; then
    AC_MSG_RESULT([no])
    AC_MSG_ERROR([$LINUX_SOURCE has no net/openvswitch/datapath.h and vport.h.
Install the Debian package linux-source-6.1 or pass --with-linux-source=DIR.])
  fi
  AC_MSG_RESULT([$OVS_KHEADERS])
  AC_SUBST([OVS_KHEADERS])
])

# MDTUN_CHECK_OVS_SOURCE: Open vSwitch 3.1 source, a tarball or a tree.
AC_DEFUN([MDTUN_CHECK_OVS_SOURCE], [
  AC_MSG_CHECKING([for Open vSwitch source])
  if test -f "$OVS_SOURCE"; then
    OVS_VERSION=`tar -xzOf "$OVS_SOURCE" --wildcards --no-anchored \
                 'openvswitch/NEWS' 2>/dev/null |
                 sed -n 's/^v\(@<:@0-9.@:>@*\) .*/\1/p' | head -n 1`
  elif test -f "$OVS_SOURCE/NEWS"; then
    # NEWS opens with the release: "v3.1.0 - 16 Feb 2023".
    OVS_VERSION=`sed -n 's/^v\(@<:@0-9.@:>@*\) .*/\1/p' "$OVS_SOURCE/NEWS" | head -n 1`
  else
    AC_MSG_RESULT([no])
    AC_MSG_ERROR([Open vSwitch source $OVS_SOURCE not found.
Install the Debian package openvswitch-source or pass --with-ovs-source=PATH.])
  fi
  case $OVS_VERSION in
    3.1.*) AC_MSG_RESULT([$OVS_SOURCE ($OVS_VERSION)]) ;;
    *) AC_MSG_RESULT([no])
       AC_MSG_ERROR([$OVS_SOURCE is Open vSwitch '$OVS_VERSION', not 3.1.x.
Install Debian 12's openvswitch-source or pass --with-ovs-source=PATH.]) ;;
  esac
  OVS_SOURCE=`cd "\`dirname "$OVS_SOURCE"\`" && pwd -P`/`basename "$OVS_SOURCE"`
  AC_SUBST([OVS_SOURCE])
  AC_SUBST([OVS_VERSION])
])

# MDTUN_CHECK_LIBFUZZER: clang with -fsanitize=fuzzer builds the fuzzer.
# Without it the build still works, but `make check` fails in its fuzz
# suite, naming the packages: clang, and libclang-rt-14-dev for the
# runtime (only a Recommends of clang on Debian 12).
AC_DEFUN([MDTUN_CHECK_LIBFUZZER], [
  AC_ARG_VAR([FUZZ_CC], [clang used for the libFuzzer target])
  AC_CHECK_PROGS([FUZZ_CC], [clang clang-16 clang-15 clang-14])
  have_fuzzer=no
  if test -n "$FUZZ_CC"; then
    AC_MSG_CHECKING([whether $FUZZ_CC supports -fsanitize=fuzzer,address,undefined])
    cat > conftest-fuzz.c <<_EOF
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }
_EOF
    if $FUZZ_CC -fsanitize=fuzzer,address,undefined conftest-fuzz.c \
         -o conftest-fuzz >&AS_MESSAGE_LOG_FD 2>&1; then
      have_fuzzer=yes
    fi
    rm -f conftest-fuzz conftest-fuzz.c
    AC_MSG_RESULT([$have_fuzzer])
  fi
  if test $have_fuzzer = yes; then
    FUZZ_CC_SUMMARY="$FUZZ_CC"
  else
    FUZZ_CC_SUMMARY="no: make check will fail (install the Debian packages clang libclang-rt-14-dev)"
  fi
  AM_CONDITIONAL([HAVE_FUZZER], [test $have_fuzzer = yes])
])

# MDTUN_EXTRACT_IPROUTE2: unpack the iproute2 source package into the build
# tree as IPROUTE2_DIR (iproute2-src/, reused while IPROUTE2_SOURCE is the
# same) and check that it has the link plugin interface (ip/ip_common.h).
AC_DEFUN([MDTUN_EXTRACT_IPROUTE2], [
  AC_MSG_CHECKING([for the iproute2 source])
  if test -z "$IPROUTE2_SOURCE"; then
    IPROUTE2_SOURCE=`ls "$srcdir"/deb-src/iproute2_*.dsc 2>/dev/null | sort -V | tail -n 1`
  fi
  if test -z "$IPROUTE2_SOURCE" || test ! -e "$IPROUTE2_SOURCE"; then
    AC_MSG_RESULT([no])
    AC_MSG_ERROR([no iproute2 source package${IPROUTE2_SOURCE:+ at $IPROUTE2_SOURCE}.
Run utilities/install-deps.sh (it fetches Debian's into deb-src/) or pass
--with-iproute2-source=DSC|DIR.])
  fi
  IPROUTE2_SOURCE=`cd "\`dirname "$IPROUTE2_SOURCE"\`" && pwd`/`basename "$IPROUTE2_SOURCE"`
  IPROUTE2_DIR=`pwd`/iproute2-src
  if test -d "$IPROUTE2_SOURCE"; then
    IPROUTE2_DIR=$IPROUTE2_SOURCE
  elif test ! -f "$IPROUTE2_DIR/ip/ip_common.h" ||
       test "`cat "$IPROUTE2_DIR/.from" 2>/dev/null`" != "$IPROUTE2_SOURCE"; then
    rm -rf "$IPROUTE2_DIR"
    dpkg-source --no-copy -x "$IPROUTE2_SOURCE" "$IPROUTE2_DIR" >/dev/null ||
      AC_MSG_ERROR([cannot unpack $IPROUTE2_SOURCE (dpkg-source, Debian package dpkg-dev)])
    echo "$IPROUTE2_SOURCE" > "$IPROUTE2_DIR/.from"
  fi
  if test ! -f "$IPROUTE2_DIR/ip/ip_common.h" ||
     test ! -f "$IPROUTE2_DIR/include/utils.h"; then
    AC_MSG_RESULT([no])
    AC_MSG_ERROR([$IPROUTE2_SOURCE has no ip/ip_common.h: not an iproute2 source])
  fi
  IPROUTE2_VERSION=`sed -n 's/.*version\@<:@\@:>@ = "\(.*\)".*/\1/p' "$IPROUTE2_DIR/include/version.h" 2>/dev/null`
  AC_MSG_RESULT([$IPROUTE2_DIR ($IPROUTE2_VERSION)])
  AC_SUBST([IPROUTE2_DIR])
])
