"""Reading and writing images and videos as uint8 numpy arrays [H, W, 3] / [T, H, W, 3].

Works on both machines without a common imaging package: the local machine has ImageMagick and
ffmpeg but no PIL or OpenCV for its Python; the GPU machine has PIL and OpenCV but no ffmpeg
command. Each reader uses what it finds. PNG is written with zlib alone.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import zlib

import numpy as np


def read_image(path: str) -> np.ndarray:
    """Any image file -> uint8 RGB [H, W, 3]."""
    with open(path, "rb") as f:
        head = f.read(8)
    if head == PNG_SIGNATURE:
        rgb = _read_simple_png(path)
        if rgb is not None:
            return rgb
    try:
        from PIL import Image
        with Image.open(path) as im:
            return np.asarray(im.convert("RGB")).copy()
    except ImportError:
        pass
    if shutil.which("convert"):
        ppm = subprocess.run(["convert", path, "-depth", "8", "ppm:-"], check=True, capture_output=True).stdout
        return _parse_ppm(ppm)
    import cv2
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    if bgr is None:
        raise OSError(f"cannot read image {path}")
    return bgr[:, :, ::-1].copy()


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _read_simple_png(path: str):
    """An 8-bit RGB or RGBA PNG without interlacing (what write_png and most tools write) -> uint8 RGB [H, W, 3],
    read here without PIL or ImageMagick; None for any other PNG, which the general readers below take."""
    with open(path, "rb") as f:
        data = f.read()
    pos, header, idat = 8, None, []
    while pos + 8 <= len(data):
        length, tag = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if tag == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif tag == b"IDAT":
            idat.append(body)
        elif tag == b"IEND":
            break
        pos += 12 + length
    if header is None:
        return None
    w, h, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        return None
    channels = 3 if colour == 2 else 4
    stride = w * channels
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), np.uint8).reshape(h, stride + 1)
    out = np.zeros((h, stride), np.int32)
    prior = np.zeros(stride, np.int32)
    for y in range(h):
        kind, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        if kind == 0:
            row = line
        elif kind == 2:  # Up
            row = (line + prior) & 0xFF
        else:  # Sub, Average, Paeth depend on the reconstructed left byte: one pixel at a time
            row = np.zeros(stride, np.int32)
            for x in range(stride):
                left = row[x - channels] if x >= channels else 0
                up, upleft = prior[x], (prior[x - channels] if x >= channels else 0)
                if kind == 1:
                    pred = left
                elif kind == 3:
                    pred = (left + up) // 2
                else:
                    p = left + up - upleft
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - upleft)
                    pred = left if pa <= pb and pa <= pc else (up if pb <= pc else upleft)
                row[x] = (line[x] + pred) & 0xFF
        out[y], prior = row, row
    return out.astype(np.uint8).reshape(h, w, channels)[:, :, :3].copy()


def _parse_ppm(data: bytes) -> np.ndarray:
    # P6 header: magic, width, height, maxval, each separated by whitespace, then one whitespace byte
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or int(fields[3]) != 255:
        raise ValueError("expected an 8-bit binary PPM")
    w, h = int(fields[1]), int(fields[2])
    return np.frombuffer(data, np.uint8, count=w * h * 3, offset=pos + 1).reshape(h, w, 3).copy()


def write_png(path: str, rgb: np.ndarray) -> None:
    """uint8 [H, W, 3] -> PNG file (8-bit RGB, no filter)."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w, c = rgb.shape
    if c != 3:
        raise ValueError("write_png wants RGB [H, W, 3]")
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(png)


def read_video(path: str, max_frames: int = 0) -> np.ndarray:
    """Decode a video file -> uint8 RGB [T, H, W, 3] (every frame, in order)."""
    if shutil.which("ffmpeg") and shutil.which("ffprobe"):
        info = json.loads(subprocess.run(
            ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
             "-of", "json", path], check=True, capture_output=True).stdout)["streams"][0]
        w, h = int(info["width"]), int(info["height"])
        cmd = ["ffmpeg", "-v", "error", "-i", path]
        if max_frames:
            cmd += ["-frames:v", str(max_frames)]
        raw = subprocess.run(cmd + ["-f", "rawvideo", "-pix_fmt", "rgb24", "-"], check=True,
                             capture_output=True).stdout
        return np.frombuffer(raw, np.uint8).reshape(-1, h, w, 3).copy()
    import cv2
    cap = cv2.VideoCapture(path)
    frames = []
    while not max_frames or len(frames) < max_frames:
        ok, bgr = cap.read()
        if not ok:
            break
        frames.append(bgr[:, :, ::-1])
    cap.release()
    if not frames:
        raise OSError(f"cannot decode video {path}")
    return np.stack(frames)
