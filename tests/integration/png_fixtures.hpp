// PNG files built byte by byte for the tests: any header (a decompression bomb's claimed size, a
// size FFmpeg refuses), with a valid zlib stream of zeros, CRCs included. Nothing is committed;
// every fixture is made here at test time.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace kizuna::test {

inline uint32_t crc32_of(const std::string& bytes) {
    static const auto table = [] {
        std::vector<uint32_t> t(256);
        for (uint32_t n = 0; n < 256; ++n) {
            uint32_t c = n;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    uint32_t c = 0xFFFFFFFFu;
    for (unsigned char b : bytes) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

inline void put_be32(std::string& s, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) s += static_cast<char>((v >> shift) & 0xFF);
}

// Bits packed least significant first, as deflate stores them.
class BitWriter {
public:
    void bits(uint32_t value, int count) {  // the low `count` bits of value, LSB first
        for (int i = 0; i < count; ++i) bit((value >> i) & 1);
    }
    void huffman(uint32_t code, int length) {  // a Huffman code, MSB first
        for (int i = length - 1; i >= 0; --i) bit((code >> i) & 1);
    }
    std::string finish() {
        if (used_) out_ += static_cast<char>(cur_);
        return out_;
    }

private:
    void bit(uint32_t b) {
        cur_ |= static_cast<uint8_t>(b << used_);
        if (++used_ == 8) {
            out_ += static_cast<char>(cur_);
            cur_ = 0;
            used_ = 0;
        }
    }
    std::string out_;
    uint8_t cur_ = 0;
    int used_ = 0;
};

// A zlib stream of `n` zero bytes: one fixed-Huffman deflate block, a literal 0 and then
// back-references of length 258 at distance 1 (13 bits per 258 bytes).
inline std::string zlib_zeros(uint64_t n) {
    BitWriter w;
    w.bits(1, 1);  // BFINAL
    w.bits(1, 2);  // BTYPE = fixed Huffman
    uint64_t left = n;
    if (left > 0) {
        w.huffman(0x30, 8);  // literal 0
        --left;
    }
    while (left >= 258) {
        w.huffman(0xC5, 8);  // length code 285 = 258
        w.huffman(0, 5);     // distance code 0 = 1
        left -= 258;
    }
    for (; left > 0; --left) w.huffman(0x30, 8);
    w.huffman(0, 7);  // end of block (256)
    std::string z = "\x78\x01";
    z += w.finish();
    put_be32(z, static_cast<uint32_t>((n % 65521) << 16 | 1));  // Adler-32 of n zeros
    return z;
}

inline std::string png_chunk(const std::string& type, const std::string& data) {
    std::string c;
    put_be32(c, static_cast<uint32_t>(data.size()));
    c += type + data;
    put_be32(c, crc32_of(type + data));
    return c;
}

// A PNG of width x height, bit depth and colour type as given (0 grey, 2 RGB, 6 RGBA), whose
// IDAT inflates to `idat_zero_bytes` zeros (all of the picture when that is
// height * (1 + row bytes), less for a file that claims more than it holds).
inline std::string png_file(uint32_t width, uint32_t height, int depth, int color_type,
                            uint64_t idat_zero_bytes) {
    std::string ihdr;
    put_be32(ihdr, width);
    put_be32(ihdr, height);
    ihdr += static_cast<char>(depth);
    ihdr += static_cast<char>(color_type);
    ihdr += std::string(3, '\0');  // compression, filter, interlace
    return std::string("\x89PNG\r\n\x1a\n", 8) + png_chunk("IHDR", ihdr) +
           png_chunk("IDAT", zlib_zeros(idat_zero_bytes)) + png_chunk("IEND", "");
}

// The whole picture's zero bytes for png_file: a filter byte and the packed row, per row.
inline uint64_t png_raw_bytes(uint32_t width, uint32_t height, int bits_per_pixel) {
    return uint64_t{height} * (1 + (uint64_t{width} * bits_per_pixel + 7) / 8);
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

}  // namespace kizuna::test
