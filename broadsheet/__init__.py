"""Broadsheet: a static site generator for curated digests."""

__version__ = "0.1.0"
