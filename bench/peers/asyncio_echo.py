"""CPython asyncio (or uvloop) echo server of the echo workload.

Usage: python3 asyncio_echo.py [--uvloop] [--proto] PORT

Streams by default (start_server, read(65536), write, drain); --proto serves
with a bare Protocol that writes back what it receives.
"""

import asyncio
import socket
import sys


async def handle(reader, writer):
    writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    writer.close()


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def serve(port, proto):
    if proto:
        server = await asyncio.get_running_loop().create_server(Echo, "127.0.0.1", port)
    else:
        server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


def main():
    args = sys.argv[1:]
    if "--uvloop" in args:
        import uvloop

        uvloop.install()
        args.remove("--uvloop")
    proto = "--proto" in args
    if proto:
        args.remove("--proto")
    if len(args) != 1:
        sys.exit(__doc__)
    asyncio.run(serve(int(args[0]), proto))


if __name__ == "__main__":
    main()
