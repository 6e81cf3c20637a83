#!/usr/bin/env bash
# Fetch the real photographs listed in photos.tsv from Debian wallpaper packages, and the real clips
# listed in footage.tsv (opencv-doc, python3-imageio), into model/data/cache/ (ignored by git: photos
# and clips are never committed).
#
#   model/data/fetch_photos.sh            # needs apt-get (Debian bookworm sources) and edje_decc
#
# Result:
#   cache/photos/<id>.<png|jpg>   the original file of each photo (Enlightenment: the full-size
#                                 image decoded from its .edj by edje_decc)
#   cache/clips/<id>.<ext>        each clip of footage.tsv (vtest.avi, cockatoo.mp4, realshort.mp4, tree.avi)
#   cache/other/<file>            each picture of other_sources.tsv (held-out groups from other packages)
#   cache/licences/<package>.copyright   each package's copyright file, kept beside the photos
# Idempotent: packages and photos already present are not fetched again.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cache="$here/cache"
mkdir -p "$cache/debs" "$cache/x" "$cache/photos" "$cache/clips" "$cache/other" "$cache/licences"

need() { command -v "$1" >/dev/null || { echo "missing command: $1 ($2)" >&2; exit 1; }; }
need apt-get "Debian's package tool"
need dpkg-deb "Debian's package tool"

packages=$(grep -hv '^#' "$here/photos.tsv" "$here/footage.tsv" "$here/other_sources.tsv" | cut -f3 | sort -u)

for pkg in $packages; do
  if ! ls "$cache/debs/${pkg}"_*.deb >/dev/null 2>&1; then
    echo "downloading $pkg"
    (cd "$cache/debs" && apt-get download -q "$pkg")
  fi
  if [ ! -d "$cache/x/$pkg" ]; then
    mkdir -p "$cache/x/$pkg.tmp"
    dpkg-deb -x "$cache/debs/${pkg}"_*.deb "$cache/x/$pkg.tmp"
    mv "$cache/x/$pkg.tmp" "$cache/x/$pkg"
  fi
  cp "$cache/x/$pkg/usr/share/doc/$pkg/copyright" "$cache/licences/$pkg.copyright"
done

# Enlightenment keeps its photos inside .edj theme files; edje_decc (Debian libedje-bin) unpacks one
# into a folder holding img.png (full size) and 13 downscaled copies. It takes ~30 s per file.
extract_edj() {
  local id="$1" rel="$2"
  local name work
  name="$(basename "$rel" .edj)"
  work="$cache/edj"
  if [ ! -f "$work/$name/img.png" ]; then
    need edje_decc "apt-get install libedje-bin"
    mkdir -p "$work"
    (cd "$work" && edje_decc "$cache/x/enlightenment-data/$rel" >/dev/null)
  fi
  cp "$work/$name/img.png" "$cache/photos/$id.png"
}

grep -v '^#' "$here/photos.tsv" | while IFS=$'\t' read -r id split pkg rel licence credit; do
  [ -z "$id" ] && continue
  if ls "$cache/photos/$id".* >/dev/null 2>&1; then continue; fi
  case "$rel" in
    *.edj) extract_edj "$id" "$rel" ;;
    *) ext="${rel##*.}"; cp "$cache/x/$pkg/$rel" "$cache/photos/$id.$ext" ;;
  esac
  echo "photo $id ($split, $licence)"
done

grep -v '^#' "$here/footage.tsv" | while IFS=$'\t' read -r id split pkg rel licence credit; do
  [ -z "$id" ] && continue
  cp "$cache/x/$pkg/$rel" "$cache/clips/$id.${rel##*.}"
done

grep -v '^#' "$here/other_sources.tsv" | while IFS=$'\t' read -r id split pkg rel licence credit; do
  [ -z "$id" ] && continue
  cp "$cache/x/$pkg/$rel" "$cache/other/$(basename "$rel")"
done

count=$(ls "$cache/photos" | wc -l)
expected=$(grep -v '^#' "$here/photos.tsv" | grep -c .)
echo "photos: $count of $expected in $cache/photos; clips: $(ls "$cache/clips" | tr '\n' ' ')"
[ "$count" -eq "$expected" ]
