// The Y'CbCr view's derived sizes and the decode parameters resolved from its metadata.
#include <gtest/gtest.h>

#include "kizuna/yuv.hpp"
#include "stages/normalize.hpp"

namespace kizuna::stages {
namespace {

TEST(YuvView, ChromaSizesRoundUp) {
    YuvView v;
    v.width = 7;
    v.height = 5;
    v.subsampling = ChromaSubsampling::s420;
    EXPECT_EQ(v.chroma_width(), 4);
    EXPECT_EQ(v.chroma_height(), 3);
    v.subsampling = ChromaSubsampling::s422;
    EXPECT_EQ(v.chroma_width(), 4);
    EXPECT_EQ(v.chroma_height(), 5);
    v.subsampling = ChromaSubsampling::s444;
    EXPECT_EQ(v.chroma_width(), 7);
    EXPECT_EQ(v.chroma_height(), 5);
}

TEST(YuvView, UnspecifiedMetadataGetsTheDocumentedDefaults) {
    YuvView v;
    v.width = 1280;
    v.height = 720;
    const YuvDecode hd = resolve_yuv_decode(v);
    EXPECT_NEAR(hd.cr_r, 2 * (1 - 0.2126), 1e-6) << "HD defaults to BT.709";
    EXPECT_NEAR(hd.y_offset, 16, 1e-6) << "range defaults to limited";
    EXPECT_EQ(hd.chroma_x, 0.0f) << "siting defaults to left";
    EXPECT_EQ(hd.chroma_y, 0.5f);
    v.width = 720;
    v.height = 480;
    const YuvDecode sd = resolve_yuv_decode(v);
    EXPECT_NEAR(sd.cr_r, 2 * (1 - 0.299), 1e-6) << "SD defaults to BT.601";
    v.subsampling = ChromaSubsampling::s444;
    v.color.chroma_location = ChromaLocation::center;
    const YuvDecode full = resolve_yuv_decode(v);
    EXPECT_EQ(full.sub_x, 1);
    EXPECT_EQ(full.chroma_x, 0.0f) << "4:4:4 has no siting offset";
}

}  // namespace
}  // namespace kizuna::stages
