#include "kizuna/parse_number.hpp"

#include <gtest/gtest.h>

#include <string>

namespace kizuna {
namespace {

std::string message_of(const Error& e) {
    return e.message;
}

TEST(ParseInteger, AcceptsDecimalIntegersInRange) {
    EXPECT_EQ(*parse_integer("0", 0, 256, "--threads"), 0);
    EXPECT_EQ(*parse_integer("256", 0, 256, "--threads"), 256);
    EXPECT_EQ(*parse_integer("+7", 0, 256, "--threads"), 7);
    EXPECT_EQ(*parse_integer("-3", -5, 5, "--x"), -3);
}

TEST(ParseInteger, RefusesWrappedOutOfRangeAndMalformedValues) {
    auto r = parse_integer("4294967297", 0, 256, "--threads");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_EQ(message_of(r.error()), "--threads: \"4294967297\" is outside [0, 256]");
    EXPECT_EQ(message_of(parse_integer("99999999999999999999", 0, 9, "--n").error()),
              "--n: \"99999999999999999999\" is outside [0, 9]");
    EXPECT_EQ(message_of(parse_integer("-1", 0, 9, "--n").error()),
              "--n: \"-1\" is outside [0, 9]");
    for (const char* bad : {"", " 1", "1 ", "4x", "0x10", "1e3", "1.0", "--1", "+-1", "+", "-"}) {
        auto e = parse_integer(bad, 0, 100000, "--n");
        ASSERT_FALSE(e) << bad;
        EXPECT_NE(e.error().message.find("is not an integer"), std::string::npos) << bad;
    }
}

TEST(ParseDecimal, AcceptsFiniteDecimalsInRange) {
    EXPECT_DOUBLE_EQ(*parse_decimal("2", 1, 8, "--scale"), 2.0);
    EXPECT_DOUBLE_EQ(*parse_decimal("1.5", 1, 8, "--scale"), 1.5);
    EXPECT_DOUBLE_EQ(*parse_decimal("8e0", 1, 8, "--scale"), 8.0);
    EXPECT_DOUBLE_EQ(*parse_decimal("+3", 1, 8, "--scale"), 3.0);
    EXPECT_DOUBLE_EQ(*parse_decimal(".5", 0, 1, "--x"), 0.5);
}

TEST(ParseDecimal, RefusesZeroNegativeTinyHugeAndNonNumbers) {
    for (const char* v : {"0", "-0", "1e-300", "1e-400", "1e400", "-2", "8.0001"}) {
        auto r = parse_decimal(v, 1, 8, "--scale");
        ASSERT_FALSE(r) << v;
        EXPECT_EQ(r.error().message, "--scale: \"" + std::string(v) + "\" is outside [1, 8]");
    }
    for (const char* v : {"", "nan", "NaN", "inf", "-inf", "infinity", "0x1p1", "2x", " 2", "2,5",
                          "1e", "e5", "."}) {
        auto r = parse_decimal(v, 1, 8, "--scale");
        ASSERT_FALSE(r) << v;
        EXPECT_NE(r.error().message.find("is not a number"), std::string::npos) << v;
    }
}

TEST(ParseByteSize, ReadsBinarySuffixes) {
    EXPECT_EQ(*parse_byte_size("4G", "--memory"), 4ull << 30);
    EXPECT_EQ(*parse_byte_size("4g", "--memory"), 4ull << 30);
    EXPECT_EQ(*parse_byte_size("4GiB", "--memory"), 4ull << 30);
    EXPECT_EQ(*parse_byte_size("4GB", "--memory"), 4ull << 30);
    EXPECT_EQ(*parse_byte_size("1.5G", "--memory"), 3ull << 29);
    EXPECT_EQ(*parse_byte_size("512M", "--memory"), 512ull << 20);
    EXPECT_EQ(*parse_byte_size("2048K", "--memory"), 2ull << 20);
    EXPECT_EQ(*parse_byte_size("1T", "--memory"), 1ull << 40);
    EXPECT_EQ(*parse_byte_size("1048576", "--memory"), 1ull << 20);
}

TEST(ParseByteSize, RefusesTinyHugeAndMalformedSizes) {
    auto small = parse_byte_size("4", "--memory");
    ASSERT_FALSE(small);
    EXPECT_NE(small.error().message.find("below the minimum of 1 MiB"), std::string::npos);
    EXPECT_NE(small.error().message.find("4G"), std::string::npos) << "no hint";
    EXPECT_FALSE(parse_byte_size("0G", "--memory"));
    EXPECT_FALSE(parse_byte_size("4294967296T", "--memory"));  // 2^72
    for (const char* bad : {"", "G", "4X", "-1G", "4 G", "nanG", "infG", "4GG", "0x10M", "1e3M"}) {
        auto r = parse_byte_size(bad, "--memory");
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().message.rfind("--memory: ", 0), 0u) << r.error().message;
    }
}

TEST(ParseDimensions, ReadsWidthByHeightAndNamesTheBadHalf) {
    auto d = parse_dimensions("3840x2160", 16, 16384, "--size");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->width, 3840);
    EXPECT_EQ(d->height, 2160);
    EXPECT_EQ(parse_dimensions("100X200", 16, 16384, "--size")->height, 200);
    EXPECT_EQ(parse_dimensions("4294967312x100", 16, 16384, "--size").error().message,
              "--size: width \"4294967312\" is outside [16, 16384]");
    EXPECT_EQ(parse_dimensions("100x0", 16, 16384, "--size").error().message,
              "--size: height \"0\" is outside [16, 16384]");
    for (const char* bad : {"100", "100x", "x100", "100x100x1", "100*100", ""}) {
        EXPECT_FALSE(parse_dimensions(bad, 16, 16384, "--size")) << bad;
    }
}

TEST(ParseNumbers, MessagesEscapeTheTextAsTyped) {
    auto r = parse_integer("\x1b[2J", 0, 9, "--n");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "--n: \"\\x1b[2J\" is not an integer");
}

}  // namespace
}  // namespace kizuna
