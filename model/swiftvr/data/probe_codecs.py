#!/usr/bin/env python3
"""Which real video codecs can this machine's OpenCV write? (The GPU machine has no ffmpeg
command; its OpenCV carries its own FFmpeg build.) Writes a short synthetic clip with each
FourCC, reads it back and prints the PSNR, or why it failed."""

from __future__ import annotations

import os
import sys
import tempfile

import numpy as np


def main() -> int:
    import cv2
    print("OpenCV", cv2.__version__)
    build = cv2.getBuildInformation()
    for line in build.splitlines():
        if "FFMPEG" in line or "avcodec" in line or "Video I/O" in line:
            print("  " + line.strip())
    h, w, n = 128, 192, 24
    yy, xx = np.mgrid[0:h, 0:w]
    frames = [np.clip(np.stack([128 + 100 * np.sin((xx + 3 * t) / 9.0 + c) * np.cos(yy / 7.0)
                                for c in (0, 2, 4)], -1), 0, 255).astype(np.uint8) for t in range(n)]
    for fourcc, ext in [("avc1", "mp4"), ("H264", "mp4"), ("X264", "mkv"), ("hev1", "mp4"), ("HEVC", "mkv"),
                        ("mp4v", "mp4"), ("XVID", "avi"), ("MJPG", "avi"), ("VP80", "webm"), ("VP90", "webm"),
                        ("FFV1", "mkv")]:
        path = os.path.join(tempfile.mkdtemp(), f"probe.{ext}")
        writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*fourcc), 24.0, (w, h))
        if not writer.isOpened():
            print(f"{fourcc:5s} write: not available")
            continue
        for f in frames:
            writer.write(f)
        writer.release()
        cap = cv2.VideoCapture(path)
        back = []
        while True:
            ok, f = cap.read()
            if not ok:
                break
            back.append(f)
        if len(back) != n:
            print(f"{fourcc:5s} wrote {os.path.getsize(path)} bytes, read back {len(back)} of {n} frames")
            continue
        mse = np.mean([(a.astype(float) - b) ** 2 for a, b in zip(frames, back)])
        print(f"{fourcc:5s} ok: {os.path.getsize(path)} bytes, PSNR {10 * np.log10(255 ** 2 / max(mse, 1e-9)):.1f} dB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
