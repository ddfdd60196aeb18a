#!/usr/bin/env python3
"""The 2-D mixture-of-Gaussians check of GAN mode coverage (as in Metz et al., "Unrolled GANs",
2017): 8 Gaussians of standard deviation 0.05 on a circle of radius 2, or with --layout grid the 5x5
grid of PacGAN (Lin et al. 2018): 25 Gaussians at (i, j) for i, j in -4, -2, 0, 2, 4.

  tools/gan-mixture.py data OUT.csv [--layout ring|grid] [--std S] [--points N] [--seed K]
                                        writes N points (20,000 on the ring, 25,000 on the grid; seed 1)
  tools/gan-mixture.py score SAMPLES.csv [--layout ring|grid] [--std S]
                                        counts the modes the samples cover

The standard deviation is 0.05 unless --std says otherwise (issue 17's ring: --std 0.02 --points
16000). A sample is "near" a mode when it lies within 3 standard deviations of its centre; a mode
is covered when at least 1% of the samples are near it. Prints one JSON object.
"""
import json
import math
import random
import sys

STD = 0.05
RADIUS = 2.0


def centres(layout):
    if layout == "grid":
        return [(float(i), float(j)) for i in (-4, -2, 0, 2, 4) for j in (-4, -2, 0, 2, 4)]
    if layout == "ring":
        return [(RADIUS * math.cos(2 * math.pi * k / 8), RADIUS * math.sin(2 * math.pi * k / 8)) for k in range(8)]
    sys.exit("--layout must be ring or grid, got " + layout)


CENTRES = centres("ring")
MODES = len(CENTRES)


def data(path, points=20000, seed=1):
    rnd = random.Random(seed)
    with open(path, "w") as f:
        f.write("x,y\n")
        for i in range(points):
            cx, cy = CENTRES[rnd.randrange(MODES)]
            f.write(f"{cx + rnd.gauss(0, STD):.6f},{cy + rnd.gauss(0, STD):.6f}\n")


def score(path):
    points = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("x,"):  # a header, as data writes one
                x, y = line.split(",")[:2]
                points.append((float(x), float(y)))
    near = [0] * MODES
    for x, y in points:
        d, k = min((math.hypot(x - cx, y - cy), k) for k, (cx, cy) in enumerate(CENTRES))
        if d < 3 * STD:
            near[k] += 1
    covered = sum(1 for c in near if c >= 0.01 * len(points))
    print(json.dumps({"samples": len(points), "modes": MODES, "covered": covered,
                      "near_a_mode": round(sum(near) / len(points), 4), "per_mode": near}))


def options(args):
    opts = {}
    for i in range(0, len(args), 2):
        if args[i] not in ("--std", "--points", "--seed", "--layout") or i + 1 >= len(args):
            sys.exit(__doc__)
        key = args[i][2:]
        opts[key] = float(args[i + 1]) if key == "std" else args[i + 1] if key == "layout" else int(args[i + 1])
    return opts


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("data", "score"):
        sys.exit(__doc__)
    opts = options(sys.argv[3:])
    STD = opts.pop("std", STD)
    CENTRES = centres(opts.pop("layout", "ring"))
    MODES = len(CENTRES)
    if sys.argv[1] == "data":
        opts.setdefault("points", 25000 if MODES == 25 else 20000)  # the grid's size in issue 27's target
        data(sys.argv[2], **opts)
    else:
        score(sys.argv[2])
