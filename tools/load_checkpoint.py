#!/usr/bin/python3
"""Loads a LatentCL checkpoint into PyTorch modules with load_state_dict (strict: every name and shape must
match), to show that the file is a plain PyTorch state dict (no LatentCL code needed): the MLP VAE, the
convolutional VAE (torch_ref.py's ConvVAE, for any image shape and widths) and the DCGAN (torch_ref.py's
dcgan_nets at 28x28, pytorch/examples' 64x64 DCGAN with one block per doubling at 16-128). For a VAE with a
Bernoulli decoder and IDX_DIR it reports the test -ELBO; for a DCGAN it draws samples in [0, 1] and reports
their mean. Needs PyTorch and NumPy; reads safetensors with the standard library (pip's
`safetensors.torch.load_file` gives the same dict).

Conditional models (`--conditional`, a "classes" entry in the configuration) load too: the VAE's encoder reads
torch.cat([x, one_hot(y)], 1) (the conv VAE's heads read its flattened features with one_hot(y)) and its decoder
torch.cat([z, one_hot(y)], 1), and its prior is the class's, N(prior(y), I) with prior an nn.Embedding(classes,
latent) (a file from before the class prior has no prior.weight: its prior was N(0, I), so zeros are loaded); the
GAN's generator reads torch.cat([z, one_hot(y)], 1) and its discriminator is a
projection discriminator (Miyato & Koyama 2018): D(x, y) = head(f(x)) + <disc_embed(y), f(x)> with disc_embed an
nn.Embedding(classes, features), spectrally normalized with the rest (with `--conditioning concat`, the MLP
discriminator reads torch.cat([x, one_hot(y)], 1) instead). With `--aux-classifier` (AC-GAN) the discriminator has a
second head on the same features, disc_aux, an nn.Linear(features, classes) (spectrally normalized with the rest);
the script reports how often it classifies the samples as the class they were drawn for.

A GAN trained with a generator average (`--g-ema`) holds it as `ema.gen.*` beside `gen.*`: it loads, strictly, into a
second copy of the generator (with the trained generator's batch-norm buffers, which the average does not keep),
and the samples reported come from it, as LatentCL's `sample` and `eval` draw them.

A GAN on points trained in standardized units ("standardized" in the configuration) holds the data's moments as
`data_mean` and `data_std`: its generator's output h means data_mean + data_std * h, and its discriminator reads
(x - data_mean) / data_std. A residual generator ("gen_residual") is G(z) = z + MLP(z), the MLP's names unchanged.

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


def write_safetensors(path, tensors, metadata):
    """Writes a safetensors file (float32, or int64 for integer arrays) with the standard library and NumPy, as
    tools/dcgan-trace.py and tools/torch-fixtures.py write their files."""
    header, offset, blobs = {"__metadata__": metadata}, 0, []
    for name, t in tensors.items():
        t = t.detach().numpy() if torch.is_tensor(t) else t
        dtype = "I64" if t.dtype == np.int64 else "F32"
        data = np.ascontiguousarray(t, dtype=np.int64 if dtype == "I64" else np.float32).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)) + head + b"".join(blobs))


def gan_state(G, D):
    """Every float tensor of a GAN's two networks under LatentCL's names (gen.N.*, disc.N.*), as NumPy arrays; no
    num_batches_tracked (tools/dcgan-trace.py and tools/dcgan-twin-run.py record these)."""
    out = {}
    for prefix, net in (("gen.", G), ("disc.", D)):
        for k, v in net.state_dict().items():
            if v.dtype.is_floating_point:
                out[prefix + k] = v.detach().numpy().copy()
    return out


class VAE(nn.Module):
    """The architecture LatentCL trains: Linear layers named enc.i, mu, logvar, dec.i; ReLU between them."""

    def __init__(self, cfg):
        super().__init__()
        classes = cfg.get("classes", 0)
        self.classes = classes
        enc = [cfg["input"] + classes] + cfg["hidden"]
        dec = [cfg["latent"] + classes] + cfg["hidden"][::-1] + [cfg["input"]]
        self.enc = nn.ModuleList(nn.Linear(a, b) for a, b in zip(enc, enc[1:]))
        self.mu = nn.Linear(enc[-1], cfg["latent"])
        self.logvar = nn.Linear(enc[-1], cfg["latent"])
        self.dec = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dec, dec[1:]))
        if classes:
            self.prior = nn.Embedding(classes, cfg["latent"])

    def encode(self, x, y=None):
        if self.classes:
            x = torch.cat([x, F.one_hot(y, self.classes).float()], 1)
        for layer in self.enc:
            x = F.relu(layer(x))
        return self.mu(x), self.logvar(x)

    def decode(self, h, y=None):
        if self.classes:
            h = torch.cat([h, F.one_hot(y, self.classes).float()], 1)
        for i, layer in enumerate(self.dec):
            h = layer(h) if i == len(self.dec) - 1 else F.relu(layer(h))
        return h

    def forward(self, x, y=None):
        mu, logvar = self.encode(x, y)
        h = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        return self.decode(h, y), mu, logvar


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
        self.classes = cfg.get("classes", 0)
        self.mu = nn.Linear(feat + self.classes, cfg["latent"])
        self.logvar = nn.Linear(feat + self.classes, cfg["latent"])
        dec = [nn.Linear(cfg["latent"] + self.classes, feat), nn.ReLU(), nn.Unflatten(1, (widths[-1], h >> k, w >> k))]
        for j in range(k - 1, -1, -1):
            dec.append(nn.ConvTranspose2d(widths[j], c if j == 0 else widths[j - 1], 4, 2, 1))
            if j > 0:
                dec.append(nn.ReLU())
        self.dec = nn.Sequential(*dec, nn.Flatten())
        self.shape = (c, h, w)
        if self.classes:
            self.prior = nn.Embedding(self.classes, cfg["latent"])

    def encode(self, x, y=None):
        h = self.enc(x.view(-1, *self.shape))
        if self.classes:
            h = torch.cat([h, F.one_hot(y, self.classes).float()], 1)
        return self.mu(h), self.logvar(h)

    def decode(self, z, y=None):
        if self.classes:
            z = torch.cat([z, F.one_hot(y, self.classes).float()], 1)
        return self.dec(z)

    def forward(self, x, y=None):
        mu, logvar = self.encode(x, y)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        return self.decode(z, y), mu, logvar


class MinibatchStd(nn.Module):
    """Karras et al.'s minibatch standard deviation over the whole batch, appended as one channel (or feature)."""

    def forward(self, x):
        s = torch.sqrt(x.var(dim=0, unbiased=False) + 1e-8).mean()
        extra = s.expand(x.shape[0], 1, *x.shape[2:])
        return torch.cat([x, extra], dim=1)


