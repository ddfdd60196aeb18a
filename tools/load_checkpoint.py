#!/usr/bin/python3
"""Loads a LatentCL VAE checkpoint into PyTorch and reports its test -ELBO, to show that the file is a
plain PyTorch state dict (no LatentCL code needed). Needs PyTorch and NumPy; reads safetensors with the
standard library (pip's `safetensors.torch.load_file` gives the same dict).

Usage: tools/load_checkpoint.py runs/vae-.../checkpoint.safetensors [IDX_DIR]
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


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims[0], -1).astype(np.float32) / 255.0


def main():
    tensors, meta = load_safetensors(sys.argv[1])
    cfg = json.loads(meta["config"])
    model = VAE(cfg)
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
