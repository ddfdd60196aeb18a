#!/usr/bin/python3
"""Loads a LatentCL checkpoint into PyTorch modules with load_state_dict (strict: every name and shape must
match), to show that the file is a plain PyTorch state dict (no LatentCL code needed): the MLP VAE, the
convolutional VAE (torch_ref.py's ConvVAE, for any image shape and widths) and the DCGAN (torch_ref.py's
dcgan_nets at 28x28, pytorch/examples' 64x64 DCGAN with one block per doubling at 16-128). For a VAE with a
Bernoulli decoder and IDX_DIR it reports the test -ELBO; for a DCGAN it draws samples in [0, 1] and reports
their mean. Needs PyTorch and NumPy; reads safetensors with the standard library (pip's
`safetensors.torch.load_file` gives the same dict).

Usage: tools/load_checkpoint.py runs/.../checkpoint.safetensors [IDX_DIR]
"""
import gzip, json, os, struct, sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def load_safetensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = raw[8 + n:]
    dtypes = {"F32": "<f4", "I64": "<i8"}
    tensors = {}
    for name, e in header.items():
        dt = np.dtype(dtypes[e["dtype"]])
        start, end = e["data_offsets"]
        arr = np.frombuffer(data, dt, (end - start) // dt.itemsize, start).copy()
        tensors[name] = torch.from_numpy(arr).reshape(e["shape"])
    return tensors, meta


class VAE(nn.Module):
    """The architecture LatentCL trains: Linear layers named enc.i, mu, logvar, dec.i; ReLU between them."""

    def __init__(self, cfg):
        super().__init__()
        enc = [cfg["input"]] + cfg["hidden"]
        dec = [cfg["latent"]] + cfg["hidden"][::-1] + [cfg["input"]]
        self.enc = nn.ModuleList(nn.Linear(a, b) for a, b in zip(enc, enc[1:]))
        self.mu = nn.Linear(enc[-1], cfg["latent"])
        self.logvar = nn.Linear(enc[-1], cfg["latent"])
        self.dec = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dec, dec[1:]))

    def forward(self, x):
        for layer in self.enc:
            x = F.relu(layer(x))
        mu, logvar = self.mu(x), self.logvar(x)
        h = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        for i, layer in enumerate(self.dec):
            h = layer(h) if i == len(self.dec) - 1 else F.relu(layer(h))
        return h, mu, logvar


class ConvVAE(nn.Module):
    """torch_ref.py's ConvVAE for C x H x W images and any widths: Conv2d(4, 2, 1) + ReLU per width, mu and
    logvar heads, Linear + ReLU + Unflatten, then ConvTranspose2d(4, 2, 1) back to C channels."""

    def __init__(self, cfg):
        super().__init__()
        c, h, w = cfg["image"]
        widths = cfg["hidden"]
        k = len(widths)
        enc, ch = [], c
        for width in widths:
            enc += [nn.Conv2d(ch, width, 4, 2, 1), nn.ReLU()]
            ch = width
        self.enc = nn.Sequential(*enc, nn.Flatten())
        feat = widths[-1] * (h >> k) * (w >> k)
        self.mu = nn.Linear(feat, cfg["latent"])
        self.logvar = nn.Linear(feat, cfg["latent"])
        dec = [nn.Linear(cfg["latent"], feat), nn.ReLU(), nn.Unflatten(1, (widths[-1], h >> k, w >> k))]
        for j in range(k - 1, -1, -1):
            dec.append(nn.ConvTranspose2d(widths[j], c if j == 0 else widths[j - 1], 4, 2, 1))
            if j > 0:
                dec.append(nn.ReLU())
        self.dec = nn.Sequential(*dec, nn.Flatten())
        self.shape = (c, h, w)

    def forward(self, x):
        h = self.enc(x.view(-1, *self.shape))
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        return self.dec(z), mu, logvar


def dcgan(cfg):
    """The DCGAN LatentCL trains, as nn.Sequential modules named as its checkpoints name them."""
    c, side, _ = cfg["image"]
    nz, ngf, ndf = cfg["noise"], cfg["gen_hidden"][0], cfg["disc_hidden"][0]
    if side == 28:
        gw, kernels = [4 * ngf, 2 * ngf, ngf], [4, 3, 4]
    else:
        blocks = side.bit_length() - 3  # side = 4 * 2^blocks
        gw, kernels = [ngf << (blocks - 1 - i) for i in range(blocks)], [4] * blocks
    g, ch = [], nz
    for i, (width, k) in enumerate(zip(gw, kernels)):
        g += [nn.ConvTranspose2d(ch, width, 4, 1, 0, bias=False) if i == 0 else nn.ConvTranspose2d(ch, width, k, 2, 1, bias=False),
              nn.BatchNorm2d(width), nn.ReLU()]
        ch = width
    g += [nn.ConvTranspose2d(ch, c, 4, 2, 1, bias=False), nn.Tanh()]
    blocks = 3 if side == 28 else side.bit_length() - 3
    d, ch, h = [], c, side
    for i in range(blocks):
        d.append(nn.Conv2d(ch, ndf << i, 4, 2, 1, bias=False))
        h = (h + 2 - 4) // 2 + 1
        if i > 0:
            d.append(nn.BatchNorm2d(ndf << i))
        d.append(nn.LeakyReLU(0.2))
        ch = ndf << i
    d += [nn.Conv2d(ch, 1, h, 1, 0, bias=False), nn.Flatten()]
    return nn.Sequential(*g), nn.Sequential(*d)


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims[0], -1).astype(np.float32) / 255.0


def main():
    tensors, meta = load_safetensors(sys.argv[1])
    cfg = json.loads(meta["config"])
    if meta["model"] == "gan":
        if cfg.get("arch") != "dcgan":
            sys.exit("only VAEs and DCGANs are loaded here")
        G, D = dcgan(cfg)
        G.load_state_dict({k[4:]: v for k, v in tensors.items() if k.startswith("gen.")})  # strict
        D.load_state_dict({k[5:]: v for k, v in tensors.items() if k.startswith("disc.")})
        print("loaded", meta["model"], cfg)
        G.eval()
        torch.manual_seed(0)
        with torch.no_grad():
            s = (G(torch.randn(64, cfg["noise"], 1, 1)) + 1) / 2
        print(json.dumps({"samples": list(s.shape), "mean": round(float(s.mean()), 4)}))
        return
    model = ConvVAE(cfg) if cfg.get("arch") == "conv" else VAE(cfg)
    model.load_state_dict(tensors)  # strict: every name and shape must match
    print("loaded", meta["model"], cfg)
    if len(sys.argv) > 2 and cfg["decoder"] == "bernoulli":
        x = torch.from_numpy(read_idx(os.path.join(sys.argv[2], "t10k-images-idx3-ubyte.gz")))
        torch.manual_seed(0)
        with torch.no_grad():
            logits, mu, logvar = model(x)
            bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
            kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        print(json.dumps({"test_loss": round(float(bce + kl) / x.shape[0], 3)}))


if __name__ == "__main__":
    main()
