"""Small grayscale images of procedurally drawn shapes, anywhere in the frame.

Four classes (:data:`SHAPES`): a filled disk, a square outline, a plus
sign and a diagonal cross, each with a random size and position plus pixel
noise. A tiny Vision Transformer (Dosovitskiy et al., 2021) has to find the
shape among its patches before it can name it, so its attention maps show
*where* it looked.
"""

from __future__ import annotations

import torch

from .._random import as_generator, randint, uniform
from .._validation import check_nonnegative_int

SHAPES = ("disk", "square", "plus", "cross")


def draw_shape(shape: str, size: int, center: tuple[float, float], radius: float) -> torch.Tensor:
    """A ``(size, size)`` image in [0, 1] with one ``shape`` of half-width ``radius`` at ``center=(row, col)``."""
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {SHAPES}, got {shape!r}")
    rows = torch.arange(size, dtype=torch.float32)[:, None]  # (size, 1)
    cols = torch.arange(size, dtype=torch.float32)[None, :]  # (1, size)
    dy, dx = rows - center[0], cols - center[1]  # (size, size) after broadcasting
    if shape == "disk":
        inside = dy**2 + dx**2 <= radius**2
    elif shape == "square":
        edge = torch.maximum(dy.abs(), dx.abs())
        inside = (edge <= radius) & (edge >= radius - 1.5)
    elif shape == "plus":
        inside = ((dy.abs() <= 1.0) & (dx.abs() <= radius)) | ((dx.abs() <= 1.0) & (dy.abs() <= radius))
    else:  # cross: the plus turned by 45 degrees
        within = torch.maximum(dy.abs(), dx.abs()) <= radius
        inside = within & (((dy - dx).abs() <= 1.2) | ((dy + dx).abs() <= 1.2))
    return inside.float()


def shape_images(
    n: int, seed: int | torch.Generator, *, size: int = 24, noise: float = 0.15,
    min_radius: float = 3.5, max_radius: float = 6.5,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``n`` images with labels and centres.

    Returns:
        images: (n, 1, size, size) float32, labels: (n,) long (index into :data:`SHAPES`),
        centers: (n, 2) float32 (row, col) of each shape.
    """
    check_nonnegative_int("n", n)
    if isinstance(size, bool) or not isinstance(size, int) or size < 2 * max_radius + 3:
        raise ValueError(f"size must be an int >= 2 * max_radius + 3 = {2 * max_radius + 3}, got {size!r}")
    if not 0 < min_radius <= max_radius:
        raise ValueError(f"need 0 < min_radius <= max_radius, got {min_radius}, {max_radius}")
    generator = as_generator(seed)
    images = torch.empty(n, 1, size, size)
    labels = torch.empty(n, dtype=torch.long)
    centers = torch.empty(n, 2)
    for i in range(n):
        label = randint(generator, 0, len(SHAPES))
        radius = uniform(generator, min_radius, max_radius)
        low, high = radius + 1.0, size - 2.0 - radius
        center = (uniform(generator, low, high), uniform(generator, low, high))
        image = draw_shape(SHAPES[label], size, center, radius)
        image = image + noise * torch.randn(size, size, generator=generator)
        images[i, 0], labels[i], centers[i] = image, label, torch.tensor(center)
    return images, labels, centers
