"""A broken template fails the build with its file and line and the page or entry being rendered, never a
traceback, and the previous site stays as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from broadsheet.build import PROJECT, Options, build
from broadsheet.check import check
from broadsheet.errors import BuildError

from .conftest import ENTRY, make_site

HINT = "(fix the template; the previous site is untouched)"


def broken_templates(root: Path, name: str, marker: str, insert: str) -> tuple[Path, int]:
    """A copy of the project's templates with `insert` added after `marker` in `name`; and that line."""
    templates = root / "templates"
    shutil.copytree(PROJECT / "templates", templates)
    path = templates / name
    text = path.read_text()
    assert marker in text, f"{name} no longer contains {marker!r}"
    path.write_text(text.replace(marker, marker + insert, 1))
    return templates, text[: text.index(marker)].count("\n") + 1


def failed_build(tmp_path: Path, templates: Path) -> list[str]:
    content = make_site(tmp_path)
    good = build(Options(content=content, out=tmp_path / "site", search=False))
    before = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    with pytest.raises(BuildError) as caught:
        build(Options(content=content, out=tmp_path / "site", templates=templates, search=False))
    after = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert good.pages > 0 and after == before
    return [str(e).replace(f"{tmp_path}/", "") for e in caught.value.errors]


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    templates, line = broken_templates(tmp_path, "entry.html", "{% block main %}", "{% if %}")
    assert failed_build(tmp_path, templates) == [
        f"templates/entry.html:{line}: Expected an expression, got 'end of statement block' {HINT}"]


def test_syntax_error_in_the_base_template(tmp_path: Path) -> None:
    templates, line = broken_templates(tmp_path, "base.html", "<body>", "{% endif %}")
    assert failed_build(tmp_path, templates) == [
        f"templates/base.html:{line}: Encountered unknown tag 'endif'. {HINT}"]


def test_undefined_attribute_names_the_entry(tmp_path: Path) -> None:
    templates, line = broken_templates(tmp_path, "entry.html", "{% block main %}", "{{ entry.subtitle }}")
    assert failed_build(tmp_path, templates) == [
        f"templates/entry.html:{line}: 'broadsheet.model.Entry object' has no attribute 'subtitle' "
        f"while rendering entry content/entries/cloud-shop.md {HINT}"]


def test_undefined_variable_names_the_page(tmp_path: Path) -> None:
    templates, line = broken_templates(tmp_path, "home.html", "{% block main %}", "{{ banner.text }}")
    assert failed_build(tmp_path, templates) == [
        f"templates/home.html:{line}: 'banner' is undefined while rendering index.html {HINT}"]


def test_unknown_filter(tmp_path: Path) -> None:
    templates, line = broken_templates(tmp_path, "entry.html", "{% block main %}", "{{ entry.title | shout }}")
    assert failed_build(tmp_path, templates) == [
        f"templates/entry.html:{line}: No filter named 'shout'. while rendering entry "
        f"content/entries/cloud-shop.md {HINT}"]


def test_missing_included_template(tmp_path: Path) -> None:
    templates, line = broken_templates(tmp_path, "entry.html", "{% block main %}", '{% include "gone.html" %}')
    assert failed_build(tmp_path, templates) == [
        f"templates/entry.html:{line}: template `gone.html` not found while rendering entry "
        "content/entries/cloud-shop.md (add it to templates/)"]


def test_a_broken_macro_names_the_macro_file(tmp_path: Path) -> None:
    templates, line = broken_templates(tmp_path, "_macros.html", "{% macro chips(", "")
    path = templates / "_macros.html"
    text = path.read_text()
    end = text.index("%}", text.index("{% macro chips(")) + 2
    path.write_text(text[:end] + "{{ table.missing.title }}" + text[end:])
    # Without search, list pages render first (the costliest first), so the first one named is the front page.
    assert failed_build(tmp_path, templates) == [
        f"templates/_macros.html:{line}: 'dict object' has no attribute 'missing' while rendering index.html {HINT}"]


def test_any_exception_in_a_template_is_reported_not_raised(tmp_path: Path) -> None:
    templates, line = broken_templates(tmp_path, "entry.html", "{% block main %}", "{{ 1 / 0 }}")
    assert failed_build(tmp_path, templates) == [
        f"templates/entry.html:{line}: ZeroDivisionError: division by zero "
        f"while rendering entry content/entries/cloud-shop.md {HINT}"]


@pytest.mark.parametrize(("name", "marker", "insert"), [
    ("entry.html", "{% block main %}", "{{ entry.subtitle }}"),
    ("base.html", "<body>", "{% endif %}"),
    ("topic.html", "{% block main %}", "{{ topic.colour }}"),
])
def test_check_finds_what_the_build_would_stop_at(tmp_path: Path, name: str, marker: str, insert: str) -> None:
    """`check` renders every page in memory, so a broken template cannot pass it and fail `build`."""
    templates, _ = broken_templates(tmp_path, name, marker, insert)
    expected = failed_build(tmp_path, templates)
    with pytest.raises(BuildError) as caught:
        check(Options(content=tmp_path / "content", templates=templates))
    assert [str(e).replace(f"{tmp_path}/", "") for e in caught.value.errors] == expected


def test_check_renders_the_pages_of_drafts_too(tmp_path: Path) -> None:
    """A draft is built with --drafts: a template that breaks only on its page fails `check`."""
    templates, line = broken_templates(tmp_path, "entry.html", "{% block main %}",
                                       "{% if entry.draft %}{{ entry.subtitle }}{% endif %}")
    content = make_site(tmp_path, {"entries/draft.md": ENTRY.replace("curator_note:", "draft: true\ncurator_note:")})
    build(Options(content=content, out=tmp_path / "site", templates=templates, search=False))
    with pytest.raises(BuildError) as caught:
        check(Options(content=content, templates=templates))
    assert [str(e).replace(f"{tmp_path}/", "") for e in caught.value.errors] == [
        f"templates/entry.html:{line}: 'broadsheet.model.Entry object' has no attribute 'subtitle' "
        f"while rendering entry content/entries/draft.md {HINT}"]
