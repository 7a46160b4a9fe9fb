"""Reading content/: fields, references, dates, URLs, files, encodings, slugs and the registries.
Every error is asserted as the full `path:line: field: message (hint)` line."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

from broadsheet.errors import BuildError
from broadsheet.read import read_content

from .conftest import ENTRY, PEOPLE, entry, entry_problems, make_site, problems

SUMMARY = ("summary: >-\n  A short account, in the curator's words, of small shops renting servers instead of "
           "buying them.")
HYPHENS = "use lower-case a-z, 0-9 and single hyphens"
SOURCE = ("source:\n  title: Shops move online\n  publisher: Example Daily\n  url: https://example.org/story\n"
          "  published: 2020-09")


def without(key: str, text: str = ENTRY) -> str:
    """ENTRY without the line `key: ...` (and a folded value's continuation lines)."""
    lines, out, skipping = text.split("\n"), [], False
    for line in lines:
        if line.startswith(f"{key}:"):
            skipping = True
            continue
        if skipping and line.startswith("  "):
            continue
        skipping = False
        out.append(line)
    return "\n".join(out)


# --- required fields and types -------------------------------------------------------------------------

def test_every_problem_in_a_file_is_reported_in_one_pass(tmp_path: Path) -> None:
    text = without("title", entry(kind="kind: speach", date="date: 2020-02-30", topics="topics: [clod]"))
    text = text.replace("see: 2", "see: 7").replace("url: https://example.org/story", "url: javascript:alert(1)")
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:2: date: `2020-02-30` is not a real date: February 2020 has 29 days "
        "(the last day is 2020-02-29)",
        "entries/cloud-shop.md:2: title: missing required field (add `title:` to the front matter)",
        "entries/cloud-shop.md:3: kind: `speach` is not one of news, interview, speech, commentary, feature "
        "(did you mean `speech`?)",
        "entries/cloud-shop.md:7: source.url: `javascript:alert(1)` is not an http(s) URL "
        "(links must start with http:// or https://)",
        "entries/cloud-shop.md:13: key_points[0].see: paragraph 7 does not exist: the body has 3 paragraphs "
        "(count top-level paragraphs from 1; headings, lists and block quotes do not count)",
        "entries/cloud-shop.md:17: topics[0]: unknown topic `clod` "
        "(did you mean `cloud`? define it in topics.yaml if it is new)"]


def test_errors_in_several_files_are_reported_together(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"entries/a.md": entry(title="title:"), "entries/b.md": entry(kind="kind: 3"),
                                   "site.yaml": "title: [Digest]\n"})
    assert problems(content) == [
        "entries/a.md:2: title: is blank (write a value after `title:`)",
        "entries/b.md:4: kind: expected text, got `3`, which YAML reads as the number 3 (put it in quotes: \"3\")",
        "site.yaml:1: title: expected text, got a list"]


@pytest.mark.parametrize(("field", "line", "hint"), [
    ("title", 2, "add `title:` to the front matter"),
    ("date", 2, "add `date: YYYY-MM-DD`"),
    ("kind", 2, "add `kind:` to the front matter"),
    ("source", 2, "add `source:` with at least `publisher:`"),
    ("summary", 2, "add `summary:` to the front matter"),
    ("topics", 2, "list at least one slug from topics.yaml, e.g. `topics: [a-slug]`"),
])
def test_missing_required_fields(tmp_path: Path, field: str, line: int, hint: str) -> None:
    assert entry_problems(tmp_path, without(field)) == [
        f"entries/cloud-shop.md:{line}: {field}: missing required field ({hint})"]


def test_missing_publisher_points_at_source(tmp_path: Path) -> None:
    assert entry_problems(tmp_path, ENTRY.replace("  publisher: Example Daily\n", "")) == [
        "entries/cloud-shop.md:5: source.publisher: missing required field (add `publisher:` to the front matter)"]


def test_blank_values(tmp_path: Path) -> None:
    text = entry(title="title: '  '", kind="kind:").replace("publisher: Example Daily", "publisher:")
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:2: title: is blank (write a value after `title:`)",
        "entries/cloud-shop.md:4: kind: is blank (write a value after `kind:`)",
        "entries/cloud-shop.md:7: source.publisher: is blank (write a value after `publisher:`)"]


