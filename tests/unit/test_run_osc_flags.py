"""``run``'s OSC flags are checked where they enter: a value that does not fit exits 2
with one line naming the flag, before any window opens."""

from __future__ import annotations

import ipaddress

import pytest

from console.commands import run
from console.commands.osc_args import parse_osc
from console.services.osc_feedback import FeedbackTarget
from console.services.osc_surface import OscSettings
from tests.unit.test_run_roles import parse


@pytest.mark.parametrize(("argv", "flag", "said"), [
    (["--osc-port", "0"], "--osc-port", "from 1 to 65535"),
    (["--osc-port", "65536"], "--osc-port", "from 1 to 65535"),
    (["--osc-port", "nine"], "--osc-port", "from 1 to 65535"),
    (["--osc-port", "９０００"], "--osc-port", "from 1 to 65535"),
    (["--osc-port", "9000", "--osc-host", "console.local"], "--osc-host", "not an IP"),
    (["--osc-port", "9000", "--osc-host", "192.168.1.20"], "--osc-host", "--osc-allow"),
    (["--osc-port", "9000", "--osc-host", "0.0.0.0"], "--osc-host", "--osc-allow"),
    (["--osc-port", "9000", "--osc-allow", "192.168.1.300"], "--osc-allow", "not an address"),
    (["--osc-port", "9000", "--osc-allow", "10.0.0.0/33"], "--osc-allow", "not an address"),
    (["--osc-port", "9000", "--osc-allow", "10.0.0.1\x07"], "--osc-allow", "not an address"),
    (["--osc-allow", "10.0.0.1"], "--osc-allow", "add --osc-port"),
    (["--osc-host", "127.0.0.1"], "--osc-host", "add --osc-port"),
    (["--osc-feedback", "192.168.1.30"], "--osc-feedback", "HOST:PORT"),
    (["--osc-feedback", "192.168.1.30:0"], "--osc-feedback", "from 1 to 65535"),
    (["--osc-feedback", "192.168.1.30:99999"], "--osc-feedback", "from 1 to 65535"),
    (["--osc-feedback", "touch osc:9000"], "--osc-feedback", "not an IP address or a host"),
    (["--osc-feedback", "tablet\x07:9000"], "--osc-feedback", "not an IP address or a host"),
    (["--osc-feedback", "::1:9000"], "--osc-feedback", "HOST:PORT"),
    (["--osc-feedback", "[::1]9000"], "--osc-feedback", "HOST:PORT"),
    (["--role", "interpreter", "--language", "fr", "--osc-port", "-1"], "--osc-port", "65535"),
    (["--role", "producer", "--osc-port", "9000"], "--osc-port", "--role producer"),
    (["--role", "producer", "--osc-feedback", "127.0.0.1:9000"], "--osc-feedback",
     "--role producer"),
])
def test_osc_flags_that_do_not_fit_are_refused_naming_the_flag(
        argv: list[str], flag: str, said: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run.run(parse(*argv)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {flag}")
    assert said in err
    assert err.count("\n") == 1


def test_no_osc_flags_no_osc() -> None:
    settings = parse_osc(parse())
    assert settings == OscSettings()
    assert not settings.wanted


def test_osc_flags_that_fit() -> None:
    settings = parse_osc(parse(
        "--osc-port", "9000", "--osc-host", "192.168.1.20",
        "--osc-allow", "192.168.1.30", "--osc-allow", "10.1.2.3/16",
        "--osc-feedback", "192.168.1.30:9001", "--osc-feedback", "[::1]:9002",
        "--osc-feedback", "tablet.local:9003", "--osc-feedback", "192.168.1.30:9001"))
    assert settings == OscSettings(
        port=9000, host="192.168.1.20",
        allow=(ipaddress.ip_network("192.168.1.30/32"), ipaddress.ip_network("10.1.0.0/16")),
        feedback=(FeedbackTarget("192.168.1.30", 9001), FeedbackTarget("::1", 9002),
                  FeedbackTarget("tablet.local", 9003)))
    assert settings.wanted


def test_feedback_alone_needs_no_server() -> None:
    settings = parse_osc(parse("--osc-feedback", "127.0.0.1:9000"))
    assert settings.port is None
    assert settings.wanted
