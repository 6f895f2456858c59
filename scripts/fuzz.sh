#!/usr/bin/env bash
# Builds the libFuzzer targets for user input with clang (libFuzzer + ASan + UBSan) in the fuzz
# build folder and runs each for a while on a copy of its seeds from tests/fuzz/corpus/<target>/
# (the repository's corpus is never modified), then prints how many inputs each one ran.
#   scripts/fuzz.sh [seconds per target=30] [target...]
# Targets: image_reader (read_image through FFmpeg), profile (the profile parser and
# serialiser), set_option (--set and the numeric option parsers). The ncnn reader has its own
# script, scripts/fuzz-nn.sh, which shares the build folder.
# Env: KIZUNA_FUZZ_BUILD (build folder, default build-fuzz).
# Crashes are written to $KIZUNA_FUZZ_BUILD/fuzz-artifacts/<target>/; the exit status is non-zero
# then.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${KIZUNA_FUZZ_BUILD:-$root/build-fuzz}
seconds=${1:-30}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(image_reader profile set_option)

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
cmake --build "$build" --target "${targets[@]/#/fuzz_}"

status=0
summary=""
for t in "${targets[@]}"; do
    corpus="$build/fuzz-corpus-$t"
    artifacts="$build/fuzz-artifacts/$t/"
    mkdir -p "$corpus" "$artifacts"
    cp -n "$root/tests/fuzz/corpus/$t/"* "$corpus/" 2>/dev/null || true
    log="$build/fuzz-$t.log"
    echo "fuzz: $t for ${seconds}s ($(ls "$corpus" | wc -l) inputs in $corpus)"
    # Decoders of hostile pictures may allocate up to the admission's 4 Mpx; 2 GB is ample.
    if ! "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len=65536 \
        -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts" \
        "$corpus" >"$log" 2>&1; then
        status=1
        tail -n 40 "$log"
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    summary+="fuzz: $t ran $runs inputs in ${seconds}s"$'\n'
done
printf '%s' "$summary"
exit $status
