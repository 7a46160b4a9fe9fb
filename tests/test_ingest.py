"""`add FILE` (broadsheet.ingest, broadsheet.cleanup): golden drafts of the five seed documents, one test per
cleanup rule, encoding and guess, and every refusal of `add`.

The golden drafts are tests/fixtures/drafts/<seed stem>.md. After changing ingest or cleanup on purpose, regenerate them
with `python -m tests.test_ingest --regenerate`, read the diff and commit it only if every change is right.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt

from broadsheet.ingest import IngestError, make_draft
from broadsheet.intake import add
from broadsheet.read import read_content
from tests.conftest import make_site

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
DRAFTS = FIXTURES / "drafts"
TODAY = dt.date(2024, 1, 1)  # pinned so drafts without a stated date are reproducible
FIELDS = ["title", "date", "kind", "source", "summary", "key_points", "quotes", "topics", "people",
          "organizations", "curator_note", "draft"]
# Mojibake as it appears in seed 003: GBK bytes read the wrong way, scattered over many scripts.
GARBLE = "".join(map(chr, [0x2FD, 0x3FD, 0x570, 0x43E, 0x33E, 0x47C, 0x53D, 0x434, 0x121, 0x1B9, 0xAE, 0x36F,
                           0xFF, 0x777, 0x2E1, 0x27A, 0x6F6, 0x177]))


def draft_of(text: str | bytes, filename: str = "doc.txt", slug: str | None = None) -> Parsed:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return Parsed(make_draft(raw, filename, slug, today=TODAY))


class Parsed:
    """A draft split the way the build reads it: YAML front matter, then paragraphs separated by blank lines."""

    def __init__(self, draft: Any) -> None:
        self.draft = draft
        self.steps: tuple[str, ...] = draft.steps
        _, matter, body = draft.text.split("---\n", 2)
        self.front: dict[str, Any] = yaml.safe_load(matter)
        self.body: str = body
        self.paragraphs = body.rstrip("\n").split("\n\n")


# --- golden drafts of the seed documents ------------------------------------------------------------------

def test_all_five_seeds_are_present() -> None:
    assert [p.name[:3] for p in SEEDS] == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_draft_matches_its_golden_file(seed: Path) -> None:
    golden = DRAFTS / f"{seed.stem}.md"
    actual = make_draft(seed.read_bytes(), seed.name, today=TODAY).text
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            str(golden), "make_draft output"))
        pytest.fail(f"draft differs from {golden.name} (if intended: python -m tests.test_ingest --regenerate)\n"
                    f"{diff}")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_draft_is_a_valid_draft_skeleton(seed: Path) -> None:
    parsed = draft_of(seed.read_bytes(), seed.name)
    assert list(parsed.front) == FIELDS
    assert parsed.front["draft"] is True
    assert isinstance(parsed.front["date"], dt.date)
    assert parsed.front["kind"] in ("news", "interview", "speech", "commentary", "feature")
    assert parsed.front["curator_note"] == " ".join(parsed.steps)
    assert all(parsed.front[f] in ("", []) for f in ("summary", "key_points", "quotes", "topics", "people"))
    assert all(p.strip() == p and p for p in parsed.paragraphs)


def test_speech_seed_takes_title_from_scraper_line_and_date_from_nearby_year() -> None:
    parsed = draft_of((FIXTURES / "seeds" / "000_a5b5b3f734814db2.txt").read_bytes())
    assert parsed.front["title"].startswith("Jack Ma: The digitalization process is accelerating.")
    assert parsed.front["date"] == dt.date(2020, 9, 15)
    assert parsed.front["kind"] == "speech"
    assert parsed.front["source"]["publisher"] == "International Online"
    assert parsed.front["source"]["author"] == "Zhao Yan"
    assert "getUrls" not in parsed.body
    assert parsed.paragraphs[0].startswith("On the morning of September 15")


def test_news_seed_loses_garbled_line_byline_footer_and_dateline() -> None:
    parsed = draft_of((FIXTURES / "seeds" / "003_fa515722ea9279ca.txt").read_bytes())
    assert parsed.front["date"] == dt.date(2020, 12, 2)
    assert parsed.front["title"] == "Internet empowers post-epidemic recovery, global development"
    for junk in ("Edit :", "11:11", "Media partners", "Multimedia Journalist", "\u02fd"):
        assert junk not in parsed.body
    assert parsed.paragraphs[0].startswith("Shen Yue, a resident in the river town of Wuzhen")
    assert parsed.paragraphs[-1].endswith("he said at the forum's opening ceremony via video.")


def test_interview_seed_is_an_interview_of_alternating_turns() -> None:
    parsed = draft_of((FIXTURES / "seeds" / "004_25b286e7fb4fb0c9.txt").read_bytes())
    assert parsed.front["kind"] == "interview"
    turns = [p.split(":", 1)[0] for p in parsed.paragraphs if p.startswith(("He Gang: ", "Zhang Jianfeng: "))]
    assert len(turns) == 26 and turns[:4] == ["He Gang", "Zhang Jianfeng", "He Gang", "Zhang Jianfeng"]
    assert "Alibaba Cloud Summit" not in parsed.body
    assert sum(p.startswith("He Gang: The spread of the new crown") for p in parsed.paragraphs) == 1


# --- cleanup rules ------------------------------------------------------------------------------------------

def test_scraper_line_goes_and_its_headline_becomes_the_title() -> None:
    parsed = draft_of("getUrls?link=85c114c5 - Robots: the next CEOs\n\nThe story starts here.")
    assert parsed.front["title"] == "Robots: the next CEOs"
    assert parsed.front["source"]["title"] == "Robots: the next CEOs"
    assert parsed.paragraphs == ["The story starts here."]
    assert parsed.steps == ("Removed a scraper line (getUrls?link=…).",)


def test_a_real_headline_line_beats_the_scraper_lines_headline() -> None:
    parsed = draft_of("getUrls?link=85c1 - Scraped title\n\nThe real headline\n\nThe story starts here.")
    assert parsed.front["title"] == "The real headline"


def test_bare_url_line_goes() -> None:
    parsed = draft_of("Headline\n\nhttps://example.com/story/1\n\nThe story.")
    assert parsed.paragraphs == ["The story."]
    assert parsed.steps == ("Removed a bare link line (https://example.com/story/1).",)


def test_garbled_line_goes_whole() -> None:
    parsed = draft_of(f"Headline\n\nFirst paragraph.\n\n{GARBLE}Headline{GARBLE}\n\nLast paragraph.")
    assert parsed.paragraphs == ["First paragraph.", "Last paragraph."]
    assert parsed.steps == ("Removed a garbled line of 44 characters (mojibake).",)


def test_garbled_run_inside_a_good_paragraph_goes_alone() -> None:
    parsed = draft_of(f"Headline\n\nPrices rose sharply {GARBLE} in the spring and kept rising all summer long.")
    assert parsed.paragraphs == ["Prices rose sharply in the spring and kept rising all summer long."]
    assert parsed.steps == (f"Removed a garbled run of characters ({GARBLE[:11]}…).",)


def test_foreign_words_symbols_and_emoji_are_not_garbled() -> None:
    moscow = "\u041c\u043e\u0441\u043a\u0432\u0430"
    text = f"Headline\n\nIn {moscow} it was 25°C; the café préféré sold 阿里巴巴 shares. Great 🎉🎉🎉 news ½ ±"
    parsed = draft_of(text)
    assert parsed.paragraphs == [text.split("\n\n")[1]]
    assert parsed.steps == ()


def test_stray_markup_goes_and_entities_become_characters() -> None:
    parsed = draft_of("Headline\n\nThe rapid growth of span>. Big<br>news &amp; more&nbsp;news.")
    assert parsed.paragraphs == ["The rapid growth of. Big news & more news."]
    assert parsed.steps == ("Removed 4 markup fragments (&amp;, &nbsp;, <br>).",)


def test_repeated_paragraph_goes_and_the_first_copy_stays() -> None:
    text = "Headline\n\nThe same paragraph of several words.\n\nOther.\n\nThe same paragraph of several words."
    parsed = draft_of(text)
    assert parsed.paragraphs == ["The same paragraph of several words.", "Other."]
    assert parsed.steps == ("Removed a repeated paragraph (The same paragraph of several words.).",)


def test_short_repeated_line_goes_only_right_after_itself() -> None:
    text = "Headline\n\nA: Yes.\n\nB: Really now?\n\nA: Yes.\n\nA: Yes."
    assert draft_of(text).paragraphs == ["A: Yes.", "B: Really now?", "A: Yes."]


def test_headline_repeated_in_the_body_goes() -> None:
    parsed = draft_of("Robots will run the biggest firms\n\nRobots will run the biggest firms\n\nThe story.")
    assert parsed.paragraphs == ["The story."]


def test_bylines_go_and_name_the_source() -> None:
    parsed = draft_of("Headline\n\nEdit :\n\nSource: Xinhua\n\nBy Jane Doe\n\nThe story.")
    assert parsed.paragraphs == ["The story."]
    assert parsed.front["source"]["publisher"] == "Xinhua"
    assert parsed.front["source"]["author"] == "Jane Doe"
    assert parsed.steps == ("Removed a byline (Edit :).", "Removed a byline (Source: Xinhua).",
                            "Removed a byline (By Jane Doe).")


def test_footer_goes_with_its_short_lines_but_not_with_a_paragraph_after_them() -> None:
    long_paragraph = "A real paragraph after the footer, long enough to be prose rather than a link list. " * 2
    text = f"Headline\n\nThe story.\n\nMedia partners:\nstock investment | Multimedia Journalist |\n\n{long_paragraph}"
    parsed = draft_of(text)
    assert parsed.paragraphs == ["The story.", long_paragraph.strip()]
    assert parsed.steps == ("Removed a footer (Media partners:, 2 lines).",)


def test_run_together_words_are_split_but_product_names_are_not() -> None:
    parsed = draft_of("Headline\n\nAnalysts go becauseRobotCan do it; DingTalk, iPhone, eBay, WeChat and macOS stay.")
    assert parsed.paragraphs == ["Analysts go because Robot Can do it; DingTalk, iPhone, eBay, WeChat and macOS stay."]
    assert parsed.steps == ("Split a run-together word: becauseRobotCan → because Robot Can.",)


def test_run_together_word_whose_left_part_is_not_a_known_word_stays() -> None:
    assert draft_of("Headline\n\nThe robotCan move.").paragraphs == ["The robotCan move."]


def test_phrase_stuck_onto_paragraph_ends_goes() -> None:
    text = ("Headline\n\nWhat changed in Acme Cloud Summit?\n\nIt grew with the industry Acme Cloud Summit.\n\n"
            "We had many taxpayers Acme Cloud Summit.\n\nThe end.")
    parsed = draft_of(text)
    assert parsed.paragraphs == ["What changed in?", "It grew with the industry.", "We had many taxpayers.", "The end."]
    assert parsed.steps == ("Removed a phrase stuck onto the end of 3 paragraphs (Acme Cloud Summit).",)


def test_a_name_ending_paragraphs_that_also_appears_elsewhere_stays() -> None:
    text = "Headline\n\nJack Ma spoke.\n\nIt grew, said Jack Ma.\n\nIt is a pity for Jack Ma.\n\nIt ended, so Jack Ma."
    assert draft_of(text).steps == ()


def test_missing_space_after_colon_is_added_but_not_in_times_or_links() -> None:
    parsed = draft_of("Headline\n\nHe said:The plan starts at 11:30, see http://example.com/a:b now.")
    assert parsed.paragraphs == ["He said: The plan starts at 11:30, see http://example.com/a:b now."]
    assert parsed.steps == ("Added a space after a colon: said:The → said: The.",)


def test_closing_quotation_marks_glued_to_a_word_become_opening_ones() -> None:
    parsed = draft_of("Headline\n\nAs a\u201dpioneer\u201d and\u201dmentor\u201d, he spoke.")
    assert parsed.paragraphs == ["As a \u201cpioneer\u201d and \u201cmentor\u201d, he spoke."]
    assert parsed.steps == ("Repaired 2 misplaced quotation marks: \u201dpioneer\u201d → \u201cpioneer\u201d.",)


def test_markdown_line_starts_are_escaped_so_each_stays_a_paragraph() -> None:
    lines = ["# not a heading.", "> not a quote.", "- not a list.", "* nor a list.", "1. no list.", "7) nor this.",
             "--- not a rule.", "<tag-like text."]
    parsed = draft_of("Headline\n\n" + "\n\n".join(lines))
    assert parsed.paragraphs == ["\\# not a heading.", "\\> not a quote.", "\\- not a list.", "\\* nor a list.",
                                 "1\\. no list.", "7\\) nor this.", "\\--- not a rule.", "\\<tag-like text."]
    html = MarkdownIt("commonmark", {"html": False}).render(parsed.body)
    assert html.count("<p>") == len(lines)
    assert all(tag not in html for tag in ("<h1", "<blockquote", "<ul", "<ol", "<hr", "<tag"))


def test_short_unpunctuated_lines_and_numbered_runs_become_headings() -> None:
    prose = "is a paragraph of prose, longer than the heading above it."
    text = (f"Headline\n\nAfter the epidemic, digitalisation sped up\n\nThe first section {prose}\n\n"
            f"1. Shops move online.\n\nThe second section {prose}\n\n"
            f"2. Banks follow them\n\nThe third section {prose}")
    parsed = draft_of(text)
    assert parsed.body.startswith("# After the epidemic, digitalisation sped up\n\nThe first section")
    assert "\n\n# 1. Shops move online.\n\n" in parsed.body
    assert "\n\n# 2. Banks follow them\n\n" in parsed.body
    assert parsed.steps == ("Marked 3 section headings (After the epidemic, digitalis…).",)
    html = MarkdownIt("commonmark", {"html": False}).render(parsed.body)
    assert html.count("<h1>") == 3 and html.count("<p>") == 3


def test_a_lone_numbered_line_and_a_short_final_line_stay_paragraphs() -> None:
    parsed = draft_of("Headline\n\n1. The only numbered line here.\n\nA longer paragraph follows it.\n\nThe end")
    assert parsed.paragraphs == ["1\\. The only numbered line here.", "A longer paragraph follows it.", "The end"]


def test_a_heading_inside_an_interview_is_not_a_turn() -> None:
    text = ("Title\n\nAnn Lee: Why did it happen?\n\nBo Chen: Because it could.\n\n"
            "Cloud Nail Integration: PC+Windows Era\nAnn Lee: What does all of that mean for you?\n\nBo Chen: Work.")
    parsed = draft_of(text)
    assert parsed.front["kind"] == "interview"
    assert "# Cloud Nail Integration: PC+Windows Era" in parsed.paragraphs


def test_hard_wrapped_lines_join_into_paragraphs_and_turns_stay_apart() -> None:
    text = ("Headline\n\nThis paragraph was wrapped by an old mail program at\n"
            "about seventy characters a line, as they used to do.\n\n"
            "Q: A question that is long enough to look like a wrapped line?\nA: An answer.")
    assert draft_of(text).paragraphs == [
        "This paragraph was wrapped by an old mail program at about seventy characters a line, as they used to do.",
        "Q: A question that is long enough to look like a wrapped line?", "A: An answer."]


# --- encodings ----------------------------------------------------------------------------------------------

TEXT = "Café society\n\nNaïve people paid £5 for “tea”."


@pytest.mark.parametrize(("raw", "step"), [
    (TEXT.encode("utf-8"), ()),
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), ()),
    (TEXT.encode("utf-16"), ("Converted the text from UTF-16 to UTF-8.",)),
    (TEXT.encode("utf-16-le"), ("Converted the text from UTF-16 to UTF-8.",)),
    (TEXT.encode("utf-16-be"), ("Converted the text from UTF-16 to UTF-8.",)),
    (TEXT.encode("cp1252"), ("Converted the text from Latin-1 (Windows-1252) to UTF-8.",)),
    (TEXT.replace("“tea”", "tea").encode("latin-1"), ("Converted the text from Latin-1 (Windows-1252) to UTF-8.",)),
], ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-le-no-bom", "utf-16-be-no-bom", "windows-1252", "latin-1"])
def test_each_encoding_is_read_as_the_same_text(raw: bytes, step: tuple[str, ...]) -> None:
    parsed = draft_of(raw)
    assert parsed.front["title"] == "Café society"
    assert parsed.paragraphs[0].startswith("Naïve people paid £5 for ")
    assert parsed.steps == step
    assert "\ufeff" not in parsed.draft.text


def test_gbk_chinese_is_read_as_chinese() -> None:
    parsed = draft_of("阿里巴巴的新零售\n\n马云说\uff0c数字化是未来。".encode("gbk"))
    assert parsed.front["title"] == "阿里巴巴的新零售"
    assert parsed.paragraphs == ["马云说\uff0c数字化是未来。"]
    assert parsed.steps == ("Converted the text from GBK/GB18030 to UTF-8.",)


def test_windows_old_mac_and_unicode_line_endings_become_lf() -> None:
    parsed = draft_of("Headline\r\n\r\nFirst.\r\rSecond.\u2029Third.\r\n")
    assert parsed.paragraphs == ["First.", "Second.", "Third."]
    assert "\r" not in parsed.draft.text


def test_text_is_normalised_to_nfc_and_invisible_characters_go() -> None:
    parsed = draft_of("Cafe\u0301 headline\n\nZero\u200bwidth and non\u00a0breaking.")
    assert parsed.front["title"] == "Café headline"
    assert parsed.paragraphs == ["Zerowidth and non breaking."]


@pytest.mark.parametrize(("raw", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
     "x.bin looks like a binary file (it contains NUL bytes), not text"),
    (b"ELF\x01\x02\x03\x04\x05\x06 text",
     "x.bin looks like a binary file (it contains control characters), not text"),
    (b"", "x.bin is empty; there is nothing to add"),
    (b" \n\t\r\n ", "x.bin is empty; there is nothing to add"),
    (b"getUrls?link=abc\n\nhttps://example.com/",
     "x.bin has no text left after cleanup (it looks like scraper junk only)"),
])
def test_unusable_input_is_refused(raw: bytes, message: str) -> None:
    with pytest.raises(IngestError) as error:
        make_draft(raw, "x.bin", today=TODAY)
    assert str(error.value) == message


# --- guesses ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "date", "published"), [
    ("Headline\n\nThe story.\n\nPublished on 09/18/2022", dt.date(2022, 9, 18), dt.date(2022, 9, 18)),
    ("Headline\n\n2020-12-02 11:11 0\n\nThe story.", dt.date(2020, 12, 2), dt.date(2020, 12, 2)),
    ("Headline\n\nOn the morning of September 15, The 2020 Expo opened.", dt.date(2020, 9, 15), dt.date(2020, 9, 15)),
    ("Headline\n\nIt opened on 31/12/2020 at noon.", dt.date(2020, 12, 31), dt.date(2020, 12, 31)),
    ("Headline\n\nIt ran from September 15, 2020 to 2021-01-01.", dt.date(2020, 9, 15), dt.date(2020, 9, 15)),
    ("Headline\n\nIn September 2020 the plan began.", TODAY, "2020-09"),
    ("Headline\n\nThe story.\n\nPublished 2019", TODAY, "2019"),
])
def test_date_is_the_most_precise_one_stated(text: str, date: dt.date, published: dt.date | str) -> None:
    parsed = draft_of(text)
    assert parsed.front["date"] == date
    assert parsed.front["source"]["published"] == published


@pytest.mark.parametrize("text", [
    "Headline\n\nThe story has no date at all.",
    "Headline\n\nOn September 15, between 2019 and 2020, it grew.",  # which year? not guessed
    "Headline\n\nIt happened on 2020-02-30.",  # not a real day
])
def test_no_date_is_invented(text: str) -> None:
    parsed = draft_of(text)
    assert parsed.front["date"] == TODAY
    assert "published" not in parsed.front["source"]


def test_date_line_leaves_the_body() -> None:
    parsed = draft_of("Headline\n\nThe story.\n\nPublished on 09/18/2022")
    assert parsed.paragraphs == ["The story."]
    assert parsed.steps == ("Removed a date line (Published on 09/18/2022).",)


@pytest.mark.parametrize(("text", "kind"), [
    ("Title\n\nAnn Lee: Why?\n\nBo Chen: Because.\n\nAnn Lee: And then?\n\nBo Chen: Then more.", "interview"),
    ("Title\n\nAnn Lee: One.\n\nAnn Lee: Two.\n\nBo Chen: Three.\n\nBo Chen: Four.", "news"),  # no back and forth
    ("Title\n\nJack Ma delivered a video speech at the expo.", "speech"),
    ("Title\n\nMa Yun said in a speech that change is near.", "speech"),
    ("Title\n\nPersonally, I think he is playing a bigger game. Let us wait and see!", "commentary"),
    ("How a village learned to sell online\n\nThe story.", "feature"),
    ("Title\n\nThe company reported results on Monday.", "news"),
])
def test_kind_is_guessed_from_turns_and_cues(text: str, kind: str) -> None:
    assert draft_of(text).front["kind"] == kind


def test_interview_turns_keep_name_colon_space_and_separate_paragraphs() -> None:
    parsed = draft_of("Title\n\nAnn Lee\uff1aWhy?\nBo Chen:Because.\n\nAnn Lee: And then?\n\nBo Chen: Then more.")
    assert parsed.paragraphs == ["Ann Lee: Why?", "Bo Chen: Because.", "Ann Lee: And then?", "Bo Chen: Then more."]


@pytest.mark.parametrize(("text", "publisher", "author"), [
    ("Title\n\nInternational Online Report (Reporter Zhao Yan):The expo opened.", "International Online", "Zhao Yan"),
    ("Title\n\nAsiaIndustrial NetNews: The pace will not stop.", "AsiaIndustrial Net", None),
    ("Title\n\nBEIJING, Dec. 2 (Xinhua) -- The forum closed.", "Xinhua", None),
    ("Title\n\nThe forum closed.", "", None),
])
def test_publisher_and_author_come_from_a_credit(text: str, publisher: str, author: str | None) -> None:
    source = draft_of(text).front["source"]
    assert source["publisher"] == publisher
    assert source.get("author") == author


def test_without_a_headline_the_title_is_the_opening_sentence_clipped() -> None:
    parsed = draft_of("Recently, Ma Yun mentioned in a speech that he would not start an internet business again "
                      "if he could choose. He would pick farming.")
    assert parsed.front["title"] == (
        "Recently, Ma Yun mentioned in a speech that he would not start an internet business again…")
    assert parsed.front["source"]["title"] == ""


def test_titles_with_yaml_special_characters_round_trip() -> None:
    title = "Jack Ma: \"Digital\" is #1 — 'or' is it? [yes] {no} & *maybe* | > %"
    assert draft_of(f"{title}\n\nThe story.").front["title"] == title


def test_seed_drafts_are_accepted_by_the_content_reader(tmp_path: Path) -> None:
    drafts = [make_draft(seed.read_bytes(), seed.name, today=TODAY) for seed in SEEDS]
    content = read_content(make_site(tmp_path, {f"entries/{d.slug}.md": d.text for d in drafts}), drafts=True)
    read = {e.slug: e for e in content.entries if e.draft}
    assert sorted(read) == sorted(d.slug for d in drafts)
    assert read["deciphering-the-driving-force-joint-force-and-tension-of"].kind == "interview"


# --- slugs --------------------------------------------------------------------------------------------------

def test_slug_is_the_ascii_folded_title() -> None:
    assert draft_of("Ünïcode\u2019s Café: 5G & Things\n\nThe story.").draft.slug == "unicodes-cafe-5g-things"


def test_long_slug_is_cut_at_a_word_boundary_within_60_characters() -> None:
    title = "Deciphering the driving force, joint force and tension of Alibaba Cloud's regrowth"
    slug = draft_of(f"{title}\n\nThe story.").draft.slug
    assert slug == "deciphering-the-driving-force-joint-force-and-tension-of"


def test_slug_falls_back_to_the_file_name_when_the_title_has_no_latin_letters() -> None:
    assert draft_of("阿里巴巴的新零售\n\n马云说。", filename="Seed 001.txt").draft.slug == "seed-001"


def test_given_slug_is_used() -> None:
    assert draft_of("Headline\n\nThe story.", slug="jack-ma-2020").draft.slug == "jack-ma-2020"


@pytest.mark.parametrize(("slug", "hint"), [
    ("Jack-Ma", ", e.g. `jack-ma`"), ("jack_ma", ", e.g. `jack-ma`"), ("jack--ma", ", e.g. `jack-ma`"),
    ("-jack", ", e.g. `jack`"), ("jack ma", ", e.g. `jack-ma`"), ("", "")])
def test_invalid_given_slug_is_refused(slug: str, hint: str) -> None:
    with pytest.raises(IngestError) as error:
        draft_of("Headline\n\nThe story.", slug=slug)
    assert str(error.value) == (f"--slug: `{slug}` is not a valid slug "
                                f"(use lower-case a-z, 0-9 and single hyphens{hint})")


# --- add: the file I/O ----------------------------------------------------------------------------------------

def run_add(file: Path, entries: Path, slug: str | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return add(str(file), entries.parent, slug, out, err, today=TODAY), out.getvalue(), err.getvalue()


def test_add_writes_the_draft_and_reports_each_step(tmp_path: Path) -> None:
    source = tmp_path / "raw.txt"
    source.write_text("getUrls?link=ab - Robots rise\n\nThe story.", encoding="utf-8")
    entries = tmp_path / "content" / "entries"
    code, out, err = run_add(source, entries)
    target = entries / "robots-rise.md"
    assert (code, err) == (0, "")
    assert out == f"  - Removed a scraper line (getUrls?link=…).\nwrote {target} (draft: true)\n"
    assert target.read_bytes() == make_draft(source.read_bytes(), "raw.txt", today=TODAY).text.encode("utf-8")


def test_add_with_slug_writes_that_file(tmp_path: Path) -> None:
    source = tmp_path / "raw.txt"
    source.write_text("Robots rise\n\nThe story.", encoding="utf-8")
    code, _, _ = run_add(source, tmp_path / "entries", slug="robots-2020")
    assert code == 0
    assert [p.name for p in (tmp_path / "entries").glob("*.md")] == ["robots-2020.md"]


def refused(tmp_path: Path, file: Path, message: str, slug: str | None = None) -> None:
    entries = tmp_path / "entries"
    before = sorted(entries.rglob("*")) if entries.exists() else []
    code, out, err = run_add(file, entries, slug)
    assert (code, out, err) == (1, "", f"error: {message}\n")
    assert (sorted(entries.rglob("*")) if entries.exists() else []) == before


def test_add_refuses_a_missing_file(tmp_path: Path) -> None:
    refused(tmp_path, tmp_path / "nope.txt", f"cannot read {tmp_path / 'nope.txt'}: no such file")


def test_add_refuses_a_directory(tmp_path: Path) -> None:
    refused(tmp_path, tmp_path, f"cannot read {tmp_path}: it is a directory, not a file")


def test_add_refuses_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    refused(tmp_path, tmp_path / "empty.txt", "empty.txt is empty; there is nothing to add")


def test_add_refuses_a_binary_file(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    refused(tmp_path, tmp_path / "logo.png", "logo.png looks like a binary file (it contains NUL bytes), not text")


def test_add_refuses_an_invalid_slug(tmp_path: Path) -> None:
    (tmp_path / "raw.txt").write_text("Robots rise\n\nThe story.", encoding="utf-8")
    refused(tmp_path, tmp_path / "raw.txt",
            "--slug: `Robots Rise` is not a valid slug "
            "(use lower-case a-z, 0-9 and single hyphens, e.g. `robots-rise`)",
            slug="Robots Rise")


@pytest.mark.parametrize("slug", ["feed", "con", "search"])
def test_add_refuses_a_reserved_slug(tmp_path: Path, slug: str) -> None:
    (tmp_path / "raw.txt").write_text("Robots rise\n\nThe story.", encoding="utf-8")
    refused(tmp_path, tmp_path / "raw.txt",
            f"--slug: `{slug}` is a reserved name (the site or Windows uses it) (use e.g. `{slug}-1`)", slug=slug)


def test_a_headline_that_is_a_reserved_name_gets_another_slug() -> None:
    assert draft_of("Feed\n\nThe story of a feed.").draft.slug == "feed-1"


def test_add_never_overwrites_an_existing_entry(tmp_path: Path) -> None:
    (tmp_path / "raw.txt").write_text("Robots rise\n\nThe story.", encoding="utf-8")
    existing = tmp_path / "entries" / "robots-rise.md"
    existing.parent.mkdir()
    existing.write_text("the curator's work", encoding="utf-8")
    refused(tmp_path, tmp_path / "raw.txt",
            f"{existing} already exists; choose another name with --slug (nothing is overwritten)")
    assert existing.read_text(encoding="utf-8") == "the curator's work"


# --- regenerating the golden drafts -------------------------------------------------------------------------

def regenerate() -> None:
    DRAFTS.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS:
        text = make_draft(seed.read_bytes(), seed.name, today=TODAY).text
        (DRAFTS / f"{seed.stem}.md").write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {DRAFTS / seed.stem}.md")


if __name__ == "__main__":
    if sys.argv[1:] != ["--regenerate"]:
        sys.exit("usage: python -m tests.test_ingest --regenerate")
    regenerate()
