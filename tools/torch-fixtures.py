#!/usr/bin/python3
"""Writes small LatentCL checkpoints with PyTorch, and PyTorch's outputs and gradients for fixed inputs beside them,
for TorchFixturesTest: files PyTorch wrote, read through LatentCL's checkpoint code, so that a layout both of
LatentCL's writer and reader got wrong the same way cannot pass. The modules are tools/load_checkpoint.py's (the
architectures LatentCL trains, under its names), initialized by PyTorch with a fixed seed; batch-norm running
statistics and spectral norm's vectors are set away from their initial values so that loading them matters.

  cond-conv-vae      conditional conv VAE, 3x8x8 images, widths 3,4, latent 2, 3 classes: Conv2d, ConvTranspose2d,
                     Linear, the class prior (nn.Embedding); mu, logvar and the decoder's probabilities
  dcgan              DCGAN on 3x16x16, noise 5, ngf = ndf = 4: ConvTranspose2d and BatchNorm2d in evaluation mode
                     (G.eval()(z)); then one discriminator loss in training mode (batch statistics), its gradients
                     and the running statistics after it
  cond-mlp-gan-sn    conditional MLP GAN, data 6, noise 3, 3 classes, spectral norm, projection discriminator
                     (nn.Embedding, spectrally normalized): G(z, y); one discriminator loss, its gradients and the
                     spectral-norm vectors after its power iteration (one per step, as LatentCL: D judges the real
                     and the generated rows in one call)
  cond-mlp-acgan     the same with an auxiliary classifier (AC-GAN, weight 0.5): disc_aux, spectrally normalized,
                     on D's features; its cross-entropy on the real rows joins D's loss
  pacgan-mlp         PacGAN's nets for 2-D points, small: generator with BatchNorm1d before each hidden activation,
                     discriminator of maxout units (3 pieces), packs of 2: G.eval()(z) (running statistics); one
                     discriminator loss in training mode (G's batch statistics), its gradients, G's running statistics
                     after it

Each NAME.safetensors is a checkpoint as LatentCL writes it; NAME.expected.safetensors holds the inputs and PyTorch's
results. Usage: tools/torch-fixtures.py [OUT_DIR] (default src/test/resources/torch). Needs PyTorch; the files are
committed, so the test needs neither PyTorch nor this script.
"""
import json, os, sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import load_checkpoint as lc  # noqa: E402


def checkpoint(path, model, cfg, tensors, image):
    meta = {"format": "pt", "model": model, "config": json.dumps(cfg, separators=(",", ":")), "epoch": "1", "data": "torch-fixtures",
            "seed": "0", "image_channels": str(image[0]), "image_height": str(image[1]), "image_width": str(image[2])}
    lc.write_safetensors(path, tensors, meta)


def prefixed(prefix, module):
    return {prefix + k: v.detach().clone() for k, v in module.state_dict().items()}


def cond_conv_vae(out):
    torch.manual_seed(1)
    cfg = {"input": 192, "hidden": [3, 4], "latent": 2, "decoder": "bernoulli", "sigma": 1, "arch": "conv", "image": [3, 8, 8], "classes": 3}
    model = lc.ConvVAE(cfg)
    with torch.no_grad():
        model.prior.weight.normal_(0, 1)
    checkpoint(os.path.join(out, "cond-conv-vae.safetensors"), "vae", cfg, model.state_dict(), cfg["image"])
    x = torch.rand(5, 192)
    y = torch.tensor([0, 2, 1, 2, 0])
    z = torch.randn(5, 2)
    with torch.no_grad():
        mu, logvar = model.encode(x, y)
        probs = torch.sigmoid(model.decode(z, y))
    lc.write_safetensors(os.path.join(out, "cond-conv-vae.expected.safetensors"),
                      {"x": x, "y": y.float(), "z": z, "mu": mu, "logvar": logvar, "probs": probs}, {})


