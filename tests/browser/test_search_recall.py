"""Recall as a reader meets it: a phrase typed without quotes, in English and in Chinese, and the first
ten results on the search page. Generated digests (tests/browser/corpora.py) hold each phrase in one to
five entries and its words apart, more often, in many others; their index is in three parts."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from playwright.sync_api import Page

from ..conftest import make_site
from . import corpora
from .conftest import build_digest, start_server
from .reader import first_results, results

pytestmark = pytest.mark.browser

RECALL = 0.9  # of the phrases, the share with an entry holding the phrase among the first ten results


@pytest.fixture(scope="module", params=corpora.LANGUAGES)
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
              ) -> Iterator[tuple[corpora.Corpus, str]]:
    corpus = corpora.corpus(request.param)
    root = tmp_path_factory.mktemp(f"generated-{request.param}")
    content = make_site(root, dict(corpus.files), base=False)
    site = build_digest(root / "site", {"BROADSHEET_SEARCH_SHARD": "120"}, content)
    assert len(list((site / "pagefind").glob("part-*/pagefind-entry.json"))) == 2
    server, url = start_server(site)
    yield corpus, url + "/"
    server.shutdown()
    server.server_close()


def search(page: Page, base: str, q: str) -> None:
    page.goto(f"{base}search/?q={quote(q)}")


def test_a_phrase_typed_without_quotes_finds_the_entries_holding_it_first(
        page: Page, generated: tuple[corpora.Corpus, str]) -> None:
    corpus, base = generated
    missed = []
    for phrase, holders in corpus.phrases.items():
        search(page, base, phrase)
        if not holders & set(first_results(page)):
            missed.append(phrase)
    recall = 1 - len(missed) / len(corpus.phrases)
    print(f"phrase recall in the first ten: {recall:.0%} of {len(corpus.phrases)}; missed {missed}")
    assert recall >= RECALL, missed


def test_every_word_finds_every_entry_holding_it(page: Page, generated: tuple[corpora.Corpus, str]) -> None:
    """Chinese: every word, however Pagefind's dictionary split it. English: single words lose nothing."""
    corpus, base = generated
    words = [word for word, holders in corpus.words.items() if holders]
    for word in words if corpus.language == "zh" else words[::4]:
        holders = corpus.words[word]
        search(page, base, word)
        found = [title for title, _ in results(page)]
        assert set(found[: len(holders)]) == holders, f"{word}: {sorted(holders - set(found))} not found first"
