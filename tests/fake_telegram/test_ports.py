import socket
from pathlib import Path

from fake_telegram.ports import listening_port


def test_a_listening_port_is_free_and_below_the_kernels_outgoing_range() -> None:
    outgoing = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
    port = listening_port()
    assert port < int(outgoing[0])
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", port))