def test_a_draft_may_leave_curation_empty(tmp_path: Path) -> None:
    text = without("summary", without("key_points", without("topics", entry(draft="draft: true"))))
    text = text.replace("curator_note: Removed a footer.", "curator_note: Removed a footer.\ndraft: true")
    text = text.replace("    see: 2\n", "").replace("publisher: Example Daily", "publisher:")
    content = make_site(tmp_path, {"entries/cloud-shop.md": text})
    assert read_content(content).entries == ()
    [draft] = read_content(content, drafts=True).entries
    assert draft.draft and draft.summary == "" and draft.topics == ()


def test_wrong_types(tmp_path: Path) -> None:
    text = entry(title="title: [Cloud]", draft="draft: 'no'", topics="topics: cloud")
    text = text.replace(SOURCE, "source: Example Daily").replace("see: 2", "see: two")
    text = text.replace("curator_note: Removed a footer.", "curator_note: {a: b}\ndraft: 'no'")
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:2: title: expected text, got a list",
        "entries/cloud-shop.md:5: source: expected a mapping of fields, got the text `Example Daily` "
        "(put its fields on the lines after `source:`, indented)",
        "entries/cloud-shop.md:10: key_points[0].see: expected a whole number, got the text `two` "
        "(write a number, e.g. `see: 2`)",
        "entries/cloud-shop.md:14: topics: expected a list, got the text `cloud` (write it as `topics: [cloud]`)",
        "entries/cloud-shop.md:17: curator_note: expected text, got a mapping",
        "entries/cloud-shop.md:18: draft: expected true or false, got the text `no` "
        "(write true or false, without quotes)"]


def test_list_items_of_the_wrong_shape(tmp_path: Path) -> None:
    text = ENTRY.replace("  - text: Shops rent rather than buy.\n    see: 2", "  - Shops rent rather than buy.")
    text = text.replace("topics: [cloud, retail]", "topics: [cloud, [retail]]")
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:13: key_points[0]: expected an item like `- text: ...`, got the text "
        "`Shops rent rather than buy.`",
        "entries/cloud-shop.md:17: topics[1]: expected text, got a list"]


# --- unknown fields --------------------------------------------------------------------------------------

def test_misspelt_field_is_named_from_both_sides(tmp_path: Path) -> None:
    text = ENTRY.replace("summary: >-", "sumary: >-")
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:2: summary: missing required field (is `sumary` on line 10 meant to be `summary`?)",
        "entries/cloud-shop.md:10: sumary: unknown field (did you mean `summary`?)"]


def test_unknown_field_with_nothing_close_lists_the_allowed_ones(tmp_path: Path) -> None:
    text = entry(curator_note="curator_note: Removed a footer.\nweather: sunny")
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:22: weather: unknown field (allowed fields: title, date, kind, source, summary, "
        "key_points, quotes, topics, people, organizations, curator_note, draft)"]


def test_unknown_nested_fields(tmp_path: Path) -> None:
    text = ENTRY.replace("  publisher: Example Daily", "  publisher: Example Daily\n  autor: Zhao Yan")
    text = text.replace("    see: 2", "    see: 2\n    sea: 3")
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:8: source.autor: unknown field (did you mean `author`?)",
        "entries/cloud-shop.md:16: key_points[0].sea: unknown field (did you mean `see`?)"]


# --- dates ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "hint"), [
    ("15/09/2020", "did you mean `2020-09-15`?"),
    ("09/15/2020", "did you mean `2020-09-15`?"),
    ("2020-9-15", "did you mean `2020-09-15`?"),
    ("2020/09/15", "did you mean `2020-09-15`?"),
    ("15 September 2020", "did you mean `2020-09-15`?"),
    ("Sept. 15, 2020", "did you mean `2020-09-15`?"),
    ("03/04/2020", "write it as YYYY-MM-DD, e.g. 2020-09-15"),
    ("31/02/2020", "write it as YYYY-MM-DD, e.g. 2020-09-15"),
    ("last Tuesday", "write it as YYYY-MM-DD, e.g. 2020-09-15"),
])
def test_dates_in_other_formats(tmp_path: Path, written: str, hint: str) -> None:
    assert entry_problems(tmp_path, entry(date=f"date: {written}")) == [
        f"entries/cloud-shop.md:3: date: expected a date as YYYY-MM-DD, got the text `{written}` ({hint})"]


