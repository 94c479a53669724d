"""trio peer of the cross-runtime benchmarks.

Usage: /usr/bin/python3 trio_peer.py switch|pingpong|spawn|sleepers|queue

trio has no futures: pingpong passes the counter over two unbuffered memory
channels, and queue uses a memory channel of capacity 100.
"""

import sys
import time

import trio

from sizes import delays, emit, per_task, sizes, status_kib


async def switch(n, warmup):
    for _ in range(warmup):
        await trio.sleep(0)
    count = 0
    t = time.perf_counter_ns()
    for _ in range(n):
        await trio.sleep(0)
        count += 1
    return (time.perf_counter_ns() - t) / n, count


async def pingpong(n, warmup):
    to_b_send, to_b_recv = trio.open_memory_channel(0)
    to_a_send, to_a_recv = trio.open_memory_channel(0)
    out = {}

    async def pong():
        async for v in to_b_recv:
            await to_a_send.send(v + 1)

    async def ping():
        v = 0
        t = 0
        for i in range(warmup + n):
            if i == warmup:
                t = time.perf_counter_ns()
            await to_b_send.send(v)
            v = await to_a_recv.receive()
        out["ns"] = (time.perf_counter_ns() - t) / n
        out["v"] = v
        await to_b_send.aclose()

    async with trio.open_nursery() as nursery:
        nursery.start_soon(pong)
        nursery.start_soon(ping)
    return out["ns"], out["v"]


async def spawn(n):
    results = [0] * n

    async def double(i):
        results[i] = i * 2

    t = time.perf_counter_ns()
    async with trio.open_nursery() as nursery:
        for i in range(n):
            nursery.start_soon(double, i)
    return (time.perf_counter_ns() - t) / n, sum(results)


async def sleepers(ds):
    results = [0] * len(ds)

    async def sleeper(i, d):
        await trio.sleep(d / 1000)
        results[i] = d

    t = time.perf_counter_ns()
    async with trio.open_nursery() as nursery:
        for i, d in enumerate(ds):
            nursery.start_soon(sleeper, i, d)
    return (time.perf_counter_ns() - t) / 1e6 - max(ds), sum(results)


async def queue_run(n):
    send, recv = trio.open_memory_channel(100)
    out = {}

    async def producer():
        for i in range(n):
            await send.send(i)

    async def consumer():
        s = 0
        for _ in range(n):
            s += await recv.receive()
        out["sum"] = s

    async with trio.open_nursery() as nursery:
        nursery.start_soon(producer)
        nursery.start_soon(consumer)
    return out["sum"]


async def queue(n, warmup):
    await queue_run(warmup)
    t = time.perf_counter_ns()
    s = await queue_run(n)
    return (time.perf_counter_ns() - t) / n, s


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    w = sys.argv[1]
    n, warmup = sizes(w)
    if w == "switch":
        v, c = trio.run(switch, n, warmup)
        emit("trio", w, n, warmup, v, "ns/switch", c)
    elif w == "pingpong":
        v, c = trio.run(pingpong, n, warmup)
        emit("trio", w, n, warmup, v, "ns/roundtrip", c)
    elif w == "spawn":
        before = status_kib("VmRSS")
        v, c = trio.run(spawn, n)
        emit("trio", w, n, warmup, v, "ns/task", c, rss_before_kib=before,
             bytes_per_task=per_task(before, n))
    elif w == "sleepers":
        ds = delays(n)
        before = status_kib("VmRSS")
        v, c = trio.run(sleepers, ds)
        emit("trio", w, n, warmup, v, "ms beyond longest", c, delay_sum=c,
             rss_before_kib=before, bytes_per_task=per_task(before, n))
    elif w == "queue":
        v, c = trio.run(queue, n, warmup)
        emit("trio", w, n, warmup, v, "ns/item", c)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
