"""The content folder's Markdown files -> their bytes (with the stamps that tell a rebuild whether to read
them again), their text, their front matter as Fields and their body, with the problems of each as
ContentErrors: what every reader of content files (entries, pages, editions, sources) starts from.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Container
from pathlib import Path

from .charset import looks_like
from .errors import ContentError
from .fields import SLUG, Fields, describe, find_control
from .markdown import Body
from .sanitise import MAX_HTML_DEPTH
from .slugs import slug_problem
from .yamlfile import Loaded, load_yaml

MAX_BYTES = 2 * 1024 * 1024
Stamp = tuple[int, int, int, int]  # a file's st_mtime_ns, st_ctime_ns, st_size and st_ino
# Names that editors, tools and file managers write beside the real files: never sources. `watch`
# ignores their events and the build skips them, so the two always agree on what a source is.
LITTER = re.compile(
    r"""^(?:
        \..*                        # hidden: emacs locks .#x.md, vim swap .x.md.swp, .goutputstream-*, ._x.md
      | .*~                         # backups: x.md~ (vim, emacs, gedit)
      | \#.*\#                      # emacs auto-save #x.md#
      | .*\.(?:sw[a-p]|swpx|bck|bak|tmp|orig)  # swap, backup and temporary copies
      | [0-9]+                      # vim's write probe 4913 (and other numbered probes)
      | .*___jb_(?:tmp|old)___      # JetBrains safe-write copies
      | (?i:thumbs\.db|desktop\.ini)
    )$""",
    re.VERBOSE,
)
NameCheck = Callable[[str, set[str]], "tuple[str, str] | None"]  # file name -> (message, hint) if refused


def decode(raw: bytes, path: str) -> tuple[str | None, ContentError | None]:
    """UTF-8 text with LF line endings (a BOM and CRLF are accepted), or why the bytes are not that."""
    if len(raw) > MAX_BYTES:
        return None, ContentError(path, 1, "", f"file is {len(raw):,} bytes, over the limit of "
                                  f"{MAX_BYTES:,} bytes (2 MiB)", "split it or trim the source text")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw[:200].count(b"\x00") > len(raw[:200]) // 4 > 0:
        return None, ContentError(path, 1, "", "file is UTF-16 text, not UTF-8",
                                  "re-save it as UTF-8; Broadsheet reads only UTF-8")
    if b"\x00" in raw:
        return None, ContentError(path, 1, "", "file is binary, not text", "remove it from content/")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, ContentError(path, line, "", f"file is not UTF-8: byte 0x{raw[exc.start]:02X} on this line; "
                                  f"it looks like {looks_like(raw)}", "re-save it as UTF-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return None, ContentError(path, 1, "", "file is empty", "write the front matter between `---` lines")
    return text, None


def list_markdown(content: Path, folder_name: str, root: Path, errors: list[ContentError], notes: list[str],
                  unchanged: Callable[[str, Stamp], bool] | None = None,
                  trusted: Container[str] = (), check: NameCheck | None = None,
                  ) -> list[tuple[str, bytes | None, Stamp]]:
    """(path, bytes, stamp) of each <folder>/*.md whose name passes `check` (by default: is a valid
    slug); editor litter is skipped quietly. A file for which `unchanged(path, stamp)` holds is not
    read: its bytes are None.

    The names of the paths in `trusted` passed every check on the last build, so only their files
    are looked at again: on a rebuild this loop runs once per entry, and most of it is checks.
    """
    folder = content / folder_name
    if not folder.is_dir():
        return []
    if not inside(folder, root):
        errors.append(ContentError(str(folder), 0, "", "folder is a symlink that leads outside the content "
                                   "folder", "move the files into content/ instead"))
        return []
    try:
        items = sorted(os.scandir(folder), key=lambda d: d.name)
    except OSError as exc:
        errors.append(ContentError(str(folder), 0, "", f"cannot list the folder: {exc.strerror}"))
        return []
    taken: set[str] | None = None  # the valid slugs in the folder, worked out once a bad name needs a hint
    files: list[tuple[str, bytes | None, Stamp]] = []
    prefix = f"{folder}/"
    for item in items:
        rel = prefix + item.name
        if rel not in trusted or item.is_symlink():
            if taken is None and not SLUG.match(item.name.removesuffix(".md")):  # a hint for a bad name needs them
                taken = {d.name[:-3] for d in items if d.name.endswith(".md") and SLUG.match(d.name[:-3])}
            if not _acceptable(item, rel, folder_name, root, errors, notes, taken or set(), check or slug_problem):
                continue
        try:
            stat = item.stat()  # before reading: a write meanwhile leaves a stamp that differs next time
            stamp = (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino)
            if unchanged is not None and unchanged(rel, stamp):
                files.append((rel, None, stamp))
                continue
            with open(item.path, "rb") as handle:  # no Path object: this runs once per entry per rebuild
                files.append((rel, handle.read(), stamp))
        except FileNotFoundError:
            errors.append(ContentError(rel, 1, "", "cannot read file: it is a broken symlink",
                                       "delete it, or point it at a file inside content/"))
        except IsADirectoryError:
            notes.append(f"{rel}: ignored ({folder_name} are .md files)")
        except OSError as exc:
            errors.append(ContentError(rel, 1, "", f"cannot read file: {exc.strerror}"))
    return files


def _acceptable(item: os.DirEntry[str], rel: str, folder_name: str, root: Path, errors: list[ContentError],
                notes: list[str], taken: set[str], check: NameCheck) -> bool:
    """Whether the folder item is a Markdown file to read; records why not, unless it is editor litter."""
    if LITTER.match(item.name):
        return False
    if not item.name.lower().endswith(".md") or item.is_dir():
        notes.append(f"{rel}: ignored ({folder_name} are .md files)")
        return False
    if item.is_symlink() and not inside(Path(item.path), root):
        errors.append(ContentError(rel, 1, "", "symlink leads outside the content folder",
                                   "copy the file into content/ instead"))
        return False
    return _check_slug(item.name[:-3], rel, errors, taken, item.name.endswith(".md"), check)


def inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a symlink loop
        return False


def _check_slug(slug: str, path: str, errors: list[ContentError], taken: set[str], lower_ext: bool = True,
                check: NameCheck | None = None) -> bool:
    """Whether `slug` (a file name without .md) may name a page; records why not."""
    problem = (check or slug_problem)(slug, taken)
    if problem is None and not lower_ext:
        problem = ("the extension must be lower-case `.md`", f"rename it to `{slug}.md`")
    if problem:
        errors.append(ContentError(path, 1, "", *problem))
    return problem is None


def split_front_matter(text: str, path: str) -> tuple[str, str, int, ContentError | None]:
    """(yaml, body, the body's first line in the file) of a `---` delimited file."""
    first, _, rest = text.partition("\n")
    if first.rstrip() != "---":
        if first.rstrip() == "+++":
            hint = "Broadsheet reads YAML front matter between `---` lines, not TOML between `+++`"
        elif text.lstrip().startswith("---"):
            hint = "the opening `---` must be the very first line of the file"
        else:
            hint = "start the file with a line `---`, the fields, then another `---`"
        return "", "", 0, ContentError(path, 1, "", "no front matter", hint)
    end = re.search(r"^(?:---|\.\.\.)[ \t]*$", rest, re.MULTILINE)
    if end is None:
        return "", "", 0, ContentError(path, 1, "", "front matter is not closed",
                                       "add a line `---` after the last field")
    body = rest[end.end():].removeprefix("\n")
    body_line = 2 + rest[: end.end()].count("\n") + 1
    stripped = body.lstrip("\n")
    return rest[: end.start()], stripped, body_line + len(body) - len(stripped), None


def front_matter(rel: str, raw: bytes, errors: list[ContentError]) -> tuple[Fields, str, int] | None:
    """A Markdown file's front matter to validate, its body and the body's first line; None (with
    the reason in `errors`) when the file cannot be read that far."""
    text, problem = decode(raw, rel)
    front, body_text, body_line, problem = split_front_matter(text, rel) if text else ("", "", 0, problem)
    loaded, problems = load_yaml(front, rel, 2) if not problem else (None, [problem])
    errors.extend(problems)
    f = front_matter_fields(loaded, rel, errors)
    return None if f is None else (f, body_text, body_line)


def front_matter_fields(loaded: Loaded | None, path: str, errors: list[ContentError]) -> Fields | None:
    """The front matter's fields; an empty block (`---` then `---`) has none, so that each required
    field is reported missing, as in any other file."""
    if loaded is None:
        return None
    value = {} if loaded.value is None else loaded.value
    if not isinstance(value, dict):
        errors.append(ContentError(path, loaded.line(), "", "front matter must be `field: value` lines, got "
                                   + describe(value)))
        return None
    return Fields(value, loaded, path, errors)


def removed_notes(path: str, body: Body, body_line: int) -> tuple[str, ...]:
    """What raw HTML the page leaves out, one note per line of the file: the curator should know what
    readers will not see."""
    return tuple(f"{path}:{body_line + line}: body: raw HTML left out of the page: {what}"
                 for line, what in body.removed)


def body_problems(path: str, source: str, body: Body, body_line: int) -> list[ContentError]:
    """What is wrong with a rendered body: nesting that would lose text, invisible control characters."""
    problems = []
    if body.too_deep >= 0:
        problems.append(ContentError(
            path, body_line + body.too_deep, "body",
            "block quotes and lists are nested too deeply here: the text inside would be lost",
            "flatten the nesting: at most 9 lists or 19 block quotes deep"))
    if body.html_too_deep >= 0:
        problems.append(ContentError(
            path, body_line + body.html_too_deep, "body",
            f"raw HTML here keeps more than {MAX_HTML_DEPTH:,} elements open at once",
            "close the tags you open, or remove the markup"))
    bad = find_control(source)
    if bad:
        problems.append(ContentError(
            path, body_line + source.count("\n", 0, bad.start()), "body",
            f"contains the invisible control character U+{ord(bad.group()):04X}",
            "delete it; feeds and some browsers cannot show it"))
    return problems
