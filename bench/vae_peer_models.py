"""The VAEs of the Python peers (bench/train_python_peer.py, bench/gpu/peer.py), written the
way a PyTorch user writes them and shaped as vaesweep's VaeNet (src/models/networks.cpp):
an MLP VAE (ReLU encoder, mean and log-variance heads, a mirrored decoder) and the conv 2-D
VAE (Conv2d kernel 3, stride 2, padding 1, ReLU; heads on the flattened features; a Linear back
to the last conv's size, then ConvTranspose2d layers mirroring the encoder). Torch only."""
import torch
import torch.nn as nn


class VAE(nn.Module):
    def __init__(self, d, hidden=(64, 32), latent_dim=16):
        super().__init__()
        layers, width = [], d
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU()]
            width = h
        self.encoder = nn.Sequential(*layers)
        self.to_mean = nn.Linear(width, latent_dim)
        self.to_logvar = nn.Linear(width, latent_dim)
        layers, width = [], latent_dim
        for h in reversed(hidden):
            layers += [nn.Linear(width, h), nn.ReLU()]
            width = h
        layers.append(nn.Linear(width, d))
        self.decoder = nn.Sequential(*layers)

    def encode(self, x):
        h = self.encoder(x)
        return self.to_mean(h), self.to_logvar(h)


class ConvVAE(nn.Module):
    """One-channel bands x frames images, flattened in the rows."""

    def __init__(self, bands, frames, hidden=(16, 32), latent_dim=16):
        super().__init__()
        sizes = [(bands, frames)]
        for _ in hidden:
            sizes.append(tuple((s + 1) // 2 for s in sizes[-1]))
        layers, channels = [], 1
        for h in hidden:
            layers += [nn.Conv2d(channels, h, 3, stride=2, padding=1), nn.ReLU()]
            channels = h
        self.encoder = nn.Sequential(nn.Unflatten(1, (1, bands, frames)), *layers, nn.Flatten())
        flat = hidden[-1] * sizes[-1][0] * sizes[-1][1]
        self.to_mean = nn.Linear(flat, latent_dim)
        self.to_logvar = nn.Linear(flat, latent_dim)
        layers = [nn.Linear(latent_dim, flat), nn.ReLU(), nn.Unflatten(1, (hidden[-1], *sizes[-1]))]
        for i in reversed(range(len(hidden))):
            out = hidden[i - 1] if i > 0 else 1
            padding = tuple(1 - s % 2 for s in sizes[i])
            layers.append(nn.ConvTranspose2d(hidden[i], out, 3, stride=2, padding=1, output_padding=padding))
            if i > 0:
                layers.append(nn.ReLU())
        self.decoder = nn.Sequential(*layers, nn.Flatten())

    def encode(self, x):
        h = self.encoder(x)
        return self.to_mean(h), self.to_logvar(h)


def kl_terms(mean, logvar):
    return 0.5 * (mean ** 2 + logvar.exp() - 1 - logvar)


def vae_loss(model, x, beta=1.0):
    """Squared error summed over features + beta * KL summed over latent dimensions, both
    averaged over the batch, with one reparameterised sample."""
    mean, logvar = model.encode(x)
    z = mean + torch.randn_like(mean) * torch.exp(0.5 * logvar)
    return ((model.decoder(z) - x) ** 2).sum(1).mean() + beta * kl_terms(mean, logvar).sum(1).mean()