@pytest.mark.parametrize("quote", ['"', "'"])
def test_a_quoted_date_is_a_date(tmp_path: Path, quote: str) -> None:
    text = entry(date=f"date: {quote}2024-05-01{quote}").replace("published: 2020-09",
                                                                 f"published: {quote}2020-09-15{quote}")
    [parsed] = read_content(make_site(tmp_path, {"entries/cloud-shop.md": text})).entries
    assert (parsed.date.isoformat(), parsed.source.published) == ("2024-05-01", "2020-09-15")


@pytest.mark.parametrize(("written", "got"), [
    ('"15/09/2020"', "the text `15/09/2020`"),
    ("20200915", "the number 20200915"),
    ("15.09.2020", "the text `15.09.2020`"),
])
def test_a_date_in_another_format_gets_its_iso_form(tmp_path: Path, written: str, got: str) -> None:
    assert entry_problems(tmp_path, entry(date=f"date: {written}")) == [
        f"entries/cloud-shop.md:3: date: expected a date as YYYY-MM-DD, got {got} (did you mean `2020-09-15`?)"]


def test_the_hint_never_offers_back_what_was_typed(tmp_path: Path) -> None:
    """`2020-09-15` is a date to every date rule; a field that wants a year or a month also takes it."""
    text = entry(date='date: "2024-05-01 "').replace("published: 2020-09", 'published: "2020-9"')
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:9: source.published: expected YYYY, YYYY-MM or YYYY-MM-DD, got the text "
        "`2020-9` (did you mean `2020-09`?)"]
    assert entry_problems(tmp_path, entry(kind="kind: News")) == [
        "entries/cloud-shop.md:4: kind: `News` is not one of news, interview, speech, commentary, feature "
        "(did you mean `news`?)"]


@pytest.mark.parametrize(("quote", "published", "problem"), [
    ("", "2020-13", "`2020-13` is not a real month: there is no month 13 (write it as YYYY-MM, e.g. 2020-09)"),
    ('"', '"2020-04-31"', "`2020-04-31` is not a real date: April 2020 has 30 days (the last day is 2020-04-30)"),
])
def test_impossible_dates_are_positioned(tmp_path: Path, quote: str, published: str, problem: str) -> None:
    text = entry(date=f"date: {quote}2021-02-29{quote}").replace("published: 2020-09", f"published: {published}")
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:3: date: `2021-02-29` is not a real date: February 2021 has 28 days "
        "(the last day is 2021-02-28)",
        f"entries/cloud-shop.md:9: source.published: {problem}"]


def test_a_year_alone_is_not_an_entry_date(tmp_path: Path) -> None:
    assert entry_problems(tmp_path, entry(date="date: 2020")) == [
        "entries/cloud-shop.md:3: date: expected a date as YYYY-MM-DD, got the number 2020 "
        "(write it as YYYY-MM-DD, e.g. 2020-09-15)"]


@pytest.mark.parametrize(("written", "kept"), [("2020", "2020"), ("2020-09", "2020-09"), ("2020-09-15", "2020-09-15")])
def test_published_may_be_partial(tmp_path: Path, written: str, kept: str) -> None:
    text = ENTRY.replace("published: 2020-09", f"published: {written}")
    [parsed] = read_content(make_site(tmp_path, {"entries/cloud-shop.md": text})).entries
    assert parsed.source.published == kept


def test_published_in_words_gets_a_suggestion(tmp_path: Path) -> None:
    text = ENTRY.replace("published: 2020-09", "published: September 2020")
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:9: source.published: expected YYYY, YYYY-MM or YYYY-MM-DD, got the text "
        "`September 2020` (did you mean `2020-09`?)"]


# --- URLs ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "shown", "hint"), [
    ("javascript:alert(1)", "javascript:alert(1)", "links must start with http:// or https://"),
    ("JaVaScRiPt:alert(1)", "JaVaScRiPt:alert(1)", "links must start with http:// or https://"),
    ('"java\\tscript:alert(1)"', "java\\tscript:alert(1)", "links must start with http:// or https://"),
    ('"https://example.org/\\nx"', "https://example.org/\\nx", "links must start with http:// or https://"),
    ("data:text/html;base64,PHNjcmlwdD4=", "data:text/html;base64,PHNjcmlwdD4=",
     "links must start with http:// or https://"),
    ("ftp://example.org/file", "ftp://example.org/file", "links must start with http:// or https://"),
    ("example.org/story", "example.org/story", "did you mean `https://example.org/story`?"),
    ("//example.org/story", "//example.org/story", "did you mean `https://example.org/story`?"),
    ("https:/example.org", "https:/example.org", "links must start with http:// or https://"),
    ("https://", "https://", "links must start with http:// or https://"),
])
def test_only_http_urls(tmp_path: Path, url: str, shown: str, hint: str) -> None:
    text = ENTRY.replace("url: https://example.org/story", f"url: {url}")
    assert entry_problems(tmp_path, text) == [
        f"entries/cloud-shop.md:8: source.url: `{shown}` is not an http(s) URL ({hint})"]


