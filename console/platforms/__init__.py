"""Viewer-count platforms: one small adapter per platform, beside ``console/obs``.

Each adapter knows its platform's documented request and has a pure parser of the
documented response; HTTP goes through one aiohttp client session that the caller
owns. Nothing here knows about Qt, the store or the poll schedule (``services``).
"""
