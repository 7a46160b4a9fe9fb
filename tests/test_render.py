"""render: relative roots, dates, pagination links, the page plan and template error messages."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from broadsheet.build import Options, build
from broadsheet.collect import collect
from broadsheet.errors import BuildError
from broadsheet.fingerprint import digest_of
from broadsheet.read import read_content
from broadsheet.render import PageSpec, _pagination, longdate, partial_date, plan, root_of, shared_values
from tests.conftest import make_site

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("path", "root"), [("index.html", ""), ("entries/x/index.html", "../../"),
                                            ("topics/x/page/2/index.html", "../../../../"), ("feed.xml", "")])
def test_root_of(path: str, root: str) -> None:
    assert root_of(path) == root


def test_dates_read_as_a_reader_writes_them() -> None:
    assert longdate(dt.date(2020, 9, 5)) == "5 September 2020"
    assert partial_date("2020") == "2020"
    assert partial_date("2020-09") == "September 2020"
    assert partial_date("2020-09-15") == "15 September 2020"


def test_pagination_links_are_relative_to_each_page() -> None:
    assert _pagination(1, 3) == {"page": 1, "pages": 3, "newer": "", "older": "page/2/"}
    assert _pagination(2, 3) == {"page": 2, "pages": 3, "newer": "../.././", "older": "../../page/3/"}
    assert _pagination(3, 3)["older"] == ""


def plan_of(content: Path) -> list[PageSpec]:
    digest = collect(read_content(content))
    return plan(digest, shared_values(digest))


def test_plan_covers_the_page_map_once(tmp_path: Path) -> None:
    specs = plan_of(make_site(tmp_path))
    paths = [spec.path for spec in specs]
    assert len(paths) == len(set(paths))
    assert [s.path for s in specs if s.indexed] == ["entries/cloud-shop/index.html"]


def test_fingerprints_follow_what_each_template_receives(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    before = {s.path: s.fingerprint for s in plan_of(content)}
    entry = content / "entries/cloud-shop.md"
    entry.write_text(entry.read_text().replace("The third paragraph", "The last paragraph"), encoding="utf-8")
    after = {s.path: s.fingerprint for s in plan_of(content)}
    changed = sorted(p for p in before if before[p] != after[p])
    # Every page given the entry may show its body; the pages given only counts or dates may not.
    assert "entries/cloud-shop/index.html" in changed and "index.html" in changed
    assert not {"topics/index.html", "sitemap.xml", "404.html", "robots.txt"} & set(changed)


def test_a_value_the_fingerprint_cannot_hash_is_refused() -> None:
    with pytest.raises(TypeError, match="a page's context holds a set"):
        digest_of({"entries": {1, 2}})


def broken_templates(tmp_path: Path, name: str, old: str, new: str) -> Path:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    page = templates / name
    text = page.read_text()
    assert old in text
    page.write_text(text.replace(old, new, 1), encoding="utf-8")
    return templates


def test_an_undefined_variable_names_template_line_and_entry(tmp_path: Path) -> None:
    templates = broken_templates(tmp_path, "entry.html", "{{ entry.title }}", "{{ entry.titel }}")
    line = next(i for i, text in enumerate((templates / "entry.html").read_text().splitlines(), 1)
                if "entry.titel" in text)
    content = make_site(tmp_path)
    with pytest.raises(BuildError) as caught:
        build(Options(content=content, out=tmp_path / "site", templates=templates, search=False))
    assert str(caught.value) == (
        f"{templates}/entry.html:{line}: 'broadsheet.model.Entry object' has no attribute 'titel' while rendering "
        f"entry {content}/entries/cloud-shop.md (fix the template; the previous site is untouched)")


def test_a_template_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    templates = broken_templates(tmp_path, "topics.html", "{% endfor %}", "{% endfour %}")
    with pytest.raises(BuildError) as caught:
        build(Options(content=make_site(tmp_path), out=tmp_path / "site", templates=templates, search=False))
    message = str(caught.value)
    assert message.startswith(f"{templates}/topics.html:")
    assert "Encountered unknown tag 'endfour'" in message
