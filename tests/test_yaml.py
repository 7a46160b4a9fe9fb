"""Front matter and YAML: the split, syntax errors, non-mappings, duplicate keys, YAML 1.1 traps, tags,
anchors and aliases. Every error is asserted as the full `path:line: field: message (hint)` line."""

from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path

import pytest
import yaml

from broadsheet import yamlfile
from broadsheet.read import read_content
from broadsheet.yamlfile import load_yaml

from .conftest import ENTRY, entry, entry_problems, make_site, problems

# --- the front matter split ----------------------------------------------------------------------------

def test_a_file_without_front_matter_says_how_to_start_one(tmp_path: Path) -> None:
    assert entry_problems(tmp_path, "title: Cloud\n\nSome text.\n") == [
        "entries/cloud-shop.md:1: no front matter (start the file with a line `---`, the fields, then another `---`)"]


def test_toml_front_matter_is_recognised_and_refused(tmp_path: Path) -> None:
    assert entry_problems(tmp_path, '+++\ntitle = "Cloud"\n+++\nText.\n') == [
        "entries/cloud-shop.md:1: no front matter "
        "(Broadsheet reads YAML front matter between `---` lines, not TOML between `+++`)"]


def test_front_matter_after_a_blank_line_is_pointed_out(tmp_path: Path) -> None:
    assert entry_problems(tmp_path, "\n" + ENTRY) == [
        "entries/cloud-shop.md:1: no front matter (the opening `---` must be the very first line of the file)"]


def test_unclosed_front_matter(tmp_path: Path) -> None:
    assert entry_problems(tmp_path, "---\ntitle: Cloud\ndate: 2020-09-15\n") == [
        "entries/cloud-shop.md:1: front matter is not closed (add a line `---` after the last field)"]


def test_dashes_inside_a_value_and_in_the_body_do_not_split_the_file(tmp_path: Path) -> None:
    text = entry(curator_note="curator_note: |\n  Removed a footer.\n  ---\n  and a rule.")
    text = text.replace("The third paragraph closes the story.", "---\n\nThe third paragraph closes the story.")
    content = make_site(tmp_path, {"entries/cloud-shop.md": text})
    [parsed] = read_content(content).entries
    assert parsed.curator_note == "Removed a footer.\n---\nand a rule."
    assert "<hr />" in parsed.body_html and parsed.paragraphs == 3


def test_opening_line_may_carry_trailing_spaces(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"entries/cloud-shop.md": "---  \n" + ENTRY[4:]})
    assert len(read_content(content).entries) == 1


# --- syntax and shape --------------------------------------------------------------------------------

def test_syntax_error_line_is_counted_from_the_first_line_of_the_file(tmp_path: Path) -> None:
    assert entry_problems(tmp_path, entry(kind="kind: [news")) == [
        "entries/cloud-shop.md:5: YAML syntax error: did not find expected ',' or ']' "
        "(check indentation, and quote values that contain ': ' or start with a symbol)"]


def test_a_colon_in_an_unquoted_title(tmp_path: Path) -> None:
    assert entry_problems(tmp_path, entry(title="title: Jack Ma: the interview")) == [
        "entries/cloud-shop.md:2: YAML syntax error: mapping values are not allowed in this context "
        "(put a value that contains `: ` in quotes, or check the indentation)"]


def test_a_tab_used_for_indentation(tmp_path: Path) -> None:
    text = ENTRY.replace("  publisher: Example Daily", "\tpublisher: Example Daily")
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:7: YAML syntax error: found a tab character that violates indentation "
        "(indent with spaces, not tabs)"]


def test_a_value_starting_with_a_backtick(tmp_path: Path) -> None:
    assert entry_problems(tmp_path, entry(title="title: `Cloud` comes to the corner shop")) == [
        "entries/cloud-shop.md:2: YAML syntax error: found character that cannot start any token "
        "(indent with spaces, not tabs, and quote values that start with a symbol such as ` @ % or |)"]


