#!/usr/bin/env python3
"""Copies jars for the GPU machine's payload: entries STORED (uncompressed, so that one xz stream over all jars
compresses the class files together: about half the size of xz over deflated jars) and native libraries for other
platforms than linux x86-64 left out (snappy, zstd, lz4, jna, leveldb, netty carry a dozen each). The JVM reads
stored jars as they are.

    repack-jars.py OUT_DIR JAR...      prints one line per jar: name, bytes in, bytes out, natives dropped
"""
import os
import re
import sys
import zipfile

NATIVE = re.compile(r"\.(so(\.\d+)*|dylib|jnilib|dll|a)$")
# A platform named in the path: keep it only when it is linux on x86-64 (not musl, not android).
PLATFORM = re.compile(r"(?i)(linux|darwin|mac|osx|win|windows|freebsd|openbsd|dragonflybsd|sunos|aix|android)")
LINUX_X86_64 = re.compile(r"(?i)linux[^/]*[/_-]?(x86[-_]64|amd64)(?!-musl)|linux64|/Linux/x86_64/|linux-x86-64/")


def keep(name: str) -> bool:
    if not NATIVE.search(name):
        return True
    if not PLATFORM.search(name):
        return True  # a native library that names no platform: keep it
    if "musl" in name or "android" in name.lower():
        return False
    return bool(LINUX_X86_64.search(name))


def repack(src: str, out_dir: str) -> str:
    dst = os.path.join(out_dir, os.path.basename(src))
    dropped = 0
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            if not keep(info.filename):
                dropped += 1
                continue
            data = zin.read(info.filename)
            out = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            out.external_attr = info.external_attr
            out.compress_type = zipfile.ZIP_STORED
            zout.writestr(out, data)
    return f"{os.path.basename(src)} {os.path.getsize(src)} {os.path.getsize(dst)} {dropped}"


def main() -> None:
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for jar in sys.argv[2:]:
        print(repack(jar, out_dir))


if __name__ == "__main__":
    main()
