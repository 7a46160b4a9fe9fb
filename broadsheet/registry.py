"""site.yaml and the three registries (topics.yaml, people.yaml, organizations.yaml) -> Site and
Registry, every problem in them added to the errors given.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from . import __version__
from .errors import ContentError
from .fields import Fields, describe
from .files import decode, inside
from .model import (
    Organization,
    Person,
    Registry,
    Site,
    Topic,
)
from .slugs import slug_problem
from .yamlfile import load_yaml

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def _load_mapping(path: Path, root: Path, errors: list[ContentError],
                  empty_ok: bool = False) -> tuple[Fields | None, str]:
    rel = str(path)
    if path.is_symlink() and not inside(path, root):
        errors.append(ContentError(rel, 1, "", "symlink leads outside the content folder",
                                   "copy the file into content/ instead"))
        return None, ""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        errors.append(ContentError(rel, 0, "", "file not found", f"create {path.name}; see README"))
        return None, ""
    except OSError as exc:
        errors.append(ContentError(rel, 0, "", f"cannot read file: {exc.strerror}"))
        return None, ""
    text, problem = decode(raw, rel) if raw.strip() or not empty_ok else ("{}", None)
    if problem or text is None:
        errors.append(problem or ContentError(rel, 0, "", "unreadable"))
        return None, ""
    loaded, problems = load_yaml(text, rel, 1)
    errors.extend(problems)
    if loaded is None:
        return None, ""
    value = {} if loaded.value is None and empty_ok else loaded.value
    if not isinstance(value, dict):
        errors.append(ContentError(rel, loaded.line(), "", f"expected `key: value` lines, got "
                                   f"{describe(value)}"))
        return None, ""
    return Fields(value, loaded, rel, errors), hashlib.sha256(raw).hexdigest()


def read_site(content: Path, root: Path, errors: list[ContentError]) -> Site:
    fields, _ = _load_mapping(content / "site.yaml", root, errors)
    if fields is None:
        return Site(title="")
    fields.refuse_unknown(("title", "tagline", "description", "language", "base_url", "curator", "share_images"))
    base_url = fields.url("base_url")
    language = fields.text("language", False) or "en"
    if not _LANGUAGE.match(language):
        fields.error("language", f"`{language}` is not a language code",
                     "use a BCP 47 code such as en, zh or zh-Hans; pages and search rely on it")
        language = "en"
    return Site(title=fields.text("title"), tagline=fields.text("tagline", False),
                description=fields.text("description", False), language=language,
                base_url=base_url.rstrip("/") + "/" if base_url else "", curator=fields.text("curator", False),
                share_images=fields.boolean("share_images"))


def read_registry(content: Path, root: Path, errors: list[ContentError]) -> tuple[Registry, frozenset[str]]:
    """The three registries, and the kinds whose file could not be read (their references go unchecked,
    rather than every entry repeating that the file is missing)."""
    digest = hashlib.sha256(__version__.encode())
    tables, unread = [], set()
    for name, allowed in (("topics", ("title", "description")), ("people", ("name", "aliases", "role")),
                          ("organizations", ("name", "aliases", "description"))):
        fields, file_hash = _load_mapping(content / f"{name}.yaml", root, errors, empty_ok=True)
        digest.update(file_hash.encode())
        tables.append(_read_table(name, fields, allowed) if fields else {})
        if fields is None:
            unread.add(name)
    topics, people, orgs = tables
    registry = Registry(topics=topics, people=people, organizations=orgs,  # type: ignore[arg-type]
                        digest=digest.hexdigest()[:16])
    return registry, frozenset(unread)


def _read_table(kind: str, fields: Fields, allowed: tuple[str, ...]) -> dict[str, Topic | Person | Organization]:
    table: dict[str, Topic | Person | Organization] = {}
    owners: dict[str, tuple[str, int]] = {}  # lower-cased name or alias -> (slug, line)
    for slug in fields.data:
        problem = slug_problem(slug)
        if problem:
            fields.error(slug, *problem)
        item = fields.sub(slug)
        if item is None:
            if fields.data[slug] is None:
                fields.error(slug, "has no fields", f"give it `{allowed[0]}:` on the next line, indented")
            continue
        item.refuse_unknown(allowed)
        if kind == "topics":
            table[slug] = Topic(slug, item.text("title"), item.text("description", False))
            continue
        name, aliases = item.text("name"), item.strings("aliases")
        _claim_names(item, slug, [("", slug), ("name", name), *((i, a) for i, a in aliases)], owners)
        alias_names = tuple(a for _, a in aliases)
        if kind == "people":
            table[slug] = Person(slug, name, alias_names, item.text("role", False))
        else:
            table[slug] = Organization(slug, name, alias_names, item.text("description", False))
    return table


def _claim_names(item: Fields, slug: str, names: list[tuple[str | int, str]],
                 owners: dict[str, tuple[str, int]]) -> None:
    """Refuse a name or alias that already names someone else: `Ma Yun` must mean one person."""
    aliases = Fields({}, item.loaded, item.path, item.errors, (*item.key, "aliases"))
    for field, name in names:
        if not name:
            continue
        where = aliases if isinstance(field, int) else item
        line = where.loaded.line(*where.key, field) if field != "" else item.loaded.line(*item.key)
        owner = owners.setdefault(name.lower(), (slug, line))
        if owner[0] != slug:
            where.error(field, f"`{name}` also names `{owner[0]}` (line {owner[1]})",
                        "a name or alias must point to one only; remove one of them")