def test_mixed_case_http_is_accepted(tmp_path: Path) -> None:
    text = ENTRY.replace("url: https://example.org/story", "url: HTTPS://Example.org/Story")
    [parsed] = read_content(make_site(tmp_path, {"entries/cloud-shop.md": text})).entries
    assert parsed.source.url == "HTTPS://Example.org/Story"


def test_base_url_in_site_yaml(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"site.yaml": "title: Digest\nbase_url: digest.example.org\nlanguage: English\n"})
    assert problems(content) == [
        "site.yaml:2: base_url: `digest.example.org` is not an http(s) URL "
        "(did you mean `https://digest.example.org`?)",
        "site.yaml:3: language: `English` is not a language code "
        "(use a BCP 47 code such as en, zh or zh-Hans; pages and search rely on it)"]


# --- see:, quotes, summaries -------------------------------------------------------------------------------

@pytest.mark.parametrize(("see", "message", "hint"), [
    ("0", "`0` is not a paragraph number: they count from 1 and the body has 3 paragraphs",
     "use 1 for the first paragraph"),
    ("-2", "`-2` is not a paragraph number: they count from 1 and the body has 3 paragraphs",
     "use 1 for the first paragraph"),
    ("4", "paragraph 4 does not exist: the body has 3 paragraphs",
     "count top-level paragraphs from 1; headings, lists and block quotes do not count"),
    ("2.5", "expected a whole number, got `2.5`, which YAML reads as the number 2.5", 'put it in quotes: "2.5"'),
])
def test_see_out_of_range(tmp_path: Path, see: str, message: str, hint: str) -> None:
    assert entry_problems(tmp_path, ENTRY.replace("see: 2", f"see: {see}")) == [
        f"entries/cloud-shop.md:14: key_points[0].see: {message} ({hint})"]


def test_see_counts_only_top_level_paragraphs(tmp_path: Path) -> None:
    body = "# Heading\n\nOne.\n\n- a list\n- of two\n\n> a quote\n\nTwo. \"Renting is cheaper than owning.\"\n"
    text = ENTRY.split("---\n")[1]
    content = make_site(tmp_path, {"entries/cloud-shop.md": f"---\n{text}---\n{body}"})
    assert read_content(content).entries[0].paragraphs == 2
    text = text.replace("see: 2", "see: 3")
    content = make_site(tmp_path, {"entries/cloud-shop.md": f"---\n{text}---\n{body}"})
    assert problems(content) == [
        "entries/cloud-shop.md:14: key_points[0].see: paragraph 3 does not exist: the body has 2 paragraphs "
        "(count top-level paragraphs from 1; headings, lists and block quotes do not count)"]


def test_references_ignore_case_and_resolve_to_the_slug(tmp_path: Path) -> None:
    """An entry names a topic, person or organisation in any case, like an alias; the page uses the slug."""
    text = entry(topics="topics: [CLOUD, Cloud Computing]", people="people: [MA YUN]",
                 organizations="organizations: [ALIBABA group]").replace("by: jack-ma", "by: Jack-Ma")
    [parsed] = read_content(make_site(tmp_path, {"entries/cloud-shop.md": text})).entries
    assert (parsed.topics, parsed.people, parsed.organizations, parsed.quotes[0].by) == (
        ("cloud",), ("jack-ma",), ("alibaba",), "jack-ma")


def test_registry_keys_must_be_lower_case_slugs(tmp_path: Path) -> None:
    """A key is a slug and names a folder of the site: `AI-Policy` would differ from the address it gets."""
    content = make_site(tmp_path, {"topics.yaml": "AI-Policy:\n  title: AI policy\ncloud:\n  title: Cloud\n"
                                                  "retail:\n  title: Retail\n"})
    assert problems(content) == [
        "topics.yaml:1: AI-Policy: `AI-Policy` is not a valid slug (use lower-case a-z, 0-9 and single hyphens, "
        "e.g. `ai-policy`)"]


