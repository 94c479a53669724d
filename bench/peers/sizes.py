"""What the Python peers share: sizes, seeded delays, /proc figures, result lines.

The table matches bench/peers/internal/peer (Go), node_peer.js and tokio.
"""

import json
import os

_SIZES = {
    "switch": (1_000_000, 200_000, 1_000),
    "queue": (1_000_000, 200_000, 1_000),
    "pingpong": (500_000, 100_000, 1_000),
    "spawn": (200_000, 50_000, 1_000),
    "sleepers": (100_000, 20_000, 1_000),
}


def sizes(workload):
    full, quick, tiny = _SIZES[workload]
    n = {"quick": quick, "tiny": tiny}.get(os.environ.get("PEERS_SIZE", "full"), full)
    # Spawn and sleepers measure a cold start, which their bytes-per-task
    # figure needs; the others warm up on a tenth of their size.
    warmup = 0 if workload in ("spawn", "sleepers") else n // 10
    return n, warmup


def delays(n):
    x = 2463534242
    out = []
    for _ in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out.append(x % 1001)
    return out


def status_kib(field):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def per_task(before_kib, n):
    return max(status_kib("VmHWM") - before_kib, 0) * 1024 / n


def emit(runtime, workload, n, warmup, value, unit, checksum, **extra):
    line = {"runtime": runtime, "workload": workload, "n": n, "warmup": warmup,
            "value": value, "unit": unit, "checksum": checksum,
            "hwm_kib": status_kib("VmHWM")}
    line.update(extra)
    print(json.dumps(line), flush=True)
