// Counts calls to the global operator new in this test program (replaced in
// xnn_alloc_counter.cpp). XNNPACK allocates with malloc, which this does not see; its run
// function does not allocate by design.
#pragma once

namespace kizuna::nn::test {

long allocation_count() noexcept;

}  // namespace kizuna::nn::test
