"""render: relative roots, dates, pagination links, the page plan and template error messages."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import shutil
from pathlib import Path

import pytest
from jinja2.compiler import CodeGenerator
from markupsafe import Markup

from broadsheet.build import Options, build
from broadsheet.collect import collect
from broadsheet.compiled import escape_output
from broadsheet.errors import BuildError
from broadsheet.fingerprint import digest_of
from broadsheet.read import read_content
from broadsheet.render import PageSpec, Renderer, longdate, make_env, partial_date, plan, root_of, shared_values
from tests.conftest import ENTRY, make_site, many_entries

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


@pytest.mark.parametrize("listing", ["", "topics/cloud/"])
def test_a_long_list_comes_in_pages_of_fifty_linked_both_ways(tmp_path: Path, listing: str) -> None:
    """101 entries: 50, 50 and 1 on three pages; Older and Newer lead from each to the next and back."""
    out = tmp_path / "site"
    build(Options(content=make_site(tmp_path, many_entries(100)), out=out, search=False))
    pages, page = [], f"{listing}index.html"
    while page:
        html = (out / page).read_text()
        pages.append((page, html.count('<article class="card">'), re.findall(r'href="([^"]+)" rel="prev"', html)))
        older = re.findall(r'href="([^"]+)" rel="next"', html)
        page = posixpath.normpath(posixpath.join(posixpath.dirname(page), older[0])) + "/index.html" if older else ""
    assert [(path, count) for path, count, _ in pages] == [
        (f"{listing}index.html", 50), (f"{listing}page/2/index.html", 50), (f"{listing}page/3/index.html", 1)]
    newer = [posixpath.normpath(posixpath.join(posixpath.dirname(path), prev[0])) if prev else ""
             for path, _, prev in pages]
    assert newer == ["", listing.rstrip("/") or ".", f"{listing}page/2"]


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


def test_printing_with_the_cheaper_escape_changes_no_byte_of_any_page(tmp_path: Path) -> None:
    """Every page of a digest whose texts are full of markup characters, rendered by the templates as
    Jinja compiles them and as OutputCodeGenerator does: the same bytes, the markup escaped in both."""
    hostile = (ENTRY.replace("title: Cloud comes to the corner shop",
                             """title: <script>alert("x")</script> & it's <b>bold</b>""")
               .replace("  title: Shops move online", "  title: Shops <i>move</i> & 'online'")
               .replace("The third paragraph closes the story.", "The third <em>paragraph</em> & <b>closes</b>."))
    content = make_site(tmp_path, {"entries/cloud-shop.md": hostile, **many_entries(60)})
    digest = collect(read_content(content))
    shared = shared_values(digest)
    stock_env = make_env(ROOT / "templates")
    stock_env.code_generator_class = CodeGenerator
    ours, stock = Renderer(ROOT / "templates", shared), Renderer(ROOT / "templates", shared, stock_env)
    specs = plan(digest, shared)
    assert len(specs) > 90
    assert "escape_output(" in ours.env.compile("{{ value }}", raw=True)  # the pages below do go through it
    for spec in specs:
        assert ours.render(spec) == stock.render(spec), spec.path
    page = ours.render(next(s for s in specs if s.path == "entries/cloud-shop/index.html")).decode()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; it&#39;s" in page and "<script>alert" not in page


def test_the_cheaper_escape_escapes_text_and_leaves_markup_be() -> None:
    escaped = "&lt;a href=&#34;x&#34;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
    assert escape_output("<a href=\"x\">Tom & Jerry's</a>") == escaped
    assert type(escape_output("plain")) is str
    assert escape_output(Markup("<b>kept</b>")) == "<b>kept</b>"
    assert escape_output(dt.date(2020, 9, 5)) == "2020-09-05"
    assert escape_output(3) == "3"
