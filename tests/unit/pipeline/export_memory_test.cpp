// The export's memory estimate against peaks measured with /usr/bin/time (maximum resident set)
// on the CI machine (2 threads), for the same settings the export plans: it must stay above each
// measured peak and not refuse jobs that fit by more than 2.5 times.
#include <gtest/gtest.h>

#include "kizuna/job_memory.hpp"

namespace kizuna {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;

ExportJob export_job(int w, int h, int scale, int bits, bool sequence, const char* preset,
                     const char* pixel_format) {
    ExportJob j;
    j.in_width = w;
    j.in_height = h;
    j.in_bits = bits;
    j.out_width = w * scale;
    j.out_height = h * scale;
    j.workers = 2;  // the performance profile on 2 threads
    j.in_slots = 8;
    j.out_slots = 8;
    j.preview.in_width = w;
    j.preview.in_height = h;
    j.preview.in_format = bits > 8 ? PixelFormat::rgba32f : PixelFormat::rgba8;
    j.preview.out_width = w * scale;
    j.preview.out_height = h * scale;
    j.preview.backend = PreviewBackendKind::cpu;
    j.image_sequence = sequence;
    j.sequence_name = "frames/%04d.png";
    j.preset = preset;
    j.pixel_format = pixel_format;
    j.threads = 2;
    return j;
}

struct Measured {
    const char* what;
    ExportJob job;
    uint64_t peak_mib;
};

TEST(ExportMemory, EstimatesStayAboveMeasuredPeaksAndNearThem) {
    const Measured cases[] = {
        {"720p x2, x264 veryfast", export_job(1280, 720, 2, 8, false, "veryfast", "yuv420p"), 586},
        {"720p x2, x264 medium", export_job(1280, 720, 2, 8, false, "medium", "yuv420p"), 648},
        {"720p 10-bit x2, yuv420p10le",
         export_job(1280, 720, 2, 10, false, "veryfast", "yuv420p10le"), 1079},
        {"1080p x2, x264 ultrafast", export_job(1920, 1080, 2, 8, false, "ultrafast", "yuv420p"),
         579},
        {"720p x2, PNG sequence", export_job(1280, 720, 2, 8, true, "medium", "yuv420p"), 300},
    };
    for (const Measured& m : cases) {
        const uint64_t est = estimate_export_bytes(m.job);
        EXPECT_GE(est, m.peak_mib * kMiB) << m.what << ": estimate " << est / kMiB << " MiB";
        EXPECT_LE(est, m.peak_mib * kMiB * 5 / 2)
            << m.what << ": estimate " << est / kMiB << " MiB";
    }
}

TEST(ExportMemory, QueuesAreCountedInBytes) {
    ExportJob j = export_job(3840, 2160, 1, 10, false, "ultrafast", "yuv420p10le");
    // A 4K picture in RGBA32F is 133 MB: a queue slot costs that much.
    EXPECT_GE(export_decoded_frame_bytes(j), 3840ull * 2160 * 16);
    const uint64_t base = estimate_export_bytes(j);
    j.in_slots += 4;
    EXPECT_GE(estimate_export_bytes(j) - base, 4 * 3840ull * 2160 * 16);
    j.out_slots += 4;
    EXPECT_GE(estimate_export_bytes(j) - base, 4 * 3840ull * 2160 * (16 + 3));
}

// The Vulkan chains keep two frames in flight per worker (the shader-only chain, and the hybrid
// chain on the device-resident path): the second frame's slot holds one more readback buffer of
// the packed output and the input's staging and device copies.
TEST(ExportMemory, EachFrameInFlightBeyondTheFirstCountsItsSlot) {
    ExportJob j = export_job(1280, 720, 2, 8, false, "veryfast", "yuv420p");
    j.workers = 1;
    j.preview.backend = PreviewBackendKind::vulkan;
    const uint64_t one = estimate_export_bytes(j);
    j.frames_in_flight = 2;
    const uint64_t two = estimate_export_bytes(j);
    // RGBA8 input: 4 bytes per output pixel read back, 2 x 4 per input pixel going up.
    EXPECT_EQ(two - one, 2560ull * 1440 * 4 + 2 * 1280ull * 720 * 4);
    // Y'CbCr input (the decoder's planes): the planes twice and stage 1's two frames per slot.
    j.yuv_input = true;
    j.frames_in_flight = 1;
    const uint64_t yuv_one = estimate_export_bytes(j);
    j.frames_in_flight = 2;
    EXPECT_EQ(estimate_export_bytes(j) - yuv_one,
              2560ull * 1440 * 4 + 2 * 3 * 1280ull * 720 + 2 * 16 * 1280ull * 720);
    // 10-bit sources come back as RGBA32F: 16 bytes per output pixel.
    j.in_bits = 10;
    j.frames_in_flight = 1;
    const uint64_t deep_one = estimate_export_bytes(j);
    j.frames_in_flight = 2;
    EXPECT_GE(estimate_export_bytes(j) - deep_one, 2560ull * 1440 * 16);
}

}  // namespace
}  // namespace kizuna
