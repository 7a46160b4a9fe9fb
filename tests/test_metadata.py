"""What pages tell search engines, link previews and feed readers: canonical and OpenGraph tags, JSON-LD,
JSON Feed, the OPML list of feeds, and reading time."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from broadsheet.build import Options, build
from broadsheet.entries import count_words

from .conftest import ENTRY, SITE, entry, make_site

BASE = "https://digest.example.org/"
HOSTILE = "Cloud </script><script>alert(1)</script> & <!-- more"


class Head(HTMLParser):
    """A page's <meta>, <link> and JSON-LD blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []  # (property or name, content)
        self.links: list[dict[str, str | None]] = []
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and (found.get("property") or found.get("name")):
            self.meta.append((found.get("property") or found.get("name") or "", found.get("content") or ""))
        elif tag == "link":
            self.links.append(found)
        elif tag == "script" and found.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_ld = False if tag == "script" else self._in_ld

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.json_ld[-1] += data

    def values(self, key: str) -> list[str]:
        return [content for name, content in self.meta if name == key]

    def link(self, rel: str, kind: str | None = None) -> list[str]:
        return [link.get("href") or "" for link in self.links if link.get("rel") == rel
                and (kind is None or link.get("type") == kind)]


def head(path: Path) -> Head:
    parser = Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# --- a JSON-LD validator for the shapes the pages emit ------------------------------------------------

def need(data: dict[str, object], where: str, *keys: str) -> None:
    for key in keys:
        assert data.get(key) not in (None, "", []), f"{where}: {data.get('@type')} lacks {key}"


def absolute(value: object, where: str) -> None:
    assert isinstance(value, str) and value.startswith(BASE), f"{where}: {value!r} is not an absolute address"


def check_thing(data: object, where: str, types: tuple[str, ...]) -> dict[str, object]:
    assert isinstance(data, dict), f"{where}: expected an object, got {data!r}"
    assert data.get("@type") in types, f"{where}: @type {data.get('@type')!r} is not one of {types}"
    need(data, where, "name")
    return data


def validate(data: dict[str, object], where: str, with_urls: bool = True) -> str:
    """Check one JSON-LD block; return its @type."""
    assert data.get("@context") == "https://schema.org", where
    kind = data.get("@type")
    if kind == "NewsArticle":
        need(data, where, "headline", "datePublished", "author", "publisher", "isBasedOn", "about")
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", str(data["datePublished"])), where
        check_thing(data["author"], where, ("Organization", "Person"))
        check_thing(data["publisher"], where, ("Organization",))
        based = data["isBasedOn"]
        assert isinstance(based, dict) and based.get("@type") in ("NewsArticle", "CreativeWork"), where
        check_thing(based.get("publisher"), f"{where} isBasedOn", ("Organization",))
        about = data["about"]
        assert isinstance(about, list)
        for item in about:
            check_thing(item, f"{where} about", ("Thing",))
        for item in data.get("mentions", []):  # type: ignore[attr-defined]
            check_thing(item, f"{where} mentions", ("Person", "Organization"))
        if with_urls:
            need(data, where, "url", "description")
            absolute(data["url"], where)
    elif kind == "CollectionPage":
        need(data, where, "name", "about", "isPartOf")
        check_thing(data["about"], where, ("Thing", "Person", "Organization"))
        if with_urls:
            absolute(data.get("url"), where)
        listed = data.get("mainEntity", {"@type": "ItemList", "itemListElement": []})
        assert isinstance(listed, dict) and listed["@type"] == "ItemList", where
        for n, item in enumerate(listed["itemListElement"], 1):  # type: ignore[arg-type]
            assert item["@type"] == "ListItem" and item["position"] == n, where
            absolute(item["url"], where)
    elif kind == "WebSite":
        need(data, where, "name", "url", "potentialAction")
        action = data["potentialAction"]
        assert isinstance(action, dict) and action["@type"] == "SearchAction", where
        assert action["target"]["urlTemplate"] == f"{BASE}search/?q={{search_term_string}}", where
        assert action["query-input"] == "required name=search_term_string", where
    else:
        raise AssertionError(f"{where}: unexpected @type {kind!r}")
    return str(kind)


def json_ld_types(site: Path, with_urls: bool = True) -> dict[str, list[str]]:
    """Every page's JSON-LD types, each block validated."""
    found = {}
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        blocks = head(page).json_ld
        for text in blocks:
            assert "<" not in text and ">" not in text, f"{rel}: JSON-LD holds raw markup"
        found[rel] = [validate(json.loads(text), rel, with_urls) for text in blocks]
    return found


