"""An entry's share card: Card (headline, digest name, date line, language) -> a 1200x630 PNG.

Link previews on social sites and chat apps show this image. It is drawn with Pillow in the digest's
colours. CJK headlines need a CJK font: the first of FONTS found is used (Debian's `fonts-noto-cjk`,
which `make fonts` installs), and without one DejaVu Sans or Pillow's own font, whose missing glyphs
show as boxes. `STYLE` changes with this file and the font, so a card is drawn again only when
something it shows, or the way it is drawn, changes.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image, ImageFont

    Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
BACKGROUND, INK, ACCENT, MUTED, LINE = "#fdfcf8", "#1b1b1b", "#8a1c1c", "#595959", "#d9d4c7"
HEADLINE_SIZES = (68, 60, 52, 44)  # the largest at which the headline fits in MAX_LINES
MAX_LINES = 5
NOTO = Path("/usr/share/fonts/opentype/noto")
FONTS = (NOTO / "NotoSansCJK-Bold.ttc", Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"))
# The faces of the Noto CJK collection, by the glyph shapes a language expects for the same character.
_FACES = {"ja": 0, "ko": 1, "zh-hant": 3, "zh-tw": 3, "zh-hk": 4, "zh-mo": 4}
_SIMPLIFIED = 2
# A line may break after any CJK character or full-width mark, but not before a closing mark, and
# elsewhere only at spaces.
_TOKEN = (r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef][\u3001\u3002\u300d\u300f\u3011"
          r"\uff01\uff09\uff0c\uff1a\uff1b\uff1f]*|[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+\s*|\s+")


@dataclass(frozen=True, slots=True)
class Card:
    """Everything a share card shows; its repr is part of the card's fingerprint."""

    headline: str
    digest: str
    byline: str  # e.g. "15 September 2020 · speech"
    language: str


@functools.cache
def _tokens() -> re.Pattern[str]:
    return re.compile(_TOKEN)  # compiled when a card is drawn, not on import: 3 ms, a hundredth of a rebuild


def font_path() -> Path | None:
    return next((path for path in FONTS if path.is_file()), None)


def _face(path: Path | None, language: str) -> int:
    if path is None or path.suffix != ".ttc":
        return 0
    tag = language.lower()
    return next((face for prefix, face in _FACES.items() if tag == prefix or tag.startswith(prefix + "-")),
                _SIMPLIFIED)


def _style() -> str:
    """What drawing depends on besides the card: this module's code and the font file chosen."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    path = font_path()
    if path is not None:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


STYLE = _style()


@functools.lru_cache(maxsize=16)
def _font(size: int, language: str) -> Font:
    from PIL import ImageFont

    path = font_path()
    if path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(str(path), size, index=_face(path, language), layout_engine=ImageFont.Layout.BASIC)


def wrap(text: str, fits: Callable[[str], bool], max_lines: int) -> list[str] | None:
    """`text` in lines that each satisfy `fits(line)`, or None if that takes more than `max_lines`."""
    lines: list[str] = []
    line = ""
    for token in _tokens().findall(" ".join(text.split())):
        candidate = line + token
        if fits(candidate.rstrip()) or not line.strip():
            line = candidate
            continue
        lines.append(line.rstrip())
        line = token.lstrip()
    if line.strip():
        lines.append(line.rstrip())
    return lines if len(lines) <= max_lines else None


def _within(font: Font, width: int) -> Callable[[str], bool]:
    return lambda line: font.getlength(line) <= width


def _headline(text: str, language: str) -> tuple[Font, list[str]]:
    """The largest headline size at which `text` fits; at the smallest, its last line ends in `…`."""
    width = WIDTH - 2 * MARGIN
    for size in HEADLINE_SIZES:
        font = _font(size, language)
        lines = wrap(text, _within(font, width), MAX_LINES)
        if lines is not None:
            return font, lines
    font = _font(HEADLINE_SIZES[-1], language)
    lines = wrap(text, _within(font, width), 10**6) or [""]
    last = lines[MAX_LINES - 1]
    while last and font.getlength(last + "…") > width:
        last = last[:-1]
    return font, [*lines[: MAX_LINES - 1], last.rstrip() + "…"]


def draw(card: Card) -> bytes:
    """The card as PNG bytes; the same card and STYLE give the same bytes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, WIDTH, 16), fill=ACCENT)
    pen.text((MARGIN, 64), card.digest, font=_font(34, card.language), fill=ACCENT)
    font, lines = _headline(card.headline, card.language)
    step = round(getattr(font, "size", HEADLINE_SIZES[-1]) * 1.25)
    for n, line in enumerate(lines):
        pen.text((MARGIN, 150 + n * step), line, font=font, fill=INK)
    pen.line((MARGIN, HEIGHT - 110, WIDTH - MARGIN, HEIGHT - 110), fill=LINE, width=3)
    pen.text((MARGIN, HEIGHT - 88), card.byline, font=_font(30, card.language), fill=MUTED)
    out = io.BytesIO()
    # Mapped onto a palette of the card's few colours, the PNG takes a third of the time to compress
    # (most of the cost of a card) and fewer bytes, and looks the same; zlib level 1 takes a third of
    # the time of the default level 6 for a third more bytes (28 KB against 21 KB).
    image.quantize(palette=_palette(), dither=Image.Dither.NONE).save(out, "PNG", compress_level=1)
    return out.getvalue()


@functools.cache
def _palette() -> Image.Image:
    """64 shades from the background to each colour drawn: enough for anti-aliased edges."""
    from PIL import Image, ImageColor

    paper = ImageColor.getrgb(BACKGROUND)
    shades: list[int] = []
    for colour in (INK, ACCENT, MUTED, LINE):
        ink = ImageColor.getrgb(colour)
        shades += [round(p + (i - p) * n / 63) for n in range(64) for p, i in zip(paper, ink, strict=False)]
    palette = Image.new("P", (1, 1))
    palette.putpalette(shades)
    return palette
