"""A port for a process that will listen on it later (a bot's webhook, a test's balancer).

Binding port 0 and closing it hands out a port from the kernel's ephemeral range, which any
outgoing connection may take before the bot binds it ("address already in use": a webhook test
failed so on PostgreSQL, whose connections come from that range). Ports below the range are
never chosen for outgoing connections, so one that is free now stays free for its listener.
"""

from __future__ import annotations

import random
import socket

BELOW_EPHEMERAL = range(20000, 32768)  # Linux's ephemeral range starts at 32768


def listening_port() -> int:
    """A free port below the ephemeral range, chosen at random so that parallel tests differ."""
    for port in random.sample(BELOW_EPHEMERAL, 64):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise OSError("no free port below the ephemeral range")