def test_an_unclosed_quote(tmp_path: Path) -> None:
    assert entry_problems(tmp_path, entry(curator_note='curator_note: "Removed a footer.')) == [
        "entries/cloud-shop.md:22: YAML syntax error: found unexpected end of stream "
        "(a quoted value is not closed)"]


def test_a_list_instead_of_a_mapping(tmp_path: Path) -> None:
    assert entry_problems(tmp_path, "---\n- title: Cloud\n- date: 2020-09-15\n---\nText.\n") == [
        "entries/cloud-shop.md:2: front matter must be `field: value` lines, got a list"]


def test_a_scalar_instead_of_a_mapping(tmp_path: Path) -> None:
    assert entry_problems(tmp_path, "---\nCloud comes to the corner shop\n---\nText.\n") == [
        "entries/cloud-shop.md:2: front matter must be `field: value` lines, got the text "
        "`Cloud comes to the corner shop`"]


def test_empty_front_matter_reports_every_missing_field(tmp_path: Path) -> None:
    assert entry_problems(tmp_path, "---\n---\nText.\n") == [
        "entries/cloud-shop.md:2: kind: missing required field (add `kind:` to the front matter)",
        "entries/cloud-shop.md:2: source: missing required field (add `source:` with at least `publisher:`)",
        "entries/cloud-shop.md:2: summary: missing required field (add `summary:` to the front matter)",
        "entries/cloud-shop.md:2: title: missing required field (add `title:` to the front matter)",
        "entries/cloud-shop.md:2: date: missing required field (add `date: YYYY-MM-DD`)",
        "entries/cloud-shop.md:2: topics: missing required field (list at least one slug from topics.yaml, "
        "e.g. `topics: [a-slug]`)"]


def test_empty_front_matter_of_a_page_reports_its_title_missing(tmp_path: Path) -> None:
    assert problems(make_site(tmp_path, {"pages/about.md": "---\n# only a comment\n---\nText.\n"})) == [
        "pages/about.md:2: title: missing required field (add `title:` to the front matter)"]


def test_duplicate_keys_are_refused_not_overwritten(tmp_path: Path) -> None:
    assert entry_problems(tmp_path, entry(kind="kind: news\ntitle: A second title")) == [
        "entries/cloud-shop.md:5: title: duplicate key (first set on line 2) (keep only one of them)"]


def test_duplicate_keys_in_a_nested_mapping(tmp_path: Path) -> None:
    text = ENTRY.replace("  publisher: Example Daily\n", "  publisher: Example Daily\n  publisher: Other\n")
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:8: source.publisher: duplicate key (first set on line 7) (keep only one of them)"]


def test_control_character_in_yaml(tmp_path: Path) -> None:
    assert entry_problems(tmp_path, entry(title="title: Cloud\x07shop")) == [
        "entries/cloud-shop.md:2: control character U+0007 is not allowed in YAML (delete it)"]


def test_escaped_control_character_in_a_quoted_value(tmp_path: Path) -> None:
    assert entry_problems(tmp_path, entry(title='title: "Cloud\\x07shop"')) == [
        "entries/cloud-shop.md:2: title: contains the invisible control character U+0007 "
        "(delete it; feeds and some browsers cannot show it)"]


# --- YAML 1.1 traps ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "reads_as"), [
    ("No", "the boolean false"),
    ("yes", "the boolean true"),
    ("off", "the boolean false"),
    ("1.10", "the number 1.1"),
    ("012", "the octal number 10"),
    ("1843", "the number 1843"),
    ("2020-09-15", "the date 2020-09-15"),
])
def test_yaml_11_traps_show_what_was_typed(tmp_path: Path, written: str, reads_as: str) -> None:
    assert entry_problems(tmp_path, entry(title=f"title: {written}")) == [
        f"entries/cloud-shop.md:2: title: expected text, got `{written}`, which YAML reads as {reads_as} "
        f'(put it in quotes: "{written}")']


