#!/usr/bin/env python3
"""Build the compact photo pack that travels to the GPU machine (and feeds the eval set).

Each photo of model/data/photos.tsv (fetched by model/data/fetch_photos.sh) is downscaled so that its longer
side is at most --max-side pixels and stored as a 4:4:4 JPEG of quality --quality under
model/data/cache/pack/<split>/<id>.jpg, with cache/pack/pack.json listing them. The training clips of
footage.tsv are copied as they are (re-encoding would add a generation of artefacts) to
cache/pack/footage/, listed under "footage"; the held-out clips stay out of the pack. Downscaling the 2.5K-6K
originals also averages away most of their sensor noise and JPEG artifacts, which makes them
cleaner ground truth. The pack must fit the 64 MiB working-tree limit of a GPU call together with
the repository and a checkpoint, so the script prints its size and fails over --budget-mib.

Uses ImageMagick's `convert` (Debian imagemagick), so it needs no Python imaging package.

  cd model && python3 -m swiftvr.data.build_pack [--max-side 1600] [--budget-mib 40]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys

from swiftvr.data.photos import read_footage_list, read_photo_list
from swiftvr.paths import DATA_DIR


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cache", default=os.path.join(DATA_DIR, "cache"))
    p.add_argument("--max-side", type=int, default=1600)
    p.add_argument("--quality", type=int, default=94)
    p.add_argument("--budget-mib", type=float, default=40.0)
    args = p.parse_args(argv)

    photos_dir = os.path.join(args.cache, "photos")
    pack_dir = os.path.join(args.cache, "pack")
    entries = []
    for photo in read_photo_list():
        src = next((os.path.join(photos_dir, f) for f in sorted(os.listdir(photos_dir))
                    if os.path.splitext(f)[0] == photo.id), None)
        if src is None:
            raise SystemExit(f"photo {photo.id} missing in {photos_dir}: run model/data/fetch_photos.sh first")
        out_dir = os.path.join(pack_dir, photo.split)
        os.makedirs(out_dir, exist_ok=True)
        dst = os.path.join(out_dir, photo.id + ".jpg")
        # '>' only ever shrinks; -strip drops metadata; 4:4:4 keeps full chroma for ground truth
        subprocess.run(["convert", src, "-resize", f"{args.max_side}x{args.max_side}>", "-strip",
                        "-sampling-factor", "1x1", "-quality", str(args.quality), dst], check=True)
        size = subprocess.run(["identify", "-format", "%w %h", dst], check=True, capture_output=True,
                              text=True).stdout.split()
        entries.append({"id": photo.id, "split": photo.split, "file": f"{photo.split}/{photo.id}.jpg",
                        "width": int(size[0]), "height": int(size[1]), "bytes": os.path.getsize(dst),
                        "licence": photo.licence, "credit": photo.credit, "package": photo.package})
    footage = []
    for clip in read_footage_list():
        if clip.split != "train":
            continue
        name = clip.id + os.path.splitext(clip.path)[1]
        src = os.path.join(args.cache, "clips", name)
        if not os.path.exists(src):
            raise SystemExit(f"clip {src} missing: run model/data/fetch_photos.sh first")
        os.makedirs(os.path.join(pack_dir, "footage"), exist_ok=True)
        shutil.copyfile(src, os.path.join(pack_dir, "footage", name))
        footage.append({"id": clip.id, "split": clip.split, "file": f"footage/{name}", "bytes": os.path.getsize(src),
                        "licence": clip.licence, "credit": clip.credit, "package": clip.package})
    with open(os.path.join(pack_dir, "pack.json"), "w") as f:
        json.dump({"max_side": args.max_side, "quality": args.quality, "photos": entries, "footage": footage},
                  f, indent=1)
    total = sum(e["bytes"] for e in entries + footage) / 2 ** 20
    for split in ("train", "heldout"):
        part = [e for e in entries if e["split"] == split]
        print(f"{split}: {len(part)} photos, {sum(e['bytes'] for e in part) / 2 ** 20:.1f} MiB, "
              f"{sum(e['width'] * e['height'] for e in part) / 1e6:.0f} Mpixel")
    print(f"footage: {len(footage)} clips, {sum(e['bytes'] for e in footage) / 2 ** 20:.1f} MiB")
    print(f"pack: {total:.1f} MiB in {pack_dir}")
    if total > args.budget_mib:
        raise SystemExit(f"pack is {total:.1f} MiB, over the budget of {args.budget_mib} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
