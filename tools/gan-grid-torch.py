#!/usr/bin/python3
"""The 5x5 grid in PyTorch with the nets of LatentCL's default for points, to tell a LatentCL problem from the recipe's:
G 2-400-400-400-400-2 (LeakyReLU 0.2), D of 3 x 200 maxout units of 5 pieces on pairs of points (PacGAN2), Adam 1e-4 with
beta1 0.8, batches of 100, the non-saturating loss; no R1 and no generator average. With SIGMA > 0, D first maps its input
through random Fourier features, [sin, cos](2 pi x B) with B of 128 columns drawn from N(0, SIGMA^2) (Tancik et al. 2020).
Scores 2,500 samples as tools/gan-mixture.py score --layout grid does (within 0.15 of a centre; a mode holds 1% of them).
RECIPE (default: points) picks other recipes on the same budget:
  pacgan  PacGAN's own grid recipe (its config.py and pacgan_task.py): G 2-400x4-2 with ReLU and batch norm, weights from
          N(0, 0.02) and zero biases in both nets, PacGAN4, Adam 1e-4 with beta1 0.8 (PacGAN trains it 400,000 steps);
  fast    Adam 1e-3 with betas (0.5, 0.9), D of 3 x 512 ReLU units on single points, G as for points.

  /usr/bin/python3 tools/gan-grid-torch.py GRID.csv SIGMA STEPS [SEED [RECIPE]]   (GRID.csv from tools/gan-mixture.py data --layout grid)
"""
import math
import sys

import numpy as np
import torch
import torch.nn as nn

BATCH = 100       # points per step (packed samples per step with the pacgan recipe)
RADIUS = 0.15     # 3 standard deviations of a mode (0.05)
CENTRES = np.array([(i, j) for i in (-4, -2, 0, 2, 4) for j in (-4, -2, 0, 2, 4)], dtype=np.float32)


class Maxout(nn.Module):
    """units maxout units of `pieces` linear pieces each."""

    def __init__(self, inputs, units, pieces=5):
        super().__init__()
        self.linear = nn.Linear(inputs, units * pieces)
        self.units, self.pieces = units, pieces

    def forward(self, x):
        return self.linear(x).view(-1, self.units, self.pieces).max(2)[0]


class FourierFeatures(nn.Module):
    """[sin, cos](2 pi x B), B fixed, its entries from N(0, sigma^2)."""

    def __init__(self, inputs, frequencies, sigma):
        super().__init__()
        self.register_buffer("B", torch.randn(inputs, frequencies) * sigma)

    def forward(self, x):
        phase = 2 * math.pi * x @ self.B
        return torch.cat([phase.sin(), phase.cos()], 1)


def generator_for(recipe):
    def block(inputs):
        if recipe == "pacgan":
            return [nn.Linear(inputs, 400), nn.BatchNorm1d(400), nn.ReLU()]
        return [nn.Linear(inputs, 400), nn.LeakyReLU(0.2)]
    layers = block(2)  # built in this order, so the seed draws the same weights
    for _ in range(3):
        layers += block(400)
    return nn.Sequential(*layers, nn.Linear(400, 2))


def main(path, sigma, steps, seed, recipe):
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    data = torch.from_numpy(np.loadtxt(path, delimiter=",", skiprows=1).astype(np.float32)[:22500])  # the held-out tenth apart
    pack = {"points": 2, "pacgan": 4, "fast": 1}[recipe]
    generator = generator_for(recipe)
    first = [FourierFeatures(2 * pack, 128, sigma)] if sigma > 0 else []
    inputs = 256 if sigma > 0 else 2 * pack
    if recipe == "fast":
        discriminator = nn.Sequential(*first, nn.Linear(inputs, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 512),
                                      nn.ReLU(), nn.Linear(512, 1))
    else:
        discriminator = nn.Sequential(*first, Maxout(inputs, 200), Maxout(200, 200), Maxout(200, 200), nn.Linear(200, 1))
    if recipe == "pacgan":
        for m in list(generator.modules()) + list(discriminator.modules()):
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.02)
                nn.init.zeros_(m.bias)
    points = BATCH * pack if recipe == "pacgan" else BATCH  # PacGAN's batches are of packed samples
    rate, betas = (1e-3, (0.5, 0.9)) if recipe == "fast" else (1e-4, (0.8, 0.999))
    opt_g = torch.optim.Adam(generator.parameters(), rate, betas=betas)
    opt_d = torch.optim.Adam(discriminator.parameters(), rate, betas=betas)
    bce = nn.BCEWithLogitsLoss()
    for step in range(steps):
        real = data[torch.randint(0, len(data), (points,))].view(-1, 2 * pack)
        fake = generator(torch.randn(points, 2)).view(-1, 2 * pack)
        real_logits, fake_logits = discriminator(real), discriminator(fake.detach())
        d_loss = bce(real_logits, torch.ones_like(real_logits)) + bce(fake_logits, torch.zeros_like(fake_logits))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_logits = discriminator(fake)
        g_loss = bce(g_logits, torch.ones_like(g_logits))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        if (step + 1) % 3000 == 0:
            print(step + 1, "d_loss", round(float(d_loss), 4), "D(x)", round(float(torch.sigmoid(real_logits).mean()), 4), flush=True)
    generator.eval()  # batch norm's running statistics, as the recipe samples
    with torch.no_grad():
        samples = generator(torch.randn(2500, 2)).numpy()
    distance = np.sqrt(((samples[:, None, :] - CENTRES[None]) ** 2).sum(2))
    near = distance.min(1) < RADIUS
    per_mode = np.bincount(distance.argmin(1)[near], minlength=len(CENTRES))
    print("recipe", recipe, "sigma", sigma, "covered", int((per_mode >= 0.01 * len(samples)).sum()), "near", round(float(near.mean()), 4))


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    chosen = sys.argv[5] if len(sys.argv) > 5 else "points"
    if chosen not in ("points", "pacgan", "fast"):
        sys.exit("RECIPE must be points, pacgan or fast, got " + chosen)
    main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 1, chosen)
