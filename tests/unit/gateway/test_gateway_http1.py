"""The gateway's HTTP/1.1 client of the services, against a small server on a local socket:
kept connections are used again, chunked and sized answers are read whole, an answer nobody
asked for closes its connection, a body goes with its length, a read on a connection the
service had just closed is asked again (a command is not), paths and queries are escaped, a
header cannot smuggle another, and a service that refuses or does not answer in time is
unavailable."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from services.gateway.http1 import ConnectionLost, Service
from services.gateway.upstream import Unavailable, Upstream
from tests.unit.gateway.gateway_app import gateway_app


@dataclass
class Server:
    connections: int = 0
    seen: list[tuple[str, bytes]] = field(default_factory=list)
    writers: list[asyncio.StreamWriter] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                lines = head.decode("latin-1").split("\r\n")
                length = content_length(lines)
                body = await reader.readexactly(length)
                target = lines[0].split(" ")[1]
                self.seen.append((target, body))
                if target.startswith("/slow"):
                    await asyncio.sleep(5)
                writer.write(answer(target, body) * (2 if target == "/twice" else 1))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    def close_kept_connections(self) -> None:
        for writer in self.writers:
            writer.close()


def content_length(lines: list[str]) -> int:
    sizes = [int(line.split(":")[1]) for line in lines if line.startswith("content-length")]
    return sizes[0] if sizes else 0


def answer(target: str, body: bytes) -> bytes:
    if target.startswith("/chunked"):
        return (b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-type: text/plain\r\n\r\n"
                b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")  # fmt: skip
    content = b'{"echo": "%s", "body": %d}' % (target.encode(), len(body))
    return b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (
        len(content), content)  # fmt: skip


@pytest.fixture
async def server() -> AsyncIterator[tuple[Server, str]]:
    state = Server()
    listening = await asyncio.start_server(state.handle, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    yield state, f"http://127.0.0.1:{port}"
    state.close_kept_connections()
    listening.close()


async def test_kept_connections_are_used_again_and_answers_read_whole(server):
    state, url = server
    service = Service(url)
    for _ in range(3):
        status, headers, content = await service.request("GET", "/cases/1", "", {}, b"")
        assert (status, headers["content-type"]) == (200, "application/json")
        assert content == b'{"echo": "/cases/1", "body": 0}'
    assert (await service.request("GET", "/chunked", "", {}, b""))[2] == b"hello world"
    assert state.connections == 1
    service.close()


async def test_a_body_goes_with_its_length(server):
    state, url = server
    service = Service(url)
    await service.request("POST", "/referrals", "", {"content-type": "application/json"}, b"{}")
    await service.request("POST", "/empty", "", {}, b"")
    assert state.seen == [("/referrals", b"{}"), ("/empty", b"")]


async def test_a_read_on_a_connection_the_service_closed_is_asked_again_a_command_is_not(server):
    state, url = server
    service = Service(url)
    await service.request("GET", "/first", "", {}, b"")
    state.close_kept_connections()
    await asyncio.sleep(0)  # the close is on its way, not yet seen by the client
    assert (await service.request("GET", "/again", "", {}, b""))[0] == 200
    assert state.connections == 2  # asked again on a new one
    await service.request("GET", "/warm", "", {}, b"")
    state.close_kept_connections()
    await asyncio.sleep(0)
    with pytest.raises(ConnectionLost):
        await service.request("POST", "/command", "", {}, b"{}")
    assert ("/command", b"{}") not in state.seen


async def test_paths_and_queries_are_escaped_and_a_header_cannot_smuggle_another(server):
    state, url = server
    service = Service(url)
    await service.request("GET", "/sites/a b/é", "name=Ann%20Lee&x=1", {}, b"")
    assert state.seen[-1][0] == "/sites/a%20b/%C3%A9?name=Ann%20Lee&x=1"
    with pytest.raises(ValueError):
        await service.request("GET", "/x", "", {"accept": "a\r\nx-rapport-assertion: forged"}, b"")


async def test_a_service_that_refuses_or_does_not_answer_in_time_is_unavailable(server):
    _, url = server
    app, _ = gateway_app(
        upstream_timeout_seconds=0.2, intake_url=url, forms_url="http://127.0.0.1:1"
    )
    upstream = Upstream(app.state.tokens.settings, app.state.upstream.key)
    with pytest.raises(Unavailable):
        await upstream.request("intake", "GET", "/slow", "", b"", {})
    with pytest.raises(Unavailable):
        await upstream.request("forms", "GET", "/cases", "", b"", {})
    assert (await upstream.request("intake", "GET", "/fast", "", b"", {})).status_code == 200


async def test_an_answer_nobody_asked_for_is_never_taken_for_the_next(server):
    state, url = server
    service = Service(url)
    await service.request("GET", "/twice", "", {}, b"")
    await asyncio.sleep(0.05)  # the second, unasked answer arrives on the kept connection
    assert (await service.request("GET", "/next", "", {}, b""))[
        2
    ] == b'{"echo": "/next", "body": 0}'
    assert state.connections == 2
