#!/usr/bin/python3
"""Recipes for the 5x5 grid in PyTorch on the budget of issue 27's target (40 epochs of the 22,500 training points),
each part a flag, to try remedies before building them into LatentCL (docs/GAN.md, "The 5x5 grid"). The defaults are
LatentCL's default for points without R1: G 2-400x4-2 (LeakyReLU 0.2), D of 3 x 200 maxout units of 5 pieces on pairs
of points, Adam 1e-4 with beta1 0.8, batches of 100, the non-saturating loss. Beyond those:
  --standardize    train on the data scaled to zero mean and unit variance per coordinate (G's samples scaled back)
  --residual       G(z) = z + MLP(z): the generator starts as the identity, so on standardized data it starts as
                   the data's Gaussian fit and only has to move each sample to a nearby mode
  --fourier SIGMA  D first maps its input through random Fourier features (Tancik et al. 2020)
  --instance-noise S   N(0, S^2) added to D's inputs, annealed to 0 over the first 70% of the steps
  --d-steps K      discriminator steps per generator step
  --lr-decay       both learning rates falling linearly to 0 over the run
  --noise-dim N    G's noise dimensions (with --residual, the skip adds the first two)
  --fake-batch N   N generated samples per step in both networks' steps (default --batch): fakes cost no data, so
                   G's steps can take large batches while an epoch of the data still has --batch's many steps
  --mixture K      DeLiGAN's latent (Gurumurthy et al. 2017): z = mu_c + sigma_c * eps with c uniform over K learned
                   components (means uniform in [-1, 1] at start, sigma 0.2), trained with G
  --noise uniform  G's noise uniform on [-sqrt 3, sqrt 3] per dimension (unit variance) instead of N(0, 1)
Prints the options, the samples near each mode (5 x 5, within 0.15 of its centre), the modes covered (at least 1% of
2,500 samples) and the share near a mode, as tools/gan-grid-torch.py scores them.

  /usr/bin/python3 tools/gan-grid-explore.py GRID.csv [flags]    (GRID.csv from tools/gan-mixture.py data --layout grid)
"""
import argparse
import copy
import importlib.util
import pathlib

import numpy as np
import torch
import torch.nn as nn

_spec = importlib.util.spec_from_file_location("grid", pathlib.Path(__file__).with_name("gan-grid-torch.py"))
grid = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(grid)  # its Maxout, FourierFeatures and scoring constants


def options():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--epochs", type=float, default=40)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--beta1", type=float, default=0.8)
    p.add_argument("--pack", type=int, default=2)
    p.add_argument("--d-units", choices=("maxout", "leaky"), default="maxout")
    p.add_argument("--d-width", type=int, default=200)
    p.add_argument("--ema", type=float, default=0.0, help="the generator average's decay (0: none)")
    p.add_argument("--r1", type=float, default=0.0)
    p.add_argument("--instance-noise", type=float, default=0.0)
    p.add_argument("--fourier", type=float, default=0.0)
    p.add_argument("--d-steps", type=int, default=1)
    p.add_argument("--standardize", action="store_true")
    p.add_argument("--residual", action="store_true")
    p.add_argument("--lr-decay", action="store_true")
    p.add_argument("--noise-dim", type=int, default=2)
    p.add_argument("--fake-batch", type=int, default=0,
                   help="generated samples per step, in D's step and G's (0: --batch); they cost no data")
    p.add_argument("--mixture", type=int, default=0,
                   help="DeLiGAN's latent (Gurumurthy et al. 2017): K learned Gaussians, z = mu_c + sigma_c eps (0: none)")
    p.add_argument("--noise", choices=("normal", "uniform"), default="normal",
                   help="G's noise: N(0, 1) or uniform on [-sqrt 3, sqrt 3] (unit variance) per dimension")
    return p.parse_args()


class Residual(nn.Module):
    """z + f(z) (z's first two dimensions where the noise has more)."""

    def __init__(self, f):
        super().__init__()
        self.f = f

    def forward(self, z):
        return z[:, :2] + self.f(z)


