"""A proposed slug -> why it cannot name an entry, page or registry item (message and hint), or None.

The one slug rule: `read` applies it to file names and registry keys, `add` to `--slug`. Pure.
"""

from __future__ import annotations

import re
import unicodedata

from .fields import RESERVED, SLUG


def slug_problem(slug: str, taken: set[str] | frozenset[str] = frozenset()) -> tuple[str, str] | None:
    """(message, hint) when `slug` is not a usable slug, else None; `taken` lists the slugs in use."""
    if SLUG.match(slug):
        if slug in RESERVED:
            return f"`{slug}` is a reserved name (the site or Windows uses it)", f"use e.g. `{slug}-1`"
        return None
    suggestion = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", slug).encode(
        "ascii", "ignore").decode().lower()).strip("-")
    if suggestion in taken:
        hint = f"`{suggestion}` is taken already; a slug must differ in more than case or accents"
    else:
        hint = "use lower-case a-z, 0-9 and single hyphens" + (f", e.g. `{suggestion}`" if suggestion else "")
    return f"`{slug}` is not a valid slug", hint
