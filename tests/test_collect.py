"""collect: ordering, indexes, neighbours and related entries."""

from __future__ import annotations

from pathlib import Path

from broadsheet.collect import collect
from broadsheet.read import read_content
from tests.conftest import entry, make_site


def digest_of(tmp_path: Path, files: dict[str, str]):  # type: ignore[no-untyped-def]
    return collect(read_content(make_site(tmp_path, files)))


def test_entries_are_newest_first_with_slug_breaking_ties(tmp_path: Path) -> None:
    digest = digest_of(tmp_path, {
        "entries/b-same-day.md": entry(date="date: 2021-01-01"),
        "entries/a-same-day.md": entry(date="date: 2021-01-01"),
    })
    assert [e.slug for e in digest.entries] == ["a-same-day", "b-same-day", "cloud-shop"]
    assert digest.newer["b-same-day"].slug == "a-same-day"
    assert digest.older["b-same-day"].slug == "cloud-shop"
    assert "a-same-day" not in digest.newer and "cloud-shop" not in digest.older


def test_indexes_follow_aliases_to_slugs(tmp_path: Path) -> None:
    other = entry(people="people: [马云, he-gang]", topics="topics: [retail]")
    digest = digest_of(tmp_path, {"entries/other.md": other})
    assert [e.slug for e in digest.by_person["jack-ma"]] == ["cloud-shop", "other"]
    assert [e.slug for e in digest.by_person["he-gang"]] == ["other"]
    assert [e.slug for e in digest.by_topic["cloud"]] == ["cloud-shop"]


def test_related_prefers_shared_people_over_shared_topics(tmp_path: Path) -> None:
    digest = digest_of(tmp_path, {
        "entries/same-person.md": entry(date="date: 2019-01-01", topics="topics: [retail]",
                                        organizations="organizations: []"),
        "entries/same-topic.md": entry(date="date: 2020-09-16", topics="topics: [cloud]", people="people: []",
                                       organizations="organizations: []"),
        "entries/unrelated.md": entry(date="date: 2020-09-14", topics="topics: [retail]", people="people: [he-gang]",
                                      organizations="organizations: []"),
    })
    related = [e.slug for e in digest.related["cloud-shop"]]
    assert related[0] == "same-person"
    assert "same-topic" in related
    assert related.index("same-topic") < related.index("unrelated")
    assert "cloud-shop" not in related


def test_related_topics_count_shared_entries(tmp_path: Path) -> None:
    digest = digest_of(tmp_path, {})
    assert digest.related_topics == {"cloud": ("retail",), "retail": ("cloud",)}


def test_related_entries_are_reused_only_when_the_shape_is_unchanged(tmp_path: Path) -> None:
    content = read_content(make_site(tmp_path, {"entries/other.md": entry(date="date: 2021-01-01")}))
    first = collect(content)
    memo = (first.shape, {"cloud-shop": (), "other": ()})
    assert collect(content, memo).related["cloud-shop"] == ()
    assert collect(content, ("stale", {"cloud-shop": ()})).related["cloud-shop"] == first.related["cloud-shop"]
