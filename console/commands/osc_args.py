"""``run``'s OSC flags, checked where they enter: a refusal names the flag (exit 2)."""

from __future__ import annotations

import argparse
import ipaddress
import re

from console.models.errors import InvalidValue
from console.services.osc_feedback import FeedbackTarget
from console.services.osc_server import LOOPBACK, Network, is_loopback
from console.services.osc_surface import OscSettings

HOST_NAME = re.compile(r"(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9-]{1,63})*")
PORT = "a port from 1 to 65535"


def add_osc_arguments(parser: argparse.ArgumentParser) -> None:
    osc = parser.add_argument_group(
        "OSC", "control the console from TouchOSC, QLab or Companion over OSC (UDP), and "
        "send what it shows to them; see README, OSC")
    osc.add_argument("--osc-port", metavar="N",
                     help=f"receive OSC messages on UDP port N (on {LOOPBACK} unless "
                     "--osc-host says otherwise)")
    osc.add_argument("--osc-host", metavar="ADDR",
                     help="the address of this machine to receive OSC on (a LAN address: only "
                     "with --osc-allow)")
    osc.add_argument("--osc-allow", action="append", default=[], metavar="ADDR[/PREFIX]",
                     help="accept OSC only from this sender or network (repeatable); other "
                     "senders' packets are dropped")
    osc.add_argument("--osc-feedback", action="append", default=[], metavar="HOST:PORT",
                     help="send the time left, phase, on-air and next titles to this OSC "
                     "listener (repeatable)")


def osc_flags_given(args: argparse.Namespace) -> list[str]:
    """The OSC flags on the command line (for a role that takes none)."""
    given = {"--osc-port": args.osc_port, "--osc-host": args.osc_host,
             "--osc-allow": args.osc_allow, "--osc-feedback": args.osc_feedback}
    return [flag for flag, value in given.items() if value]


def parse_osc(args: argparse.Namespace) -> OscSettings:
    """The OSC settings from ``args``; :class:`InvalidValue` naming the flag otherwise."""
    port = None if args.osc_port is None else parse_port(args.osc_port, "--osc-port")
    allow = tuple(parse_network(value) for value in args.osc_allow)
    feedback = tuple(dict.fromkeys(parse_target(value) for value in args.osc_feedback))
    host = LOOPBACK if args.osc_host is None else parse_host(args.osc_host)
    for flag, given in (("--osc-host", args.osc_host), ("--osc-allow", allow)):
        if given and port is None:
            raise InvalidValue(flag, "applies to the OSC server: add --osc-port N")
    if not is_loopback(host) and not allow:
        raise InvalidValue("--osc-host", f"{host} is reachable from other machines: name the "
                           "senders to accept with --osc-allow ADDR[/PREFIX]")
    return OscSettings(port=port, host=host, allow=allow, feedback=feedback)


def parse_port(value: str, flag: str) -> int:
    if not (value.isascii() and value.isdigit() and len(value) <= 5 and
            1 <= int(value) <= 65535):
        raise InvalidValue(flag, f"{value!r} is not {PORT}")
    return int(value)


def parse_host(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise InvalidValue("--osc-host", f"{value!r} is not an IP address of this machine "
                           f"(e.g. {LOOPBACK} or 192.168.1.20)") from None


def parse_network(value: str) -> Network:
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise InvalidValue("--osc-allow", f"{value!r} is not an address or a network "
                           "(e.g. 192.168.1.30 or 192.168.1.0/24)") from None


def parse_target(value: str) -> FeedbackTarget:
    host, port = _split_host_port(value)
    if not (_is_ip(host) or HOST_NAME.fullmatch(host)):
        raise InvalidValue("--osc-feedback", f"{value!r}: {host!r} is not an IP address or a "
                           "host name; write HOST:PORT, e.g. 192.168.1.30:9000")
    return FeedbackTarget(host, parse_port(port, "--osc-feedback"))


def _split_host_port(value: str) -> tuple[str, str]:
    if value.startswith("["):  # [IPv6]:PORT
        host, bracket, port = value[1:].partition("]:")
        if bracket and _is_ip(host):
            return host, port
    else:
        host, colon, port = value.rpartition(":")
        if colon and ":" not in host:
            return host, port
    raise InvalidValue("--osc-feedback", f"{value!r}: write HOST:PORT, e.g. 192.168.1.30:9000 "
                       "or [::1]:9000")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
