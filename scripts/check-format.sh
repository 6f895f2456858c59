#!/usr/bin/env bash
# Fails if any tracked C++ source differs from what clang-format (with .clang-format) makes of it.
# --fix rewrites the files instead.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.comp' | grep -v '^shaders/.*\.comp$' || true)
[[ ${#files[@]} -gt 0 ]] || exit 0
if [[ "${1:-}" == "--fix" ]]; then
    clang-format -i "${files[@]}"
    exit 0
fi
# Batches of files per clang-format process, one process per core: clang-format names each
# violation as FILE:LINE:COL: error: ... and exits non-zero; anything else that makes it fail
# (no clang-format, a file it cannot read) fails the check with its own message.
command -v clang-format >/dev/null || { echo "format: clang-format is not installed" >&2; exit 1; }
status=0
out=$(printf '%s\0' "${files[@]}" |
    xargs -0 -n 64 -P "$(nproc)" clang-format --dry-run --Werror 2>&1) || status=$?
bad=$(sed -n 's/^\(.*\):[0-9]*:[0-9]*: error: .*clang-format.*/\1/p' <<<"$out" | sort -u)
if [[ -n "$bad" ]]; then
    while IFS= read -r f; do
        echo "format: $f is not clang-formatted (run scripts/check-format.sh --fix)"
    done <<<"$bad"
    exit 1
fi
if [[ $status -ne 0 ]]; then
    echo "format: clang-format failed: $out" >&2
    exit 1
fi
echo "format: ${#files[@]} files clean"
