"""Share cards: a 1200x630 PNG per entry when site.yaml asks for them, drawn again only when what they show changes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from broadsheet import sharecard
from broadsheet.build import Options, build

from .conftest import ENTRY, SITE, entry, make_site, problems

BASE = "https://digest.example.org/"
ON = SITE + "share_images: true\n"


def card(headline: str) -> sharecard.Card:
    return sharecard.Card(headline, "Test Digest", "15 September 2020 · news", "en")


def pixels(data: bytes) -> bytes:
    return Image.open(io.BytesIO(data)).convert("RGB").tobytes()


def test_a_card_is_a_1200_by_630_png() -> None:
    image = Image.open(io.BytesIO(sharecard.draw(card("Cloud comes to the corner shop"))))
    assert (image.format, image.size) == ("PNG", (1200, 630))


def test_cjk_headlines_are_drawn_with_their_own_glyphs() -> None:
    """Without a CJK font every character is the same empty box, so two headlines would look alike."""
    if sharecard.font_path() != sharecard.FONTS[0]:
        pytest.fail("fonts-noto-cjk is not installed; `make fonts` installs it")
    assert pixels(sharecard.draw(card("马云"))) != pixels(sharecard.draw(card("阿里")))
    assert pixels(sharecard.draw(card("数字化"))) != pixels(sharecard.draw(card("数字")))


def test_long_headlines_wrap_within_the_card_and_end_in_an_ellipsis() -> None:
    font_lines = sharecard._headline("word " * 200, "en")
    font, lines = font_lines
    assert len(lines) == sharecard.MAX_LINES and lines[-1].endswith("…")
    assert all(font.getlength(line) <= sharecard.WIDTH - 2 * sharecard.MARGIN for line in lines)  # type: ignore[attr-defined]
    _, cjk = sharecard._headline("全球化应当为小企业服务\uff0c" * 4, "zh")
    assert len(cjk) > 1 and not any(line.startswith("\uff0c") for line in cjk)


def test_wrap_breaks_between_words_and_between_cjk_characters() -> None:
    assert sharecard.wrap("one two three four", lambda line: len(line) <= 9, 5) == ["one two", "three", "four"]
    assert sharecard.wrap("马云说数字化。", lambda line: len(line) <= 4, 5) == ["马云说数", "字化。"]
    assert sharecard.wrap("one two three", lambda line: len(line) <= 3, 2) is None


def build_site(tmp_path: Path, site: str = ON, text: str = ENTRY) -> tuple[Path, int]:
    content = make_site(tmp_path, {"site.yaml": site, "entries/cloud-shop.md": text})
    result = build(Options(content=content, out=tmp_path / "site", search=False))
    return tmp_path / "site", result.rendered


def test_each_entry_gets_a_card_named_in_its_tags(tmp_path: Path) -> None:
    site, _ = build_site(tmp_path)
    image = site / "entries" / "cloud-shop" / "share.png"
    assert Image.open(image).size == (1200, 630)
    page = (site / "entries" / "cloud-shop" / "index.html").read_text(encoding="utf-8")
    url = f"{BASE}entries/cloud-shop/share.png"
    assert f'<meta property="og:image" content="{url}">' in page
    assert f'<meta name="twitter:image" content="{url}">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert f'"image":"{url}"' in page
    assert '"image":' not in (site / "index.html").read_text(encoding="utf-8")


def test_card_is_drawn_again_only_when_what_it_shows_changes(tmp_path: Path) -> None:
    site, _ = build_site(tmp_path)
    image = site / "entries" / "cloud-shop" / "share.png"
    first = image.read_bytes()
    # The summary is not on the card: the entry page changes, the card is not drawn again.
    _, rendered = build_site(tmp_path, text=ENTRY.replace("A short account", "A brief account"))
    assert image.read_bytes() == first
    unchanged_card = rendered
    _, rendered = build_site(tmp_path, text=entry(title="title: Cloud reaches the corner shop"))
    assert image.read_bytes() != first
    assert rendered == unchanged_card + 1  # the same pages, and the card


def test_turning_cards_off_removes_them_and_their_tags(tmp_path: Path) -> None:
    build_site(tmp_path)
    site, _ = build_site(tmp_path, site=SITE)
    assert not (site / "entries" / "cloud-shop" / "share.png").exists()
    page = (site / "entries" / "cloud-shop" / "index.html").read_text(encoding="utf-8")
    assert "og:image" not in page and "share.png" not in page
    assert '<meta name="twitter:card" content="summary">' in page


def test_share_images_must_be_true_or_false(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"site.yaml": SITE + "share_images: sometimes\n"})
    assert problems(content) == [
        "site.yaml:7: share_images: expected true or false, got the text `sometimes` "
        "(write true or false, without quotes)"]
