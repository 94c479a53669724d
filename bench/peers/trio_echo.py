"""trio echo server of the echo workload (serve_tcp, receive_some, send_all).

Usage: /usr/bin/python3 trio_echo.py PORT
"""

import functools
import socket
import sys

import trio


async def handle(stream):
    stream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        while True:
            data = await stream.receive_some(65536)
            if not data:
                return
            await stream.send_all(data)
    except trio.BrokenResourceError:
        pass


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    trio.run(functools.partial(trio.serve_tcp, handle, int(sys.argv[1]), host="127.0.0.1"))


if __name__ == "__main__":
    main()
