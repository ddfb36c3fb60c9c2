"""Reading the OBS address given with ``--obs``."""

from __future__ import annotations

import pytest

from console.obs.endpoint import ObsEndpoint


@pytest.mark.parametrize(("text", "host", "port"), [
    ("ws://127.0.0.1:4455", "127.0.0.1", 4455),
    ("obs.example:4460", "obs.example", 4460),
    ("ws://studio", "studio", 4455),
    ("ws://127.0.0.1:65535", "127.0.0.1", 65535),
])
def test_an_address_is_read(text: str, host: str, port: int) -> None:
    assert ObsEndpoint.parse(text) == ObsEndpoint(host, port)


@pytest.mark.parametrize(("text", "problem"), [
    ("ws://127.0.0.1:0", "the port must be a number from 1 to 65535"),
    ("ws://127.0.0.1:65536", "the port must be a number from 1 to 65535"),
    ("ws://127.0.0.1:port", "the port must be a number from 1 to 65535"),
    ("ws://[::1", "not an address such as ws://HOST:PORT"),
    ("http://127.0.0.1:4455", "must look like ws://HOST:PORT"),
    ("ws://:4455", "no host name"),
])
def test_a_bad_address_is_refused_naming_it(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem) as refused:
        ObsEndpoint.parse(text)
    assert repr(text) in str(refused.value)