def test_traps_inside_lists_and_nested_mappings(tmp_path: Path) -> None:
    text = entry(topics="topics: [cloud, yes]").replace("publisher: Example Daily", "publisher: 1843")
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:7: source.publisher: expected text, got `1843`, which YAML reads as the number "
        '1843 (put it in quotes: "1843")',
        "entries/cloud-shop.md:18: topics[1]: expected text, got `yes`, which YAML reads as the boolean true "
        '(put it in quotes: "yes")']


TRICKY = ["0", "00", "012", "07", "08", "0o7", "0x1F", "0b11", "1_000", "1:30", "190:20:30", "+5", "-5", "-0", "10",
          "12345678901234567890", "1.10", "1e3", ".inf", "0.", "yes", "No", "~", "null", "abc", "2015-1-1",
          "2015-01-01 10:00", "2015-01-01T10:00:00Z", "9999-12-31", "2016-02-29", "0001-01-01"]


def test_plain_scalars_read_as_pyyaml_reads_them() -> None:
    """Dates and whole numbers are made without PyYAML's constructor: whatever the spelling, every plain
    value must come out as PyYAML's own safe loader reads it (a date-time as its date)."""
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    digits = "0123456789"
    for _ in range(2000):
        value = rng.choice([
            rng.choice(TRICKY),
            "".join(rng.choice(digits) for _ in range(rng.randint(1, 6))),
            f"{rng.randint(0, 9999):04d}-{rng.randint(0, 19):02d}-{rng.randint(0, 39):02d}",
        ])
        loaded, errors = load_yaml(f"k: {value}\n", "f.md")
        assert loaded is not None, (seed, value)
        got = loaded.value["k"]  # type: ignore[index]
        try:
            expected = yaml.safe_load(f"k: {value}")["k"]
        except ValueError:  # a date with no such day: one error, and no value
            assert (got, [e.field for e in errors]) == (None, ["k"]), (seed, value)
            continue
        expected = expected.date() if isinstance(expected, dt.datetime) else expected
        assert errors == [], (seed, value)
        assert (type(got), got) == (type(expected), expected), (seed, value)


def test_a_date_with_no_such_day_is_one_error_and_no_value() -> None:
    for value, message in [("2024-02-30", "February 2024 has 29 days"), ("2015-13-01", "there is no month 13"),
                           ("0000-01-01", "there is no year 0")]:
        loaded, errors = load_yaml(f"date: {value}\n", "f.md", 2)
        assert loaded is not None and loaded.value == {"date": None}
        assert [(e.line, e.field) for e in errors] == [(2, "date")] and message in errors[0].message, value


def test_quoted_values_are_text(tmp_path: Path) -> None:
    text = entry(title='title: "No"', curator_note="curator_note: '012'")
    [parsed] = read_content(make_site(tmp_path, {"entries/cloud-shop.md": text})).entries
    assert (parsed.title, parsed.curator_note) == ("No", "012")


# --- tags ---------------------------------------------------------------------------------------------------

def test_python_object_tag_is_shown_as_written(tmp_path: Path) -> None:
    assert entry_problems(tmp_path, entry(title="title: !!python/object:os.system echo")) == [
        "entries/cloud-shop.md:2: title: YAML tag `!!python/object:os.system` is not allowed "
        "(remove the tag; put the value in quotes if `!` is part of it)"]


def test_python_apply_tag_on_a_sequence_is_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = entry(curator_note=f"curator_note: !!python/object/apply:os.system [touch {marker}]")
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:21: curator_note: YAML tag `!!python/object/apply:os.system` is not allowed "
        "(remove the tag)"]
    assert not marker.exists()


def test_custom_local_tag(tmp_path: Path) -> None:
    assert entry_problems(tmp_path, entry(kind="kind: !speech news")) == [
        "entries/cloud-shop.md:4: kind: YAML tag `!speech` is not allowed "
        "(remove the tag; put the value in quotes if `!` is part of it)"]


def test_explicit_str_tag_is_plain_text(tmp_path: Path) -> None:
    [parsed] = read_content(make_site(tmp_path, {"entries/cloud-shop.md": entry(title="title: !!str 1.10")})).entries
    assert parsed.title == "1.10"


# --- anchors and aliases ---------------------------------------------------------------------------------

