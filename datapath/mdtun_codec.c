// SPDX-License-Identifier: GPL-2.0
#include <mdtun/codec.c>
