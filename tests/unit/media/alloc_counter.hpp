// Counts calls to the global operator new of this test program (defined in alloc_counter.cpp),
// to show that steady-state decoding allocates nothing through C++.
#pragma once

namespace kizuna::test {

long operator_new_count() noexcept;

}  // namespace kizuna::test
