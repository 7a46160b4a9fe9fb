"""Links back to the original: each key point's paragraph and each quote as a text fragment of source.url."""

from __future__ import annotations

import random
import re
from pathlib import Path
from urllib.parse import unquote

from broadsheet import fragments
from broadsheet.build import Options, build
from broadsheet.markdown import render_body

from .conftest import ENTRY, make_site

WORDS = ["the", "shop", "cloud", "rents", "server", "market", "data", "city", "owner", "price", "month", "each",
         "year", "small"]


def decode(directive: str) -> tuple[str, str]:
    """textStart and textEnd of a `:~:text=` directive, percent-decoded ('' when there is no end)."""
    assert directive.startswith(":~:text=")
    parts = directive.removeprefix(":~:text=").split(",")
    assert len(parts) in (1, 2), directive
    return unquote(parts[0]), unquote(parts[1]) if len(parts) == 2 else ""


def highlighted(directive: str, body: str) -> str:
    """What a browser highlights for `directive` in `body`: the first match of the start on word
    boundaries, case-insensitively, through the first match of the end after it."""
    start, end = decode(directive)
    text = fragments.squeeze(body)
    found = fragments.occurrences(start, text)
    assert found, f"{start!r} is not in the source text"
    if not end:
        return text[found[0]: found[0] + len(start)]
    after = found[0] + len(start)
    ends = [at for at in fragments.occurrences(end, text) if at >= after]
    assert ends, f"{end!r} does not follow {start!r}"
    return text[found[0]: ends[0] + len(end)]


def test_long_paragraph_is_given_by_a_unique_start_and_its_end() -> None:
    body = ("Shops rent servers. The owner of the shop says renting servers by the month costs less than "
            "buying them, and the city agrees with her. Renting servers is new here.")
    passage = ("The owner of the shop says renting servers by the month costs less than buying them, "
               "and the city agrees with her.")
    directive = fragments.fragment(passage, body)
    assert directive == ":~:text=The%20owner,her."
    assert highlighted(directive, body) == passage


def test_start_grows_until_it_occurs_only_once() -> None:
    body = ("The shop opened in May. The shop closed in June after the rent doubled and the owner "
            "moved her stock online, where it sold within a week to buyers in other cities.")
    passage = ("The shop closed in June after the rent doubled and the owner moved her stock online, "
               "where it sold within a week to buyers in other cities.")
    start, _ = decode(fragments.fragment(passage, body))
    assert start == "The shop closed"  # "The" and "The shop" each occur twice
    assert highlighted(fragments.fragment(passage, body), body) == passage


def test_end_is_long_enough_not_to_stop_early() -> None:
    passage = ("At first sales fell and then they rose. By winter the shop sold more online than in the "
               "town and then they rose.")
    body = f"Nothing before. {passage} Nothing after."
    directive = fragments.fragment(passage, body)
    assert decode(directive) == ("At", "town and then they rose.")
    assert highlighted(directive, body) == passage


def test_short_passage_is_given_whole_with_its_syntax_characters_encoded() -> None:
    body = "Prices rose. Cloud-based tools, cheap & quick, won. Others lost."
    directive = fragments.fragment("Cloud-based tools, cheap & quick, won.", body)
    assert directive == ":~:text=Cloud%2Dbased%20tools%2C%20cheap%20%26%20quick%2C%20won."
    assert "-" not in directive and "&" not in directive and directive.count(",") == 0
    assert highlighted(directive, body) == "Cloud-based tools, cheap & quick, won."


def test_quote_links_to_the_body_spelling_of_its_quote_marks() -> None:
    body = "He said: \u201cRenting is cheaper than owning,\u201d and left."
    directive = fragments.fragment('"Renting is cheaper than owning,"', body)
    assert decode(directive)[0] == "\u201cRenting is cheaper than owning,\u201d"


def test_cjk_paragraph_is_cut_only_after_punctuation() -> None:
    comma = "\uff0c"
    passage = comma.join(["数字化是最确定的巨大机会", "所有企业都必须上云", "否则将被淘汰",
                          "这是马云在演讲中反复强调的观点", "他认为未来十年将决定一切。"])
    body = f"阿里云在杭州举行大会。{passage}会议结束。"
    directive = fragments.fragment(passage, body)
    start, end = decode(directive)
    assert start.endswith(comma) and end, directive
    assert highlighted(directive, body) == passage