def test_ampersand_word_at_the_start_of_a_value_would_be_eaten(tmp_path: Path) -> None:
    text = ENTRY.replace("publisher: Example Daily", "publisher: &Co Daily")
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:7: source.publisher: YAML anchor `&Co` is not allowed: YAML drops it from the "
        "text (put the value in quotes if `&` is part of it)"]


def test_ampersand_inside_a_value_is_text(tmp_path: Path) -> None:
    text = ENTRY.replace("publisher: Example Daily", "publisher: AT&T & Co")
    [parsed] = read_content(make_site(tmp_path, {"entries/cloud-shop.md": text})).entries
    assert parsed.source.publisher == "AT&T & Co"


def test_alias_names_the_field_that_uses_it(tmp_path: Path) -> None:
    text = entry(title="title: &t Cloud comes to the corner shop", curator_note="curator_note: *t")
    assert entry_problems(tmp_path, text) == [
        "entries/cloud-shop.md:2: title: YAML anchor `&t` is not allowed: YAML drops it from the text "
        "(put the value in quotes if `&` is part of it)",
        "entries/cloud-shop.md:21: curator_note: YAML alias `*t` is not allowed (write the value out in full)"]


def test_a_list_containing_itself(tmp_path: Path) -> None:
    assert entry_problems(tmp_path, entry(topics="topics: &t [cloud, *t]")) == [
        "entries/cloud-shop.md:18: topics: YAML anchor `&t` is not allowed: YAML drops it from the text "
        "(put the value in quotes if `&` is part of it)",
        "entries/cloud-shop.md:18: topics[1]: YAML alias `*t` is not allowed (write the value out in full)"]


def test_alias_bomb_is_refused_at_once() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    started = time.perf_counter()
    loaded, errors = load_yaml("\n".join(lines), "bomb.yaml", 1)
    assert time.perf_counter() - started < 1
    assert loaded is not None and loaded.value == {f"a{i}": [None] * 9 if i else ["lol"] * 9 for i in range(10)}
    # Each anchor and each alias once: a bomb must not bury the other errors under thousands of lines.
    assert [str(e) for e in errors[:3]] == [
        "bomb.yaml:1: a0: YAML anchor `&a0` is not allowed: YAML drops it from the text "
        "(put the value in quotes if `&` is part of it)",
        "bomb.yaml:2: a1: YAML anchor `&a1` is not allowed: YAML drops it from the text "
        "(put the value in quotes if `&` is part of it)",
        "bomb.yaml:2: a1[0]: YAML alias `*a0` is not allowed (write the value out in full; `*a0` is used 9 times)"]
    assert len(errors) == 10 + 9


# --- load_yaml itself -------------------------------------------------------------------------------------

def test_lines_are_counted_from_first_line() -> None:
    loaded, errors = load_yaml("a: 1\nb:\n  c: [x, y]\n", "f.md", 2)
    assert errors == [] and loaded is not None
    assert (loaded.line("a"), loaded.line("b", "c"), loaded.line("b", "c", 1), loaded.line("missing")) == (2, 4, 4, 2)


def test_a_second_document_is_refused() -> None:
    _, errors = load_yaml("a: 1\n---\nb: 2\n", "site.yaml", 1)
    assert [str(e) for e in errors] == [
        "site.yaml:3: a second YAML document is not allowed (remove the `---` line and what follows it, "
        "or merge the two)"]


def test_deep_nesting_is_refused() -> None:
    loaded, errors = load_yaml("a: " + "[" * 40 + "]" * 40, "deep.yaml", 1)
    assert loaded is not None
    assert [str(e) for e in errors] == ["deep.yaml:1: a[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
                                        "[0][0][0][0][0][0][0][0][0][0][0]: nested more than 32 levels deep "
                                        "(flatten the structure)"]


def test_very_deep_nesting_is_refused_without_recursion() -> None:
    # Older PyYAML hands the whole tree to our depth check; newer PyYAML refuses it while parsing.
    # Either way the curator gets one error on the right line that says what to do.
    _, errors = load_yaml("a: " + "[" * 5000 + "]" * 5000, "deep.yaml", 1)
    assert len(errors) == 1
    message = str(errors[0])
    assert message.startswith("deep.yaml:1: ") and "nest" in message and "(flatten the structure)" in message


