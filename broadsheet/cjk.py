"""An entry -> its Chinese and Japanese characters one at a time, spaced, for the search index.

Pagefind splits Chinese and Japanese text into words with a dictionary when it indexes a page, and the
browser splits a query with another one (Intl.Segmenter). Where the two disagree (地磁暴 indexed as
地 + 磁暴, typed as 地磁 + 暴) the word is never found. Each entry page therefore also carries its
characters one by one in a hidden part of the indexed article; the search page looks a run of typed
characters up as a quoted phrase of single characters, which matches exactly where the run occurs,
however either side split it. The search page never shows that part as an excerpt.
"""

from __future__ import annotations

import html
import re

from .model import Entry

# Han (with the iteration marks U+3005 to U+3007), hiragana and katakana; search.js matches the same ranges.
RUN = re.compile("[\u3005-\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")
_TAG = re.compile(r"<[^>]*>")


def characters(entry: Entry) -> str:
    """The Chinese and Japanese characters of what the entry page shows of it, space-separated, in
    order of appearance; "" when it has none."""
    texts = [entry.title, entry.summary, *(p.text for p in entry.key_points), *(q.text for q in entry.quotes),
             entry.body_html]
    # Most entries have none: then only a character reference (`&#20013;`) could still hide one.
    joined = " ".join(texts)
    if "&#" not in entry.body_html and (joined.isascii() or not RUN.search(joined)):
        return ""
    texts[-1] = html.unescape(_TAG.sub(" ", entry.body_html))
    return " ".join(" ".join(run) for run in RUN.findall(" ".join(texts)))