def test_a_quote_not_in_the_body_suggests_the_closest_sentence(tmp_path: Path) -> None:
    text = ENTRY.replace('  - text: "Renting is cheaper than owning."', '  - text: "Renting is cheaper than buying."')
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:16: quotes[0].text: quote not found in the body "
        '(the closest passage in the body is `"Renting is cheaper than owning."`)']


def test_a_quote_with_nothing_close(tmp_path: Path) -> None:
    text = ENTRY.replace('  - text: "Renting is cheaper than owning."', '  - text: "We never said that."')
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:16: quotes[0].text: quote not found in the body "
        "(copy it verbatim from the source text; spacing and quote marks may differ)"]


def test_quotes_match_across_spacing_and_curly_quote_marks(tmp_path: Path) -> None:
    text = ENTRY.replace('"Renting is cheaper than owning." He', "\u201cRenting  is cheaper\nthan owning.\u201d He")
    assert read_content(make_site(tmp_path, {"entries/cloud-shop.md": text})).entries[0].quotes


def test_summary_copying_twelve_words_is_refused_and_quoted_as_written(tmp_path: Path) -> None:
    text = ENTRY.replace(SUMMARY, "summary: In short, The first paragraph says that shops in the city are "
                                  "changing how they work, it says.")
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:10: summary: copies 12+ consecutive words from the source text: "
        "\"The first paragraph says that shops in the city are changing how\" (write the summary in your own words)"]


def test_summary_sharing_eleven_words_is_fine(tmp_path: Path) -> None:
    text = ENTRY.replace(SUMMARY, "summary: The first paragraph says that shops in the city are changing, briefly.")
    assert read_content(make_site(tmp_path, {"entries/cloud-shop.md": text})).entries


# --- topics, people, organisations ----------------------------------------------------------------------------

def test_undefined_references_suggest_the_closest_name(tmp_path: Path) -> None:
    text = entry(topics="topics: [clod, Retail]", people="people: [Jack Mo, 马云]",
                 organizations="organizations: [Alibabba, Tencent]")
    text = text.replace("by: jack-ma", "by: jackma")
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:17: quotes[0].by: unknown person `jackma` "
        "(did you mean `jack-ma`? define it in people.yaml if it is new)",
        "entries/cloud-shop.md:18: topics[0]: unknown topic `clod` "
        "(did you mean `cloud`? define it in topics.yaml if it is new)",
        "entries/cloud-shop.md:19: people[0]: unknown person `Jack Mo` "
        "(did you mean `Jack Ma`? define it in people.yaml if it is new)",
        "entries/cloud-shop.md:20: organizations[0]: unknown organisation `Alibabba` "
        "(did you mean `Alibaba`? define it in organizations.yaml if it is new)",
        "entries/cloud-shop.md:20: organizations[1]: unknown organisation `Tencent` "
        "(define it in organizations.yaml if it is new)"]


def test_names_and_aliases_resolve_to_slugs(tmp_path: Path) -> None:
    text = entry(topics="topics: [Cloud computing, retail, cloud]", people="people: [马云, JACK MA]")
    [parsed] = read_content(make_site(tmp_path, {"entries/cloud-shop.md": text})).entries
    assert (parsed.topics, parsed.people) == (("cloud", "retail"), ("jack-ma",))


def test_an_alias_shared_by_two_people_names_file_and_line(tmp_path: Path) -> None:
    people = PEOPLE + "ma-huateng:\n  name: Ma Huateng\n  aliases: [Pony Ma, ma yun]\n"
    assert problems(make_site(tmp_path, {"people.yaml": people})) == [
        "people.yaml:11: ma-huateng.aliases[1]: `ma yun` also names `jack-ma` (line 3) "
        "(a name or alias must point to one only; remove one of them)"]


def test_a_name_that_is_another_persons_alias(tmp_path: Path) -> None:
    people = PEOPLE + "ma-yun:\n  name: Ma Yun\n"
    assert problems(make_site(tmp_path, {"people.yaml": people})) == [
        "people.yaml:10: ma-yun.name: `Ma Yun` also names `jack-ma` (line 3) "
        "(a name or alias must point to one only; remove one of them)"]


