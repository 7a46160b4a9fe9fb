"""A random but valid digest, and the edits a curator makes to one, for the differential tests.

Everything is drawn from a `random.Random`, so a seed gives the same digest and the same edits.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from .conftest import ORGS, PEOPLE, SITE

WORDS = ("cloud", "shop", "farm", "clinic", "server", "market", "price", "retail", "city", "village", "bank", "data",
         "rent", "model", "tax", "port", "factory", "supply", "chain", "payment", "mobile", "network", "school")
# The summaries' words: none of the bodies' words, so a summary never repeats a run of its body.
OTHER = ("curator", "notes", "that", "owners", "weigh", "costs", "while", "regulators", "watch", "closely", "and",
         "buyers", "adapt", "quickly", "as", "platforms", "widen", "reach", "into", "towns")
TOPICS = {f"topic-{n}": f"Topic number {n}" for n in range(8)}
PEOPLE_NAMES = ("Jack Ma", "Ma Yun", "he-gang")
KINDS = ("news", "interview", "speech", "commentary", "feature")


def sentence(rng: random.Random, words: tuple[str, ...] | list[str] = WORDS, length: int = 9) -> str:
    return " ".join(rng.choice(words) for _ in range(length)).capitalize() + "."


def date(rng: random.Random) -> str:
    return f"{rng.randint(2018, 2021)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def entry_text(rng: random.Random, title: str, draft: bool) -> str:
    paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(3, 6))]
    quote = paragraphs[0].split(".")[0] + "."
    topics = rng.sample(sorted(TOPICS), rng.randint(1, 2))
    people = rng.sample(PEOPLE_NAMES[1:], rng.randint(0, 2))
    orgs = ["alibaba"] if rng.random() < 0.3 else []
    return (f"---\ntitle: {title}\ndate: {date(rng)}\nkind: {rng.choice(KINDS)}\n"
            f"source:\n  publisher: Example Daily\n  url: https://example.org/{rng.randint(1, 10**6)}\n"
            f"summary: {sentence(rng, OTHER, 12)}\n"
            f"key_points:\n  - text: {sentence(rng, OTHER, 5)}\n    see: {rng.randint(1, len(paragraphs))}\n"
            f"quotes:\n  - text: \"{quote}\"\n"
            f"topics: [{', '.join(topics)}]\npeople: [{', '.join(people)}]\norganizations: [{', '.join(orgs)}]\n"
            f"draft: {'true' if draft else 'false'}\n---\n" + "\n\n".join(paragraphs) + "\n")


def write_digest(content: Path, files: int, rng: random.Random) -> None:
    """A digest of `files` entry files, about three in five of them published, and one free page."""
    (content / "entries").mkdir(parents=True)
    (content / "pages").mkdir()
    (content / "site.yaml").write_text(SITE, encoding="utf-8")
    (content / "topics.yaml").write_text(topics_yaml(TOPICS), encoding="utf-8")
    (content / "people.yaml").write_text(PEOPLE, encoding="utf-8")
    (content / "organizations.yaml").write_text(ORGS, encoding="utf-8")
    (content / "pages" / "about.md").write_text("---\ntitle: About\n---\nWho curates this digest.\n", encoding="utf-8")
    for n in range(files):
        text = entry_text(rng, f"Entry {n} on {rng.choice(WORDS)}", draft=rng.random() < 0.4)
        (content / "entries" / f"e-{n:04d}.md").write_text(text, encoding="utf-8")


def topics_yaml(topics: dict[str, str]) -> str:
    return "".join(f"{slug}:\n  title: {title}\n  description: About {title.lower()}.\n"
                   for slug, title in topics.items())


# --- edits: each changes the folders in place and says what it did ------------------------------------


def _entries(content: Path) -> list[Path]:
    return sorted((content / "entries").glob("*.md"))


def _set(path: Path, key: str, value: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(rf"(?m)^{key}: .*$", lambda _: f"{key}: {value}", text, count=1), encoding="utf-8")


def add_entry(content: Path, rng: random.Random) -> str:
    path = content / "entries" / f"new-{rng.randint(0, 10**9)}.md"
    path.write_text(entry_text(rng, "A new entry", draft=False), encoding="utf-8")
    return f"add {path.name}"


def delete_entry(content: Path, rng: random.Random) -> str:
    path = rng.choice(_entries(content))
    path.unlink()
    return f"delete {path.name}"


def rename_entry(content: Path, rng: random.Random) -> str:
    path = rng.choice(_entries(content))
    target = path.with_name(f"renamed-{rng.randint(0, 10**9)}.md")
    path.rename(target)
    return f"rename {path.name} {target.name}"


def redate(content: Path, rng: random.Random) -> str:
    path = rng.choice(_entries(content))
    _set(path, "date", new := date(rng))
    return f"date of {path.name} {new}"


def retitle(content: Path, rng: random.Random) -> str:
    path = rng.choice(_entries(content))
    _set(path, "title", new := f"Retitled {rng.choice(WORDS)} {rng.randint(0, 999)}")
    return f"title of {path.name} {new}"


def resummarise(content: Path, rng: random.Random) -> str:
    path = rng.choice(_entries(content))
    _set(path, "summary", sentence(rng, OTHER, 11))
    return f"summary of {path.name}"


def rebody(content: Path, rng: random.Random) -> str:
    path = rng.choice(_entries(content))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + " " + sentence(rng) + "\n", encoding="utf-8")
    return f"body of {path.name}"


def retopic(content: Path, rng: random.Random) -> str:
    path = rng.choice(_entries(content))
    _set(path, "topics", f"[{', '.join(rng.sample(sorted(TOPICS), rng.randint(1, 3)))}]")
    return f"topics of {path.name}"


def repeople(content: Path, rng: random.Random) -> str:
    path = rng.choice(_entries(content))
    _set(path, "people", f"[{', '.join(rng.sample(PEOPLE_NAMES, rng.randint(0, 1)))}]")
    _set(path, "organizations", rng.choice(("[]", "[alibaba]", "[Alibaba]")))
    return f"people and organisations of {path.name}"


def toggle_draft(content: Path, rng: random.Random) -> str:
    path = rng.choice(_entries(content))
    now = "draft: true" in path.read_text(encoding="utf-8")
    _set(path, "draft", "false" if now else "true")
    return f"draft of {path.name} {not now}"


def topic_title(content: Path, rng: random.Random) -> str:
    slug = rng.choice(sorted(TOPICS))
    _replace(content / "topics.yaml", f"{slug}:\n  title: ", f"{slug}:\n  title: Renamed ")
    return f"title of topic {slug}"


def person_name(content: Path, rng: random.Random) -> str:
    if rng.random() < 0.5:
        _replace(content / "people.yaml", "name: He Gang", f"name: He Gang {rng.randint(2, 9)}")
        return "name of he-gang"
    _replace(content / "people.yaml", "aliases: [Ma Yun, 马云]", "aliases: [Ma Yun, 马云, Jack]")
    return "alias of jack-ma"


def site_yaml(content: Path, rng: random.Random) -> str:
    _replace(content / "site.yaml", "tagline: ", f"tagline: Edition {rng.randint(0, 99)} of ")
    return "tagline in site.yaml"


def free_page(content: Path, rng: random.Random) -> str:
    if rng.random() < 0.5:
        _replace(content / "pages" / "about.md", "title: ", "title: More ")
        return "title of the about page"
    (content / "pages" / "colophon.md").write_text(f"---\ntitle: Colophon\n---\n{sentence(rng)}\n", encoding="utf-8")
    return "colophon page written"


def template(templates: Path, rng: random.Random) -> str:
    name = rng.choice(("home.html", "entry.html", "topic.html", "timeline.html", "_macros.html", "base.html"))
    path = templates / name
    text = path.read_text(encoding="utf-8")
    mark = f"<!-- edit {rng.randint(0, 999)} -->"
    path.write_text(text.replace("{% endblock %}", f"{mark}{{% endblock %}}", 1) if "{% endblock %}" in text
                    else text + mark, encoding="utf-8")
    return f"template {name}"


def stylesheet(assets: Path, rng: random.Random) -> str:
    with open(assets / "style.css", "a", encoding="utf-8") as css:
        css.write(f"\n.edit-{rng.randint(0, 999)} {{ color: inherit; }}\n")
    return "stylesheet"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CONTENT_EDITS = (add_entry, delete_entry, rename_entry, redate, retitle, resummarise, rebody, retopic, repeople,
                 toggle_draft, topic_title, person_name, site_yaml, free_page)
