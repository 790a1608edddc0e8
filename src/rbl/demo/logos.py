"""Made-up logos for the demo municipalities (never a real municipality's
coat of arms): a coloured shield with the initials and the name, as PNG,
so the demo's letters look like real ones."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from rbl.organisation.models import Municipality

_COLOURS = ["#154273", "#8b1538", "#2a6b33", "#6b3fa0", "#b35900", "#00689e", "#5c4033"]
_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _font(size: int):
    try:
        return ImageFont.truetype(_FONT, size)
    except OSError:  # no DejaVu on this machine: Pillow's own font
        return ImageFont.load_default(size)


def logo_png(name: str) -> Image.Image:
    colour = _COLOURS[int(hashlib.sha1(name.encode()).hexdigest(), 16) % len(_COLOURS)]
    image = Image.new("RGB", (600, 200), "white")
    draw = ImageDraw.Draw(image)
    draw.polygon([(20, 20), (160, 20), (160, 120), (90, 180), (20, 120)], fill=colour)
    initials = "".join(w[0] for w in name.replace("-", " ").split()[:2]).upper()
    draw.text((90, 85), initials, fill="white", font=_font(56), anchor="mm")
    draw.text((185, 70), "Gemeente", fill="#333333", font=_font(30), anchor="lm")
    draw.text((185, 120), name, fill=colour, font=_font(44), anchor="lm")
    return image


def install_demo_logos() -> int:
    """Write a logo for every municipality of the region without one."""
    folder = Path(settings.MEDIA_ROOT) / "logos"
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for municipality in Municipality.objects.filter(region__isnull=False, logo=""):
        name = f"logos/{municipality.code}.png"
        logo_png(municipality.name).save(Path(settings.MEDIA_ROOT) / name, optimize=True)
        Municipality.objects.filter(pk=municipality.pk).update(logo=name)
        count += 1
    return count
