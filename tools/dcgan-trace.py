#!/usr/bin/python3
"""Writes a PyTorch trace of the DCGAN's first training steps, for the twin test (DcganTwinTest): torch_ref.py's
dcgan_nets and its training step (Adam 2e-4, betas (0.5, 0.999); BCE with logits; D on the real batch, then on
G(z) detached; G through the updated D, reusing the same G(z)), run on given batches and noise, with the initial
weights, every batch and noise, and all parameters and batch-norm statistics after each step, so that LatentCL
can take the same steps from the same weights and compare. Small widths keep the file small.

Usage: tools/dcgan-trace.py [OUT] (default src/test/resources/twin/dcgan-trace.safetensors). Needs PyTorch and
../shared/tools/torch_ref.py (the reference models); the trace it writes is committed, so the test needs neither.
"""
import gzip, json, os, sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "tools"))
import torch_ref  # noqa: E402
sys.path.insert(0, HERE)
from load_checkpoint import gan_state as state, write_safetensors  # noqa: E402

NGF, NDF, NZ, BATCH, STEPS, SEED = 8, 8, 16, 16, 4, 7


def digits(n):
    """The first n embedded training digits, scaled to [-1, 1] as the DCGAN trains on them."""
    path = os.path.join(HERE, "..", "src", "main", "resources", "datasets", "default", "train-images-idx3-ubyte.gz")
    with gzip.open(path) as f:
        raw = f.read()
    x = np.frombuffer(raw, np.uint8, offset=16)[:n * 784].reshape(n, 784).astype(np.float32) / 255.0
    return x * 2 - 1


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "src", "test", "resources", "twin", "dcgan-trace.safetensors")
    torch.manual_seed(SEED)
    G, D = torch_ref.dcgan_nets(NGF, NDF, NZ)
    og = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    data = torch.from_numpy(digits(BATCH * STEPS)).view(-1, 1, 28, 28)
    tensors = {"init." + k: v for k, v in state(G, D).items()}
    stats = []
    G.train()
    D.train()
    for s in range(STEPS):
        x = data[s * BATCH:(s + 1) * BATCH]
        z = torch.randn(BATCH, NZ, 1, 1)
        tensors[f"x{s}"] = x.reshape(BATCH, 784).numpy()
        tensors[f"z{s}"] = z.reshape(BATCH, NZ).numpy()
        fake = G(z)
        real_logits = D(x)
        fake_logits = D(fake.detach())
        ld = F.binary_cross_entropy_with_logits(real_logits, torch.ones(BATCH, 1)) + \
            F.binary_cross_entropy_with_logits(fake_logits, torch.zeros(BATCH, 1))
        od.zero_grad()
        ld.backward()
        od.step()
        lg = F.binary_cross_entropy_with_logits(D(fake), torch.ones(BATCH, 1))
        og.zero_grad()
        lg.backward()
        og.step()
        stats.append([ld.item(), lg.item(), torch.sigmoid(real_logits).mean().item(), torch.sigmoid(fake_logits).mean().item()])
        tensors.update({f"step{s}." + k: v for k, v in state(G, D).items()})
    tensors["stats"] = np.array(stats, np.float32)
    meta = {"ngf": str(NGF), "ndf": str(NDF), "noise": str(NZ), "batch": str(BATCH), "steps": str(STEPS), "seed": str(SEED),
            "torch": torch.__version__, "stats": "per step: d_loss, g_loss, mean D(x), mean D(G(z)) of the discriminator step"}
    write_safetensors(out, tensors, meta)
    print("wrote", out, len(tensors), "tensors")


if __name__ == "__main__":
    main()
