"""`check`: everything `build` validates, without writing anything: content, links and templates.

Input: the build's Options (content, templates, assets). Output: the Content read with its drafts, or
a BuildError listing every problem a `build` or a `build --drafts` of that content would stop at. The
site is planned as `build` plans it and every page is rendered in memory, then dropped: the published
site, and the pages of the drafts as `build --drafts` has them. Not done: Pagefind, which only ever
fails for reasons outside the content, and the writing of files.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from . import links
from .build import Options, read_assets
from .collect import collect
from .errors import BuildError, ContentError
from .parallel import pmap
from .read import Content, read_content
from .render import PageSpec, Renderer, plan, preload, shared_values, template_digests


def check(options: Options) -> Content:
    """Read, link-check and render the site in memory; raise BuildError listing every problem."""
    content = read_content(options.content, drafts=True, mapper=pmap)
    drafts = frozenset(e.slug for e in content.entries if e.draft)
    published = replace(content, entries=tuple(e for e in content.entries if not e.draft))
    assets = set(read_assets(options.assets))
    problems: dict[str, ContentError] = {}  # by line: a problem both sites have is reported once
    for each, wanted in ((published, None), *(((content, drafts),) if drafts else ())):
        digest = collect(each)
        shared = shared_values(digest)
        renderer = Renderer(options.templates, shared)
        templates, _ = template_digests(renderer.env)
        specs = plan(digest, shared, templates)
        for problem in links.check(digest, {spec.path for spec in specs} | assets):
            problems.setdefault(str(problem), problem)
        pages = [spec for spec in specs if wanted is None or _entry_slug(spec) in wanted]
        preload(renderer.env, templates)
        for problem in _first_per_template(pmap(DryRender(renderer), pages)):
            problems.setdefault(str(problem), problem)
    if problems:
        raise BuildError(sorted(problems.values(), key=lambda e: (e.path, e.line)))
    return content


def _entry_slug(spec: PageSpec) -> str:
    entry = spec.context.get("entry")
    return getattr(entry, "slug", "")


def _first_per_template(found: list[ContentError | None]) -> list[ContentError]:
    """One error per template line: a mistake in a template breaks every page that uses it alike."""
    first: dict[tuple[str, int], ContentError] = {}
    for problem in found:
        if problem is not None:
            first.setdefault((problem.path, problem.line), problem)
    return list(first.values())


@dataclass(frozen=True, slots=True)
class DryRender:
    """Renders a page in a worker and keeps only what went wrong."""

    renderer: Renderer

    def __call__(self, spec: PageSpec) -> ContentError | None:
        try:
            self.renderer.render(spec)
        except BuildError as exc:
            return exc.errors[0]
        return None
