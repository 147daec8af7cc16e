// SPDX-License-Identifier: Apache-2.0
//
// C strings handed to OVS, which frees them with free().
//
// OVS's rule for an allocation that fails is xmalloc()'s: say so and abort.
// A plugin callback must not return NULL instead of a message: to OVS, a
// NULL error from parse_options means success.  So MallocString() never
// returns NULL; it calls OutOfMemory(), which each program defines (the
// plugin logs with VLOG_ABORT; the unit test writes to stderr) and which
// must not return.

#ifndef MDTUN_VSWITCHD_PLUGIN_MDTUN_CSTRING_H
#define MDTUN_VSWITCHD_PLUGIN_MDTUN_CSTRING_H

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace mdtun {

[[noreturn]] void OutOfMemory() noexcept;

using AllocFunc = void* (*)(size_t);

// A malloc()'d, NUL-terminated copy of @s; never NULL.  @alloc is malloc()
// except in tests.
inline char* MallocString(std::string_view s,
                          AllocFunc alloc = std::malloc) noexcept {
  char* p = static_cast<char*>(alloc(s.size() + 1));
  if (!p) {
    OutOfMemory();
  }
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

}  // namespace mdtun

#endif  // MDTUN_VSWITCHD_PLUGIN_MDTUN_CSTRING_H
