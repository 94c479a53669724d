//! tokio (current_thread) peer for the asyncio-go cross-runtime benchmarks.
//!
//! `tokio-peer WORKLOAD` runs one workload and prints one JSON line;
//! `tokio-peer echo PORT` serves TCP echo on 127.0.0.1:PORT until killed.
//! PEERS_SIZE=full|quick|tiny picks the sizes, the same table in every peer.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};

struct Sizes {
    n: u64,
    warmup: u64,
}

fn sizes(workload: &str) -> Sizes {
    let size = std::env::var("PEERS_SIZE").unwrap_or_else(|_| "full".into());
    let (full, quick, tiny) = match workload {
        "switch" | "queue" => (1_000_000, 200_000, 1_000),
        "pingpong" => (500_000, 100_000, 1_000),
        "spawn" => (200_000, 50_000, 1_000),
        "sleepers" => (100_000, 20_000, 1_000),
        _ => panic!("unknown workload {workload}"),
    };
    let n = match size.as_str() {
        "quick" => quick,
        "tiny" => tiny,
        _ => full,
    };
    // Sleepers and spawn measure a cold start (their memory figure needs one);
    // the others warm up on a tenth of their size.
    let warmup = if workload == "spawn" || workload == "sleepers" {
        0
    } else {
        n / 10
    };
    Sizes { n, warmup }
}

fn status_kib(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn emit(workload: &str, s: &Sizes, value: f64, unit: &str, checksum: u64, extra: &str) {
    println!(
        "{{\"runtime\":\"tokio\",\"workload\":\"{workload}\",\"n\":{},\"warmup\":{},\"value\":{value:.3},\"unit\":\"{unit}\",\"checksum\":{checksum},\"hwm_kib\":{}{extra}}}",
        s.n,
        s.warmup,
        status_kib("VmHWM:")
    );
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn switch(s: &Sizes) {
    let (n, warm) = (s.n, s.warmup);
    let (ns, count) = rt().block_on(async move {
        tokio::spawn(async move {
            for _ in 0..warm {
                tokio::task::yield_now().await;
            }
            let t = Instant::now();
            let mut count = 0u64;
            for _ in 0..n {
                tokio::task::yield_now().await;
                count += 1;
            }
            (t.elapsed().as_nanos() as f64 / n as f64, count)
        })
        .await
        .unwrap()
    });
    emit("switch", s, ns, "ns/switch", count, "");
}

// A fresh oneshot pair per round trip, as asyncio's two fresh futures: the
// slot holds the sender the other side will complete next.
type Slot = Rc<RefCell<Option<oneshot::Sender<u64>>>>;

fn pingpong(s: &Sizes) {
    let total = s.warmup + s.n;
    let warm = s.warmup;
    let (ns, v) = rt().block_on(async move {
        let local = tokio::task::LocalSet::new();
        local
            .run_until(async move {
                let to_a: Slot = Rc::new(RefCell::new(None));
                let (tx_b, rx_b) = oneshot::channel::<u64>();
                let to_b: Slot = Rc::new(RefCell::new(Some(tx_b)));
                let pong = {
                    let (to_a, to_b) = (to_a.clone(), to_b.clone());
                    tokio::task::spawn_local(async move {
                        let mut rx = rx_b;
                        loop {
                            let v = match rx.await {
                                Ok(v) => v,
                                Err(_) => return,
                            };
                            let (tx, nrx) = oneshot::channel();
                            *to_b.borrow_mut() = Some(tx);
                            rx = nrx;
                            let _ = to_a.borrow_mut().take().unwrap().send(v + 1);
                        }
                    })
                };
                let ping = tokio::task::spawn_local(async move {
                    let mut v = 0u64;
                    let mut t = Instant::now();
                    for i in 0..total {
                        if i == warm {
                            t = Instant::now();
                        }
                        let (tx, rx) = oneshot::channel();
                        *to_a.borrow_mut() = Some(tx);
                        let _ = to_b.borrow_mut().take().unwrap().send(v);
                        v = rx.await.unwrap();
                    }
                    let ns = t.elapsed().as_nanos() as f64 / (total - warm) as f64;
                    to_b.borrow_mut().take();
                    (ns, v)
                });
                let r = ping.await.unwrap();
                let _ = pong.await;
                r
            })
            .await
    });
    emit("pingpong", s, ns, "ns/roundtrip", v, "");
}

fn spawn(s: &Sizes) {
    let n = s.n;
    let before = status_kib("VmRSS:");
    let (ns, sum) = rt().block_on(async move {
        let t = Instant::now();
        let handles: Vec<_> = (0..n).map(|i| tokio::spawn(async move { i * 2 })).collect();
        let mut sum = 0u64;
        for h in handles {
            sum += h.await.unwrap();
        }
        (t.elapsed().as_nanos() as f64 / n as f64, sum)
    });
    let hwm = status_kib("VmHWM:");
    let bpt = (hwm.saturating_sub(before) * 1024) as f64 / n as f64;
    emit(
        "spawn",
        s,
        ns,
        "ns/task",
        sum,
        &format!(",\"rss_before_kib\":{before},\"bytes_per_task\":{bpt:.1}"),
    );
}

fn delays(n: u64) -> Vec<u64> {
    let mut x: u32 = 2463534242;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x % 1001) as u64
        })
        .collect()
}

