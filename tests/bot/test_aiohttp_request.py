"""The aiohttp transport: the real bot's calls already run over it in every handler test;
here, what a transport failure becomes."""

import socket

import pytest
from telegram.error import NetworkError

from bot.aiohttp_request import AiohttpRequest


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_an_unreachable_server_is_a_network_error():
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.do_request(f"http://127.0.0.1:{closed_port()}/bot1:x/getMe", "POST")
    finally:
        await request.shutdown()


async def test_it_must_be_initialized():
    with pytest.raises(RuntimeError):
        await AiohttpRequest().do_request("http://127.0.0.1:1/", "POST")
