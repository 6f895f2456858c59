// Bad inputs and failed writes: each gives one line naming the file and the reason, with the
// right code, and a failed write leaves what was there untouched.
#include <gtest/gtest.h>
#include <unistd.h>

#include "kizuna/media.hpp"
#include "media_test_support.hpp"

namespace kizuna::test {
namespace {

::testing::AssertionResult is_error(const Error& e, Errc code, const fs::path& path,
                                    const std::string& reason) {
    if (e.code != code) {
        return ::testing::AssertionFailure()
               << "code " << errc_name(e.code) << " want " << errc_name(code) << ": " << e.message;
    }
    if (e.message.find('\n') != std::string::npos) {
        return ::testing::AssertionFailure() << "not one line: " << e.message;
    }
    if (e.message.rfind(path.string(), 0) != 0) {
        return ::testing::AssertionFailure() << "does not start with the path: " << e.message;
    }
    if (e.message.find(reason) == std::string::npos) {
        return ::testing::AssertionFailure() << "lacks '" << reason << "': " << e.message;
    }
    return ::testing::AssertionSuccess();
}

template <class T>
Error error_of(Result<T> r) {
    EXPECT_FALSE(r.ok());
    if (r.ok()) return Error{};
    return std::move(r).error();
}

TEST(MediaErrors, MissingFile) {
    TempDir dir;
    const fs::path p = dir / "a.png";
    const Error e = error_of(read_image(p));
    EXPECT_EQ(e.message, p.string() + ": no such file");
    EXPECT_TRUE(is_error(e, Errc::not_found, p, "no such file"));
    EXPECT_TRUE(is_error(error_of(VideoReader::open(p)), Errc::not_found, p, "no such file"));
}

TEST(MediaErrors, DirectoryGivenAsFile) {
    TempDir dir;
    EXPECT_TRUE(is_error(error_of(read_image(dir.path())), Errc::invalid_argument, dir.path(),
                         "is a directory"));
    EXPECT_TRUE(is_error(error_of(VideoReader::open(dir.path())), Errc::invalid_argument,
                         dir.path(), "is a directory"));
}

TEST(MediaErrors, ZeroByteFile) {
    TempDir dir;
    const fs::path p = dir / "empty.png";
    write_bytes(p, {});
    EXPECT_TRUE(is_error(error_of(read_image(p)), Errc::corrupt_data, p, "empty file"));
    EXPECT_TRUE(is_error(error_of(VideoReader::open(p)), Errc::corrupt_data, p, "empty file"));
}

TEST(MediaErrors, TextFileIsNotAnImage) {
    TempDir dir;
    const fs::path p = dir / "notes.png";
    const std::string text = "This is a plain text file.\nIt is not an image at all.\n";
    write_bytes(p, std::vector<uint8_t>(text.begin(), text.end()));
    EXPECT_TRUE(
        is_error(error_of(read_image(p)), Errc::unsupported, p, "not a recognised image format"));
}

TEST(MediaErrors, AudioFileHasNoImage) {
    TempDir dir;
    const fs::path p = ffmpeg_to(dir / "tone.wav", "-f lavfi -i sine=frequency=440:duration=0.1");
    EXPECT_TRUE(is_error(error_of(read_image(p)), Errc::unsupported, p, "no image"));
    EXPECT_TRUE(is_error(error_of(VideoReader::open(p)), Errc::unsupported, p, "no video stream"));
}

// A PNG cut at several points fails with corrupt_data and does not crash.
TEST(MediaErrors, TruncatedPng) {
    TempDir dir;
    ffmpeg("-f lavfi -i testsrc2=size=68x44,format=rgb24,crop=67:43:0:0 -frames:v 1 '" +
           (dir / "full.png").string() + "'");
    const auto full = read_bytes(dir / "full.png");
    ASSERT_GT(full.size(), 200u);
    for (const size_t keep :
         {size_t{40}, size_t{100}, full.size() / 2, full.size() - 20, full.size() - 12}) {
        const fs::path p = dir / ("cut" + std::to_string(keep) + ".png");
        write_bytes(p, std::vector<uint8_t>(full.begin(), full.begin() + keep));
        auto r = read_image(p);
        ASSERT_FALSE(r.ok()) << "kept " << keep << " of " << full.size() << " bytes";
        EXPECT_TRUE(is_error(r.error(), Errc::corrupt_data, p, "png")) << "kept " << keep;
    }
}

// JPEG and WebP decoders conceal damage unless told not to: a cut file must still be an error.
TEST(MediaErrors, TruncatedJpegAndWebp) {
    TempDir dir;
    for (const char* name : {"full.jpg", "full.webp"}) {
        const fs::path full_path =
            ffmpeg_to(dir / name, "-f lavfi -i testsrc2=size=64x48 -frames:v 1");
        const auto full = read_bytes(full_path);
        ASSERT_GT(full.size(), 400u);
        const fs::path p = dir / (std::string("cut-") + name);
        write_bytes(p, std::vector<uint8_t>(full.begin(), full.begin() + full.size() * 2 / 3));
        auto r = read_image(p);
        ASSERT_FALSE(r.ok()) << name;
        EXPECT_TRUE(is_error(r.error(), Errc::corrupt_data, p, "")) << name;
    }
}

TEST(MediaErrors, UnsupportedExtensionLeavesExistingFile) {
    TempDir dir;
    const fs::path p = dir / "out.xyz";
    write_bytes(p, {9, 8, 7});
    Image img = random_rgba8(4, 4, 1, false);
    EXPECT_TRUE(is_error(error_of(write_image(p, img.view())), Errc::unsupported, p, ".xyz"));
    EXPECT_EQ(read_bytes(p), (std::vector<uint8_t>{9, 8, 7}));
    EXPECT_TRUE(is_error(error_of(write_image(dir / "noext", img.view())), Errc::unsupported,
                         dir / "noext", "unsupported image extension"));
}

TEST(MediaErrors, InvalidWriteArgumentsLeaveExistingFile) {
    TempDir dir;
    const fs::path p = dir / "keep.png";
    write_bytes(p, {1, 2, 3, 4});
    Image img = random_rgba8(4, 4, 1, false);
    EXPECT_TRUE(
        is_error(error_of(write_image(p, ConstImageView{})), Errc::invalid_argument, p, "0x0"));
    EXPECT_TRUE(is_error(error_of(write_image(p, img.view(), {.bit_depth = 12})),
                         Errc::invalid_argument, p, "bit depth"));
    EXPECT_TRUE(is_error(error_of(write_image(p, img.view(), {.quality = 0})),
                         Errc::invalid_argument, p, "quality"));
    EXPECT_EQ(read_bytes(p), (std::vector<uint8_t>{1, 2, 3, 4}));
}

TEST(MediaErrors, MissingFolder) {
    TempDir dir;
    const fs::path p = dir / "no" / "such" / "out.png";
    Image img = random_rgba8(4, 4, 1, false);
    const Error e = error_of(write_image(p, img.view()));
    EXPECT_TRUE(is_error(e, Errc::not_found, p, "No such file or directory"));
    EXPECT_NE(e.message.find((dir / "no" / "such").string()), std::string::npos) << e.message;
    EXPECT_FALSE(fs::exists(dir / "no"));
}

// Renaming over a directory fails at the very last step: the directory and its content stay,
// and the temporary file is gone.
TEST(MediaErrors, FailedRenameLeavesTargetAndNoTempFile) {
    TempDir dir;
    const fs::path p = dir / "taken.png";
    fs::create_directory(p);
    write_bytes(p / "inside", {5});
    Image img = random_rgba8(4, 4, 1, false);
    EXPECT_TRUE(is_error(error_of(write_image(p, img.view())), Errc::io_error, p, "directory"));
    EXPECT_EQ(read_bytes(p / "inside"), (std::vector<uint8_t>{5}));
    for (const auto& e : fs::directory_iterator(dir.path())) {
        EXPECT_EQ(e.path().filename().string().find("kizuna-tmp"), std::string::npos) << e.path();
    }
}

// A folder the process may not write to. Root ignores permission bits, so as root /sys is used
// (no one may create files there) and the "existing file" half is checked only when not root.
TEST(MediaErrors, UnwritableFolder) {
    Image img = random_rgba8(4, 4, 1, false);
    if (::geteuid() == 0) {
        const fs::path p = "/sys/kizuna-media-test.png";
        EXPECT_TRUE(
            is_error(error_of(write_image(p, img.view())), Errc::io_error, p, "Permission denied"));
        return;
    }
    TempDir dir;
    const fs::path sub = dir / "ro";
    fs::create_directory(sub);
    write_bytes(sub / "old.png", {4, 3, 2});
    fs::permissions(sub, fs::perms::owner_read | fs::perms::owner_exec);
    const fs::path p = sub / "old.png";
    EXPECT_TRUE(
        is_error(error_of(write_image(p, img.view())), Errc::io_error, p, "Permission denied"));
    EXPECT_EQ(read_bytes(p), (std::vector<uint8_t>{4, 3, 2}));
    fs::permissions(sub, fs::perms::owner_all);
}

TEST(MediaErrors, VideoReaderOnTextFile) {
    TempDir dir;
    const fs::path p = dir / "notes.mp4";
    const std::string text = "hello, this is not a video\n";
    write_bytes(p, std::vector<uint8_t>(text.begin(), text.end()));
    auto r = VideoReader::open(p);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
    EXPECT_EQ(r.error().message.rfind(p.string(), 0), 0u) << r.error().message;
    EXPECT_TRUE(r.error().code == Errc::unsupported || r.error().code == Errc::corrupt_data)
        << r.error().message;
}

}  // namespace
}  // namespace kizuna::test