def disc_step(G, D, x, z, judge, extra=()):
    """One discriminator loss as LatentCL's step takes it: mean BCE(D(x), 1) + mean BCE(D(G(z)), 0), G(z) detached,
    plus any extra terms the judging added (the auxiliary classifier's)."""
    fake = G(z).detach()
    real_logits, fake_logits = judge(x, fake)
    loss = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits)) \
        + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)) + sum(extra)
    loss.backward()
    return loss


def dcgan(out):
    torch.manual_seed(2)
    cfg = {"data": 768, "noise": 5, "gen_hidden": [4], "disc_hidden": [4], "output": "linear", "loss": "nonsaturating",
           "slope": 0.2, "arch": "dcgan", "image": [3, 16, 16], "spectral_norm": False, "pack": 1, "minibatch_std": False}
    G, D = lc.dcgan(cfg)
    with torch.no_grad():
        for net in (G, D):
            for m in net:
                if isinstance(m, nn.BatchNorm2d):
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.normal_(0, 0.1)
                    m.running_mean.normal_(0, 0.2)
                    m.running_var.uniform_(0.5, 2.0)
                    m.num_batches_tracked.fill_(7)
    state = {**prefixed("gen.", G), **prefixed("disc.", D)}
    checkpoint(os.path.join(out, "dcgan.safetensors"), "gan", cfg, state, cfg["image"])
    z = torch.randn(4, 5, 1, 1)
    G.eval()
    with torch.no_grad():
        generated = G(z).flatten(1)
    G.train()
    D.train()
    x = torch.rand(6, 768) * 2 - 1
    z2 = torch.randn(6, 5, 1, 1)
    loss = disc_step(G, D, x.view(6, 3, 16, 16), z2, lambda real, fake: (D(real), D(fake)))
    expected = {"z": z.flatten(1), "generated": generated, "x": x, "z2": z2.flatten(1), "d_loss": loss.detach().reshape(1)}
    expected.update({"grad.disc." + k: p.grad for k, p in D.named_parameters()})
    expected.update({"after.gen." + k: v for k, v in G.state_dict().items() if v.dtype.is_floating_point})
    expected.update({"after.disc." + k: v for k, v in D.state_dict().items() if v.dtype.is_floating_point})
    lc.write_safetensors(os.path.join(out, "dcgan.expected.safetensors"), expected, {})


