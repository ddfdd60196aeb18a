#!/usr/bin/python3
"""A whole twin run of the DCGAN (issue 27, item 7): torch_ref.py's `dcgan` training exactly as
`torch_ref.py dcgan --epochs E --limit N --seed S` runs it (the same seed, networks, shuffles and noise), with
everything LatentCL needs to take the same steps written beside it, so the two trainings can be compared step by
step and their final generators scored on the same sampling noise. The Java side is the test-scope program
org.latentcl.model.DcganTwinRun (docs/GAN.md, "The DCGAN against PyTorch").

Writes into OUT (a directory):
  torch.safetensors  init.* (both networks' initial weights and statistics under LatentCL's names), perm{e} (the
                     epoch's shuffle), noise (every step's z, in order), sample_noise (the 10,000 sampling z),
                     stats (per step: d_loss, g_loss, mean D(x), mean D(G(z))), snap{s}.* (every parameter and
                     statistic after the steps listed in the metadata)
  torch-samples.npy  the 10,000 samples of the trained generator in evaluation mode, in [0, 1]

Usage: tools/dcgan-twin-run.py OUT [--seed S] [--epochs E] [--limit N] [--threads T]
"""
import argparse, os, sys, time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "tools"))
import torch_ref  # noqa: E402
sys.path.insert(0, HERE)
from load_checkpoint import gan_state as state, write_safetensors  # noqa: E402

SNAPSHOTS = (1, 10, 50, 100, 200, 400)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--limit", type=int, default=9000)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    # The order of every draw is torch_ref.py's: the seed, the networks, then per epoch a shuffle and per step a z.
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    train, _ = torch_ref.load(torch_ref.FASHION)
    train = train[:a.limit]
    nz = 100
    G, D = torch_ref.dcgan_nets(64, 64, nz)
    og = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    data = train.view(-1, 1, 28, 28) * 2 - 1
    n = data.shape[0]
    tensors = {"init." + k: v for k, v in state(G, D).items()}
    noise, stats, step, t0 = [], [], 0, time.perf_counter()
    for epoch in range(a.epochs):
        G.train()
        D.train()
        perm = torch.randperm(n)
        tensors[f"perm{epoch}"] = perm.numpy().astype(np.int64)
        for i in range(0, n, a.batch):
            x = data[perm[i:i + a.batch]]
            b = x.shape[0]
            z = torch.randn(b, nz, 1, 1)
            noise.append(z.reshape(b, nz).numpy().copy())
            fake = G(z)
            real_logits = D(x)
            fake_logits = D(fake.detach())
            ld = F.binary_cross_entropy_with_logits(real_logits, torch.ones(b, 1)) + \
                F.binary_cross_entropy_with_logits(fake_logits, torch.zeros(b, 1))
            od.zero_grad()
            ld.backward()
            od.step()
            lg = F.binary_cross_entropy_with_logits(D(fake), torch.ones(b, 1))
            og.zero_grad()
            lg.backward()
            og.step()
            stats.append([ld.item(), lg.item(), torch.sigmoid(real_logits).mean().item(),
                          torch.sigmoid(fake_logits).mean().item()])
            step += 1
            if step in SNAPSHOTS:
                tensors.update({f"snap{step}." + k: v for k, v in state(G, D).items()})
        print(f"epoch {epoch + 1}: step {step}, d_loss {stats[-1][0]:.4f}, g_loss {stats[-1][1]:.4f}, "
              f"{time.perf_counter() - t0:.0f} s", flush=True)
    tensors.update({f"snap{step}." + k: v for k, v in state(G, D).items()})
    tensors["noise"] = np.concatenate(noise)
    tensors["stats"] = np.array(stats, np.float32)
    G.eval()
    with torch.no_grad():
        zs = [torch.randn(1000, nz, 1, 1) for _ in range(10)]
        s = torch.cat([G(z) for z in zs])
    tensors["sample_noise"] = torch.cat(zs).reshape(-1, nz).numpy()
    np.save(os.path.join(a.out, "torch-samples.npy"), ((s.view(-1, 784) + 1) / 2).numpy().astype(np.float32))
    snaps = [k for k in SNAPSHOTS if k < step] + [step]
    meta = {"seed": str(a.seed), "epochs": str(a.epochs), "limit": str(a.limit), "batch": str(a.batch), "steps": str(step),
            "snapshots": ",".join(map(str, snaps)), "torch": torch.__version__, "threads": str(a.threads),
            "stats": "per step: d_loss, g_loss, mean D(x), mean D(G(z)) of the discriminator step"}
    write_safetensors(os.path.join(a.out, "torch.safetensors"), tensors, meta)
    print("wrote", a.out, flush=True)


if __name__ == "__main__":
    main()
