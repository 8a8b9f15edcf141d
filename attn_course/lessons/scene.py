"""A synthetic visual scene and a feature-based attention heat map over it.

The human-vision analogy, made computable. Early vision is often modelled as a
set of feature maps (colour, shape, ...) over the visual field, and attention
as a competition between locations for those features (Itti et al., 1998).
Here the scene is cut into patches, each patch is described by ideal feature
detectors (how much of it is red, green, ..., circle, square, ...), a query
such as "red circle" scores each patch by a dot product with its features,
and a softmax over patches turns the scores into where to look. The most
attended patch is the glimpse a hard-attention model would take
(Mnih et al., 2014); the soft map is what a soft-attention model averages
over (Xu et al., 2015).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from matplotlib.figure import Figure

from .._validation import check_positive, check_positive_int
from ..plots.explorer import Explorer
from ..plots.overlays import plot_scene_attention
from ..softmax import masked_softmax

#: Colour name -> RGB in [0, 1].
COLORS: dict[str, tuple[float, float, float]] = {
    "red": (0.86, 0.16, 0.14),
    "green": (0.18, 0.62, 0.27),
    "blue": (0.18, 0.36, 0.85),
    "yellow": (0.96, 0.78, 0.10),
}
#: Shape kinds the generator draws.
KINDS: tuple[str, ...] = ("circle", "square", "triangle")
#: Names of the patch features, in order: one per colour, then one per kind.
FEATURES: tuple[str, ...] = (*COLORS, *KINDS)


@dataclass(frozen=True)
class Shape:
    kind: str
    color: str
    center: tuple[int, int]  # (row, column) in pixels
    radius: int


@dataclass(frozen=True)
class Scene:
    """A drawn scene. ``color_map``/``kind_map`` hold an index per pixel (-1 = background)."""

    image: torch.Tensor  # (H, W, 3) float32 in [0, 1]
    color_map: torch.Tensor  # (H, W) int64, index into COLORS
    kind_map: torch.Tensor  # (H, W) int64, index into KINDS
    shapes: list[Shape] = field(default_factory=list)

    @property
    def size(self) -> int:
        return self.image.shape[0]


def _check_choice(name: str, value: object, options: tuple[str, ...]) -> None:
    if value not in options:
        raise ValueError(f"{name} must be one of {list(options)}, got {value!r}")


def _shape_mask(
    kind: str, rows: torch.Tensor, cols: torch.Tensor, center: tuple[int, int], radius: int
) -> torch.Tensor:
    dy, dx = rows - center[0], cols - center[1]  # (H, W) each
    if kind == "circle":
        return dy**2 + dx**2 < radius**2  # strict, so the rim has no one-pixel nubs
    if kind == "square":
        half = 0.85 * radius
        return (dy.abs() <= half) & (dx.abs() <= half)
    # triangle, apex up: width grows linearly from the apex to the base
    return (dy >= -radius) & (dy <= 0.8 * radius) & (dx.abs() <= 0.5 * (dy + radius))


def make_scene(
    *, size: int = 96, num_shapes: int = 8, grid: int = 4, include: tuple[tuple[str, str], ...] = (),
    seed: int = 0,
) -> Scene:
    """Draw ``num_shapes`` non-overlapping shapes on a ``grid`` × ``grid`` layout.

    Args:
        size: image side in pixels (a multiple of ``grid``).
        num_shapes: how many shapes (at most grid²).
        grid: cells per side; each shape sits, jittered, in its own cell.
        include: (colour, kind) pairs that must appear; the rest are random.
        seed: all randomness comes from this seed.

    Returns:
        a :class:`Scene` with the image and per-pixel colour/kind labels.
    """
    check_positive_int("size", size)
    check_positive_int("num_shapes", num_shapes)
    check_positive_int("grid", grid)
    if size % grid != 0 or size // grid < 12:
        raise ValueError(f"size must be a multiple of grid with cells of at least 12 px, got size={size}, grid={grid}")
    if num_shapes > grid * grid or len(include) > num_shapes:
        raise ValueError(
            f"need len(include) <= num_shapes <= grid**2, got include={len(include)}, "
            f"num_shapes={num_shapes}, grid**2={grid * grid}"
        )
    for color, kind in include:
        _check_choice("include colour", color, tuple(COLORS))
        _check_choice("include kind", kind, KINDS)
    gen = torch.Generator().manual_seed(seed)
    cell = size // grid
    rows, cols = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")  # (H, W)
    image = 0.92 + 0.03 * torch.rand(size, size, 1, generator=gen)  # light, slightly noisy background
    image = image.expand(size, size, 3).clone()  # (H, W, 3)
    color_map = torch.full((size, size), -1, dtype=torch.long)
    kind_map = torch.full((size, size), -1, dtype=torch.long)
    cells = torch.randperm(grid * grid, generator=gen)[:num_shapes].tolist()
    names = list(COLORS)
    shapes = []
    for i, cell_index in enumerate(cells):
        if i < len(include):
            color, kind = include[i]
        else:
            color = names[int(torch.randint(len(names), (1,), generator=gen))]
            kind = KINDS[int(torch.randint(len(KINDS), (1,), generator=gen))]
        radius = int(torch.randint(int(0.3 * cell), int(0.4 * cell) + 1, (1,), generator=gen))
        jitter = cell // 2 - radius - 1
        offset = torch.randint(-jitter, jitter + 1, (2,), generator=gen).tolist() if jitter > 0 else [0, 0]
        row, col = divmod(cell_index, grid)
        center = (row * cell + cell // 2 + offset[0], col * cell + cell // 2 + offset[1])
        inside = _shape_mask(kind, rows, cols, center, radius)  # (H, W) bool
        image[inside] = torch.tensor(COLORS[color])
        color_map[inside] = names.index(color)
        kind_map[inside] = KINDS.index(kind)
        shapes.append(Shape(kind, color, center, radius))
    return Scene(image.float(), color_map, kind_map, shapes)


def patch_features(scene: Scene, patch_size: int = 6) -> torch.Tensor:
    """Ideal feature detectors per patch: the fraction of its pixels of each colour and each kind.

    Returns:
        features: (H/p, W/p, len(FEATURES)), in the order of :data:`FEATURES`.
    """
    check_positive_int("patch_size", patch_size)
    if scene.size % patch_size != 0:
        raise ValueError(f"patch_size must divide the scene size {scene.size}, got {patch_size}")
    n = scene.size // patch_size
    onehots = [torch.nn.functional.one_hot(m + 1, num_classes=k + 1)[..., 1:]  # drop background
               for m, k in ((scene.color_map, len(COLORS)), (scene.kind_map, len(KINDS)))]
    per_pixel = torch.cat(onehots, dim=-1).float()  # (H, W, F)
    patches = per_pixel.reshape(n, patch_size, n, patch_size, -1)  # (n, p, n, p, F)
    return patches.mean(dim=(1, 3))  # (n, n, F)


def feature_query(color: str | None, kind: str | None) -> torch.Tensor:
    """A query vector over :data:`FEATURES`: 1 for the asked colour and kind (None = any)."""
    if color is not None:
        _check_choice("color", color, tuple(COLORS))
    if kind is not None:
        _check_choice("kind", kind, KINDS)
    return torch.tensor([float(name in (color, kind)) for name in FEATURES])  # (F,)


def attention_heatmap(
    scene: Scene, color: str | None, kind: str | None, *, patch_size: int = 6, temperature: float = 0.25,
) -> torch.Tensor:
    """Where a query like "red circle" looks: softmax over patches of (features · query) / temperature.

    Returns:
        weights: (H/p, W/p), non-negative and summing to 1.
    """
    check_positive("temperature", temperature)
    features = patch_features(scene, patch_size)  # (n, n, F)
    scores = features @ feature_query(color, kind) / temperature  # (n, n)
    return masked_softmax(scores.flatten()).reshape(scores.shape)  # (n, n)


def scene_explorer(scene: Scene, *, patch_size: int = 6) -> Explorer:
    """Pick the query's colour and kind and watch the heat map move.

    Colour and kind are buttons, precomputed for the book (12 frames); the
    temperature slider is live in Jupyter only.
    """

    def weights_for(params: dict) -> torch.Tensor:
        return attention_heatmap(scene, params["color"], params["kind"], patch_size=patch_size,
                                 temperature=params["temperature"])  # (n, n)

    def draw(fig: Figure, color: str, kind: str, temperature: float) -> None:
        weights = weights_for({"color": color, "kind": kind, "temperature": temperature})
        ax = fig.subplots()
        plot_scene_attention(scene, weights, ax=ax)
        ax.set_title(f'query: "{color} {kind}"  (top patch weight {float(weights.max()):.2f})')

    def describe(params: dict) -> str:
        return (f'The scene with the attention for "{params["color"]} {params["kind"]}" overlaid; the top patch '
                f"weight is {float(weights_for(params).max()):.2f}.")

    controls = {"color": list(COLORS), "kind": list(KINDS), "temperature": [0.1, 0.25, 0.5, 1.0, 2.0]}
    return Explorer(draw, controls, initial={"color": "red", "kind": "circle", "temperature": 0.25},
                    static=["color", "kind"], figsize=(4.2, 4.4), title="Change the question",
                    labels={"color": "colour", "temperature": "temperature T"}, describe=describe)