def networks(o):
    layers = [nn.Linear(o.noise_dim, 400), nn.LeakyReLU(0.2)]
    for _ in range(3):
        layers += [nn.Linear(400, 400), nn.LeakyReLU(0.2)]
    generator = nn.Sequential(*layers, nn.Linear(400, 2))
    if o.residual:
        generator = Residual(generator)
    if o.mixture:
        generator = nn.Sequential(MixtureLatent(o.mixture, o.noise_dim), generator)
    inputs = 2 * o.pack
    d = [grid.FourierFeatures(inputs, 128, o.fourier)] if o.fourier > 0 else []
    width = 256 if o.fourier > 0 else inputs
    for _ in range(3):
        d += [grid.Maxout(width, o.d_width)] if o.d_units == "maxout" else [nn.Linear(width, o.d_width), nn.LeakyReLU(0.2)]
        width = o.d_width
    return generator, nn.Sequential(*d, nn.Linear(width, 1))


class MixtureLatent(nn.Module):
    """DeLiGAN's latent (Gurumurthy et al. 2017): z = mu_c + sigma_c eps for a component c drawn uniformly from k,
    the means and spreads learned with the generator (means uniform in [-1, 1], sigma 0.2 at the start)."""

    def __init__(self, k, d):
        super().__init__()
        self.mu = nn.Parameter(torch.rand(k, d) * 2 - 1)
        self.log_sigma = nn.Parameter(torch.full((k, d), float(np.log(0.2))))

    def forward(self, eps):
        c = torch.randint(len(self.mu), (len(eps),))
        return self.mu[c] + self.log_sigma[c].exp() * eps


def latent(o, n):
    if o.noise == "uniform":
        return (torch.rand(n, o.noise_dim) * 2 - 1) * 3 ** 0.5
    return torch.randn(n, o.noise_dim)


def main(o):
    torch.set_num_threads(1)
    torch.manual_seed(o.seed)
    data = torch.from_numpy(np.loadtxt(o.data, delimiter=",", skiprows=1).astype(np.float32)[:22500])  # the held-out tenth apart
    mean, std = (data.mean(0), data.std(0)) if o.standardize else (torch.zeros(2), torch.ones(2))
    data = (data - mean) / std
    generator, discriminator = networks(o)
    average = copy.deepcopy(generator) if o.ema > 0 else generator
    opt_g = torch.optim.Adam(generator.parameters(), o.lr, betas=(o.beta1, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), o.lr, betas=(o.beta1, 0.999))
    softplus = nn.functional.softplus
    steps = int(o.epochs * len(data) / o.batch)
    fakes = o.fake_batch or o.batch
    schedules = [torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1 - s / steps) for opt in (opt_g, opt_d)] if o.lr_decay else []
    order, at = torch.randperm(len(data)), 0
    for step in range(steps):
        for _ in range(o.d_steps):
            if at + o.batch > len(data):
                order, at = torch.randperm(len(data)), 0
            real, at = data[order[at:at + o.batch]], at + o.batch
            fake = generator(latent(o, fakes)).detach()
            noise = o.instance_noise * max(0.0, 1 - step / steps / 0.7)
            if noise:
                real, fake = real + noise * torch.randn_like(real), fake + noise * torch.randn_like(fake)
            real = real.view(-1, 2 * o.pack).requires_grad_(o.r1 > 0)
            real_logits = discriminator(real)
            d_loss = softplus(-real_logits).mean() + softplus(discriminator(fake.view(-1, 2 * o.pack))).mean()
            if o.r1 > 0:
                g, = torch.autograd.grad(real_logits.sum(), real, create_graph=True)
                d_loss = d_loss + o.r1 / 2 * (g ** 2).sum(1).mean()
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()
        g_loss = softplus(-discriminator(generator(latent(o, fakes)).view(-1, 2 * o.pack))).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        for schedule in schedules:
            schedule.step()
        if o.ema > 0:
            decay = min(o.ema, (1 + step) / (10 + step))  # the start-up ramp
            with torch.no_grad():
                for a, p in zip(average.parameters(), generator.parameters()):
                    a.mul_(decay).add_(p, alpha=1 - decay)
    with torch.no_grad():
        samples = (average(latent(o, 2500)) * std + mean).numpy()
    distance = np.sqrt(((samples[:, None, :] - grid.CENTRES[None]) ** 2).sum(2))
    near = distance.min(1) < grid.RADIUS
    per_mode = np.bincount(distance.argmin(1)[near], minlength=len(grid.CENTRES))
    print(vars(o), "steps", steps, "per mode", per_mode.reshape(5, 5).tolist(), "covered",
          int((per_mode >= 0.01 * len(samples)).sum()), "near", round(float(near.mean()), 4), flush=True)


if __name__ == "__main__":
    main(options())