def test_registry_problems(tmp_path: Path) -> None:
    topics = ("cloud:\n  title: Cloud\n  descripion: x\nindex:\n  title: Index\nCloud-2:\n  title: Two\n"
              "retail:\nempty: {}\nlisted: [a]\n")
    assert problems(make_site(tmp_path, {"topics.yaml": topics, "entries/cloud-shop.md": entry(
        topics="topics: [cloud]")})) == [
        "topics.yaml:3: cloud.descripion: unknown field (did you mean `description`?)",
        "topics.yaml:4: index: `index` is a reserved name (the site or Windows uses it) (use e.g. `index-1`)",
        "topics.yaml:6: Cloud-2: `Cloud-2` is not a valid slug "
        "(use lower-case a-z, 0-9 and single hyphens, e.g. `cloud-2`)",
        "topics.yaml:8: retail: has no fields (give it `title:` on the next line, indented)",
        "topics.yaml:9: empty.title: missing required field (add `title:` to the front matter)",
        "topics.yaml:10: listed: expected a mapping of fields, got a list "
        "(put its fields on the lines after `listed:`, indented)"]


@pytest.mark.parametrize("name", ["topics.yaml", "people.yaml", "organizations.yaml", "site.yaml"])
def test_a_missing_data_file_is_named(tmp_path: Path, name: str) -> None:
    content = make_site(tmp_path, {"entries/cloud-shop.md": entry(
        people="people: []", organizations="organizations: []").replace("    by: jack-ma\n", "")})
    (content / name).unlink()
    # Only the file is named: the entries' references to it are not each reported as unknown.
    assert problems(content) == [f"{name}: file not found (create {name}; see README)"]


def test_an_empty_registry_is_allowed(tmp_path: Path) -> None:
    text = entry(organizations="organizations: []")
    content = make_site(tmp_path, {"organizations.yaml": "", "entries/cloud-shop.md": text})
    assert read_content(content).registry.organizations == {}


def test_site_yaml_must_be_a_mapping(tmp_path: Path) -> None:
    assert problems(make_site(tmp_path, {"site.yaml": "- title: Digest\n"})) == [
        "site.yaml:1: expected `key: value` lines, got a list"]


# --- files -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [b"", b"  \n\n\t \n", b"\xef\xbb\xbf\r\n"])
def test_empty_files(tmp_path: Path, raw: bytes) -> None:
    assert entry_problems(tmp_path, raw) == [
        "entries/cloud-shop.md:1: file is empty (write the front matter between `---` lines)"]


def test_binary_file(tmp_path: Path) -> None:
    raw = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256))
    assert entry_problems(tmp_path, raw) == [
        "entries/cloud-shop.md:1: file is binary, not text (remove it from content/)"]