def test_complex_keys_are_refused() -> None:
    _, errors = load_yaml("? [a, b]\n: c\nd: e\n", "f.yaml", 1)
    assert [str(e) for e in errors] == ["f.yaml:1: a key must be a plain name (write `name: value`)"]


def test_impossible_timestamps_are_positioned() -> None:
    _, errors = load_yaml("a: 2023-02-29\nb: 2024-00-10\nc: 2024-4-31 10:00:00\n", "f.yaml", 10)
    assert [str(e) for e in errors] == [
        "f.yaml:10: a: `2023-02-29` is not a real date: February 2023 has 28 days (the last day is 2023-02-28)",
        "f.yaml:11: b: `2024-00-10` is not a real date: there is no month 0 (write it as YYYY-MM-DD)",
        "f.yaml:12: c: `2024-4-31 10:00:00` is not a real date: April 2024 has 30 days (the last day is 2024-04-30)"]


def test_plain_values_get_the_type_pyyaml_would_give_them() -> None:
    """The builder finds a plain value's YAML 1.1 type itself; on random values, the one PyYAML's resolver finds."""
    seed = random.randrange(2**32)
    print(f"seed {seed}")
    rng = random.Random(seed)
    pieces = ["yes", "No", "on", "OFF", "true", "~", "null", "1", "0", "012", "0x1F", "1_000", "1.10", ".5", "-", "+",
              ".inf", ".NaN", "2024-02-30", "2020-09-15", "T", "12:30:00", ":", "=", "<<", "e3", " ", "abc", "_"]
    resolver = yaml.resolver.Resolver()
    for _ in range(5000):
        value = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 3)))
        assert yamlfile._plain_tag(value) == resolver.resolve(yaml.ScalarNode, value, (True, False)), value


# --- the quick reader against the full parser -------------------------------------------------------------

_WORDS = ["Cloud", "cloud shop", "yes", "No", "on", "OFF", "~", "null", "", "012", "0o12", "1.10", "0x1F", "1_000",
          "12", "0", "-5", "+5", "1e3", ".5", "2015-01-01", "2024-02-29", "2024-02-30", "2015-1-1",
          "2015-01-01 10:00:00", "a: b", "a:b", "end:", "a #b", "a#b", "C#", "it's", 'say "hi"', "a  b", "café",
          "中文 标题", "tab\there", "nbsp\u00a0here", "line\u2028sep", "bom\ufeff", "[x]", "{x}", "&x y", "*x",
          "!x y", "!!str 12", "%x", "@x", "`x", "|", ">", ">-", "- x", "? x", "-", "x,y", "http://example.org/a?b=c#f",
          "a\\b", "trailing ", "'q'", '"q"', "e-commerce", "Jack Ma", "a.b/c(d)+e"]
_KEYS = ["title", "date", "see", "text", "by", "a", "b", "x-y", "k_1", "yes", "1a", "-k", "a b", "naïve"]


def _scalar(rng: random.Random) -> str:
    word = rng.choice(_WORDS)
    style = rng.random()
    if style < 0.15:
        return f'"{word}"'
    if style < 0.25:
        return f"'{word}'"
    return word


def _flow(rng: random.Random) -> str:
    items = [rng.choice(_WORDS) for _ in range(rng.randrange(4))]
    comma = rng.choice([", ", ",", " , "])
    return rng.choice(["[", "[ "]) + comma.join(items) + rng.choice(["]", " ]", "] # c", "]x"])


def _block(rng: random.Random, indent: int) -> list[str]:
    header = rng.choice([">-", ">-", ">", "|-", "|", ">+", "|2", "> # c"])
    inner = indent + rng.choice([2, 2, 2, 1, 4])
    rows = [header]
    for _ in range(rng.randrange(1, 4)):
        shift = rng.choice([0, 0, 0, 0, 1, -1])
        rows.append(" " * max(0, inner + shift) + rng.choice(_WORDS))
        if rng.random() < 0.05:
            rows.append("")
    return rows