class Packed(nn.Module):
    """PacGAN: consecutive groups of `pack` examples judged as one (features or channels concatenated)."""

    def __init__(self, pack, net):
        super().__init__()
        self.pack, self.net = pack, net

    def forward(self, x):
        return self.net(x.reshape(x.shape[0] // self.pack, -1, *x.shape[2:]))


def stabilized(d, cfg):
    """The discriminator with the checkpoint's stabilizers: spectral norm on every Linear and Conv2d
    (torch.nn.utils.spectral_norm: weight_orig, weight_u, weight_v), as LatentCL names them."""
    if cfg.get("spectral_norm"):
        for i, m in enumerate(d):
            if isinstance(m, (nn.Linear, nn.Conv2d)):
                d[i] = nn.utils.spectral_norm(m)
    return d


class Mlp(nn.Module):
    """LatentCL's MLP: Linear layers named 0, 1, ... with LeakyReLU between; the minibatch std feature, when
    present, before the last Linear. With batch_norm, a BatchNorm1d (named bn.0, bn.1, ...) before each hidden
    activation; with maxout > 1, each hidden Linear gives `maxout` values per unit and the unit keeps their maximum
    (x.view(-1, units, maxout).max(-1)) in place of LeakyReLU. Indexing and iterating give the Linear layers."""

    def __init__(self, sizes, slope, output, mbstd=False, maxout=1, batch_norm=False):
        super().__init__()
        last = len(sizes) - 2
        self.linears = []
        for i in range(len(sizes) - 1):
            self[i] = nn.Linear(sizes[i] + (1 if mbstd and i == last else 0), sizes[i + 1] * (maxout if i < last else 1))
        self.slope, self.output, self.mbstd, self.maxout = slope, output, mbstd, maxout
        self.bn = nn.ModuleList([nn.BatchNorm1d(sizes[i + 1]) for i in range(last)]) if batch_norm else None

    def __len__(self):
        return len(self.linears)

    def __iter__(self):
        return iter(self.linears)

    def __getitem__(self, i):
        return self.linears[i]

    def __setitem__(self, i, module):
        """Sets Linear layer i (the next one when i is their count), registered under its index as nn.ModuleList would."""
        if i == len(self.linears):
            self.linears.append(module)
        else:
            i %= len(self.linears)
            self.linears[i] = module
        self.add_module(str(i), module)

    def hidden(self, i, x):
        """Hidden layer i: its Linear, batch norm when present, then its units (LeakyReLU or maxout)."""
        x = self[i](x)
        if self.bn is not None:
            x = self.bn[i](x)
        if self.maxout > 1:
            return x.view(x.shape[0], -1, self.maxout).max(-1).values
        return F.leaky_relu(x, self.slope)

    def forward(self, x):
        for i in range(len(self) - 1):
            x = self.hidden(i, x)
        if self.mbstd:
            x = MinibatchStd()(x)
        return self.output(self[-1](x))


class ResidualMlp(Mlp):
    """z + Mlp(z), named as the Mlp is."""

    def forward(self, x):
        return x + super().forward(x)


def mlp_features(d, x):
    """The MLP discriminator's last features (what a projection discriminator's embedding meets): every layer but
    the last with its units, then the minibatch std feature when present."""
    for i in range(len(d) - 1):
        x = d.hidden(i, x)
    return MinibatchStd()(x) if d.mbstd else x


def judge(D, E, x, y, conv, classes=0):
    """D's logits; with a class embedding E (a conditional GAN), the projection <E(y), features> added; with
    classes and no E (--conditioning concat), D reads torch.cat([x, one_hot(y)], 1)."""
    if E is None:
        return D(torch.cat([x, F.one_hot(y, classes).float()], 1)) if classes else D(x)
    if conv:
        f = D[:-2](x)
        return D[-2:](f) + (E(y) * f.flatten(1)).sum(1, keepdim=True)
    f = mlp_features(D, x)
    return D[-1](f) + (E(y) * f).sum(1, keepdim=True)


def embedding(cfg, tensors):
    """A conditional GAN's class embedding, disc_embed (spectrally normalized when the discriminator is), or None."""
    classes = cfg.get("classes", 0)
    if not classes or cfg.get("conditioning") == "concat":
        return None
    weights = {k[len("disc_embed."):]: v for k, v in tensors.items() if k.startswith("disc_embed.")}
    dim = (weights.get("weight_orig") if "weight_orig" in weights else weights["weight"]).shape[1]
    E = nn.Embedding(classes, dim)
    if cfg.get("spectral_norm"):
        E = nn.utils.spectral_norm(E)
    E.load_state_dict(weights)  # strict
    return E


def aux_classifier(cfg, tensors):
    """An AC-GAN's auxiliary classifier, disc_aux (spectrally normalized when the discriminator is), or None."""
    weights = {k[len("disc_aux."):]: v for k, v in tensors.items() if k.startswith("disc_aux.")}
    if not cfg.get("aux_weight"):
        return None
    w = weights.get("weight_orig") if "weight_orig" in weights else weights["weight"]
    A = nn.Linear(w.shape[1], w.shape[0])
    if cfg.get("spectral_norm"):
        A = nn.utils.spectral_norm(A)
    A.load_state_dict(weights)  # strict
    return A


def features(D, x, conv):
    """The discriminator's last features, which the projection and the auxiliary classifier read."""
    return D[:-2](x).flatten(1) if conv else mlp_features(D, x)


def mlp_gan(cfg):
    """The MLP GAN, named as LatentCL's checkpoints name it (gen.0, gen.1, ...; disc.0, disc.1, ...)."""
    slope, pack = cfg["slope"], cfg.get("pack", 1)
    g = (ResidualMlp if cfg.get("gen_residual") else Mlp)([cfg["noise"] + cfg.get("classes", 0)] + cfg["gen_hidden"] + [cfg["data"]], slope,
            torch.sigmoid if cfg["output"] == "sigmoid" else (lambda x: x), batch_norm=cfg.get("gen_batch_norm", False))
    concat = cfg.get("conditioning") == "concat"
    d = Mlp([cfg["data"] * pack + (cfg["classes"] if concat else 0)] + cfg["disc_hidden"] + [1], slope, lambda x: x,
            cfg.get("minibatch_std", False), maxout=cfg.get("disc_maxout", 1))
    return g, stabilized(d, cfg)


def dcgan(cfg):
    """The DCGAN LatentCL trains, as nn.Sequential modules named as its checkpoints name them."""
    c, side, _ = cfg["image"]
    nz, ngf, ndf = cfg["noise"], cfg["gen_hidden"][0], cfg["disc_hidden"][0]
    if side == 28:
        gw, kernels = [4 * ngf, 2 * ngf, ngf], [4, 3, 4]
    else:
        blocks = side.bit_length() - 3  # side = 4 * 2^blocks
        gw, kernels = [ngf << (blocks - 1 - i) for i in range(blocks)], [4] * blocks
    g, ch = [], nz + cfg.get("classes", 0)
    for i, (width, k) in enumerate(zip(gw, kernels)):
        g += [nn.ConvTranspose2d(ch, width, 4, 1, 0, bias=False) if i == 0 else nn.ConvTranspose2d(ch, width, k, 2, 1, bias=False),
              nn.BatchNorm2d(width), nn.ReLU()]
        ch = width
    g += [nn.ConvTranspose2d(ch, c, 4, 2, 1, bias=False), nn.Tanh()]
    blocks = 3 if side == 28 else side.bit_length() - 3
    d, ch, h = [], c * cfg.get("pack", 1), side
    batch_norm = cfg.get("disc_batch_norm", True)  # without it, the middle convolutions take a bias
    for i in range(blocks):
        normalized = i > 0 and batch_norm
        d.append(nn.Conv2d(ch, ndf << i, 4, 2, 1, bias=not (i == 0 or normalized)))
        h = (h + 2 - 4) // 2 + 1
        if normalized:
            d.append(nn.BatchNorm2d(ndf << i))
        d.append(nn.LeakyReLU(0.2))
        ch = ndf << i
    if cfg.get("minibatch_std"):
        d.append(MinibatchStd())
        ch += 1
    d += [nn.Conv2d(ch, 1, h, 1, 0, bias=False), nn.Flatten()]
    return nn.Sequential(*g), stabilized(nn.Sequential(*d), cfg)


def read_idx(path):
    """The images of an IDX file (gzip) as rows in [0, 1]."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims[0], -1).astype(np.float32) / 255.0


def main():
    tensors, meta = load_safetensors(sys.argv[1])
    cfg = json.loads(meta["config"])
    if meta["model"] == "gan":
        conv = cfg.get("arch") == "dcgan"
        G, D = dcgan(cfg) if conv else mlp_gan(cfg)
        G.load_state_dict({k[4:]: v for k, v in tensors.items() if k.startswith("gen.")})  # strict
        if any(k.startswith("ema.gen.") for k in tensors):
            averaged = {k[8:]: v for k, v in tensors.items() if k.startswith("ema.gen.")}
            buffers = {k[4:]: v for k, v in tensors.items() if k.startswith("gen.") and k[4:] not in averaged}
            G_ema = dcgan(cfg)[0] if conv else mlp_gan(cfg)[0]
            G_ema.load_state_dict({**averaged, **buffers})  # strict
            print("loaded the generator average (ema.gen.*) as the sampling generator")
            G = G_ema
        D.load_state_dict({k[5:]: v for k, v in tensors.items() if k.startswith("disc.")})
        E = embedding(cfg, tensors)
        A = aux_classifier(cfg, tensors)
        print("loaded", meta["model"], cfg)
        G.eval()
        D.eval()
        pack = cfg.get("pack", 1)
        classes = cfg.get("classes", 0)
        torch.manual_seed(0)
        with torch.no_grad():
            z = torch.randn(64, cfg["noise"], 1, 1) if conv else torch.randn(64, cfg["noise"])
            y = torch.arange(64) % max(classes, 1)
            if classes:
                onehot = F.one_hot(y, classes).float()
                z = torch.cat([z, onehot[:, :, None, None] if conv else onehot], 1)
            fake = G(z)
            judged = fake
            if cfg.get("standardized"):  # G's output and D's input in standardized units, the samples in the data's
                fake = fake * tensors["data_std"] + tensors["data_mean"]
            if E is not None:
                E.eval()
            p = torch.sigmoid(Packed(pack, D)(judged) if pack > 1 else judge(D, E, judged, y, conv, classes))
            s = (fake + 1) / 2 if conv else fake
            report = {"samples": list(s.shape), "mean": round(float(s.mean()), 4), "mean_D_fake": round(float(p.mean()), 4)}
            if A is not None:
                A.eval()
                report["aux_agrees"] = round(float((A(features(D, fake, conv)).argmax(1) == y).float().mean()), 4)
        print(json.dumps(report))
        return
    model = ConvVAE(cfg) if cfg.get("arch") == "conv" else VAE(cfg)
    if cfg.get("classes") and "prior.weight" not in tensors:
        tensors["prior.weight"] = torch.zeros(cfg["classes"], cfg["latent"])  # written before the class prior: N(0, I)
    model.load_state_dict(tensors)  # strict: every name and shape must match
    print("loaded", meta["model"], cfg)
    if len(sys.argv) > 2 and cfg["decoder"] == "bernoulli":
        x = torch.from_numpy(read_idx(os.path.join(sys.argv[2], "t10k-images-idx3-ubyte.gz")))
        y = None
        if cfg.get("classes"):
            with gzip.open(os.path.join(sys.argv[2], "t10k-labels-idx1-ubyte.gz"), "rb") as f:
                y = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64))
        torch.manual_seed(0)
        with torch.no_grad():
            logits, mu, logvar = model(x, y)
            bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
            m = model.prior(y) if y is not None else 0  # the class prior's mean
            kl = -0.5 * torch.sum(1 + logvar - (mu - m).pow(2) - logvar.exp())
        print(json.dumps({"test_loss": round(float(bce + kl) / x.shape[0], 3)}))


if __name__ == "__main__":
    main()
