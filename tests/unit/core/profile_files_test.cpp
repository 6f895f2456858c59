// Built-in profiles, profile files and name-or-path resolution.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "kizuna/profile.hpp"

namespace kizuna {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed with its content.
class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        path_ = fs::temp_directory_path() / ("kizuna_profile_test_" + std::to_string(::getpid()) +
                                             "_" + std::to_string(counter++));
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    fs::path write(const std::string& name, const std::string& content) const {
        const fs::path p = path_ / name;
        std::ofstream(p, std::ios::binary) << content;
        return p;
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(ProfileBuiltins, TheThreeStandardProfilesComeFirst) {
    const std::vector<std::string> names = builtin_profile_names();
    ASSERT_GE(names.size(), 3u);
    EXPECT_EQ(names[0], "performance");
    EXPECT_EQ(names[1], "balanced");
    EXPECT_EQ(names[2], "quality");
}

TEST(ProfileBuiltins, EveryBuiltinParsesValidatesAndIsNamedAfterItsFile) {
    for (const std::string& name : builtin_profile_names()) {
        SCOPED_TRACE(name);
        auto p = builtin_profile(name);
        ASSERT_TRUE(p.ok()) << p.error().message;
        EXPECT_EQ(p->name, name);
        EXPECT_FALSE(p->description.empty());
        EXPECT_TRUE(validate_profile(*p).ok());
    }
}

TEST(ProfileBuiltins, EmbeddedTextIsTheSourceFileByteForByte) {
    for (const std::string& name : builtin_profile_names()) {
        const fs::path file = fs::path(KIZUNA_SOURCE_DIR) / "profiles" / (name + ".json");
        EXPECT_EQ(builtin_profile_json(name), read_file(file)) << name;
    }
    EXPECT_TRUE(builtin_profile_json("nope").empty());
}

TEST(ProfileBuiltins, MatchTheAgreedCharacter) {
    auto perf = builtin_profile("performance");
    auto bal = builtin_profile("balanced");
    auto qual = builtin_profile("quality");
    ASSERT_TRUE(perf.ok() && bal.ok() && qual.ok());

    EXPECT_FALSE(perf->ai.enabled);
    EXPECT_FALSE(perf->temporal.enabled);
    EXPECT_TRUE(perf->enhance.enabled);
    EXPECT_LE(perf->enhance.sharpen, bal->enhance.sharpen);

    EXPECT_TRUE(bal->ai.enabled);
    EXPECT_EQ(bal->ai.model, "realesr-animevideov3-x2");
    EXPECT_EQ(bal->ai.scale, 2);
    EXPECT_TRUE(bal->temporal.enabled);
    EXPECT_GT(bal->enhance.line_darken, 0.0f);

    EXPECT_TRUE(qual->ai.enabled);
    EXPECT_EQ(qual->ai.model, "waifu2x-cunet-x2");
    EXPECT_EQ(qual->ai.scale, 2);
    EXPECT_EQ(qual->ai.tile_overlap, -1);  // "auto"
    EXPECT_TRUE(qual->normalize.enabled);
    EXPECT_GT(qual->normalize.denoise_strength, 0.0f);
    EXPECT_TRUE(qual->temporal.enabled);
}

// `r` failed with `code` and exactly `message`.
void expect_error(const Result<Profile>& r, Errc code, const std::string& message) {
    ASSERT_FALSE(r.ok()) << "no error; expected: " << message;
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_EQ(r.error().message, message);
}

TEST(ProfileBuiltins, UnknownNameSuggestsTheNearest) {
    expect_error(builtin_profile("balancd"), Errc::not_found,
                 "\"balancd\": no such built-in profile (did you mean \"balanced\"?); built-ins: "
                 "performance, balanced, quality");
}

// The error of loading `file`; fails the test (and gives an empty error) when it loaded.
Error load_error(const fs::path& file) {
    auto p = load_profile(file);
    EXPECT_FALSE(p.ok()) << file << " loaded";
    return p.ok() ? Error{} : p.error();
}

TEST(ProfileFiles, LoadsAFileAndNamesItAfterTheFile) {
    TempDir dir;
    const fs::path file =
        dir.write("anime-night.json", R"({"schema": 1, "ai": {"enabled": true}})");
    auto p = load_profile(file);
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->name, "anime-night");
    EXPECT_TRUE(p->ai.enabled);
}

TEST(ProfileFiles, MissingFileIsNotFound) {
    TempDir dir;
    const fs::path file = dir.path() / "absent.json";
    const Error e = load_error(file);
    EXPECT_EQ(e.code, Errc::not_found);
    EXPECT_EQ(e.message, file.string() + ": no such file");
}

TEST(ProfileFiles, DirectoryIsNotAProfile) {
    TempDir dir;
    const Error e = load_error(dir.path());
    EXPECT_EQ(e.code, Errc::io_error);
    EXPECT_EQ(e.message, dir.path().string() + ": is a directory, not a profile file");
}

TEST(ProfileFiles, UnreadableFileSaysWhy) {
    if (::geteuid() == 0) GTEST_SKIP() << "root can read any file";
    TempDir dir;
    const fs::path file = dir.write("locked.json", R"({"schema": 1})");
    fs::permissions(file, fs::perms::none);
    const Error e = load_error(file);
    EXPECT_EQ(e.code, Errc::io_error);
    EXPECT_EQ(e.message.rfind(file.string() + ": cannot open (", 0), 0u) << e.message;
}

TEST(ProfileFiles, OversizedFileIsRejectedBeforeParsing) {
    TempDir dir;
    // Built by appending: GCC 12 warns falsely (-Warray-bounds) on operator+ with this size.
    std::string json = "{\"schema\": 1, \"description\": \"";
    json.append(1100000, 'a');
    json += "\"}";
    const fs::path file = dir.write("huge.json", json);
    const Error e = load_error(file);
    EXPECT_EQ(e.code, Errc::io_error);
    EXPECT_NE(e.message.find("huge.json: larger than 1048576 bytes"), std::string::npos)
        << e.message;
}

TEST(ProfileFiles, SyntaxErrorNamesTheFileLineAndColumn) {
    TempDir dir;
    const fs::path file = dir.write("my.json", "{\n  \"schema\": 1,\n  \"ai\": {\"scale\": }\n}\n");
    const Error e = load_error(file);
    EXPECT_EQ(e.code, Errc::invalid_argument);
    EXPECT_EQ(e.message.rfind(file.string() + ": line 3, column 19: syntax error", 0), 0u)
        << e.message;
}

TEST(ProfileFiles, ValidationErrorsNameTheFile) {
    TempDir dir;
    const fs::path file =
        dir.write("balanced.json", R"({"schema": 1, "stages": {"enhance": {"saturation": 3.5}}})");
    const Error e = load_error(file);
    EXPECT_EQ(e.message, file.string() + ": stages.enhance.saturation: 3.5 is outside [0, 2]");
}

TEST(ProfileResolve, BuiltinNameOrFilePath) {
    auto q = resolve_profile("quality");
    ASSERT_TRUE(q.ok()) << q.error().message;
    EXPECT_EQ(q->ai.model, "waifu2x-cunet-x2");

    TempDir dir;
    const fs::path file = dir.write("quality.json", R"({"schema": 1, "ai": {"scale": 3}})");
    auto f = resolve_profile(file.string());
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ(f->ai.scale, 3);
}

TEST(ProfileResolve, UnknownNameSuggestsABuiltin) {
    expect_error(resolve_profile("qualty"), Errc::not_found,
                 "qualty: neither a built-in profile (did you mean \"quality\"?) nor a file; "
                 "built-ins: performance, balanced, quality");
    auto missing = resolve_profile("/nonexistent/dir/p.json");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().message, "/nonexistent/dir/p.json: no such file");
    EXPECT_FALSE(resolve_profile("").ok());
}

}  // namespace
}  // namespace kizuna
