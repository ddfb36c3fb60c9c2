"""Events are stamped when their bytes arrived, not when Python got round to reading them."""

from __future__ import annotations

import socket
import time

from console.obs.arrival import ArrivalStampedSocket


def test_the_stamp_is_the_kernels_arrival_time_not_the_read_time() -> None:
    # (The console runs on Linux, whose kernel stamps packets; elsewhere it falls back.)
    with socket.create_server(("127.0.0.1", 0)) as server, \
            socket.create_connection(server.getsockname()) as sender:
        receiver, _ = server.accept()
        with receiver:
            stamped = ArrivalStampedSocket(receiver)
            # Linux turns receive stamping on for the whole machine a moment after the
            # first socket asks (a deferred work item); a packet in that moment is stamped
            # when it is read. Under load that moment was long enough to fail this test.
            time.sleep(0.2)
            sender.sendall(b"SceneTransitionStarted")
            time.sleep(0.2)  # the reader is busy elsewhere
            read_at = time.time()
            assert stamped.recv(64) == b"SceneTransitionStarted"
            assert stamped.last_arrival().timestamp() < read_at


def test_everything_else_is_the_sockets_own() -> None:
    left, right = socket.socketpair()
    with left, right:
        stamped = ArrivalStampedSocket(right)
        assert stamped.fileno() == right.fileno()
        stamped.settimeout(1.5)
        assert right.gettimeout() == 1.5
        left.sendall(b"x")
        assert stamped.recv(1) == b"x"
