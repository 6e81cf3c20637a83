#!/usr/bin/env python3
"""Slims NVIDIA's RAPIDS Accelerator jar (rapids-4-spark_2.13-26.08.1-cuda13, 576 MB) for one Spark version and one
GPU architecture, so that it can travel to the GPU machine in a few device calls.

    slim-rapids-jar.py FULL_JAR SLIM_JAR [--shim spark413] [--sm 90] [--work DIR]

What it keeps and drops, and why:
  * Classes: the top-level (unshimmed) classes, spark-shared/ (the classes common to every shim, including every
    shim's SparkShimServiceProvider) and the one shim folder of the Spark version that runs (spark413 = Spark 4.1.3).
    The other 19 shim folders (spark350 ... spark420) go. META-INF/services/...SparkShimServiceProvider keeps only
    that shim's line, so on another Spark version the ShimLoader says it has no shim instead of half-loading one.
  * amd64/Linux/libcudf.so (798 MB, 461 MB deflated in the jar): its symbol table (.symtab/.strtab, 148 MB; only
    .dynsym is used at run time) is stripped, and in its CUDA fat binaries (.nv_fatbin, 323 MB: one cubin per
    kernel module for sm_75, 80, 86, 90, 100, 120 and PTX for 120) every image but the sm_<SM> cubins and the PTX
    of an architecture <= SM is overwritten with zeros *in place*: headers, sizes and every offset stay as they
    were, so the driver still finds the sm_<SM> image it picks on that GPU and never reads the zeroed ones, and xz
    turns the zeros into nothing. A GPU of another architecture would find no usable image: slim again for it.
  * libcufilejni.so loses its debug sections (strip --strip-debug); the other native libraries stay as they are.
  * Entries are STORED (not deflated), so that the xz stream over the jar compresses the code itself.
Prints the size of each part (before and after) as a table.
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile

FATBIN_MAGIC = 0xBA55ED50
SERVICES = "META-INF/services/com.nvidia.spark.rapids.SparkShimServiceProvider"
LIBCUDF = "amd64/Linux/libcudf.so"
LIBCUFILEJNI = "amd64/Linux/libcufilejni.so"


def section(path, name):
    """(file offset, size) of an ELF section, from readelf."""
    out = subprocess.run(["readelf", "-S", "-W", path], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        fields = line.split("]", 1)[-1].split()
        if fields and fields[0] == name:
            return int(fields[3], 16), int(fields[4], 16)
    raise SystemExit(f"{path}: no section {name}")


def prune_fatbins(path, sm):
    """Zeroes every fat-binary image but the sm_<sm> cubins and PTX of architectures <= sm; returns byte counts."""
    offset, size = section(path, ".nv_fatbin")
    kept = zeroed = blobs = 0
    kept_archs, zeroed_archs = set(), set()
    with open(path, "r+b") as f:
        f.seek(offset)
        data = bytearray(f.read(size))
        pos = 0
        while pos + 16 <= size:
            magic, _version, header_size, fat_size = struct.unpack_from("<IHHQ", data, pos)
            if magic != FATBIN_MAGIC:
                pos += 8  # fat binaries are 8-byte aligned inside the section
                continue
            blobs += 1
            p, end = pos + header_size, pos + header_size + fat_size
            while p < end:
                kind, _v, entry_header, payload = struct.unpack_from("<HHIQ", data, p)
                arch = struct.unpack_from("<I", data, p + 28)[0]
                is_ptx, is_cubin = kind == 1, kind == 2
                if not (is_ptx or is_cubin) or entry_header < 64:
                    raise SystemExit(f"{path}: unknown fat-binary entry kind {kind} at section offset {p}")
                keep = (is_cubin and arch == sm) or (is_ptx and arch <= sm)
                start = p + entry_header
                if keep:
                    kept += payload
                    kept_archs.add(("ptx " if is_ptx else "sm_") + str(arch))
                else:
                    data[start:start + payload] = bytes(payload)
                    zeroed += payload
                    zeroed_archs.add(("ptx " if is_ptx else "sm_") + str(arch))
                p = start + payload
            pos = end
        if kept == 0:
            raise SystemExit(f"{path}: no sm_{sm} cubin in .nv_fatbin: this library cannot run on sm_{sm}")
        f.seek(offset)
        f.write(data)
    return {"blobs": blobs, "kept": kept, "zeroed": zeroed, "fatbin": size,
            "kept_archs": sorted(kept_archs), "zeroed_archs": sorted(zeroed_archs)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("full_jar")
    ap.add_argument("slim_jar")
    ap.add_argument("--shim", default="spark413", help="the shim folder of the Spark version that runs")
    ap.add_argument("--sm", type=int, default=90, help="the GPU architecture (90: H100, H200)")
    ap.add_argument("--work", help="scratch folder for the native libraries (default: a temporary one)")
    args = ap.parse_args()

    with zipfile.ZipFile(args.full_jar) as full:
        names = full.namelist()
        shims = sorted({n.split("/")[0] for n in names if n.startswith("spark") and "/" in n
                        and n.split("/")[0] != "spark-shared"})
        if args.shim not in shims:
            raise SystemExit(f"{args.full_jar}: no shim folder {args.shim}/ (it has {', '.join(shims)})")
        dropped = set(shims) - {args.shim}
        work = args.work or tempfile.mkdtemp(prefix="rapids-slim-")
        os.makedirs(work, exist_ok=True)
        sizes = {}  # part -> [entries, raw bytes, deflated bytes in the full jar, bytes in the slim jar]

        def count(part, info, slim_bytes):
            s = sizes.setdefault(part, [0, 0, 0, 0])
            s[0] += 1
            s[1] += info.file_size
            s[2] += info.compress_size
            s[3] += slim_bytes

        tmp = args.slim_jar + ".tmp"
        fatbin = None
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as slim:
            for info in full.infolist():
                top = info.filename.split("/")[0]
                if top in dropped:
                    count("other shims (dropped)", info, 0)
                    continue
                if info.filename in (LIBCUDF, LIBCUFILEJNI):
                    lib = os.path.join(work, os.path.basename(info.filename))
                    with full.open(info) as src, open(lib, "wb") as dst:
                        shutil.copyfileobj(src, dst, 16 << 20)
                    if info.filename == LIBCUDF:
                        subprocess.run(["strip", "--strip-all", lib], check=True)
                        fatbin = prune_fatbins(lib, args.sm)
                    else:
                        subprocess.run(["strip", "--strip-debug", lib], check=True)
                    slim.write(lib, info.filename)
                    count(info.filename, info, os.path.getsize(lib))
                    os.remove(lib)
                    continue
                data = full.read(info)
                if info.filename == SERVICES:
                    lines = [l for l in data.decode().splitlines() if f".shims.{args.shim}." in l]
                    if len(lines) != 1:
                        raise SystemExit(f"{SERVICES}: expected one line for {args.shim}, found {lines}")
                    data = (lines[0] + "\n").encode()
                zi = zipfile.ZipInfo(info.filename, info.date_time)
                zi.external_attr = info.external_attr
                slim.writestr(zi, data, zipfile.ZIP_STORED)
                part = ("shim " + top if top == args.shim else "spark-shared" if top == "spark-shared"
                        else "native " + info.filename if info.filename.endswith(".so") else "unshimmed classes etc.")
                count(part, info, len(data))
        os.replace(tmp, args.slim_jar)

    print(f"| part | entries | raw MB (full jar) | deflated MB (full jar) | MB in the slim jar (stored) |")
    print(f"|---|---:|---:|---:|---:|")
    for part, (n, raw, deflated, kept) in sorted(sizes.items(), key=lambda kv: -kv[1][1]):
        print(f"| {part} | {n} | {raw / 1e6:.1f} | {deflated / 1e6:.1f} | {kept / 1e6:.1f} |")
    print(f"| jar file | | | {os.path.getsize(args.full_jar) / 1e6:.1f} | {os.path.getsize(args.slim_jar) / 1e6:.1f} |")
    if fatbin:
        print(f"libcudf.so .nv_fatbin: {fatbin['fatbin'] / 1e6:.1f} MB in {fatbin['blobs']} fat binaries; kept "
              f"{fatbin['kept'] / 1e6:.1f} MB ({', '.join(fatbin['kept_archs'])}), zeroed {fatbin['zeroed'] / 1e6:.1f} MB "
              f"({', '.join(fatbin['zeroed_archs'])})")
    print(f"dropped shims: {', '.join(sorted(dropped))}; kept: {args.shim}, spark-shared")


if __name__ == "__main__":
    sys.exit(main())
