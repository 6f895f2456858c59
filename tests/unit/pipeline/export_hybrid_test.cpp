// The export with an AI profile (make_frame_processor's hybrid chain, through the public
// export_video): every frame holds the model's picture and keeps its timestamp; a model that does
// not load gives the shader-only export with the notice in the summary; with require_ai it is an
// error and no output is left.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "ai_model_test.hpp"
#include "kizuna/export.hpp"
#include "kizuna/models.hpp"
#include "kizuna/profile.hpp"
#include "shell_tools.hpp"

namespace kizuna {
namespace {

namespace fs = std::filesystem;

constexpr const char* kModel = test::kAiTestModel;

using Dir = test::TempDir;
using test::capture;

// A 48x32 clip of 5 frames at 12 fps.
std::string make_clip(const Dir& dir) {
    const std::string in = dir / "in.mkv";
    EXPECT_EQ(std::system(("ffmpeg -nostdin -v error -y -f lavfi -i "
                           "testsrc2=size=48x32:rate=12 -frames:v 5 -c:v libx264 -preset "
                           "ultrafast '" +
                           in + "'")
                              .c_str()),
              0);
    return in;
}

ExportOptions ai_options() {
    ExportOptions o;
    o.profile = builtin_profile("balanced").value();
    o.profile.ai.enabled = true;
    o.profile.ai.model = kModel;
    o.profile.ai.scale = 2;
    o.profile.ai.strength = 1.0f;
    o.profile.output.preset = "ultrafast";
    o.preview.backend = PreviewBackendKind::cpu;
    return o;
}

using ExportHybrid = test::AiModelTest;

TEST_F(ExportHybrid, EveryFrameHoldsTheModelsPictureAndKeepsItsTimestamp) {
    Dir dir;
    const std::string in = make_clip(dir);
    const std::string out = dir / "out.mkv";
    auto s = export_video(in, out, ai_options());
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->frames, 5);
    EXPECT_EQ(s->ai_frames, 5);
    EXPECT_EQ(s->ai_fallbacks, 0);
    EXPECT_TRUE(s->ai_note.empty()) << s->ai_note;
    EXPECT_NE(s->processor.find(kModel), std::string::npos) << s->processor;
    // The precision the model ran in: fp32 on the CPU backend.
    EXPECT_NE(s->processor.find(" (fp32), stages on "), std::string::npos) << s->processor;
    EXPECT_EQ(s->out_width, 96);
    EXPECT_EQ(s->out_height, 64);
    EXPECT_GT(s->busy.ai_s, 0.0);
    const std::string pts = capture(
        "ffprobe -v error -select_streams v -show_entries "
        "frame=pts_time -of csv=p=0 '" +
        in + "'");
    EXPECT_EQ(capture("ffprobe -v error -select_streams v -show_entries frame=pts_time -of "
                      "csv=p=0 '" +
                      out + "'"),
              pts);
    // The model's picture is not the shader upscale's: the same export without the AI differs.
    ExportOptions shader = ai_options();
    shader.profile.ai.enabled = false;
    const std::string plain = dir / "plain.mkv";
    ASSERT_TRUE(export_video(in, plain, shader).ok());
    const std::string cmp = capture("ffmpeg -nostdin -i '" + out + "' -i '" + plain +
                                    "' -lavfi psnr -f null - 2>&1 | grep -o 'average:[0-9.inf]*'");
    ASSERT_NE(cmp.find("average:"), std::string::npos) << cmp;
    const double psnr = std::atof(cmp.substr(cmp.find("average:") + 8).c_str());
    EXPECT_LT(psnr, 45.0) << "the AI export looks like the shader-only one: " << cmp;
}

// ai.precision fp16 with the model on the CPU: the export runs it in fp32, and its summary says
// so (the processor's precision and a notice naming the one used).
TEST_F(ExportHybrid, Fp16ThatCannotBeHonouredIsNamedInTheSummary) {
    Dir dir;
    const std::string in = make_clip(dir);
    ExportOptions o = ai_options();
    o.profile.ai.backend = BackendPreference::cpu;
    o.profile.ai.precision = AiPrecision::fp16;
    const std::string out = dir / "out.mkv";
    auto s = export_video(in, out, o);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->ai_frames, 5);
    EXPECT_NE(s->processor.find(" (fp32), stages on "), std::string::npos) << s->processor;
    bool noticed = false;
    for (const std::string& n : s->notices)
        noticed |= n.starts_with("ai.precision fp16: the model runs in fp32 on the ");
    EXPECT_TRUE(noticed) << "the summary does not say that fp16 was not used";
}

TEST_F(ExportHybrid, AModelThatDoesNotLoadIsANoticeAndEveryFrameIsStillWritten) {
    Dir dir;
    const std::string in = make_clip(dir);
    const std::string param = dir / "broken.param";
    std::ofstream(param) << "7767517\n1 1\nInput data 0 1 data\n";
    ExportOptions o = ai_options();
    o.profile.ai.model = param;
    const std::string out = dir / "out.mkv";
    auto s = export_video(in, out, o);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->frames, 5);
    EXPECT_EQ(s->ai_frames, 0);
    EXPECT_EQ(s->ai_fallbacks, 5);
    bool noticed = false;
    for (const std::string& n : s->notices) {
        noticed |= n.find("AI model failed to load: ") == 0 && n.find("broken.param") != n.npos;
    }
    EXPECT_TRUE(noticed) << "the summary does not say the model failed";
    EXPECT_NE(s->processor.find("shader-only"), std::string::npos) << s->processor;

    // require_ai: an error naming the model, before any output exists.
    o.require_ai = true;
    const std::string strict = dir / "strict.mkv";
    auto r = export_video(in, strict, o);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("broken.param"), std::string::npos) << r.error().message;
    EXPECT_FALSE(fs::exists(strict));
}

}  // namespace
}  // namespace kizuna
