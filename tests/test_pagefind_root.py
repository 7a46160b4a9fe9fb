"""Pagefind indexes each page from its `data-pagefind-body` element alone (`pagefind.configuration`):
what it finds there must be all it would find in the whole page, so a filter, a piece of metadata or a
weighted word that a template puts outside that element fails here instead of vanishing from search."""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path

from broadsheet import pagefind, search
from broadsheet.build import Options, build
from broadsheet.settle import read

from .golden import CONTENT

Index = dict[str, object]


def contents(bundle: Path) -> Index:
    """What an index holds, with each page named by its fragment (Pagefind numbers pages in the order
    its threads finish them, which differs from run to run)."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    (language,) = entry["languages"].values()
    meta = read(bundle / f"pagefind.{language['hash']}.pf_meta")
    assert isinstance(meta, list)
    pages = [str(page[0]) for page in meta[1]]  # type: ignore[index, union-attr]
    words = set()
    for chunk in (bundle / "index").iterdir():
        for word, postings, *rest in read(chunk)[0]:  # type: ignore[index, misc]
            page = 0
            for posting in postings:
                page += posting[0]  # page numbers are stored as differences
                words.add((word, pages[page], json.dumps([posting[1:], rest])))
    filters = set()
    for chunk in (bundle / "filter").iterdir():
        name, values = read(chunk)  # type: ignore[misc]
        filters.update((name, value, tuple(sorted(pages[n] for n in numbers))) for value, numbers in values)
    fragments = {f.name: gzip.decompress(f.read_bytes()) for f in (bundle / "fragment").iterdir()}
    sorts = {name: [pages[n] for n in order] for name, order in meta[4]}  # type: ignore[index, misc]
    return {"pages": sorted(pages), "words": words, "filters": filters, "fragments": fragments, "sorts": sorts,
            "meta fields": meta[5]}  # type: ignore[index]


def test_indexing_from_the_body_element_finds_what_the_whole_page_gives(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(Options(content=CONTENT, out=out))
    (part,) = search.parts([str(p.relative_to(out)) for p in sorted(out.rglob("index.html"))
                            if "data-pagefind-body" in p.read_text(encoding="utf-8")])
    assert any(p.startswith("entries/") for p in part.pages) and any(p.startswith("editions/") for p in part.pages)
    assert "root_selector" in pagefind.configuration(part)
    whole = tmp_path / "whole"
    subprocess.run([str(pagefind.pagefind_binary()), "--site", str(out), "--output-path", str(whole),
                    "--glob", "{" + ",".join(part.pages) + "}"], check=True, capture_output=True)
    built, expected = contents(out / search.BUNDLE), contents(whole)
    assert len(built["pages"]) == len(part.pages)  # type: ignore[arg-type]
    for key in expected:
        assert built[key] == expected[key], key
