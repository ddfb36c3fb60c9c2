"""OSC end to end: ``conference-console run --osc-port`` as a user starts it, a real OBS,
messages from real UDP sockets, what happened read from OBS, the feedback listener and
the console's structured log."""

from __future__ import annotations

import socket
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from pythonosc.osc_message_builder import OscMessageBuilder
from pythonosc.udp_client import SimpleUDPClient

from console.obs.private_obs import PrivateObs, free_port
from console.services.booth_desk import NOT_THE_STAGE
from console.services.osc_feedback import COUGH, ERROR, ON_AIR, READY
from tests.e2e.test_handoff_e2e import demo_segments, program_scene, take_rows
from tests.helpers.control import provisioned_demo, start_booth, start_console
from tests.helpers.osc import BlockingListener

pytestmark = pytest.mark.obs


def send(port: int, address: str, *args: Any) -> None:
    client = SimpleUDPClient("127.0.0.1", port)
    with closing(client):
        client.send_message(address, list(args))


def send_from(source: str, port: int, address: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        sender.bind((source, 0))
        sender.sendto(OscMessageBuilder(address).build().dgram, ("127.0.0.1", port))


def test_an_osc_take_from_a_udp_socket_takes_the_next_segment(
    tmp_path: Path, own_obs: PrivateObs
) -> None:
    db = provisioned_demo(tmp_path, own_obs)
    first = demo_segments(db)[0]
    listener = BlockingListener()
    osc_port = free_port()
    app, _port = start_console(tmp_path, own_obs, db, "--osc-port", str(osc_port),
                               "--osc-allow", "127.0.0.1",
                               "--osc-feedback", f"127.0.0.1:{listener.port}")
    try:
        listening = app.wait_for_record(30, msg="OSC listening")
        assert (listening["osc_host"], listening["osc_port"]) == ("127.0.0.1", osc_port)
        send_from("127.0.0.2", osc_port, "/console/take")  # not on the allow-list
        refused = app.wait_for_record(10, msg="OSC sender not allowed: its packets are dropped")
        assert (refused["level"], refused["sender"]) == ("INFO", "127.0.0.2")
        send(osc_port, "/console/add-time", "ten")
        bad = app.wait_for_record(10, osc_address="/console/add-time")
        assert bad["level"] == "INFO"
        assert bad["reason"].startswith("seconds:")
        assert take_rows(db) == []

        send(osc_port, "/console/take")
        app.wait_for_record(20, msg="OSC action", osc_address="/console/take")
        assert program_scene(own_obs) == first.scene
        listener.wait_for(lambda message: message == (ON_AIR, (first.title,)), 10,
                          "the title on air")
    finally:
        listener.close()
        assert app.stop() == 0
    assert [row[0] for row in take_rows(db)] == [first.id]


def test_a_booth_console_takes_its_own_actions_over_osc_and_refuses_the_stages(
    tmp_path: Path, own_obs: PrivateObs
) -> None:
    listener = BlockingListener()
    osc_port = free_port()
    booth, _port = start_booth(tmp_path, own_obs, "fr", "booth-fr", "Amélie",
                               "--osc-port", str(osc_port),
                               "--osc-feedback", f"127.0.0.1:{listener.port}")
    try:
        booth.wait_for_record(30, msg="OSC listening")
        listener.wait_for(lambda message: message == (READY, (0,)), 10, "not ready")
        send(osc_port, "/console/take")
        refused = booth.wait_for_record(10, osc_address="/console/take")
        assert refused["reason"] == NOT_THE_STAGE
        send(osc_port, "/console/ready", 1.0)  # a TouchOSC toggle
        booth.wait_for_record(10, msg="booth fr ready")
        listener.wait_for(lambda message: message == (READY, (1,)), 10, "ready")
        # This OBS has no input for the booth: the cough's refusal comes back as feedback.
        send(osc_port, "/console/cough", 1.0)
        _address, reason = listener.wait_for(
            lambda message: message[0] == ERROR and message[1][0] == "/console/cough", 10,
            "the cough refused")[1]
        assert "Booth fr" in reason
        assert (COUGH, (1,)) not in listener.messages
    finally:
        listener.close()
        assert booth.stop() == 0
