"""Write a deterministic digest of N entries whose bodies look like real archived web pages.

Usage: make_real_corpus.py N OUTDIR [--seed 11]

OUTDIR receives site.yaml, topics.yaml, people.yaml, organizations.yaml and entries/*.md in
Broadsheet's content format, every entry valid. Unlike the synthetic corpus (mostly plain
paragraphs), each body is 15-25 KB of what archived pages are made of: long link lists with
<small> annotations, nested lists, fenced code with a language, GFM tables, inline HTML (<br>, <sup>,
<img>), HTML comments, block quotes and headings, after three plain paragraphs that the key points
and the quote refer to. Most of such a body is beyond Broadsheet's plain-paragraph fast path, so
markdown-it renders it. Same N and seed give the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path

WORDS = (
    "archive", "index", "reference", "manual", "guide", "tutorial", "survey", "paper", "talk", "slides", "notes",
    "library", "tool", "parser", "compiler", "database", "network", "protocol", "storage", "cache", "search",
    "query", "graph", "stream", "queue", "scheduler", "kernel", "memory", "thread", "process", "format", "encoding",
    "unicode", "markup", "template", "server", "client", "browser", "layout", "style", "testing", "benchmark",
    "profile", "release", "version", "history", "design", "pattern", "model", "vector", "matrix", "signal", "image",
)
SUMMARY_WORDS = (
    "collects", "lists", "gathers", "keeps", "points", "sorts", "compares", "ranks", "why", "how", "whether",
    "which", "readers", "find", "useful", "older", "newer", "shorter", "longer", "pages", "links", "resources",
    "the", "a", "its", "their", "many", "few",
)
HOSTS = ("example.org", "docs.example.com", "archive.example.net", "papers.example.edu", "blog.example.io",
         "mirror.example.org", "git.example.com")
TOPIC_NAMES = ("Parsers", "Databases", "Networking", "Compilers", "Typography", "Information retrieval", "Storage",
               "Web standards", "Testing", "Operating systems", "Graphics", "Data formats")
KINDS = ("news", "commentary", "feature")
MIN_BODY, MAX_BODY = 15_000, 25_000


def slugify(text: str) -> str:
    return "-".join(text.lower().replace("-", " ").split())


def words(rng: random.Random, lo: int, hi: int, vocabulary: tuple[str, ...] = WORDS) -> str:
    return " ".join(rng.choice(vocabulary) for _ in range(rng.randint(lo, hi)))


def sentence(rng: random.Random, lo: int = 8, hi: int = 18, vocabulary: tuple[str, ...] = WORDS) -> str:
    return words(rng, lo, hi, vocabulary).capitalize() + "."


def url(rng: random.Random) -> str:
    return f"https://{rng.choice(HOSTS)}/{slugify(words(rng, 1, 3))}/{rng.randint(1, 99999)}"


def link(rng: random.Random) -> str:
    return f"[{words(rng, 2, 6).capitalize()}]({url(rng)})"


# --- the kinds of block an archived page is made of -----------------------------------------------


def link_list(rng: random.Random) -> str:
    """A heading over a long list of links with <small> annotations; some items carry a nested list."""
    lines = [f"## {words(rng, 2, 4).capitalize()}", ""]
    for _ in range(rng.randint(12, 22)):
        note = rng.choice((f"<small>({rng.randint(1995, 2024)}, PDF)</small>", "<small>[archived]</small>",
                           f"<small>{rng.randint(3, 300)} pages</small>", ""))
        lines.append(" ".join(part for part in ("-", link(rng), note, "-", sentence(rng, 4, 10)) if part))
        if rng.random() < 0.2:
            lines.append(f"  - Mirror: <{url(rng)}>")
            lines.append(f"  - {words(rng, 2, 5).capitalize()}: `{rng.choice(WORDS)}_{rng.choice(WORDS)}()`")
    return "\n".join(lines)


def nested_list(rng: random.Random) -> str:
    lines = [f"### {words(rng, 2, 4).capitalize()}", ""]
    for n in range(1, rng.randint(3, 6) + 1):
        lines.append(f"{n}. **{words(rng, 1, 3).capitalize()}** - {sentence(rng, 5, 12)}")
        for _ in range(rng.randint(1, 3)):
            lines.append(f"   - {sentence(rng, 3, 8)} {link(rng) if rng.random() < 0.5 else ''}".rstrip())
            if rng.random() < 0.4:
                lines.append(f"     - *{words(rng, 2, 5)}*<br>{sentence(rng, 3, 6)}")
    return "\n".join(lines)


def python_code(rng: random.Random) -> list[str]:
    name = rng.choice(WORDS)
    lines = [f"def {name}_{rng.choice(WORDS)}(items, limit={rng.randint(2, 64)}):",
             f'    """{sentence(rng, 4, 8)}"""', "    seen = {}"]
    for _ in range(rng.randint(3, 9)):
        lines.append(f"    seen[{rng.choice(WORDS)!r}] = [x for x in items if x.{rng.choice(WORDS)} < limit]")
    return [*lines, "    return seen"]


def shell_code(rng: random.Random) -> list[str]:
    return [f"$ {rng.choice(('curl -sL', 'git clone', 'make', 'tar xzf'))} {url(rng)}"
            for _ in range(rng.randint(3, 8))]


def javascript_code(rng: random.Random) -> list[str]:
    lines = [f"export function {rng.choice(WORDS)}(el) {{"]
    for _ in range(rng.randint(3, 9)):
        lines.append(f"  el.querySelector('.{rng.choice(WORDS)}') && el.classList.add('{rng.choice(WORDS)}');")
    return [*lines, "}"]


def sql_code(rng: random.Random) -> list[str]:
    table = rng.choice(WORDS)
    return [f"SELECT {', '.join(rng.sample(WORDS, 3))}", f"  FROM {table}",
            f"  WHERE {rng.choice(WORDS)} > {rng.randint(1, 1000)}", f"  ORDER BY {rng.choice(WORDS)} DESC;"]


LANGUAGES: dict[str, Callable[[random.Random], list[str]]] = {
    "python": python_code, "shell": shell_code, "javascript": javascript_code, "sql": sql_code}


def code(rng: random.Random) -> str:
    language = rng.choice(sorted(LANGUAGES))
    return "\n".join([sentence(rng, 6, 12)[:-1] + ":", "", f"```{language}", *LANGUAGES[language](rng), "```"])


def table(rng: random.Random) -> str:
    lines = ["| Name | Year | Size | Notes |", "|:-----|-----:|-----:|-------|"]
    for _ in range(rng.randint(5, 12)):
        lines.append(f"| {link(rng)} | {rng.randint(1990, 2024)} | {rng.randint(1, 900)} KB | "
                     f"`{rng.choice(WORDS)}` {words(rng, 2, 6)} |")
    return "\n".join(lines)


def quote_block(rng: random.Random) -> str:
    lines = [f"> {sentence(rng)}", ">", f"> - {sentence(rng, 4, 8)}", f"> - {link(rng)}"]
    if rng.random() < 0.5:
        lines += [">", f"> > {sentence(rng, 6, 12)}"]
    return "\n".join(lines)


def html_bits(rng: random.Random) -> str:
    return "\n\n".join([
        f"<!-- {words(rng, 3, 8)} -->",
        f'<img src="https://img.example.org/{rng.randint(1, 9999)}.png" alt="{words(rng, 2, 4)}" width="320">',
        f"{sentence(rng, 6, 12)[:-1]}<sup>{rng.randint(1, 40)}</sup> {sentence(rng, 4, 8)}<br>\n"
        f"{sentence(rng, 4, 8)} {link(rng)}.",
    ])


SECTIONS = (link_list, link_list, link_list, nested_list, code, table, quote_block, html_bits)


def body(rng: random.Random, quote: str) -> str:
    """Three plain paragraphs (the first holding `quote`), then sections up to 15-25 KB in all."""
    paragraphs = [f"{sentence(rng)} {quote} {sentence(rng)}", " ".join(sentence(rng) for _ in range(4)),
                  " ".join(sentence(rng) for _ in range(3)) + f" See {link(rng)} and `{rng.choice(WORDS)}`."]
    blocks = list(paragraphs)
    size, target = sum(len(b) + 2 for b in blocks), rng.randint(MIN_BODY + 500, MAX_BODY - 3000)
    while size < target:
        block = rng.choice(SECTIONS)(rng)
        blocks.append(block)
        size += len(block.encode()) + 2
    return "\n\n".join(blocks) + "\n"


# --- registries and entries -----------------------------------------------------------------------


def write_registries(out: Path, rng: random.Random) -> tuple[list[str], list[str], list[str]]:
    topics = [slugify(t) for t in TOPIC_NAMES]
    lines = []
    for name, slug in zip(TOPIC_NAMES, topics, strict=True):
        lines += [f"{slug}:", f"  title: {name}", f"  description: {sentence(rng, 5, 10)}"]
    (out / "topics.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    people, lines = [], []
    for i in range(40):
        slug = f"author-{i:02d}"
        people.append(slug)
        lines += [f"{slug}:", f"  name: {rng.choice(WORDS).capitalize()} Writer {i}", "  aliases: []",
                  f"  role: {words(rng, 2, 4).capitalize()}"]
    (out / "people.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    orgs, lines = [], []
    for i in range(20):
        slug = f"press-{i:02d}"
        orgs.append(slug)
        lines += [f"{slug}:", f"  name: {rng.choice(WORDS).capitalize()} Press {i}", "  aliases: []",
                  f"  description: {sentence(rng, 5, 9)}"]
    (out / "organizations.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "site.yaml").write_text(
        "title: Link Archive\ntagline: Archived reading lists\n"
        "description: Generated entries shaped like archived web pages, for measuring build speed.\n"
        "language: en\nbase_url: https://archive.example.org/\ncurator: Benchmark\n", encoding="utf-8")
    return topics, people, orgs


def entry(i: int, rng: random.Random, topics: list[str], people: list[str], orgs: list[str]) -> tuple[str, str]:
    """(file name, text) of entry number `i`."""
    title = sentence(rng, 3, 7)[:-1]
    date = dt.date(2012, 1, 1) + dt.timedelta(days=(i * 7919) % 4000)
    quote = sentence(rng, 8, 14)
    who = rng.choice(people)
    points = sorted(rng.sample(range(1, 4), 2))
    front = [
        "---", f"title: {title}", f"date: {date.isoformat()}", f"kind: {rng.choice(KINDS)}",
        "source:", f"  title: {sentence(rng, 3, 7)[:-1]}", f"  publisher: {rng.choice(WORDS).capitalize()} Weekly",
        f"  url: {url(rng)}", f"  published: {date.isoformat()}",
        f"summary: >-\n  {sentence(rng, 12, 20, SUMMARY_WORDS)} {sentence(rng, 8, 14, SUMMARY_WORDS)}",
        "key_points:",
        *(line for p in points for line in (f"  - text: {sentence(rng, 5, 10, SUMMARY_WORDS)}", f"    see: {p}")),
        "quotes:", f'  - text: "{quote}"', f"    by: {who}",
        f"topics: [{', '.join(sorted(rng.sample(topics, rng.randint(1, 3))))}]",
        f"people: [{who}]", f"organizations: [{rng.choice(orgs)}]", "---", "",
    ]
    return f"{i:06d}-{slugify(' '.join(title.split()[:4]))}.md", "\n".join(front) + body(rng, quote)


def write_corpus(n: int, out: Path, seed: int = 11) -> int:
    """Write the corpus; the bytes of Markdown bodies and front matter written."""
    rng = random.Random(seed)
    (out / "entries").mkdir(parents=True, exist_ok=True)
    topics, people, orgs = write_registries(out, rng)
    total = 0
    for i in range(n):
        name, text = entry(i, rng, topics, people, orgs)
        (out / "entries" / name).write_text(text, encoding="utf-8")
        total += len(text.encode())
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("n", type=int)
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    total = write_corpus(a.n, a.outdir, a.seed)
    print(f"{a.n} entries, {total} bytes, {total / max(a.n, 1):.0f} B/entry -> {a.outdir}")


if __name__ == "__main__":
    main()
