#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Generate configure and Makefile.in (as Open vSwitch's boot.sh does).
set -e
cd "$(dirname "$0")"
autoreconf --install --force