def cond_mlp_gan_sn(out, aux_weight=0.0):
    """The projection cGAN with spectral norm; with aux_weight, an AC-GAN: the auxiliary classifier disc_aux on D's
    features adds aux_weight times its mean cross-entropy on the real rows to D's loss."""
    name = "cond-mlp-acgan" if aux_weight else "cond-mlp-gan-sn"
    torch.manual_seed(4 if aux_weight else 3)
    cfg = {"data": 6, "noise": 3, "gen_hidden": [5], "disc_hidden": [7, 4], "output": "sigmoid", "loss": "nonsaturating",
           "slope": 0.2, "spectral_norm": True, "pack": 1, "minibatch_std": False, "classes": 3}
    if aux_weight:
        cfg["aux_weight"] = aux_weight
    G, D = lc.mlp_gan(cfg)
    E = nn.utils.spectral_norm(nn.Embedding(3, 4))
    A = nn.utils.spectral_norm(nn.Linear(4, 3)) if aux_weight else None
    # A few power iterations first, so that the vectors written are not their random start.
    for m in (D, E, A):
        if m is not None:
            m.train()
    with torch.no_grad():
        for _ in range(3):
            lc.judge(D, E, torch.zeros(1, 6), torch.zeros(1, dtype=torch.long), False)
            if A is not None:
                A(torch.zeros(1, 4))
    state = {**prefixed("gen.", G), **prefixed("disc.", D), **prefixed("disc_embed.", E)}
    if A is not None:
        state.update(prefixed("disc_aux.", A))
    checkpoint(os.path.join(out, name + ".safetensors"), "gan", cfg, state, [1, 1, 6])
    z = torch.randn(4, 3)
    yz = torch.tensor([2, 0, 1, 1])
    G.eval()
    with torch.no_grad():
        generated = G(torch.cat([z, F.one_hot(yz, 3).float()], 1))
    x = torch.rand(5, 6)
    y = torch.tensor([1, 0, 2, 2, 1])
    z2 = torch.randn(5, 3)
    onehot = F.one_hot(y, 3).float()
    aux_loss = []

    def judge(real, fake):
        # Every spectrally normalized module called once (one power iteration each), as LatentCL's step does:
        # D's features of the real and generated rows together, its last layer and the projection, the aux head.
        f = lc.mlp_features(D, torch.cat([real, fake]))
        logits = D[-1](f) + (E(torch.cat([y, y])) * f).sum(1, keepdim=True)
        if A is not None:
            aux_loss.append(aux_weight * F.cross_entropy(A(f[:5]), y))
        return logits[:5], logits[5:]

    loss = disc_step(lambda codes: G(torch.cat([codes, onehot], 1)), None, x, z2, judge, aux_loss)
    expected = {"z": z, "yz": yz.float(), "generated": generated, "x": x, "y": y.float(), "z2": z2, "d_loss": loss.detach().reshape(1)}
    for prefix, m in (("disc.", D), ("disc_embed.", E), ("disc_aux.", A)):
        if m is not None:
            expected.update({"grad." + prefix + k: p.grad for k, p in m.named_parameters()})
            expected.update({"after." + k: v for k, v in prefixed(prefix, m).items() if k.endswith("_u") or k.endswith("_v")})
    lc.write_safetensors(os.path.join(out, name + ".expected.safetensors"), expected, {})


def pacgan_mlp(out):
    torch.manual_seed(5)
    cfg = {"data": 2, "noise": 2, "gen_hidden": [5, 4], "disc_hidden": [6, 3], "output": "linear", "loss": "nonsaturating",
           "slope": 0.2, "spectral_norm": False, "pack": 2, "minibatch_std": False, "gen_batch_norm": True, "disc_maxout": 3}
    G, D = lc.mlp_gan(cfg)
    with torch.no_grad():
        for bn in G.bn:
            bn.running_mean.normal_(0, 0.5)
            bn.running_var.uniform_(0.5, 2)
            bn.weight.normal_(1, 0.2)
            bn.bias.normal_(0, 0.2)
    state = {**prefixed("gen.", G), **prefixed("disc.", D)}
    checkpoint(os.path.join(out, "pacgan-mlp.safetensors"), "gan", cfg, state, [1, 1, 2])
    z = torch.randn(4, 2)
    G.eval()
    with torch.no_grad():
        generated = G(z)
    G.train()
    x = torch.randn(6, 2) * 2
    z2 = torch.randn(6, 2)
    packed = lc.Packed(2, D)
    loss = disc_step(G, None, x, z2, lambda real, fake: (packed(real), packed(fake)))
    expected = {"z": z, "generated": generated, "x": x, "z2": z2, "d_loss": loss.detach().reshape(1)}
    expected.update({"grad.disc." + k: p.grad for k, p in D.named_parameters()})
    expected.update({"after." + k: v for k, v in prefixed("gen.", G).items() if "running" in k})
    lc.write_safetensors(os.path.join(out, "pacgan-mlp.expected.safetensors"), expected, {})


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "src", "test", "resources", "torch")
    os.makedirs(out, exist_ok=True)
    cond_conv_vae(out)
    dcgan(out)
    cond_mlp_gan_sn(out)
    cond_mlp_gan_sn(out, aux_weight=0.5)
    pacgan_mlp(out)
    for f in sorted(os.listdir(out)):
        print(f, os.path.getsize(os.path.join(out, f)), "bytes")


if __name__ == "__main__":
    main()
