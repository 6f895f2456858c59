#include "kizuna/output_file.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/temp_name.hpp"

namespace kizuna {
namespace {

namespace fs = std::filesystem;

class OutputFile : public ::testing::Test {
protected:
    void SetUp() override {
        static int n = 0;
        dir_ = fs::temp_directory_path() /
               ("kizuna-of-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        input_ = dir_ / "in.png";
        std::ofstream(input_) << "input";
    }
    void TearDown() override {
        std::error_code ec;
        fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(dir_);
    }
    std::string error_of(const fs::path& out) {
        const std::vector<fs::path> inputs{input_};
        auto r = check_output_file(out, inputs);
        return r ? std::string() : r.error().message;
    }
    fs::path dir_, input_;
};

TEST_F(OutputFile, ANewFileInAWritableFolderIsFine) {
    EXPECT_EQ(error_of(dir_ / "out.png"), "");
    EXPECT_EQ(error_of(dir_ / std::string(255, 'n')), "") << "a name at the limit";
    for (const auto& e : fs::directory_iterator(dir_)) {
        EXPECT_EQ(e.path().filename().string().find("kizuna"), std::string::npos) << e.path();
    }
}

TEST_F(OutputFile, TheInputByNameLinkOrHardLinkIsRefused) {
    EXPECT_NE(error_of(input_).find("is also the input"), std::string::npos);
    fs::create_symlink("in.png", dir_ / "sym.png");
    fs::create_hard_link(input_, dir_ / "hard.png");
    EXPECT_NE(error_of(dir_ / "sym.png").find("same file as the input"), std::string::npos);
    EXPECT_NE(error_of(dir_ / "hard.png").find("same file as the input"), std::string::npos);
    EXPECT_NE(error_of(dir_ / "." / "in.png").find("same file as the input"), std::string::npos);
}

TEST_F(OutputFile, FoldersNonRegularFilesAndLongNamesAreRefused) {
    fs::create_directories(dir_ / "sub");
    EXPECT_NE(error_of(dir_ / "sub").find("is a folder"), std::string::npos);
    ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0600), 0);
    EXPECT_NE(error_of(dir_ / "fifo").find("not a regular file"), std::string::npos);
    EXPECT_NE(error_of("/dev/null").find("not a regular file"), std::string::npos);
    EXPECT_NE(error_of(dir_ / std::string(256, 'n')).find("256 bytes long"), std::string::npos);
    EXPECT_NE(error_of(dir_ / "no" / "such" / "o.png").find("does not exist"), std::string::npos);
    EXPECT_NE(error_of(dir_ / "..").find("not a file name"), std::string::npos);
}

TEST_F(OutputFile, AnUnwritableFolderIsRefused) {
    if (::geteuid() == 0) {
        EXPECT_NE(error_of("/proc/kizuna-out.png").find("not writable"), std::string::npos);
        return;
    }
    fs::create_directories(dir_ / "ro");
    fs::permissions(dir_ / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    EXPECT_NE(error_of(dir_ / "ro" / "o.png").find("not writable"), std::string::npos);
}

TEST_F(OutputFile, LinksAreFollowedToTheirFinalTarget) {
    fs::create_directories(dir_ / "a");
    fs::create_symlink("../b.png", dir_ / "a" / "one.png");
    fs::create_symlink(dir_ / "a" / "one.png", dir_ / "two.png");
    auto t = resolve_output_target(dir_ / "two.png");
    ASSERT_TRUE(t);
    EXPECT_EQ(fs::weakly_canonical(*t), fs::weakly_canonical(dir_ / "b.png"));
    EXPECT_EQ(*resolve_output_target(dir_ / "plain.png"), dir_ / "plain.png");
    fs::create_symlink("loop2", dir_ / "loop1");
    fs::create_symlink("loop1", dir_ / "loop2");
    auto loop = resolve_output_target(dir_ / "loop1");
    ASSERT_FALSE(loop);
    EXPECT_NE(loop.error().message.find("loop"), std::string::npos);
    // A dangling link is written through: its target's folder is what must be writable.
    fs::create_symlink("missing-dir/x.png", dir_ / "dangling.png");
    EXPECT_NE(error_of(dir_ / "dangling.png").find("does not exist"), std::string::npos);
}

TEST(TempName, FitsTheNameLimitWithoutCuttingACharacter) {
    EXPECT_EQ(core::temp_name_prefix("out.png", 255), ".out.png.kizuna-tmp-");
    const std::string long_name(250, 'n');
    const std::string p = core::temp_name_prefix(long_name, 255);
    EXPECT_EQ(p.size() + core::kTempRandomChars, 255u);
    // "é" is two bytes: a cut never leaves half of one.
    std::string accented;
    for (int i = 0; i < 125; ++i) accented += "\xc3\xa9";
    const std::string q = core::temp_name_prefix(accented, 255);
    EXPECT_LE(q.size() + core::kTempRandomChars, 255u);
    const std::string kept = q.substr(1, q.size() - 1 - std::string(".kizuna-tmp-").size());
    EXPECT_EQ(kept.size() % 2, 0u);
    EXPECT_NE(core::random_temp_suffix(), core::random_temp_suffix());
}

}  // namespace
}  // namespace kizuna
