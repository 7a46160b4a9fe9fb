"""The hidden part of an entry page: its Chinese and Japanese characters one by one, for the search index."""

from __future__ import annotations

import html
import random
import re
from dataclasses import replace
from pathlib import Path

from broadsheet.cjk import RUN, characters
from broadsheet.model import Entry
from broadsheet.read import read_content

from .conftest import ENTRY, make_site


def test_every_chinese_and_japanese_character_shown_is_spaced_out_in_order(tmp_path: Path) -> None:
    text = ENTRY.replace("title: Cloud comes to the corner shop", "title: 地磁暴 warning")
    text = text.replace("The third paragraph closes the story.", "华为发布<b>麒麟</b>芯片 &amp; カタカナ々。")
    entry = read_content(make_site(tmp_path, {"entries/cloud-shop.md": text})).entries[0]
    assert characters(entry) == "地 磁 暴 华 为 发 布 麒 麟 芯 片 カ タ カ ナ 々"


def test_an_entry_without_them_has_none(tmp_path: Path) -> None:
    assert characters(read_content(make_site(tmp_path)).entries[0]) == ""


def _spelled_out(entry: Entry) -> str:
    """characters() without its shortcut for entries that have none: every text, tags out, references decoded."""
    texts = [entry.title, entry.summary, *(p.text for p in entry.key_points), *(q.text for q in entry.quotes),
             html.unescape(re.sub(r"<[^>]*>", " ", entry.body_html))]
    return " ".join(" ".join(run) for run in RUN.findall(" ".join(texts)))


def test_the_shortcut_for_entries_without_them_agrees_with_spelling_every_text_out(tmp_path: Path) -> None:
    """Random bodies with and without CJK, in text, in tags' attributes and as character references."""
    seed = random.randrange(2**32)
    print(f"seed {seed}")
    rng = random.Random(seed)
    entry = read_content(make_site(tmp_path)).entries[0]
    pieces = ["plain words", "華為", "&#20013;", "&#x4E2D;", "&amp;", '<img alt="中文" src="x.png">', "<b>", "</b>",
              "カナ", "&lt;", "é", "—", " ", "<p>", "</p>"]
    for _ in range(500):
        body = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 12)))
        title = rng.choice(["A title", "標題 title"])
        varied = replace(entry, body_html=body, title=title)
        assert characters(varied) == _spelled_out(varied), (title, body)
