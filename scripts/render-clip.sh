#!/usr/bin/env bash
# Renders KizunaSR's real test clip once: the 5-second, 24 fps character animation
# prologue_kid.sif from Debian's synfig-examples, drawn by synfig, encoded as H.264 and muxed with
# the first 5 seconds of the music track illurock.opus from renpy-thequestion (copied, not
# re-encoded) into an MKV.
#
#   scripts/render-clip.sh [--size WxH]
#
# Without --size: the .sif's own canvas, 288x504. With --size (e.g. 1920x1080, for the export
# benchmark): the animation is drawn as large as fits the box at the .sif's own aspect ratio and
# padded (centred, grey) to exactly WxH.
#
# Destination: $KIZUNA_MEDIA, else ~/.cache/kizuna/media; the file is
# prologue_kid-WxH.mkv. Idempotent: an existing clip is left alone. The clip is written under a
# temporary name and renamed when complete, so a partial render never looks finished. Prints the
# clip's path on stdout as its last line.
set -euo pipefail

MEDIA_DIR="${KIZUNA_MEDIA:-$HOME/.cache/kizuna/media}"
SIF_DIR=/usr/share/doc/synfig-examples/examples
MUSIC=/usr/share/games/renpy/the_question/game/illurock.opus

size=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --size) size="$2"; shift ;;
        *) echo "render-clip: unknown argument '$1' (usage: render-clip.sh [--size WxH])" >&2; exit 2 ;;
    esac
    shift
done

# The canvas of the .sif: 288x504.
sif_w=288
sif_h=504
if [[ -z "$size" ]]; then
    box_w=$sif_w
    box_h=$sif_h
else
    [[ "$size" =~ ^([0-9]+)x([0-9]+)$ ]] || { echo "render-clip: --size '$size' is not WxH" >&2; exit 2; }
    box_w=${BASH_REMATCH[1]}
    box_h=${BASH_REMATCH[2]}
fi
out="$MEDIA_DIR/prologue_kid-${box_w}x${box_h}.mkv"
if [[ -f "$out" ]]; then
    echo "render-clip: $out already rendered" >&2
    echo "$out"
    exit 0
fi

for tool in synfig ffmpeg; do
    command -v "$tool" >/dev/null || { echo "render-clip: $tool is not installed (run scripts/setup.sh)" >&2; exit 1; }
done
[[ -f "$MUSIC" ]] || { echo "render-clip: $MUSIC is missing (install renpy-thequestion)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Debian may ship the example compressed.
if [[ -f "$SIF_DIR/prologue_kid.sif" ]]; then
    cp "$SIF_DIR/prologue_kid.sif" "$work/kid.sif"
elif [[ -f "$SIF_DIR/prologue_kid.sif.gz" ]]; then
    gzip -dc "$SIF_DIR/prologue_kid.sif.gz" >"$work/kid.sif"
else
    echo "render-clip: $SIF_DIR/prologue_kid.sif(.gz) is missing (install synfig-examples)" >&2
    exit 1
fi

# The largest even size inside the box with the canvas's aspect ratio.
draw_w=$((box_w / 2 * 2))
draw_h=$(((box_w * sif_h / sif_w) / 2 * 2))
if ((draw_h > box_h)); then
    draw_h=$((box_h / 2 * 2))
    draw_w=$(((box_h * sif_w / sif_h) / 2 * 2))
fi

echo "render-clip: drawing prologue_kid.sif at ${draw_w}x${draw_h} with synfig (about 9 s per second of animation at 288x504) ..." >&2
synfig -q -t png -o "$work/f.png" -w "$draw_w" -h "$draw_h" --start-time 0 --end-time 5s \
    "$work/kid.sif" >"$work/synfig.log" 2>&1 || { cat "$work/synfig.log" >&2; exit 1; }
frames=("$work"/f.*.png)
[[ ${#frames[@]} -ge 100 ]] || { echo "render-clip: synfig wrote ${#frames[@]} frames, expected 121" >&2; exit 1; }

mkdir -p "$MEDIA_DIR"
tmp="$MEDIA_DIR/.prologue_kid-${box_w}x${box_h}.mkv.tmp-$$"
trap 'rm -rf "$work" "$tmp"' EXIT
# synfig numbers the frames f.0000.png, f.0001.png, ...
ffmpeg -nostdin -hide_banner -loglevel error -y \
    -framerate 24 -start_number 0 -i "$work/f.%04d.png" -t 5 -i "$MUSIC" \
    -map 0:v -map 1:a -vf "pad=${box_w}:${box_h}:(ow-iw)/2:(oh-ih)/2:color=0x808080,format=yuv420p" \
    -c:v libx264 -preset medium -crf 18 -color_primaries bt709 -color_trc bt709 -colorspace bt709 \
    -color_range tv -c:a copy -metadata:s:a:0 language=eng -metadata:s:a:0 title="illurock" \
    -metadata title="prologue_kid (synfig-examples)" -f matroska "$tmp"
mv "$tmp" "$out"
echo "render-clip: wrote $out" >&2
echo "$out"
