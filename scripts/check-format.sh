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
bad=0
for f in "${files[@]}"; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "format: $f is not clang-formatted (run scripts/check-format.sh --fix)"
        bad=1
    fi
done
[[ $bad -eq 0 ]] && echo "format: ${#files[@]} files clean"
exit $bad
