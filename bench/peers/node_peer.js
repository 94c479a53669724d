// Node.js peer of the cross-runtime benchmarks.
//
// Usage: node node_peer.js switch|pingpong|spawn|sleepers|queue
//
// Node's standard library has no bounded queue for async functions, so queue
// prints a skip line.
'use strict';

const fs = require('fs');

const SIZES = {
  switch: [1_000_000, 200_000, 1_000],
  queue: [1_000_000, 200_000, 1_000],
  pingpong: [500_000, 100_000, 1_000],
  spawn: [200_000, 50_000, 1_000],
  sleepers: [100_000, 20_000, 1_000],
};

function sizes(workload) {
  const [full, quick, tiny] = SIZES[workload];
  const n = { quick, tiny }[process.env.PEERS_SIZE] ?? full;
  // Spawn and sleepers measure a cold start, which their bytes-per-task
  // figure needs; the others warm up on a tenth of their size.
  const warmup = workload === 'spawn' || workload === 'sleepers' ? 0 : Math.floor(n / 10);
  return [n, warmup];
}

function delays(n) {
  let x = 2463534242;
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    out[i] = x % 1001;
  }
  return out;
}

function statusKiB(field) {
  try {
    const m = fs.readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${field}:\\s+(\\d+)`, 'm'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function emit(workload, n, warmup, value, unit, checksum, extra = {}) {
  console.log(JSON.stringify({
    runtime: 'node', workload, n, warmup, value, unit, checksum,
    hwm_kib: statusKiB('VmHWM'), ...extra,
  }));
}

const now = () => process.hrtime.bigint();
const since = (t) => Number(now() - t);
const turn = () => new Promise((r) => setImmediate(r));

async function switchWorkload(n, warmup) {
  for (let i = 0; i < warmup; i++) await turn();
  let count = 0;
  let t = now();
  for (let i = 0; i < n; i++) {
    await turn();
    count++;
  }
  const ns = since(t) / n;
  // `await null` is one microtask, not an event-loop turn: shown for reference.
  t = now();
  for (let i = 0; i < n; i++) await null;
  return [ns, count, since(t) / n];
}

async function pingpong(n, warmup) {
  // Two fresh promises per round trip; each side holds the other's resolver.
  let resolveA = null;
  let resolveB = null;
  let toB = new Promise((r) => { resolveB = r; });
  let stopped = false;
  const pong = (async () => {
    for (;;) {
      const v = await toB;
      if (stopped) return;
      toB = new Promise((r) => { resolveB = r; });
      resolveA(v + 1);
    }
  })();
  let v = 0;
  let t = now();
  for (let i = 0; i < warmup + n; i++) {
    if (i === warmup) t = now();
    const toA = new Promise((r) => { resolveA = r; });
    resolveB(v);
    v = await toA;
  }
  const ns = since(t) / n;
  stopped = true;
  resolveB(0);
  await pong;
  return [ns, v];
}

async function spawn(n) {
  const double = async (i) => i * 2;
  const t = now();
  const ps = new Array(n);
  for (let i = 0; i < n; i++) ps[i] = double(i);
  const vals = await Promise.all(ps);
  const ns = since(t) / n;
  return [ns, vals.reduce((a, b) => a + b, 0)];
}

async function sleepers(ds) {
  const sleeper = (d) => new Promise((r) => setTimeout(() => r(d), d));
  const t = now();
  const ps = new Array(ds.length);
  for (let i = 0; i < ds.length; i++) ps[i] = sleeper(ds[i]);
  const vals = await Promise.all(ps);
  const ms = since(t) / 1e6 - Math.max(...ds);
  return [ms, vals.reduce((a, b) => a + b, 0)];
}

async function main() {
  const w = process.argv[2];
  if (w === 'queue') {
    console.log(JSON.stringify({ runtime: 'node', workload: 'queue', skipped: 'no bounded async queue in the standard library' }));
    return;
  }
  if (!(w in SIZES) || process.argv.length !== 3) {
    console.error('usage: node node_peer.js switch|pingpong|spawn|sleepers|queue');
    process.exit(2);
  }
  const [n, warmup] = sizes(w);
  if (w === 'switch') {
    const [v, c, micro] = await switchWorkload(n, warmup);
    emit(w, n, warmup, v, 'ns/switch', c, { microtask_ns: micro });
  } else if (w === 'pingpong') {
    const [v, c] = await pingpong(n, warmup);
    emit(w, n, warmup, v, 'ns/roundtrip', c);
  } else if (w === 'spawn') {
    const before = statusKiB('VmRSS');
    const [v, c] = await spawn(n);
    emit(w, n, warmup, v, 'ns/task', c, { rss_before_kib: before, bytes_per_task: Math.max(statusKiB('VmHWM') - before, 0) * 1024 / n });
  } else if (w === 'sleepers') {
    const ds = delays(n);
    const before = statusKiB('VmRSS');
    const [v, c] = await sleepers(ds);
    emit(w, n, warmup, v, 'ms beyond longest', c, { delay_sum: c, rss_before_kib: before, bytes_per_task: Math.max(statusKiB('VmHWM') - before, 0) * 1024 / n });
  }
}

main();
