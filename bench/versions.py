"""`bench/versions.py COMMIT`: this checkout's cold build against an earlier commit's, on the same digest.

What a feature costs is the difference between two versions of Broadsheet, so both build the same
synthetic corpus (bench/corpus/<N>/), or with --real the archive-shaped one (bench/corpus/real-<N>/,
real.py), in alternating pairs, exactly as run.py pairs Broadsheet with
Hugo (harness.py): a new output folder each run, `sync` inside the timed span, deletions only once the
block's pairs have run and never within a minute of a timed run, the machine's load checked. The
other version is checked out into a worktree beside the corpus, with its modules compiled to bytecode
as this one's are, and removed at the end. The ratio is this checkout's time over the other's.
With --python, the other side runs on that interpreter instead of the project's environment: the same
commit on two Pythons tells what the interpreter costs.

    .venv/bin/python bench/versions.py 8613bf2^1 --entries 4000 --runs 9
    .venv/bin/python bench/versions.py c013680 --real --runs 5
    .venv/bin/python bench/versions.py HEAD --python /path/to/other/venv/bin/python
"""

from __future__ import annotations

import argparse
import compileall
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from harness import Harness, Refused, Side
from measure import BenchError, Run
from real import ENTRIES as REAL_ENTRIES
from real import corpus as real_corpus
from run import CORPORA, REFUSED, REPO, SCRATCH, corpus, python, with_cache


def checkout(commit: str) -> Path:
    """A worktree of `commit` in bench/corpus/version-<commit>/, compiled to bytecode."""
    sha = subprocess.run(["git", "rev-parse", "--verify", f"{commit}^{{commit}}"], cwd=REPO, capture_output=True,
                         text=True, check=False)
    if sha.returncode != 0:
        raise BenchError(f"`{commit}` names no commit of this repository")
    folder = CORPORA / f"version-{sha.stdout.strip()[:12]}"
    if not folder.is_dir():
        subprocess.run(["git", "worktree", "add", "--detach", str(folder), sha.stdout.strip()], cwd=REPO,
                       capture_output=True, check=True)
    compileall.compile_dir(folder / "broadsheet", quiet=1)
    return folder


def side(harness: Harness, root: Path, name: str, content: Path, flags: Sequence[str],
         interpreter: Path | None = None) -> Side:
    def run(label: str) -> Run:
        out = harness.fresh(name)
        timed = harness.timed(label, [[interpreter or python(), root / "build.py", "build", "--content", content,
                                       "--out", out, *flags]])
        harness.discard(*with_cache(out))
        return timed
    return run


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Time this checkout's cold build against an earlier commit's.")
    ap.add_argument("commit", help="the commit to compare with, e.g. 8613bf2^1")
    ap.add_argument("--entries", type=int, help=f"corpus size (default: 4000, or {REAL_ENTRIES} with --real)")
    ap.add_argument("--real", action="store_true", help="build the archive-shaped corpus instead of the synthetic one")
    ap.add_argument("--runs", type=int, default=7, help="pairs (default: %(default)s)")
    ap.add_argument("--search", action="store_true", help="build with search (default: --no-search)")
    ap.add_argument("--force", action="store_true",
                    help="report even when the machine is busy, with the figures marked unreliable")
    ap.add_argument("--no-warm-up", action="store_true",
                    help="count every run, without first running each side once uncounted (harness.py)")
    ap.add_argument("--python", type=Path,
                    help="the other side's interpreter, with Broadsheet's dependencies installed (default: this one)")
    args = ap.parse_args(argv)
    if args.python is not None and not args.python.is_file():
        print(f"bench failed: --python {args.python} is not a file", file=sys.stderr)
        return 1
    flags = () if args.search else ("--no-search",)
    worktree: Path | None = None
    try:
        harness = Harness(SCRATCH, REPO, args.force, not args.no_warm_up)
        entries = args.entries or (REAL_ENTRIES if args.real else 4000)
        content = real_corpus(entries, harness) if args.real else corpus(entries, harness)
        worktree = checkout(args.commit)
        other = args.commit + (f" on {args.python}" if args.python else "")
        title = (f"{entries:,}{' archive-shaped' if args.real else ''} cold{'' if args.search else ', no search'}: "
                 f"this checkout / {other}")
        try:
            harness.block(title, max(1, args.runs), side(harness, REPO, "this", content, flags),
                          side(harness, worktree, "other", content, flags, args.python), other)
        finally:
            harness.finish()
    except Refused as refused:
        print(refused, file=sys.stderr)
        return REFUSED
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if worktree is not None:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=REPO, capture_output=True,
                           check=False)
    if not harness.reliable:
        print("UNRELIABLE: " + "; ".join(harness.problems))
    return 0


if __name__ == "__main__":
    sys.exit(main())