CJK_ENTRY = entry(title="title: 马云说数字化是生存问题", date="date: 2021-01-02") + "马云说数字化。" * 400


@pytest.fixture
def built(tmp_path: Path) -> Path:
    content = make_site(tmp_path, {"entries/hostile.md": entry(title=f"title: '{HOSTILE}'", date="date: 2020-01-01"),
                                   "entries/cjk.md": CJK_ENTRY})
    build(Options(content=content, out=tmp_path / "site", search=False))
    return tmp_path / "site"


def test_every_json_ld_block_parses_and_has_the_properties_of_its_type(built: Path) -> None:
    types = json_ld_types(built)
    entries = sorted(p for p in types if p.startswith("entries/"))
    assert entries and all(types[p] == ["NewsArticle"] for p in entries)
    assert types["index.html"] == ["WebSite"]
    for page in ("topics/cloud/index.html", "people/jack-ma/index.html", "organizations/alibaba/index.html"):
        assert types[page] == ["CollectionPage"], page
    (text,) = head(built / "topics" / "cloud" / "index.html").json_ld
    listed = json.loads(text)["mainEntity"]["itemListElement"]
    assert [item["url"] for item in listed] == [f"{BASE}entries/{slug}/" for slug in ("cjk", "cloud-shop", "hostile")]
    assert types["search/index.html"] == [] and types["404.html"] == []


def test_news_article_names_the_source_and_what_it_is_about(built: Path) -> None:
    (text,) = head(built / "entries" / "cloud-shop" / "index.html").json_ld
    article = json.loads(text)
    assert article["headline"] == "Cloud comes to the corner shop"
    assert article["url"] == f"{BASE}entries/cloud-shop/"
    assert article["isBasedOn"] == {"@type": "NewsArticle", "name": "Shops move online",
                                    "url": "https://example.org/story",
                                    "publisher": {"@type": "Organization", "name": "Example Daily"},
                                    "datePublished": "2020-09"}
    assert [t["name"] for t in article["about"]] == ["Cloud computing", "Retail"]
    assert {(m["@type"], m["name"]) for m in article["mentions"]} == {("Person", "Jack Ma"),
                                                                       ("Organization", "Alibaba Group")}
    assert article["publisher"] == {"@type": "Organization", "name": "Test Digest", "url": BASE}


def test_json_ld_cannot_close_its_script_element(built: Path) -> None:
    page = (built / "entries" / "hostile" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    (text,) = head(built / "entries" / "hostile" / "index.html").json_ld
    assert "\\u003c/script\\u003e" in text and "\\u0026" in text
    assert json.loads(text)["headline"] == HOSTILE


def test_shared_links_carry_absolute_addresses_and_article_tags(built: Path) -> None:
    tags = head(built / "entries" / "cloud-shop" / "index.html")
    assert tags.link("canonical") == [f"{BASE}entries/cloud-shop/"]
    assert tags.values("og:url") == [f"{BASE}entries/cloud-shop/"]
    assert tags.values("og:type") == ["article"]
    assert tags.values("og:title") == ["Cloud comes to the corner shop"]
    assert tags.values("og:site_name") == ["Test Digest"]
    assert tags.values("og:locale") == ["en"]
    assert tags.values("article:published_time") == ["2020-09-15"]
    assert tags.values("article:tag") == ["Cloud computing", "Retail"]
    assert tags.values("twitter:card") == ["summary"]
    assert tags.values("og:image") == []
    home = head(built / "index.html")
    assert home.link("canonical") == [BASE] and home.values("og:type") == ["website"]
    assert head(built / "topics" / "cloud" / "index.html").link("canonical") == [f"{BASE}topics/cloud/"]
    assert head(built / "404.html").link("canonical") == []


def test_without_base_url_no_address_is_made_up(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"site.yaml": SITE.replace(f"base_url: {BASE}\n", "")})
    build(Options(content=content, out=tmp_path / "site", search=False))
    site = tmp_path / "site"
    for page in site.rglob("*.html"):
        tags = head(page)
        assert tags.link("canonical") == [] and tags.values("og:url") == [] and tags.values("og:image") == [], page
        assert tags.values("og:title"), page
        for text in tags.json_ld:  # only the source's own address, which is absolute in the content
            addresses = set(re.findall(r'"(?:url|urlTemplate|image)":"([^"]*)"', text))
            assert addresses <= {"https://example.org/story"}, page
    types = json_ld_types(site, with_urls=False)
    assert types["index.html"] == [] and types["entries/cloud-shop/index.html"] == ["NewsArticle"]
    assert not (site / "feed.json").exists() and not (site / "feeds.opml").exists()


