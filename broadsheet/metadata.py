"""Digest values -> what pages tell machines about themselves: JSON-LD, OpenGraph locale, JSON Feed.

Input: the site, entries and registry items the templates already hold. Output: JSON text, made with
json.dumps and never by templating strings, escaped so that it can sit inside a `<script>` element.
Every address in it is absolute, so without `base_url` the address properties are left out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from markupsafe import Markup

from .model import Entry, Organization, Person, Site, Topic

SCHEMA = "https://schema.org"
JSON_FEED = "https://jsonfeed.org/version/1.1"
SHARE_IMAGE = "share.png"  # in each entry's folder, when share images are on
# Inside <script>, `</script>` or `<!--` would end or derail the element; & is escaped with them so
# that the text reads the same whether or not something unescapes it as HTML.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                              "\u2028": "\\u2028", "\u2029": "\\u2029"})


def to_json(data: object) -> str:
    """`data` as compact JSON, safe to place inside an HTML `<script>` element."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)


def json_ld(data: Mapping[str, object] | None) -> Markup:
    """A `<script type="application/ld+json">` element holding `data`, or nothing for None."""
    if data is None:
        return Markup("")
    return Markup('<script type="application/ld+json">' + to_json({"@context": SCHEMA, **data}) + "</script>")


def absolute(site: Site, path: str) -> str:
    """The public address of the page written at `path` ('' without base_url)."""
    if not site.base_url:
        return ""
    return site.base_url + path.removesuffix("index.html")


def og_locale(language: str) -> str:
    """OpenGraph writes locales language_TERRITORY: `pt-BR` -> `pt_BR`, `zh-Hans` -> `zh`, `en` -> `en`."""
    parts = language.split("-")
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), "")
    return f"{parts[0].lower()}_{region.upper()}" if region else parts[0].lower()


def _with(data: dict[str, object], **optional: object) -> dict[str, object]:
    """`data` plus the optional properties that have a value: schema.org has no use for empty ones."""
    data.update({key: value for key, value in optional.items() if value})
    return data


def _digest(site: Site) -> dict[str, object]:
    return _with({"@type": "Organization", "name": site.title}, url=site.base_url)


def article(entry: Entry, site: Site, topics: Mapping[str, Topic], people: Mapping[str, Person],
            organizations: Mapping[str, Organization]) -> dict[str, object]:
    """An entry page as a NewsArticle: the curation, the source it is based on, what it is about."""
    url = absolute(site, f"entries/{entry.slug}/")
    source = entry.source
    based_on = _with({"@type": "NewsArticle" if entry.kind == "news" else "CreativeWork"},
                     name=source.title, url=source.url,
                     author=_with({"@type": "Person"}, name=source.author) if source.author else None,
                     publisher=_with({"@type": "Organization"}, name=source.publisher) if source.publisher else None,
                     datePublished=source.published)
    # Names only, and people's aliases (`Ma Yun`, `马云`), which tell namesakes apart: an entry page
    # naming a dozen people and organisations would otherwise carry a kilobyte more, for addresses and
    # abbreviations that their own pages give.
    mentions = [_with({"@type": "Person", "name": people[slug].name}, alternateName=list(people[slug].aliases))
                for slug in entry.people]
    mentions += [{"@type": "Organization", "name": organizations[slug].name} for slug in entry.organizations]
    about = [{"@type": "Thing", "name": topics[slug].title} for slug in entry.topics]
    image = f"{url}{SHARE_IMAGE}" if url and site.share_images else ""
    return _with({"@type": "NewsArticle", "headline": entry.title, "datePublished": entry.date.isoformat(),
                  "author": {"@type": "Organization", "name": site.curator or site.title},
                  "publisher": _digest(site), "isBasedOn": based_on},
                 description=entry.summary, url=url, image=image, about=about, mentions=mentions,
                 wordCount=entry.words, timeRequired=f"PT{entry.minutes}M")


def collection(site: Site, path: str, name: str, description: str, about: str,
               entries: Sequence[Entry]) -> dict[str, object]:
    """A topic, person or organisation page as a CollectionPage about it (`about` is a schema.org type)."""
    url = absolute(site, path)
    items = [{"@type": "ListItem", "position": n, "url": absolute(site, f"entries/{e.slug}/")}
             for n, e in enumerate(entries, 1)] if url else []
    return _with({"@type": "CollectionPage", "name": name, "about": {"@type": about, "name": name},
                  "isPartOf": _with({"@type": "WebSite", "name": site.title}, url=site.base_url)},
                 description=description, url=url, inLanguage=site.language,
                 mainEntity={"@type": "ItemList", "itemListElement": items} if items else None)


def website(site: Site) -> dict[str, object] | None:
    """The home page's WebSite with its search, for a search box in results; it needs base_url."""
    if not site.base_url:
        return None
    return _with({"@type": "WebSite", "name": site.title, "url": site.base_url, "publisher": _digest(site),
                  "potentialAction": {"@type": "SearchAction",
                                      "target": {"@type": "EntryPoint",
                                                 "urlTemplate": f"{site.base_url}search/?q={{search_term_string}}"},
                                      "query-input": "required name=search_term_string"}},
                 description=site.description or site.tagline, inLanguage=site.language)


def json_feed(site: Site, topics: Mapping[str, Topic], entries: Sequence[Entry], topic: Topic | None) -> Markup:
    """A JSON Feed 1.1 of `entries` (the whole digest's, or `topic`'s); needs base_url, as the Atom feeds do."""
    folder = f"topics/{topic.slug}/" if topic else ""
    feed = _with({"version": JSON_FEED, "title": f"{site.title}: {topic.title}" if topic else site.title,
                  "home_page_url": site.base_url + folder, "feed_url": f"{site.base_url}{folder}feed.json",
                  "language": site.language,
                  "items": [_item(site, topics, e) for e in entries]},
                 description=(topic.description if topic else site.description or site.tagline),
                 authors=[{"name": site.curator or site.title}])
    return Markup(json.dumps(feed, ensure_ascii=False, indent=1) + "\n")


def _item(site: Site, topics: Mapping[str, Topic], entry: Entry) -> dict[str, object]:
    url = f"{site.base_url}entries/{entry.slug}/"
    return _with({"id": url, "url": url, "title": entry.title, "content_text": entry.summary or entry.title,
                  "date_published": f"{entry.date.isoformat()}T00:00:00Z"},
                 summary=entry.summary, external_url=entry.source.url,
                 image=f"{url}{SHARE_IMAGE}" if site.share_images else "",
                 tags=[topics[t].title for t in entry.topics])