def _mapping(rng: random.Random, indent: int, depth: int) -> list[str]:
    rows: list[str] = []
    for _ in range(rng.randrange(1, 5)):
        rows += _entry(rng, indent, rng.choice(_KEYS) + rng.choice([":", ":", ":", ":  ", " :"]), depth)
    return rows


def _entry(rng: random.Random, indent: int, key: str, depth: int) -> list[str]:
    """`key` and a value, its rows indented by `indent` (the first row's indent is the caller's)."""
    pad = " " * indent
    kind = rng.random() if depth < 4 else 0.0
    if kind < 0.45:
        return [f"{pad}{key} {_scalar(rng)}"]
    if kind < 0.55:
        return [f"{pad}{key} {_flow(rng)}"]
    if kind < 0.65:
        first, *rest = _block(rng, indent)
        return [f"{pad}{key} {first}", *rest]
    inner = indent + rng.choice([2, 2, 2, 0, 3, 4])
    if kind < 0.8:
        return [f"{pad}{key}", *_mapping(rng, inner, depth + 1)]
    rows = [f"{pad}{key}"]
    for _ in range(rng.randrange(1, 4)):
        if rng.random() < 0.5:
            rows.append(" " * inner + "- " + _scalar(rng))
        else:
            first, *rest = _mapping(rng, inner + 2, depth + 1)
            rows += [" " * inner + "- " + first.lstrip(" "), *rest]
    return rows


def _typed(value: object) -> object:
    """`value` with the type of every part, so that 1 == True or 1 == 1.0 cannot pass for equal."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return type(value).__name__, value


def _full(text: str, first_line: int) -> tuple[yamlfile.Loaded | None, list[str]]:
    loaded, errors = yamlfile.full_parse(text, "f.md", first_line)
    return loaded, [e.message for e in errors]


def test_the_quick_reader_reads_what_the_full_parser_reads_or_leaves_it_to_it() -> None:
    """Random documents of the shapes front matter takes, with YAML's traps in the values and slips in
    the layout: whatever the quick reader reads, it reads to the same values, types, key lines and
    spellings as the parser it stands in for, and it reads most of the well-formed ones."""
    seed = random.randrange(2**32)
    print(f"seed {seed}")
    rng = random.Random(seed)
    quick = clean = 0
    for _ in range(4000):
        rows = _mapping(rng, 0, 0)
        if rng.random() < 0.1:  # a slip anywhere: a comment, a blank row, a tab, spaces, a CR
            at = rng.randrange(len(rows) + 1)
            rows.insert(at, rng.choice(["# note", "", "  ", "\t", "a: b\r", " x: 1", "- y"]))
        text = "\n".join(rows) + rng.choice(["\n", "", "\n\n"])
        first_line = rng.choice([1, 2, 7])
        full, errors = _full(text, first_line)
        clean += not errors
        read = yamlfile._Quick(text, first_line).load()
        if read is None:
            continue
        quick += 1
        assert full is not None and not errors, (seed, text, errors)
        assert _typed(read.value) == _typed(full.value), (seed, text)
        assert read.lines == full.lines, (seed, text)
        assert read.written == full.written, (seed, text)
    assert quick >= clean // 8, (seed, quick, clean)  # not a reader that gives up on everything


def test_the_shipped_entries_are_read_by_the_quick_reader() -> None:
    """The quick reader is there for front matter as curators write it: the digest's own entries."""
    from broadsheet.files import decode, split_front_matter

    paths = sorted(Path(__file__).parent.parent.joinpath("content", "entries").glob("*.md"))
    assert paths
    for path in paths:
        text, _ = decode(path.read_bytes(), str(path))
        front = split_front_matter(text, str(path))[0]
        read = yamlfile._Quick(front, 2).load()
        assert read is not None, path
        full, errors = _full(front, 2)
        assert full is not None and not errors, path
        assert _typed(read.value) == _typed(full.value) and read.lines == full.lines, path
