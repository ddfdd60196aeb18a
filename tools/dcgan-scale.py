#!/usr/bin/python3
"""PyTorch's side of tools/bench.sh's scaling table: LatentCL's DCGAN (train gan --arch dcgan) at a given image size,
trained on random images, reporting images/s and the process's peak memory.

Networks (docs/GAN.md, "The DCGAN"): at 28x28 torch_ref.py's (pytorch/examples' C++ MNIST DCGAN); at 4 * 2^m
(16, 32, 64, 128) pytorch/examples' 64x64 DCGAN with m blocks:
  G z100 -> ConvT(100, w0, 4, 1, 0) BN ReLU -> [ConvT(w_i-1, w_i, 4, 2, 1) BN ReLU] -> ConvT(w_m-1, c, 4, 2, 1) Tanh,
    w_i = ngf * 2^(m-1-i)
  D Conv(c, ndf, 4, 2, 1) LReLU0.2 -> [Conv(ndf 2^(i-1), ndf 2^i, 4, 2, 1) BN LReLU] -> Conv(ndf 2^(m-1), 1, 4, 1, 0)
The training step is torch_ref.py's (BCE with logits, non-saturating G loss reusing the fake batch, Adam 2e-4,
betas (0.5, 0.999)). The images are uniform noise in [-1, 1]: the time of a step does not depend on them.

Prints one JSON line per epoch: train_seconds, samples_per_s, peak_rss_mib (the process's peak resident set so far,
getrusage's ru_maxrss) and start_rss_mib (the resident set after torch was imported and the data made, before the
networks: what the step itself added is the difference).
"""
import argparse, json, os, resource, sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "tools"))


def rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def nets(size, channels, ngf, ndf, nz):
    if size == 28:
        from torch_ref import dcgan_nets  # the 28x28 DCGAN torch_ref.py trains (one channel)
        if channels != 1:
            sys.exit("dcgan-scale.py: the 28x28 DCGAN is grey (one channel)")
        return dcgan_nets(ngf, ndf, nz)
    blocks = size.bit_length() - 3
    if size < 16 or size != 4 << blocks:
        sys.exit(f"dcgan-scale.py: image size {size}: the DCGAN takes 28, 16, 32, 64 or 128")
    g, c = [], nz
    for i in range(blocks):
        w = ngf << (blocks - 1 - i)
        g += [nn.ConvTranspose2d(c, w, 4, 1, 0, bias=False) if i == 0 else nn.ConvTranspose2d(c, w, 4, 2, 1, bias=False),
              nn.BatchNorm2d(w), nn.ReLU()]
        c = w
    g += [nn.ConvTranspose2d(c, channels, 4, 2, 1, bias=False), nn.Tanh()]
    d, c = [], channels
    for i in range(blocks):
        w = ndf << i
        d += [nn.Conv2d(c, w, 4, 2, 1, bias=False)] + ([nn.BatchNorm2d(w)] if i > 0 else []) + [nn.LeakyReLU(0.2)]
        c = w
    d += [nn.Conv2d(c, 1, 4, 1, 0, bias=False), nn.Flatten()]
    G, D = nn.Sequential(*g), nn.Sequential(*d)
    for m in list(G.modules()) + list(D.modules()):
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0.0, 0.02)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)
    return G, D


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--channels", type=int, default=3)
    p.add_argument("--images", type=int, default=320)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--ngf", type=int, default=64)
    p.add_argument("--ndf", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    nz = 100
    data = torch.rand(args.images, args.channels, args.size, args.size) * 2 - 1
    start = rss_mib()
    G, D = nets(args.size, args.channels, args.ngf, args.ndf, nz)
    og = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    n = data.shape[0]
    for epoch in range(1, args.epochs + 1):
        perm = torch.randperm(n)
        t0 = time.perf_counter()
        for i in range(0, n, args.batch):
            x = data[perm[i:i + args.batch]]
            b = x.shape[0]
            fake = G(torch.randn(b, nz, 1, 1))
            ld = F.binary_cross_entropy_with_logits(D(x), torch.ones(b, 1)) + \
                F.binary_cross_entropy_with_logits(D(fake.detach()), torch.zeros(b, 1))
            od.zero_grad()
            ld.backward()
            od.step()
            lg = F.binary_cross_entropy_with_logits(D(fake), torch.ones(b, 1))
            og.zero_grad()
            lg.backward()
            og.step()
        secs = time.perf_counter() - t0
        print(json.dumps({"model": "dcgan", "size": args.size, "channels": args.channels, "epoch": epoch,
                          "threads": torch.get_num_threads(), "train_seconds": round(secs, 3),
                          "samples_per_s": round(n / secs, 1), "peak_rss_mib": round(rss_mib(), 1),
                          "start_rss_mib": round(start, 1)}), flush=True)


if __name__ == "__main__":
    main()
