"""C library functions Python has no wrapper for, looked up once, or None where the C library lacks them."""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable


@functools.cache
def function(name: str) -> Callable[..., int] | None:
    """The C library's `name` (errno kept for ctypes.get_errno), or None where there is none."""
    try:
        library = ctypes.CDLL(None, use_errno=True)  # the process's own symbols, the C library's among them
    except OSError:
        return None
    found: Callable[..., int] | None = getattr(library, name, None)
    return found
