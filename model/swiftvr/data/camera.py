"""Synthetic camera paths over still photos: clips with exact ground truth.

A path gives, for every frame, where the camera looks in the photo: window centre (pixels),
zoom (photo pixels per output pixel) and rotation. Paths mix a linear pan, a zoom ramp, a small
rotation ramp and a smooth sub-pixel shake, so consecutive frames differ by real sub-pixel motion
as in footage. A frame is rendered by sampling the photo on the rotated, scaled grid with bicubic
interpolation at 2x the output resolution and averaging 2x2 blocks: the supersampling keeps the
ground truth sharp and alias-free whatever the sub-pixel phase, so its detail does not flicker.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

SUPERSAMPLE = 2


@dataclass(frozen=True)
class CameraPath:
    cx: Tensor      # [T] window centre x in photo pixels
    cy: Tensor      # [T]
    zoom: Tensor    # [T] photo pixels per output pixel (>= 1: never upsample the photo)
    angle: Tensor   # [T] radians


def zoom_that_fits(out_h: int, out_w: int, photo_h: int, photo_w: int, max_zoom: float) -> float:
    """The largest zoom up to max_zoom at which the window, with 15% to spare, fits the photo."""
    fit = min(photo_h / (out_h * 1.15), photo_w / (out_w * 1.15))
    if fit < 1.0:
        raise ValueError(f"photo {photo_w}x{photo_h} is too small for a {out_w}x{out_h} window")
    return min(max_zoom, fit)


def random_path(frames: int, out_h: int, out_w: int, photo_h: int, photo_w: int,
                gen: torch.Generator, max_zoom: float = 2.0) -> CameraPath:
    """A random path that keeps the whole (rotated) window inside the photo."""
    u = lambda: torch.rand((), generator=gen).item()  # noqa: E731
    t = torch.linspace(0.0, 1.0, frames, dtype=torch.float64)
    # zoom: start and end in [1, max_zoom], limited so the window still fits the photo
    hi = zoom_that_fits(out_h, out_w, photo_h, photo_w, max_zoom)
    z0 = 1.0 + (hi - 1.0) * u()
    z1 = z0 if u() < 0.4 else 1.0 + (hi - 1.0) * u()
    zoom = z0 + (z1 - z0) * t
    # rotation: mostly none, sometimes a slow roll of up to 3 degrees
    a_end = (u() - 0.5) * math.radians(6.0) if u() < 0.3 else 0.0
    angle = a_end * t
    # pan speed in output pixels per frame (0 .. 4), random direction
    speed = 4.0 * u() ** 2
    direction = 2 * math.pi * u()
    travel = speed * (frames - 1) * zoom.max().item()
    # shake: sum of two slow sinusoids per axis, amplitude up to 0.75 output pixels
    shake_amp = 0.75 * u()
    phases = [2 * math.pi * u() for _ in range(4)]
    k = torch.arange(frames, dtype=torch.float64)
    shake_x = shake_amp * (torch.sin(0.31 * k + phases[0]) + 0.5 * torch.sin(0.73 * k + phases[1])) / 1.5
    shake_y = shake_amp * (torch.sin(0.27 * k + phases[2]) + 0.5 * torch.sin(0.67 * k + phases[3])) / 1.5
    # half extent of the rotated window (in photo pixels), the largest over the path
    cos_a, sin_a = abs(math.cos(abs(a_end))), abs(math.sin(abs(a_end)))
    half_w = 0.5 * (out_w * cos_a + out_h * sin_a) * zoom.max().item() + 4
    half_h = 0.5 * (out_w * sin_a + out_h * cos_a) * zoom.max().item() + 4
    dx, dy = travel * math.cos(direction), travel * math.sin(direction)
    # the centre moves from c0 to c0 + (dx, dy); pick c0 so both ends stay inside
    lo_x, hi_x = half_w - min(0.0, dx), photo_w - half_w - max(0.0, dx)
    lo_y, hi_y = half_h - min(0.0, dy), photo_h - half_h - max(0.0, dy)
    if lo_x > hi_x or lo_y > hi_y:      # pan too long for this photo: keep the camera still
        dx = dy = 0.0
        lo_x, hi_x, lo_y, hi_y = half_w, photo_w - half_w, half_h, photo_h - half_h
    cx0 = lo_x + (hi_x - lo_x) * u()
    cy0 = lo_y + (hi_y - lo_y) * u()
    cx = cx0 + dx * t + shake_x * zoom
    cy = cy0 + dy * t + shake_y * zoom
    return CameraPath(cx.float(), cy.float(), zoom.float(), angle.float())


def handheld_path(frames: int, out_h: int, out_w: int, photo_h: int, photo_w: int,
                  gen: torch.Generator, max_speed: float = 20.0, max_zoom: float = 1.3) -> CameraPath:
    """Fast, back-and-forth motion like a hand-held camera following a moving subject: per axis
    the sum of two sinusoids whose peak speed is drawn up to `max_speed` output pixels per frame
    (per axis), plus a small rotation wobble. random_path pans at most 4 px per frame (mostly far
    less); real footage such as the held-out cockatoo moves 10-20 px per frame, and a model that
    has only seen slow motion blends misaligned frames there (docs/quality.md, "Fast motion")."""
    u = lambda: torch.rand((), generator=gen).item()  # noqa: E731
    k = torch.arange(frames, dtype=torch.float64)
    zoom = 1.0 + (zoom_that_fits(out_h, out_w, photo_h, photo_w, max_zoom) - 1.0) * u()
    wobble = math.radians(1.0) * u()
    angle = wobble * torch.sin(0.23 * k + 2 * math.pi * u())
    half_w = 0.5 * (out_w + out_h * math.sin(wobble)) * zoom + 4
    half_h = 0.5 * (out_h + out_w * math.sin(wobble)) * zoom + 4

    def axis(room: float) -> Tensor:
        # two sinusoids; amplitude a and angular frequency w give a peak speed of about a * w
        speed = max_speed * (0.25 + 0.75 * u())
        w1, w2 = 0.15 + 0.35 * u(), 0.4 + 0.5 * u()
        a1 = min(0.75 * speed / w1, 0.6 * room)
        a2 = min(0.25 * speed / w2, 0.4 * room)
        return (a1 * torch.sin(w1 * k + 2 * math.pi * u()) + a2 * torch.sin(w2 * k + 2 * math.pi * u())) * zoom

    room_x = max(0.0, (photo_w / 2 - half_w) / zoom)   # how far (output px) the centre may swing
    room_y = max(0.0, (photo_h / 2 - half_h) / zoom)
    swing_x, swing_y = axis(room_x), axis(room_y)
    # centre: anywhere the whole swing keeps the window inside the photo
    lo_x, hi_x = half_w - swing_x.min().item(), photo_w - half_w - swing_x.max().item()
    lo_y, hi_y = half_h - swing_y.min().item(), photo_h - half_h - swing_y.max().item()
    cx = lo_x + (hi_x - lo_x) * u() + swing_x
    cy = lo_y + (hi_y - lo_y) * u() + swing_y
    return CameraPath(cx.float(), cy.float(), torch.full((frames,), zoom, dtype=torch.float32), angle.float())


def render(photo: Tensor, path: CameraPath, out_h: int, out_w: int) -> Tensor:
    """photo: [3, H, W] float in [0, 1] (any device) -> clip [T, 3, out_h, out_w] in [0, 1]."""
    device = photo.device
    _, ph, pw = photo.shape
    frames = path.cx.numel()
    sh, sw = out_h * SUPERSAMPLE, out_w * SUPERSAMPLE
    # sample offsets from the window centre in output pixels, at supersampled pixel centres
    ys = (torch.arange(sh, device=device, dtype=torch.float32) + 0.5) / SUPERSAMPLE - out_h / 2
    xs = (torch.arange(sw, device=device, dtype=torch.float32) + 0.5) / SUPERSAMPLE - out_w / 2
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")                        # [sh, sw]
    zoom = path.zoom.to(device)[:, None, None]
    cos = torch.cos(path.angle.to(device))[:, None, None]
    sin = torch.sin(path.angle.to(device))[:, None, None]
    px = path.cx.to(device)[:, None, None] + zoom * (cos * gx - sin * gy)  # photo pixel coords
    py = path.cy.to(device)[:, None, None] + zoom * (sin * gx + cos * gy)
    # grid_sample with align_corners=False: pixel centre i sits at normalised (2i + 1) / size - 1
    grid = torch.stack([(2 * px) / pw - 1, (2 * py) / ph - 1], dim=-1)   # px already measures edges
    src = photo.unsqueeze(0).expand(frames, -1, -1, -1)
    fine = F.grid_sample(src, grid, mode="bicubic", padding_mode="border", align_corners=False)
    return F.avg_pool2d(fine, SUPERSAMPLE).clamp(0.0, 1.0)


def path_flow(path: CameraPath, out_h: int, out_w: int) -> Tensor:
    """The exact optical flow between consecutive frames of a path: [T - 1, 2, out_h, out_w], entry t - 1
    the flow from frame t - 1 to frame t in output pixels (x, then y) such that frame t at pixel p shows
    what frame t - 1 shows at p + flow(p) (the convention of swiftvr/detail.py's warp). The photo point
    that frame t shows at offset g from its centre is c_t + zoom_t R(angle_t) g; frame t - 1 shows it at
    R(-angle_t-1) (that point - c_t-1) / zoom_t-1."""
    ys = (torch.arange(out_h, dtype=torch.float64) + 0.5) - out_h / 2
    xs = (torch.arange(out_w, dtype=torch.float64) + 0.5) - out_w / 2
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    cx, cy, zoom, angle = (v.double()[:, None, None] for v in (path.cx, path.cy, path.zoom, path.angle))
    px = cx[1:] + zoom[1:] * (torch.cos(angle[1:]) * gx - torch.sin(angle[1:]) * gy)
    py = cy[1:] + zoom[1:] * (torch.sin(angle[1:]) * gx + torch.cos(angle[1:]) * gy)
    dx, dy = (px - cx[:-1]) / zoom[:-1], (py - cy[:-1]) / zoom[:-1]
    cos, sin = torch.cos(angle[:-1]), torch.sin(angle[:-1])
    earlier_x, earlier_y = cos * dx + sin * dy, -sin * dx + cos * dy
    return torch.stack([earlier_x - gx, earlier_y - gy], 1).float()


def crop_for_path(photo: Tensor, path: CameraPath, out_h: int, out_w: int) -> tuple[Tensor, CameraPath]:
    """The part of photo [C, H, W] that the path can see, and the path in that crop's coordinates
    (so only a few hundred pixels are converted to float and sampled, not the whole photo)."""
    _, ph, pw = photo.shape
    reach = 0.5 * math.hypot(out_h, out_w) * path.zoom.max().item() + 4
    x0 = max(0, int(math.floor(path.cx.min().item() - reach)))
    x1 = min(pw, int(math.ceil(path.cx.max().item() + reach)))
    y0 = max(0, int(math.floor(path.cy.min().item() - reach)))
    y1 = min(ph, int(math.ceil(path.cy.max().item() + reach)))
    shifted = CameraPath(path.cx - x0, path.cy - y0, path.zoom, path.angle)
    return photo[:, y0:y1, x0:x1], shifted
