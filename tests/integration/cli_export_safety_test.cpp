// `kizuna upscale VIDEO ...`: interruption, damaged input, image sequences, one frame with --at,
// progress for frontends, and the command forms that are refused.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "cli_runner.hpp"
#include "export_fixtures.hpp"

namespace kizuna::test {
namespace {

namespace fs = std::filesystem;

// A clip long enough to interrupt: 320x240, 20 s at 24 fps with audio, exported with a slow
// encoder preset (several seconds of work even on a fast machine).
std::string make_long_clip(const TempDir& dir) {
    const std::string in = dir / "long.mkv";
    EXPECT_TRUE(
        ffmpeg_ok("-f lavfi -i testsrc2=size=320x240:rate=24 -f lavfi -i "
                  "sine=sample_rate=48000 -t 20 -c:v libx264 -preset ultrafast -c:a aac "
                  "'" +
                  in + "'"));
    return in;
}

// Waits until the JSON progress file reports at least `frames` frames done (or the process
// ended); false on time-out.
bool wait_for_frames(const std::string& progress_file, pid_t pid, int frames) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < until) {
        const std::string text = read_file(progress_file);
        const size_t at = text.rfind("\"frames_done\":");
        if (at != std::string::npos && std::stoi(text.substr(at + 14)) >= frames) return true;
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

int wait_exit(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
}

TEST(ExportInterrupt, ASignalLeavesAPlayablePartialFileAndNothingUnderTheFinalName) {
    TempDir dir;
    const std::string in = make_long_clip(dir);
    const fs::path outdir = dir.path / "out";
    fs::create_directories(outdir);
    const std::string out = (outdir / "ep.mkv").string();
    const std::string progress = dir / "progress.jsonl";
    const pid_t pid = spawn_cli("upscale -p performance '" + in + "' -o '" + out +
                                    "' --progress none "
                                    "--progress-file '" +
                                    progress + "' --set output.preset=slow",
                                dir / "stdout", dir / "stderr");
    ASSERT_TRUE(wait_for_frames(progress, pid, 10)) << read_file(dir / "stderr");
    ::kill(pid, SIGTERM);
    EXPECT_EQ(wait_exit(pid), 128 + SIGTERM);
    const std::string err = read_file(dir / "stderr");
    EXPECT_FALSE(fs::exists(out)) << "a stopped export left a file under the final name";
    const std::string partial = (outdir / "ep.partial.mkv").string();
    ASSERT_TRUE(fs::exists(partial)) << err;
    EXPECT_NE(err.find("ep.partial.mkv, a playable file"), std::string::npos) << err;
    EXPECT_EQ(names_in(outdir), std::vector<std::string>{"ep.partial.mkv"});
    // Playable: every frame decodes, and as many as the message says.
    const int64_t frames = count_packets(partial, "v:0");
    EXPECT_GE(frames, 10);
    EXPECT_TRUE(ffmpeg_ok("-v error -xerror -i '" + partial + "' -f null -"));
    EXPECT_NE(err.find("the " + std::to_string(frames) + " frames encoded"), std::string::npos)
        << err;
    // The last progress line says how it ended.
    EXPECT_NE(read_file(progress).find("\"state\":\"cancelled\""), std::string::npos);
}

TEST(ExportInterrupt, RemoveLeavesNothing) {
    TempDir dir;
    const std::string in = make_long_clip(dir);
    const fs::path outdir = dir.path / "out";
    fs::create_directories(outdir);
    const std::string progress = dir / "progress.jsonl";
    const pid_t pid =
        spawn_cli("upscale -p performance '" + in + "' -o '" + (outdir / "ep.mkv").string() +
                      "' --on-interrupt remove --progress none --progress-file '" + progress +
                      "' --set output.preset=slow",
                  dir / "stdout", dir / "stderr");
    ASSERT_TRUE(wait_for_frames(progress, pid, 5)) << read_file(dir / "stderr");
    ::kill(pid, SIGINT);
    EXPECT_EQ(wait_exit(pid), 128 + SIGINT);
    EXPECT_TRUE(names_in(outdir).empty());
    EXPECT_NE(read_file(dir / "stderr").find("the partial output was removed"), std::string::npos);
}

TEST(ExportDamagedInput, TruncatedAndCorruptFilesGiveAClearError) {
    TempDir dir;
    // Not media at all.
    write_file(dir / "junk.mkv", std::string(5000, '\x5a'));
    auto r =
        run_cli("upscale -p performance '" + (dir / "junk.mkv") + "' -o '" + (dir / "o.mkv") + "'");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("junk.mkv"), std::string::npos) << r.err;
    // Cut at 60%: the frames before the cut are kept, and the message says where it stopped.
    const std::string whole = dir / "whole.mkv";
    ASSERT_TRUE(
        ffmpeg_ok("-f lavfi -i testsrc2=size=64x48:rate=24 -t 10 -c:v libx264 -preset "
                  "ultrafast '" +
                  whole + "'"));
    const std::string bytes = read_file(whole);
    write_file(dir / "cut.mkv", bytes.substr(0, bytes.size() * 6 / 10));
    const std::string out = dir / "cut-2x.mkv";
    r = run_cli("-q upscale -p performance '" + (dir / "cut.mkv") + "' -o '" + out +
                "' --progress none");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("truncated (stopped after frame"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_GT(count_packets(dir / "cut-2x.partial.mkv", "v:0"), 60);
}

TEST(ExportDamagedInput, ADecodeErrorMidStreamKeepsTheFramesBeforeIt) {
    TempDir dir;
    // PNG pictures in MKV; the 10th picture's signature is destroyed, which the PNG decoder
    // refuses.
    const std::string in = dir / "pngs.mkv";
    ASSERT_TRUE(ffmpeg_ok("-f lavfi -i testsrc2=size=64x48:rate=10 -t 2 -c:v png '" + in + "'"));
    std::string bytes = read_file(in);
    const std::string sig = "\x89PNG\r\n\x1a\n";
    size_t at = std::string::npos;
    for (int n = 0; n < 10; ++n) at = bytes.find(sig, at == std::string::npos ? 0 : at + 1);
    ASSERT_NE(at, std::string::npos);
    bytes.replace(at, sig.size(), "XXXXXXXX");
    write_file(in, bytes);
    const std::string out = dir / "out.mkv";
    auto r = run_cli("-q upscale -p performance '" + in + "' -o '" + out + "' --progress none");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("cannot decode png frame 9 (after 0.900 s)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("the 9 frames encoded are in"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(count_packets(dir / "out.partial.mkv", "v:0"), 9);
}

class SmallClip : public ::testing::Test {
protected:
    void SetUp() override {
        in_ = dir_ / "clip.mkv";
        ASSERT_TRUE(
            ffmpeg_ok("-f lavfi -i testsrc2=size=64x48:rate=24 -f lavfi -i "
                      "sine=sample_rate=48000 -t 0.5 -c:v libx264 -preset ultrafast "
                      "-c:a aac '" +
                      in_ + "'"));
    }
    TempDir dir_;
    std::string in_;
};

TEST_F(SmallClip, ImageSequenceWritesEveryFrameAndSaysWhatItDrops) {
    fs::create_directories(dir_.path / "frames");
    auto r = run_cli("upscale -p performance '" + in_ + "' -o '" + (dir_ / "frames/%04d.png") +
                     "' --progress none");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto names = names_in(dir_.path / "frames");
    ASSERT_EQ(names.size(), 12u);
    EXPECT_EQ(names.front(), "0001.png");
    EXPECT_EQ(names.back(), "0012.png");
    EXPECT_EQ(stream_field(dir_ / "frames/0005.png", "v:0", "width"), "128");
    EXPECT_NE(r.err.find("1 other stream (audio, subtitles, ...) is not written"),
              std::string::npos)
        << r.err;
    // Under --strict, dropping the audio is an error before any work.
    fs::create_directories(dir_.path / "strict");
    r = run_cli("upscale -p performance '" + in_ + "' -o '" + (dir_ / "strict/%04d.png") +
                "' --strict");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("(--strict)"), std::string::npos) << r.err;
    EXPECT_TRUE(names_in(dir_.path / "strict").empty());
}

TEST_F(SmallClip, OneFrameNeedsAt) {
    const std::string png = dir_ / "one.png";
    auto r = run_cli("upscale -p performance '" + in_ + "' -o '" + png + "'");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("pick one frame with --at TIME"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(png));
    r = run_cli("-q upscale -p performance '" + in_ + "' -o '" + png + "' --at 0.25");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(stream_field(png, "v:0", "width"), "128");
    // The frame at 0.25 s is frame 6: the same picture as ffmpeg's frame 6, upscaled, differs
    // from frame 0's.
    const std::string first = dir_ / "first.png";
    ASSERT_EQ(
        run_cli("-q upscale -p performance '" + in_ + "' -o '" + first + "' --at 0").exit_code, 0);
    EXPECT_NE(read_file(png), read_file(first));
    r = run_cli("upscale -p performance '" + in_ + "' -o '" + png + "' --at 9");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("ends at 0.500 s"), std::string::npos) << r.err;
    r = run_cli("upscale -p performance '" + in_ + "' -o '" + (dir_ / "v.mkv") + "' --at 1");
    EXPECT_EQ(r.exit_code, 1);
    // A still image does not become a video.
    ASSERT_TRUE(ffmpeg_ok("-i '" + in_ + "' -frames:v 1 '" + (dir_ / "still.png") + "'"));
    r = run_cli("upscale -p performance '" + (dir_ / "still.png") + "' -o '" + (dir_ / "s.mkv") +
                "'");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("a still image upscales to an image"), std::string::npos) << r.err;
}

