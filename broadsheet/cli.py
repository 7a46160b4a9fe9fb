"""Command line: `broadsheet build|check|serve|add|dismiss|edition new`; `python build.py ...` is the same program."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from .build import Options, build
from .check import check
from .errors import BuildError
from .sources import DismissError, dismiss, shared_sources
from .write import write_error


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="broadsheet", description="Build a curated digest into a static site.")
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="validate, render and index the site")
    _content_options(b)
    b.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site)")
    b.add_argument("--base-url", default="", help="absolute URL the site is published at (for feeds)")
    b.add_argument("--no-search", action="store_true", help="skip the Pagefind index")
    b.add_argument("--no-cache", action="store_true", help="ignore and do not write the build cache")
    c = sub.add_parser("check", help="validate the content without writing anything")
    _content_options(c)
    c.add_argument("--format", choices=("text", "json"), default="text")
    s = sub.add_parser("serve", help="build, serve on 127.0.0.1 and rebuild on every save")
    _content_options(s)
    s.add_argument("--out", type=Path, default=Path("site"))
    s.add_argument("--port", type=int, default=8000, help="port (0 picks a free one)")
    s.add_argument("--no-search", action="store_true")
    a = sub.add_parser("add", help="turn a text file, web page or feed (a file or an http(s) address) into drafts")
    a.add_argument("source", help="a text or HTML file, a feed file, or an http(s) address of a page or feed")
    a.add_argument("--slug", default=None)
    a.add_argument("--content", type=Path, default=Path("content"))
    d = sub.add_parser("dismiss", help="delete a draft and keep its story out of later `add`s")
    d.add_argument("entry", help="the draft's file, or its slug")
    d.add_argument("--content", type=Path, default=Path("content"))
    e = sub.add_parser("edition", help="work on editions")
    e.add_argument("action", choices=("new",), help="new: draft the next edition from the entries since the last")
    e.add_argument("--content", type=Path, default=Path("content"))
    return ap


def _content_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    p.add_argument("--drafts", action="store_true", help="include entries marked draft: true")


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "build":
            signal.signal(signal.SIGTERM, _terminate)  # so the half-built staging folder is removed
            return run_build(args)
        if args.command == "check":
            return run_check(args)
        if args.command == "serve":
            from .serve import serve

            return serve(args)
        if args.command == "dismiss":
            return run_dismiss(args)
        if args.command == "edition":
            return run_edition(args)
        from .intake import add

        return add(args.source, args.content, args.slug, sys.stdout, sys.stderr)
    except KeyboardInterrupt:
        print("interrupted; the previous site is untouched", file=sys.stderr)
        return 130
    except Terminated:
        print("terminated; the previous site is untouched", file=sys.stderr)
        return 143


class Terminated(BaseException):
    """SIGTERM, raised like Ctrl-C's KeyboardInterrupt so that every cleanup on the way out runs."""


def _terminate(_signum: int, _frame: object) -> None:
    raise Terminated


def run_build(args: argparse.Namespace) -> int:
    options = Options(content=args.content, out=args.out, base_url=args.base_url, drafts=args.drafts,
                      search=not args.no_search, use_cache=not args.no_cache)
    try:
        result = build(options)
    except BuildError as exc:
        report(exc)
        return 1
    except OSError as exc:  # the disk, not the content: say which file and why, without a traceback
        report(write_error(exc, options.out))
        return 1
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(result.summary())
    # The process ends here: frozen, what is left is not scanned once more by the collector on the way
    # out, only freed; a rebuild with nothing to render would otherwise spend a noticeable share of
    # its time there.
    gc.freeze()
    return 0


def run_edition(args: argparse.Namespace) -> int:
    from .editions import write_next_edition

    try:
        return write_next_edition(args.content, dt.date.today(), sys.stdout, sys.stderr)
    except BuildError as exc:
        report(exc)
        return 1


def report(exc: BuildError) -> None:
    for error in exc.errors:
        print(f"error: {error}", file=sys.stderr)
    count = len(exc.errors)
    if count > 1:
        print(f"{count} errors; nothing was written", file=sys.stderr)


def run_dismiss(args: argparse.Namespace) -> int:
    entry = Path(args.entry)
    if not entry.exists() and (args.content / "entries" / f"{args.entry}.md").exists():
        entry = args.content / "entries" / f"{args.entry}.md"
    try:
        print(dismiss(entry, args.content))
    except DismissError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def run_check(args: argparse.Namespace) -> int:
    try:
        content = check(Options(content=args.content))
    except BuildError as exc:
        if args.format == "json":
            print(json.dumps({"ok": False, "errors": [e.as_dict() for e in exc.errors]}, indent=2))
        else:
            report(exc)
        return 1
    drafts = [e for e in content.entries if e.draft]
    shared = shared_sources(args.content)
    if args.format == "json":
        print(json.dumps({"ok": True, "errors": [], "entries": len(content.entries),
                          "drafts": [e.path for e in drafts], "notes": list(content.notes),
                          "warnings": shared}, indent=2))
        return 0
    for note in content.notes:
        print(f"note: {note}")
    for warning in shared:
        print(f"warning: {warning}")
    for entry in drafts:
        print(f"draft: {entry.path} awaits curation (summary, key points, topics)")
    for edition in content.editions:
        if edition.draft:
            print(f"draft: {edition.path} is an edition not yet published (set draft: false when it is ready)")
    print(f"ok: {len(content.entries)} entries, {len(drafts)} drafts, no problems found")
    return 0
