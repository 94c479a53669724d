"""CPython asyncio peer (and uvloop with --uvloop) of the cross-runtime benchmarks.

Usage: python3 asyncio_peer.py [--uvloop] switch|pingpong|spawn|sleepers|queue
"""

import asyncio
import sys
import time

from sizes import delays, emit, per_task, sizes, status_kib


async def switch(n, warmup):
    for _ in range(warmup):
        await asyncio.sleep(0)
    count = 0
    t = time.perf_counter_ns()
    for _ in range(n):
        await asyncio.sleep(0)
        count += 1
    return (time.perf_counter_ns() - t) / n, count


async def pingpong(n, warmup):
    loop = asyncio.get_running_loop()
    # Two fresh futures per round trip; the cell holds the pair in flight.
    cell = {"to_a": None, "to_b": loop.create_future()}

    async def pong():
        while True:
            v = await cell["to_b"]
            cell["to_b"] = loop.create_future()
            cell["to_a"].set_result(v + 1)

    task = asyncio.create_task(pong())
    v = 0
    t = 0
    for i in range(warmup + n):
        if i == warmup:
            t = time.perf_counter_ns()
        cell["to_a"] = loop.create_future()
        cell["to_b"].set_result(v)
        v = await cell["to_a"]
    ns = (time.perf_counter_ns() - t) / n
    task.cancel()
    return ns, v


async def spawn(n):
    async def double(i):
        return i * 2

    t = time.perf_counter_ns()
    vals = await asyncio.gather(*[asyncio.create_task(double(i)) for i in range(n)])
    return (time.perf_counter_ns() - t) / n, sum(vals)


async def sleepers(ds):
    async def sleeper(d):
        await asyncio.sleep(d / 1000)
        return d

    t = time.perf_counter_ns()
    vals = await asyncio.gather(*[asyncio.create_task(sleeper(d)) for d in ds])
    return (time.perf_counter_ns() - t) / 1e6 - max(ds), sum(vals)


async def queue_run(n):
    q = asyncio.Queue(maxsize=100)

    async def producer():
        for i in range(n):
            await q.put(i)

    async def consumer():
        s = 0
        for _ in range(n):
            s += await q.get()
        return s

    _, s = await asyncio.gather(asyncio.create_task(producer()), asyncio.create_task(consumer()))
    return s


async def queue(n, warmup):
    await queue_run(warmup)
    t = time.perf_counter_ns()
    s = await queue_run(n)
    return (time.perf_counter_ns() - t) / n, s


def main():
    args = sys.argv[1:]
    runtime = "asyncio"
    if args and args[0] == "--uvloop":
        import uvloop

        uvloop.install()
        runtime = "uvloop"
        args = args[1:]
    if len(args) != 1:
        sys.exit(__doc__)
    w = args[0]
    n, warmup = sizes(w)
    if w == "switch":
        v, c = asyncio.run(switch(n, warmup))
        emit(runtime, w, n, warmup, v, "ns/switch", c)
    elif w == "pingpong":
        v, c = asyncio.run(pingpong(n, warmup))
        emit(runtime, w, n, warmup, v, "ns/roundtrip", c)
    elif w == "spawn":
        before = status_kib("VmRSS")
        v, c = asyncio.run(spawn(n))
        emit(runtime, w, n, warmup, v, "ns/task", c, rss_before_kib=before,
             bytes_per_task=per_task(before, n))
    elif w == "sleepers":
        ds = delays(n)
        before = status_kib("VmRSS")
        v, c = asyncio.run(sleepers(ds))
        emit(runtime, w, n, warmup, v, "ms beyond longest", c, delay_sum=c,
             rss_before_kib=before, bytes_per_task=per_task(before, n))
    elif w == "queue":
        v, c = asyncio.run(queue(n, warmup))
        emit(runtime, w, n, warmup, v, "ns/item", c)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