def test_og_locale_follows_the_language(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"site.yaml": SITE.replace("language: en", "language: pt-BR")})
    build(Options(content=content, out=tmp_path / "site", search=False))
    assert head(tmp_path / "site" / "index.html").values("og:locale") == ["pt_BR"]


# --- feeds ---------------------------------------------------------------------------------------------

def check_json_feed(path: Path) -> dict[str, object]:
    feed = json.loads(path.read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert isinstance(feed["items"], list)
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert item.get("content_text") or item.get("content_html"), item
        absolute(item["url"], str(path))
    absolute(feed["feed_url"], str(path))
    return feed  # type: ignore[no-any-return]


def test_json_feeds_sit_beside_the_atom_feeds_and_are_announced(built: Path) -> None:
    home = check_json_feed(built / "feed.json")
    assert home["feed_url"] == f"{BASE}feed.json"
    assert [item["title"] for item in home["items"]] == [  # type: ignore[index, union-attr]
        "马云说数字化是生存问题", "Cloud comes to the corner shop", HOSTILE]
    assert home["items"][1]["external_url"] == "https://example.org/story"  # type: ignore[index]
    atom = sorted(p.relative_to(built).as_posix() for p in built.rglob("feed.xml"))
    assert sorted(p.relative_to(built).as_posix() for p in built.rglob("feed.json")) == \
        [p.removesuffix(".xml") + ".json" for p in atom]
    for path in built.rglob("feed.json"):
        check_json_feed(path)
    assert head(built / "index.html").link("alternate", "application/feed+json") == ["feed.json"]
    assert "../../topics/cloud/feed.json" in head(built / "topics" / "cloud" / "index.html").link(
        "alternate", "application/feed+json")
    topic = check_json_feed(built / "topics" / "retail" / "feed.json")
    assert topic["title"] == "Test Digest: Retail"
    assert {item["title"] for item in topic["items"]} == {  # type: ignore[union-attr]
        "Cloud comes to the corner shop", "马云说数字化是生存问题", HOSTILE}


def test_opml_lists_every_feed_of_the_site(built: Path) -> None:
    root = ET.parse(built / "feeds.opml").getroot()
    assert root.tag == "opml" and root.get("version") == "2.0"
    outlines = root.findall("./body/outline")
    urls = [o.get("xmlUrl") or "" for o in outlines]
    for url in urls:
        absolute(url, "feeds.opml")
        assert (built / url.removeprefix(BASE)).is_file(), url
    assert sorted(u.removeprefix(BASE) for u in urls) == sorted(p.relative_to(built).as_posix()
                                                                for p in built.rglob("feed.xml"))
    titles = {o.get("text") for o in outlines}
    assert {"Test Digest", "Test Digest: Cloud computing", "Test Digest: Retail"} <= titles


# --- reading time --------------------------------------------------------------------------------------

def test_words_count_cjk_characters_one_by_one() -> None:
    assert count_words("Cloud comes to the corner shop.") == 6
    assert count_words("马云说数字化") == 6
    assert count_words("Jack Ma (马云) said it's time.") == 7


def test_reading_time_shows_on_entry_pages_and_cards(built: Path) -> None:
    cjk = (built / "entries" / "cjk" / "index.html").read_text(encoding="utf-8")
    # 2,400 characters and the 43 words of the other paragraphs, at 238 a minute: ten minutes.
    assert "10 min read" in cjk
    assert "1 min read" in (built / "entries" / "cloud-shop" / "index.html").read_text(encoding="utf-8")
    home = (built / "index.html").read_text(encoding="utf-8")
    assert home.count("min read") == 3 and "10 min read" in home


def test_longer_body_reads_longer(tmp_path: Path) -> None:
    long = ENTRY + "\n" + " ".join(["word"] * 1190) + "\n"
    content = make_site(tmp_path, {"entries/cloud-shop.md": long})
    build(Options(content=content, out=tmp_path / "site", search=False))
    page = (tmp_path / "site" / "entries" / "cloud-shop" / "index.html").read_text(encoding="utf-8")
    assert "5 min read" in page  # 1,190 + 43 words
