#include <gtest/gtest.h>

#include <string>

#include "kizuna/text.hpp"

namespace kizuna {
namespace {

TEST(EscapeForTerminal, ControlCharactersBecomeVisibleEscapes) {
    using namespace std::string_literals;
    EXPECT_EQ(escape_for_terminal("\x1b[31mred\x07"), "\\x1b[31mred\\x07");
    EXPECT_EQ(escape_for_terminal("a\0b"s), "a\\x00b");
    EXPECT_EQ(escape_for_terminal("tab\tnl\ncr\r"), "tab\\tnl\\ncr\\r");
    EXPECT_EQ(escape_for_terminal("del\x7f"), "del\\x7f");
}

TEST(EscapeForTerminal, C1ControlsSeparatorsAndBidiOverridesAreEscaped) {
    EXPECT_EQ(escape_for_terminal("\xc2\x9b"
                                  "2J"),
              "\\u{9b}2J");  // 8-bit CSI
    EXPECT_EQ(escape_for_terminal("\xc2\x80"), "\\u{80}");
    EXPECT_EQ(escape_for_terminal("abc\xe2\x80\xae"
                                  "fed"),
              "abc\\u{202e}fed");                                 // RLO
    EXPECT_EQ(escape_for_terminal("\xe2\x81\xa6"), "\\u{2066}");  // LRI
    EXPECT_EQ(escape_for_terminal("\xe2\x80\xa8"), "\\u{2028}");  // LS
}

TEST(EscapeForTerminal, MalformedUtf8BytesAreEscapedOneByOne) {
    EXPECT_EQ(escape_for_terminal("\x80"), "\\x80");
    EXPECT_EQ(escape_for_terminal("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
    EXPECT_EQ(escape_for_terminal("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
    EXPECT_EQ(escape_for_terminal("ok\xe3\x81"), "ok\\xe3\\x81");       // truncated
    EXPECT_EQ(escape_for_terminal("\xff\xfe"), "\\xff\\xfe");
}

TEST(EscapeForTerminal, PrintableTextPassesUnchanged) {
    const std::string text = "ゆるキャン△ / C:\\path \"quoted\" 100% ~é€😀";
    EXPECT_EQ(escape_for_terminal(text), text);
    EXPECT_EQ(escape_for_terminal(""), "");
}

TEST(EscapeForTerminal, ResultHoldsNoControlByteForAnyInput) {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    for (const std::string& s : {all, all + all.substr(0x80), std::string("\xe2\x80", 2)}) {
        const std::string e = escape_for_terminal(s);
        for (unsigned char c : e) EXPECT_TRUE(c >= 0x20 && c != 0x7f) << int(c);
        EXPECT_EQ(e.find("\xc2\x9b"), std::string::npos);
    }
}

}  // namespace
}  // namespace kizuna
