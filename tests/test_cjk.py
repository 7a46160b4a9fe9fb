"""The hidden part of an entry page: its Chinese and Japanese characters one by one, for the search index."""

from __future__ import annotations

from pathlib import Path

from broadsheet.cjk import characters
from broadsheet.read import read_content

from .conftest import ENTRY, make_site


def test_every_chinese_and_japanese_character_shown_is_spaced_out_in_order(tmp_path: Path) -> None:
    text = ENTRY.replace("title: Cloud comes to the corner shop", "title: 地磁暴 warning")
    text = text.replace("The third paragraph closes the story.", "华为发布<b>麒麟</b>芯片 &amp; カタカナ々。")
    entry = read_content(make_site(tmp_path, {"entries/cloud-shop.md": text})).entries[0]
    assert characters(entry) == "地 磁 暴 华 为 发 布 麒 麟 芯 片 カ タ カ ナ 々"


def test_an_entry_without_them_has_none(tmp_path: Path) -> None:
    assert characters(read_content(make_site(tmp_path)).entries[0]) == ""
