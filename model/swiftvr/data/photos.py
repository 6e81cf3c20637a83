"""The source lists (model/data/photos.tsv, footage.tsv) and the pack (model/data/cache/pack, built by
swiftvr.data.build_pack)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import List

from swiftvr.paths import DATA_DIR

DEFAULT_PACK = os.path.join(DATA_DIR, "cache", "pack")


@dataclass(frozen=True)
class Photo:
    """One photograph or real clip of a source list."""
    id: str
    split: str          # "train", "heldout" or (clips only) "tuning"
    package: str
    path: str           # inside the package
    licence: str
    credit: str


def read_photo_list(path: str = os.path.join(DATA_DIR, "photos.tsv")) -> List[Photo]:
    return read_source_list(path, ("train", "heldout"))


def read_footage_list(path: str = os.path.join(DATA_DIR, "footage.tsv")) -> List[Photo]:
    """Real clips. Besides train and heldout, a clip can be "tuning": never trained on and never
    reported, only used to rank candidates (swiftvr.eval.make_eval_set --split train)."""
    return read_source_list(path, ("train", "heldout", "tuning"))


def read_source_list(path: str, splits) -> List[Photo]:
    photos = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 6:
                raise ValueError(f"{path}: expected 6 tab-separated fields, got {len(fields)}: {line!r}")
            photo = Photo(*fields)
            if photo.split not in splits:
                raise ValueError(f"{path}: split of {photo.id} is {photo.split!r}, not one of {', '.join(splits)}")
            photos.append(photo)
    return photos


def pack_files(split: str, pack_dir: str = DEFAULT_PACK) -> List[str]:
    """Paths of the pack's JPEGs of one split, in a fixed order."""
    return _pack_paths("photos", split, pack_dir)


def pack_footage(split: str, pack_dir: str = DEFAULT_PACK) -> List[str]:
    """Paths of the pack's real clips of one split (only training clips travel in the pack)."""
    return _pack_paths("footage", split, pack_dir)


def _pack_paths(kind: str, split: str, pack_dir: str) -> List[str]:
    manifest = os.path.join(pack_dir, "pack.json")
    if not os.path.exists(manifest):
        raise FileNotFoundError(f"{manifest} missing: run model/data/fetch_photos.sh and "
                                "python3 -m swiftvr.data.build_pack")
    with open(manifest) as f:
        entries = json.load(f).get(kind, [])   # packs built before footage existed have no "footage"
    return [os.path.join(pack_dir, e["file"]) for e in entries if e["split"] == split]
