# Writes a C++ source holding a SPIR-V file as a uint32_t array.
#   cmake -DIN=<file.spv> -DOUT=<file.cpp> -DSYMBOL=<c identifier> -P embed_spirv.cmake
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR rem "${hex_len} % 8")
if(hex_len EQUAL 0 OR NOT rem EQUAL 0)
    message(FATAL_ERROR "${IN}: not a SPIR-V file (size is not a multiple of 4 bytes)")
endif()
math(EXPR words "${hex_len} / 8")
# Bytes are little-endian: b0 b1 b2 b3 -> 0xb3b2b1b0.
string(REGEX REPLACE "(..)(..)(..)(..)" "0x\\4\\3\\2\\1u," body "${hex}")
string(REGEX REPLACE "((0x[0-9a-f]+u,){8})" "\\1\n    " body "${body}")
file(WRITE "${OUT}.tmp"
"// Generated from ${IN} by shaders/embed_spirv.cmake. Do not edit.
#include <cstddef>
#include <cstdint>

extern const uint32_t ${SYMBOL}[] = {
    ${body}
};
extern const size_t ${SYMBOL}_words = ${words};
")
file(RENAME "${OUT}.tmp" "${OUT}")