@pytest.mark.parametrize(("raw", "line", "byte", "looks_like"), [
    (ENTRY.replace("Removed a footer.", "删除了页脚\uff1a数字经济\u3002").encode("gbk"), 21, "0xB3",
     "GBK/GB18030 (Chinese)"),
    (ENTRY.replace("Removed a footer.", "数字经济").encode("gbk"), 21, "0xCA", "GBK/GB18030 (Chinese)"),
    (ENTRY.replace("footer.", "footer at the café.").encode("latin-1"), 21, "0xE9",
     "Latin-1/Windows-1252 (Western European)"),
    (ENTRY.replace("footer.", "Größe footer.").encode("latin-1"), 21, "0xF6",
     "Latin-1/Windows-1252 (Western European)"),
    (ENTRY.replace("footer.", "\u201csmart\u201d footer.").encode("cp1252"), 21, "0x93",
     "Latin-1/Windows-1252 (Western European)"),
    (ENTRY.replace("footer.", "数字经济与云计算 footer.").encode() + "see é".encode("latin-1"), 28, "0xE9",
     "UTF-8 with some stray bytes (perhaps pasted from a file in another encoding)"),
])
def test_non_utf8_says_which_encoding_it_looks_like(tmp_path: Path, raw: bytes, line: int, byte: str,
                                                     looks_like: str) -> None:
    assert entry_problems(tmp_path, raw) == [
        f"entries/cloud-shop.md:{line}: file is not UTF-8: byte {byte} on this line; it looks like {looks_like} "
        "(re-save it as UTF-8)"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16(tmp_path: Path, encoding: str) -> None:
    assert entry_problems(tmp_path, ENTRY.encode(encoding)) == [
        "entries/cloud-shop.md:1: file is UTF-16 text, not UTF-8 (re-save it as UTF-8; Broadsheet reads only UTF-8)"]


def test_bom_and_crlf_are_accepted_and_lines_stay_right(tmp_path: Path) -> None:
    good = b"\xef\xbb\xbf" + ENTRY.replace("\n", "\r\n").encode()
    assert len(read_content(make_site(tmp_path, {"entries/cloud-shop.md": good})).entries) == 1
    bad = b"\xef\xbb\xbf" + entry(kind="kind: speach").replace("\n", "\r\n").encode()
    assert entry_problems(tmp_path, bad) == [
        "entries/cloud-shop.md:4: kind: `speach` is not one of news, interview, speech, commentary, feature "
        "(did you mean `speech`?)"]


def test_old_mac_line_endings_count_lines(tmp_path: Path) -> None:
    bad = entry(kind="kind: speach").replace("\n", "\r").encode()
    assert entry_problems(tmp_path, bad)[0].startswith("entries/cloud-shop.md:4: kind: `speach`")


def test_size_cap(tmp_path: Path) -> None:
    raw = ENTRY.encode() + b"word " * (2 * 1024 * 1024 // 5)
    assert entry_problems(tmp_path, raw) == [
        f"entries/cloud-shop.md:1: file is {len(raw):,} bytes, over the limit of 2,097,152 bytes (2 MiB) "
        "(split it or trim the source text)"]


def test_editor_litter_is_ignored_quietly(tmp_path: Path) -> None:
    litter = {f"entries/{name}": b"\x00garbage" for name in (
        ".cloud-shop.md.swp", "cloud-shop.md~", "#cloud-shop.md#", "4913", ".DS_Store", "._cloud-shop.md",
        "cloud-shop.md.orig", "Thumbs.db")}
    content = make_site(tmp_path, litter)
    os.symlink("root@host.12345:1700000000", content / "entries" / ".#cloud-shop.md")  # emacs lock, dangling
    read = read_content(content)
    assert len(read.entries) == 1 and read.notes == ()


def test_other_files_in_entries_are_ignored_with_a_note(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"entries/notes.txt": "to do", "entries/photo.jpg": b"\xff\xd8\xff"})
    (content / "entries" / "drafts").mkdir()
    read = read_content(content)
    assert [n.replace(f"{content}/", "") for n in read.notes] == [
        "entries/drafts: ignored (entries are .md files)",
        "entries/notes.txt: ignored (entries are .md files)",
        "entries/photo.jpg: ignored (entries are .md files)"]


def test_symlinks_that_leave_content_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(ENTRY)
    (outside / "topics.yaml").write_text("cloud:\n  title: Cloud\n")
    content = make_site(tmp_path / "site")
    os.symlink(outside / "secret.md", content / "entries" / "leak.md")
    os.symlink("../../../outside/secret.md", content / "entries" / "relative.md")
    (content / "topics.yaml").unlink()
    os.symlink(outside / "topics.yaml", content / "topics.yaml")
    os.symlink(content / "entries" / "cloud-shop.md", content / "entries" / "inside.md")
    assert sorted(problems(content)) == [
        "entries/leak.md:1: symlink leads outside the content folder (copy the file into content/ instead)",
        "entries/relative.md:1: symlink leads outside the content folder (copy the file into content/ instead)",
        "topics.yaml:1: symlink leads outside the content folder (copy the file into content/ instead)"]


def test_a_symlinked_entries_folder_outside_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    content = make_site(tmp_path / "site", base=True)
    (content / "entries" / "cloud-shop.md").unlink()
    (content / "entries").rmdir()
    os.symlink(outside, content / "entries")
    assert problems(content) == [
        "entries: folder is a symlink that leads outside the content folder (move the files into content/ instead)"]


def test_a_broken_symlink(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    os.symlink(content / "entries" / "gone.md", content / "entries" / "broken.md")
    assert problems(content) == [
        "entries/broken.md:1: cannot read file: it is a broken symlink "
        "(delete it, or point it at a file inside content/)"]


def test_a_missing_content_folder_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(BuildError) as caught:
        read_content(tmp_path / "nowhere")
    assert str(caught.value) == f"content folder {tmp_path / 'nowhere'} not found; pass --content DIR"


def test_zero_entries_is_an_empty_digest_with_a_note(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    (content / "entries" / "cloud-shop.md").unlink()
    read = read_content(content)
    assert read.entries == ()
    assert read.notes == (f"{content}/entries: no entries to publish yet, so the digest is empty",)
    (content / "entries").rmdir()
    assert read_content(content).notes == (f"{content}/entries: no such folder, so the digest is empty",)


# --- slugs ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "message", "hint"), [
    ("Corner-Shop.md", "`Corner-Shop` is not a valid slug", f"{HYPHENS}, e.g. `corner-shop`"),
    ("corner shop.md", "`corner shop` is not a valid slug", f"{HYPHENS}, e.g. `corner-shop`"),
    ("corner--shop.md", "`corner--shop` is not a valid slug", f"{HYPHENS}, e.g. `corner-shop`"),
    ("-corner.md", "`-corner` is not a valid slug", f"{HYPHENS}, e.g. `corner`"),
    ("Ünïcödé.md", "`Ünïcödé` is not a valid slug", f"{HYPHENS}, e.g. `unicode`"),
    ("马云.md", "`马云` is not a valid slug", HYPHENS),
    ("index.md", "`index` is a reserved name (the site or Windows uses it)", "use e.g. `index-1`"),
    ("pagefind.md", "`pagefind` is a reserved name (the site or Windows uses it)", "use e.g. `pagefind-1`"),
    ("con.md", "`con` is a reserved name (the site or Windows uses it)", "use e.g. `con-1`"),
    ("lpt1.md", "`lpt1` is a reserved name (the site or Windows uses it)", "use e.g. `lpt1-1`"),
    ("news.MD", "the extension must be lower-case `.md`", "rename it to `news.md`"),
])
def test_bad_file_names(tmp_path: Path, name: str, message: str, hint: str) -> None:
    content = make_site(tmp_path, {f"entries/{name}": ENTRY})
    assert problems(content) == [f"entries/{name}:1: {message} ({hint})"]


def test_case_only_twins_are_refused(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"entries/Cloud-Shop.md": ENTRY})
    assert problems(content) == [
        "entries/Cloud-Shop.md:1: `Cloud-Shop` is not a valid slug "
        "(`cloud-shop` is taken already; a slug must differ in more than case or accents)"]


