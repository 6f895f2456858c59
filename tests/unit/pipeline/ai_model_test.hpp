// What the pipeline's AI tests share: the model they run and a fixture that skips a test when
// that model is not installed.
#pragma once

#include <gtest/gtest.h>

#include "kizuna/models.hpp"

namespace kizuna::test {

// The smallest installed x2 model: fast enough for whole-frame tests on the CPU.
inline constexpr const char* kAiTestModel = "realesr-animevideov3-x2";

// Skips the test when kAiTestModel is not installed (scripts/setup.sh installs it).
class AiModelTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!resolve_model(kAiTestModel).ok())
            GTEST_SKIP() << kAiTestModel << " is not installed (scripts/setup.sh installs it)";
    }
};

}  // namespace kizuna::test