def test_random_passages_are_found_exactly() -> None:
    """Differential: for random bodies, the highlighted range is the passage itself."""
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(300):
        paragraphs = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 40))).capitalize() + "."
                      for _ in range(rng.randint(1, 6))]
        body = " ".join(paragraphs)
        passage = rng.choice(paragraphs)
        directive = fragments.fragment(passage, body)
        start, _ = decode(directive)
        assert len(fragments.occurrences(start, fragments.squeeze(body))) >= 1
        if body.lower().count(passage.lower()) == 1 and body.lower().find(passage.lower()) == \
                fragments.occurrences(start, body)[0]:
            assert highlighted(directive, body) == passage, (seed, body, passage, directive)


def test_paragraph_texts_come_from_the_rendered_body_without_speaker_names() -> None:
    html = render_body('A & B\n*said* it.\n\nJack Ma: Cloud is "here".\n', dialogue=True).html
    assert '<strong class="speaker">Jack Ma</strong>' in html
    assert [fragments.paragraph(html, n) for n in (1, 2, 3)] == ["A & B said it.", 'Cloud is "here".', ""]


def test_entry_page_links_key_points_and_quotes_to_the_original(tmp_path: Path) -> None:
    long_paragraph = ("The second paragraph quotes a founder, who says that renting servers by the month "
                      "has cut the shop's costs. \"Renting is cheaper than owning.\" He said it twice.")
    text = ENTRY.replace('The second paragraph quotes a founder. "Renting is cheaper than owning." He said it twice.',
                         long_paragraph)
    content = make_site(tmp_path, {"entries/cloud-shop.md": text})
    build(Options(content=content, out=tmp_path / "site", search=False))
    page = (tmp_path / "site" / "entries" / "cloud-shop" / "index.html").read_text(encoding="utf-8")
    links = dict(re.findall(r'<a [^>]*href="(https://example\.org/story#[^"]+)"[^>]*>([^<]+)</a>', page))
    assert set(links.values()) == {"original", "in the original"}
    source_text = fragments.squeeze(long_paragraph + " " + "The first paragraph says that shops in the city "
                                    "are changing how they work. The third paragraph closes the story.")
    by_name = {name: href for href, name in links.items()}
    point = by_name["original"].removeprefix("https://example.org/story#")
    assert highlighted(point, source_text) == long_paragraph
    quote = by_name["in the original"].removeprefix("https://example.org/story#")
    assert highlighted(quote, source_text) == "Renting is cheaper than owning."


def test_no_original_links_without_a_source_url(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"entries/cloud-shop.md": ENTRY.replace("  url: https://example.org/story\n", "")})
    build(Options(content=content, out=tmp_path / "site", search=False))
    page = (tmp_path / "site" / "entries" / "cloud-shop" / "index.html").read_text(encoding="utf-8")
    assert ":~:text=" not in page and "in the original" not in page


def test_directive_encodes_every_character_the_text_fragment_syntax_reserves() -> None:
    # Only letters, digits and `_ . ~` stay as they are: `-`, `&` and `,` delimit a directive's parts.
    rng = random.Random(21)
    alphabet = [chr(i) for i in range(1, 128)] + ["é", "中", "—", "\u2019", "😀"]
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        encoded = fragments.directive(text).removeprefix(":~:text=")
        assert unquote(encoded) == text
        assert re.fullmatch(r"(?:[A-Za-z0-9_.~]|%[0-9A-F]{2})+", encoded), encoded


def test_ascii_passages_are_cut_as_the_piece_pattern_cuts_them() -> None:
    """Differential: the cuts of an ASCII passage made at its spaces are those of _PIECE's pieces."""
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    vocabulary = [*WORDS, "Shop,", "(data)", "it's", "rent;", "x", "-", "&", "5%", "e.g.", "U.S.", "\"quoted\""]
    for _ in range(500):
        passage = fragments.squeeze(" ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 30))))
        pieces = fragments._PIECE.findall(passage)
        count, starts, ends = fragments._pieces(passage)
        assert count == len(pieces), (seed, passage)
        assert list(starts(count)) == ["".join(pieces[:k]).strip() for k in range(1, count + 1)], (seed, passage)
        assert list(ends(count)) == ["".join(pieces[-m:]).strip() for m in range(1, count + 1)], (seed, passage)


def test_a_body_is_squeezed_as_splitting_and_joining_it_would() -> None:
    """Differential: the body's shortcut (ASCII text with single spaces is kept) against squeeze."""
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    pieces = ["word", "Word.", " ", " ", " ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\xa0",
              "\u3000", "\u2028", "é", "x"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        fragments._squeezed.cache_clear()
        assert fragments._squeezed(text) == " ".join(text.split()), (seed, text)