def test_unicode_normalisation_twins_are_both_refused(tmp_path: Path) -> None:
    nfc, nfd = unicodedata.normalize("NFC", "café"), unicodedata.normalize("NFD", "café")
    content = make_site(tmp_path, {f"entries/{nfc}.md": ENTRY, f"entries/{nfd}.md": ENTRY, "entries/cafe.md": ENTRY})
    found = problems(content)
    assert sorted(found) == sorted(
        f"entries/{name}.md:1: `{name}` is not a valid slug "
        "(`cafe` is taken already; a slug must differ in more than case or accents)" for name in (nfc, nfd))


def test_pages_follow_the_same_rules(tmp_path: Path) -> None:
    content = make_site(tmp_path, {
        "pages/about.md": "---\ntitle: About\n---\nWho we are.\n",
        "pages/feed.md": "---\ntitle: Feed\n---\nx\n",
        "pages/Colophon.md": "---\ntitle: Colophon\n---\nx\n",
        "pages/notes.txt": "x",
        "pages/.about.md.swp": b"\x00",
        "pages/empty.md": "",
        "pages/untitled.md": "---\ndescription: [x]\n---\nx\n",
    })
    assert problems(content) == [
        "pages/Colophon.md:1: `Colophon` is not a valid slug (use lower-case a-z, 0-9 and single hyphens, "
        "e.g. `colophon`)",
        "pages/empty.md:1: file is empty (write the front matter between `---` lines)",
        "pages/feed.md:1: `feed` is a reserved name (the site or Windows uses it) (use e.g. `feed-1`)",
        "pages/untitled.md:2: title: missing required field (add `title:` to the front matter)",
        "pages/untitled.md:2: description: expected text, got a list"]


def test_a_control_character_in_the_body_is_refused_with_its_line(tmp_path: Path) -> None:
    text = ENTRY.replace("The third paragraph", "The third\x1b[31m paragraph")
    line = text[: text.index("\x1b")].count("\n") + 1
    assert entry_problems(tmp_path, text) == [
        f"entries/cloud-shop.md:{line}: body: contains the invisible control character U+001B "
        "(delete it; feeds and some browsers cannot show it)"]