fn sleepers(s: &Sizes) {
    let ds = delays(s.n);
    let longest = *ds.iter().max().unwrap();
    let before = status_kib("VmRSS:");
    let (ms, sum) = rt().block_on(async move {
        let t = Instant::now();
        let handles: Vec<_> = ds
            .into_iter()
            .map(|d| {
                tokio::spawn(async move {
                    tokio::time::sleep(std::time::Duration::from_millis(d)).await;
                    d
                })
            })
            .collect();
        let mut sum = 0u64;
        for h in handles {
            sum += h.await.unwrap();
        }
        (t.elapsed().as_secs_f64() * 1e3 - longest as f64, sum)
    });
    let hwm = status_kib("VmHWM:");
    let bpt = (hwm.saturating_sub(before) * 1024) as f64 / s.n as f64;
    emit(
        "sleepers",
        s,
        ms,
        "ms beyond longest",
        sum,
        &format!(",\"delay_sum\":{sum},\"rss_before_kib\":{before},\"bytes_per_task\":{bpt:.1}"),
    );
}

async fn queue_run(n: u64) -> u64 {
    let (tx, mut rx) = mpsc::channel::<u64>(100);
    let producer = tokio::spawn(async move {
        for i in 0..n {
            tx.send(i).await.unwrap();
        }
    });
    let consumer = tokio::spawn(async move {
        let mut sum = 0u64;
        for _ in 0..n {
            sum += rx.recv().await.unwrap();
        }
        sum
    });
    producer.await.unwrap();
    consumer.await.unwrap()
}

fn queue(s: &Sizes) {
    let (n, warm) = (s.n, s.warmup);
    let (ns, sum) = rt().block_on(async move {
        queue_run(warm).await;
        let t = Instant::now();
        let sum = queue_run(n).await;
        (t.elapsed().as_nanos() as f64 / n as f64, sum)
    });
    emit("queue", s, ns, "ns/item", sum, "");
}

fn echo(port: &str) {
    rt().block_on(async move {
        let ln = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}"))
            .await
            .expect("bind");
        loop {
            let (mut sock, _) = match ln.accept().await {
                Ok(c) => c,
                Err(_) => continue,
            };
            let _ = sock.set_nodelay(true);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                loop {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(k) => {
                            if sock.write_all(&buf[..k]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let w = args.get(1).map(String::as_str).unwrap_or("");
    match w {
        "echo" => echo(args.get(2).map(String::as_str).unwrap_or("9000")),
        "switch" => switch(&sizes(w)),
        "pingpong" => pingpong(&sizes(w)),
        "spawn" => spawn(&sizes(w)),
        "sleepers" => sleepers(&sizes(w)),
        "queue" => queue(&sizes(w)),
        _ => {
            eprintln!("usage: tokio-peer switch|pingpong|spawn|sleepers|queue|echo PORT");
            std::process::exit(2);
        }
    }
}
