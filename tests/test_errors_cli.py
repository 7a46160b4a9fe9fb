"""`python build.py build` on bad content: one `error: path:line: field: message (hint)` line per problem on
stderr, exit 1, nothing written, never a traceback."""

from __future__ import annotations

import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

from broadsheet.build import PROJECT, Options, build
from broadsheet.errors import BuildError, ContentError

from .conftest import ENTRY, entry, make_site

LINE = re.compile(r"^error: (?P<path>[^:]+):(?P<line>\d+): (?:(?P<field>[\w.\[\]-]+): )?(?P<message>.+?)"
                  r"(?: \((?P<hint>.+)\))?$")


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False)


def every_kind_of_mistake(root: Path) -> Path:
    """One content folder holding one of each content mistake the reader knows."""
    bomb = "\n".join([ENTRY.split("---\n")[1].rstrip(), 'a0: &a0 ["lol", "lol", "lol"]',
                      *(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12))])
    content = make_site(root, {
        "entries/no-front.md": "Just text.\n",
        "entries/unclosed.md": "---\ntitle: x\n",
        "entries/syntax.md": entry(title="title: a: b"),
        "entries/list.md": "---\n- a\n---\nx\n",
        "entries/duplicate.md": entry(kind="kind: news\nkind: speech"),
        "entries/traps.md": entry(title="title: No", curator_note="curator_note: 1.10"),
        "entries/tags.md": entry(title="title: !!python/object/apply:os.system [echo]"),
        "entries/bomb.md": f"---\n{bomb}\n---\nx\n",
        "entries/fields.md": entry(summary="sumary: x", date="date: 15/09/2020", topics="topics: [clod]",
                                   people="people: [Jack Mo]").replace("see: 2", "see: 0").replace(
            "https://example.org/story", "JaVaScRiPt:alert(1)"),
        "entries/quote.md": ENTRY.replace("text: \"Renting is cheaper", "text: \"Buying is cheaper"),
        "entries/empty.md": "",
        "entries/binary.md": b"\x00\x01\x02",
        "entries/gbk.md": ENTRY.replace("footer.", "\u6570\u5b57\u7ecf\u6d4e").encode("gbk"),
        "entries/utf16.md": ENTRY.encode("utf-16"),
        "entries/huge.md": ENTRY + "x" * (2 * 1024 * 1024),
        "entries/deep.md": ENTRY + "> " * 50 + "deep\n",
        "entries/Upper.md": ENTRY,
        "entries/index.md": ENTRY,
        "entries/notes.txt": "ignored",
        "pages/about.md": "---\ntitle: [About]\n---\nx\n",
        "people.yaml": "jack-ma:\n  name: Jack Ma\n  aliases: [Ma Yun]\nma:\n  name: Ma\n  aliases: [ma yun]\n",
    })
    os.symlink("/etc/hostname", content / "entries" / "leak.md")
    return content


def test_every_mistake_is_one_line_with_file_and_line_and_exit_1(tmp_path: Path) -> None:
    every_kind_of_mistake(tmp_path)
    result = cli(tmp_path, "build", "--content", "content", "--out", "site")
    assert result.returncode == 1 and result.stdout == ""
    assert "Traceback" not in result.stderr
    *lines, total = result.stderr.splitlines()
    assert total == f"{len(lines)} errors; nothing was written"
    assert all(LINE.match(line) for line in lines), [line for line in lines if not LINE.match(line)]
    files = {LINE.match(line).group("path") for line in lines}  # type: ignore[union-attr]
    assert files == {f"content/entries/{name}" for name in (
        "no-front.md", "unclosed.md", "syntax.md", "list.md", "duplicate.md", "traps.md", "tags.md", "bomb.md",
        "fields.md", "quote.md", "empty.md", "binary.md", "gbk.md", "utf16.md", "huge.md", "deep.md", "Upper.md",
        "index.md", "leak.md")} | {"content/pages/about.md", "content/people.yaml"}
    assert not (tmp_path / "site").exists()


def test_a_mistake_in_an_otherwise_good_site_keeps_the_old_site(tmp_path: Path) -> None:
    make_site(tmp_path)
    assert cli(tmp_path, "build", "--content", "content", "--out", "site", "--no-search").returncode == 0
    before = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    (tmp_path / "content" / "entries" / "cloud-shop.md").write_text(entry(title="title: Yes"))
    result = cli(tmp_path, "build", "--content", "content", "--out", "site", "--no-search")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("error: content/entries/cloud-shop.md:2: title: expected text, got `Yes`, which YAML "
                             'reads as the boolean true (put it in quotes: "Yes")\n')
    assert {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()} == before


def test_a_good_build_prints_a_summary_and_notes(tmp_path: Path) -> None:
    make_site(tmp_path, {"entries/notes.txt": "x"})
    result = cli(tmp_path, "build", "--content", "content", "--out", "site", "--no-search")
    assert result.returncode == 0 and result.stdout.startswith("built ")
    assert result.stderr == "warning: content/entries/notes.txt: ignored (entries are .md files)\n"


def test_zero_entries_build_an_empty_digest_with_a_note(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    (content / "entries" / "cloud-shop.md").unlink()
    result = cli(tmp_path, "build", "--content", "content", "--out", "site")
    assert result.returncode == 0, result.stderr
    assert result.stderr == "warning: content/entries: no entries to publish yet, so the digest is empty\n"
    assert (tmp_path / "site" / "index.html").exists() and (tmp_path / "site" / "pagefind" / "pagefind.js").exists()


def test_check_says_ok_and_lists_notes(tmp_path: Path) -> None:
    make_site(tmp_path, {"entries/notes.txt": "x"})
    result = cli(tmp_path, "check", "--content", "content")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == ("note: content/entries/notes.txt: ignored (entries are .md files)\n"
                             "ok: 1 entries, 0 drafts, no problems found\n")


def test_build_errors_survive_worker_processes() -> None:
    errors = BuildError([ContentError("templates/entry.html", 13, "", "boom", "fix it"),
                         ContentError("a.md", 2, "title", "is blank")])
    copied = pickle.loads(pickle.dumps(errors))
    assert copied.errors == errors.errors and str(copied) == str(errors)


def test_a_template_error_raised_in_a_worker_keeps_its_file_and_line(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {f"entries/e{i:03d}.md": entry(title=f"title: Entry {i}") for i in range(420)}
    content = make_site(tmp_path, files)
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT / "templates", templates)
    page = templates / "entry.html"
    text = page.read_text()
    page.write_text(text.replace("{% block main %}", "{% block main %}{{ entry.nope }}", 1))
    line = text[: text.index("{% block main %}")].count("\n") + 1
    try:
        build(Options(content=content, out=tmp_path / "site", templates=templates, search=False))
    except BuildError as caught:
        [error] = caught.errors
        assert (error.path, error.line) == (str(page), line)
        assert error.message.startswith("'broadsheet.model.Entry object' has no attribute 'nope' while rendering")
    else:
        raise AssertionError("the build did not fail")