TEST_F(SmallClip, ProgressJsonHasOneObjectPerLine) {
    auto r = run_cli("upscale -p performance '" + in_ + "' -o '" + (dir_ / "o.mkv") +
                     "' --progress json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string last;
    for (const std::string& line : split_lines(r.err)) {
        if (line.front() != '{') continue;
        EXPECT_EQ(line.back(), '}') << line;
        EXPECT_NE(line.find("\"frames_done\":"), std::string::npos) << line;
        EXPECT_NE(line.find("\"busy_s\":{\"decode\":"), std::string::npos) << line;
        last = line;
    }
    EXPECT_NE(last.find("\"state\":\"done\""), std::string::npos) << r.err;
    EXPECT_NE(last.find("\"frames_done\":12,"), std::string::npos) << last;
}

TEST_F(SmallClip, OutputNamesAreCheckedBeforeWork) {
    // The input itself, and a name that is neither a video nor an image sequence.
    auto r = run_cli("upscale -p performance '" + in_ + "' -o '" + in_ + "'");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("clip.mkv"), std::string::npos) << r.err;
    r = run_cli("upscale -p performance '" + in_ + "' -o '" + (dir_ / "o.avi") + "'");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("not a video name"), std::string::npos) << r.err;
    r = run_cli("upscale -p performance '" + in_ + "' -o '" + (dir_ / "missing/o.mkv") + "'");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace kizuna::test
