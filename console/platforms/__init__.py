"""Viewer-count platforms: one small adapter per platform, beside ``console/obs``.

Each adapter knows its platform's documented request and has a pure parser of the
documented response; HTTP goes through one aiohttp client session that the caller
owns. Nothing here knows about Qt, the store or the poll schedule (``services``).

- ``base``: the adapter interface; ``registry``: ``adapter_for``, batches, ``Adapters``
- ``youtube``, ``twitch``, ``owncast``, ``zoom``, ``facebook``, ``json_pointer``
- ``exchange``: one HTTP exchange and the answers all platforms share; ``oauth``: app tokens
- ``credentials``: keys and tokens from the environment, then the OS keyring
- ``standin``: a local server with every platform's documented answers (demo and tests)
"""
