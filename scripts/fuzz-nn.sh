#!/usr/bin/env bash
# Builds the ncnn reader fuzzer with clang (libFuzzer + ASan + UBSan) in its own build folder
# and runs it for a while on seeds made from the installed models.
#   scripts/fuzz-nn.sh [seconds=60]
# Env: KIZUNA_FUZZ_BUILD (build folder, default build-fuzz), KIZUNA_MODELS (models folder).
# Crashes are written to $KIZUNA_FUZZ_BUILD/fuzz-artifacts/; the exit status is non-zero then.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${KIZUNA_FUZZ_BUILD:-$root/build-fuzz}
seconds=${1:-60}
models=${KIZUNA_MODELS:-$HOME/.cache/kizuna/models}

san="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer"
# -O1 with line tables only (enough for the sanitizers' reports): about a quarter less compile
# time than RelWithDebInfo's -O2 -g (measured on 14 files of this build). The same flags in both
# fuzz scripts, which share the build folder.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_C_FLAGS="$san" -DCMAKE_CXX_FLAGS="$san" \
    -DKIZUNA_FUZZ=ON -DKIZUNA_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target fuzz_ncnn_reader

corpus="$build/fuzz-corpus"
artifacts="$build/fuzz-artifacts/"
mkdir -p "$corpus" "$artifacts"

# Seed: 4-byte little-endian length, .param text, then .bin bytes (see fuzz_ncnn_reader.cpp).
seed() {  # seed NAME PARAM_FILE [BIN_FILE]
    local out="$corpus/$1" len
    len=$(stat -c %s "$2")
    printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((len & 255)) $(((len >> 8) & 255)) \
        $(((len >> 16) & 255)) $(((len >> 24) & 255)))" >"$out"
    cat "$2" >>"$out"
    if [[ $# -ge 3 ]]; then cat "$3" >>"$out"; fi
}
n=0
if [[ -d "$models" ]]; then
    while IFS= read -r -d '' p; do  # every installed model's .param (weights are too big)
        seed "model-$n" "$p"
        n=$((n + 1))
    done < <(find "$models" -name '*.param' -print0)
fi
# A tiny complete model (param + bin) so the weight loader and kernels are reached too.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '7767517\n4 5\nInput in 0 1 data\nSplit sp 1 2 data a b\nConvolution c 1 1 a x 0=3 1=3 4=1 5=1 6=81 9=2 -23310=1,1.0e-1\nBinaryOp add 2 1 x b out 0=0\n' >"$tmp/tiny.param"
python3 -c "import struct,sys; sys.stdout.buffer.write(struct.pack('<I', 0) + struct.pack('<81f', *[0.01*i for i in range(81)]) + struct.pack('<3f', 0.1, 0.2, 0.3))" >"$tmp/tiny.bin"
seed tiny "$tmp/tiny.param" "$tmp/tiny.bin"
echo "fuzz-nn: $((n + 1)) seeds in $corpus; running for ${seconds}s"

"$build/tests/fuzz/fuzz_ncnn_reader" -max_total_time="$seconds" -max_len=65536 \
    -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$artifacts" "$corpus"
