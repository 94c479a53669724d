//go:build linux

// Command echoload is the load generator of the echo workload: one OS thread
// drives every connection with raw non-blocking sockets and epoll, so that a
// request costs the client less than it costs the fastest server (a
// goroutine-per-connection client saturates first).
//
// Each of -conns connections sends a -size message and waits for the whole
// echo before sending the next. Before the measured connections it opens one
// priming connection, echoes 10 messages on it, checks them byte for byte
// and closes it: a fresh CPython asyncio server is several times slower until
// its first connection has closed (glibc raises its mmap threshold only when
// a large receive buffer is freed). Then it warms up for -warmup and measures
// for -duration, reading the server's CPU time and peak RSS from /proc/PID.
//
// Usage:
//
//	echoload -addr 127.0.0.1:PORT -pid SERVERPID -size 1024 -runtime NAME
//
// With -tls every connection, the priming one too, is a TLS connection
// (crypto/tls, any certificate accepted), made before the measured window;
// each request is then one record each way (tls.go).
//
// It prints one JSON line. client_bound is true when the client's thread was
// nearly always busy and the server was not: the figure is then a floor for
// the server, and server_cpu_us_per_req is the comparable one.
package main

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncio-go/asyncio/bench/peers/internal/peer"
)

type conn struct {
	fd       int
	tc       *tls.Conn // with -tls
	fc       *fdConn
	sent     int // bytes of the current message written
	received int // bytes of the current echo read
	wantOut  bool
}

func main() {
	addr := flag.String("addr", "127.0.0.1:9000", "server `address` (loopback only)")
	pid := flag.Int("pid", 0, "server process `id` for CPU time and peak RSS (0: none)")
	size := flag.Int("size", 1024, "message size in `bytes`")
	nconns := flag.Int("conns", 32, "concurrent connections")
	warmup := flag.Duration("warmup", 500*time.Millisecond, "unmeasured warm-up")
	duration := flag.Duration("duration", 5*time.Second, "measured window")
	maxReq := flag.Int64("max-requests", 50_000_000, "stop measuring after this many requests")
	name := flag.String("runtime", "", "runtime `name` for the result line")
	flag.BoolVar(&useTLS, "tls", false, "speak TLS to the server")
	flag.Parse()

	runtime.GOMAXPROCS(1)
	runtime.LockOSThread()
	ap, err := netip.ParseAddrPort(*addr)
	if err != nil || !ap.Addr().IsLoopback() || !ap.Addr().Is4() {
		fatal(fmt.Errorf("-addr must be a 127.0.0.0/8 address with a port, got %q", *addr))
	}
	msg := make([]byte, *size)
	for i := range msg {
		msg[i] = byte('a' + i%26)
	}
	if err := prime(ap, msg, 10); err != nil {
		fatal(fmt.Errorf("priming connection: %w", err))
	}
	res, err := run(ap, msg, *nconns, *warmup, *duration, *maxReq, *pid)
	if err != nil {
		fatal(err)
	}
	res["runtime"] = *name
	res["workload"] = "echo-" + sizeName(*size)
	if useTLS {
		res["workload"] = "tls-echo-" + sizeName(*size)
	}
	b, _ := json.Marshal(res)
	fmt.Println(string(b))
}

var useTLS bool

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "echoload:", err)
	os.Exit(1)
}

func sizeName(n int) string {
	if n%1024 == 0 {
		return strconv.Itoa(n/1024) + "k"
	}
	return strconv.Itoa(n)
}

// dial connects a blocking socket, retrying while the server starts.
func dial(ap netip.AddrPort) (int, error) {
	sa := &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}
	deadline := time.Now().Add(15 * time.Second)
	for {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return -1, err
		}
		err = unix.Connect(fd, sa)
		if err == nil {
			return fd, unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		}
		unix.Close(fd)
		// EINTR: a signal (the Go runtime's preemption signal among them)
		// interrupted the blocking connect; start over with a new socket.
		if !errors.Is(err, unix.ECONNREFUSED) && err != unix.EINTR || time.Now().After(deadline) {
			return -1, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func prime(ap netip.AddrPort, msg []byte, n int) error {
	fd, err := dial(ap)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &unix.Timeval{Sec: 5}); err != nil {
		return err
	}
	if useTLS {
		return primeTLS(fd, msg, n)
	}
	got := make([]byte, len(msg))
	for range n {
		for off := 0; off < len(msg); {
			k, err := unix.Write(fd, msg[off:])
			if err == unix.EINTR {
				continue // interrupted by a signal before anything was sent
			}
			if err != nil {
				return err
			}
			off += k
		}
		for off := 0; off < len(got); {
			k, err := unix.Read(fd, got[off:])
			if err == unix.EINTR {
				continue
			}
			if err != nil {
				return err
			}
			if k == 0 {
				return errors.New("server closed the connection")
			}
			off += k
		}
		if !bytes.Equal(got, msg) {
			return errors.New("echo differs from the message sent")
		}
	}
	return nil
}

func run(ap netip.AddrPort, msg []byte, nconns int, warmup, duration time.Duration, maxReq int64, pid int) (map[string]any, error) {
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	defer unix.Close(ep)
	conns := make([]*conn, nconns)
	for i := range conns {
		fd, err := dial(ap)
		if err != nil {
			return nil, err
		}
		defer unix.Close(fd)
		c := &conn{fd: fd}
		if useTLS {
			if c.tc, c.fc, err = handshake(fd); err != nil {
				return nil, err
			}
		} else if err := unix.SetNonblock(fd, true); err != nil {
			return nil, err
		}
		conns[i] = c
		ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(i)}
		if err := unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
			return nil, err
		}
	}
	setOut := func(i int, on bool) error {
		c := conns[i]
		if c.wantOut == on {
			return nil
		}
		c.wantOut = on
		ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(i)}
		if on {
			ev.Events |= unix.EPOLLOUT
		}
		return unix.EpollCtl(ep, unix.EPOLL_CTL_MOD, c.fd, &ev)
	}
	send := func(i int) error {
		c := conns[i]
		if c.tc != nil {
			if c.sent == 0 {
				if _, err := c.tc.Write(msg); err != nil {
					return err
				}
				c.sent = len(msg)
			}
			all, err := c.fc.flush()
			if err != nil {
				return err
			}
			return setOut(i, !all)
		}
		for c.sent < len(msg) {
			k, err := unix.Write(c.fd, msg[c.sent:])
			if err == unix.EAGAIN {
				return setOut(i, true)
			}
			if err != nil {
				return err
			}
			c.sent += k
		}
		return setOut(i, false)
	}
	for i := range conns {
		if err := send(i); err != nil {
			return nil, err
		}
	}

	start := time.Now()
	measureAt := start.Add(warmup)
	endAt := measureAt.Add(duration)
	hardDeadline := endAt.Add(5 * time.Second)
	var done, startCount int64
	var t0 time.Time
	var srv0, cli0 time.Duration
	measuring := false
	rbuf := make([]byte, 1<<17)
	events := make([]unix.EpollEvent, nconns)
	for {
		n, err := unix.EpollWait(ep, events, 10)
		if err != nil && err != unix.EINTR {
			return nil, err
		}
		for _, ev := range events[:max(n, 0)] {
			i := int(ev.Fd)
			c := conns[i]
			if ev.Events&(unix.EPOLLERR|unix.EPOLLHUP) != 0 && ev.Events&unix.EPOLLIN == 0 {
				return nil, errors.New("connection reset by the server")
			}
			if ev.Events&unix.EPOLLOUT != 0 {
				if err := send(i); err != nil {
					return nil, err
				}
			}
			if ev.Events&unix.EPOLLIN == 0 {
				continue
			}
			for {
				var k int
				var err error
				if c.tc != nil {
					k, err = c.tc.Read(rbuf)
					if _, again := err.(errAgain); again {
						err = unix.EAGAIN
					}
				} else {
					k, err = unix.Read(c.fd, rbuf)
				}
				if err == unix.EAGAIN {
					break
				}
				if err != nil {
					return nil, err
				}
				if k == 0 {
					return nil, errors.New("server closed a connection")
				}
				c.received += k
				if c.received > len(msg) {
					return nil, errors.New("server echoed more than was sent")
				}
				if c.received == len(msg) && c.sent == len(msg) {
					done++
					c.received, c.sent = 0, 0
					if err := send(i); err != nil {
						return nil, err
					}
				}
			}
		}
		now := time.Now()
		if !measuring && !now.Before(measureAt) {
			measuring, t0, startCount = true, now, done
			srv0, cli0 = procCPU(pid), threadCPU()
		}
		if measuring && (!now.Before(endAt) || done-startCount >= maxReq) {
			elapsed := now.Sub(t0)
			srv, cli := procCPU(pid)-srv0, threadCPU()-cli0
			reqs := done - startCount
			return result(reqs, len(msg), elapsed, srv, cli, pid), nil
		}
		if now.After(hardDeadline) {
			return nil, errors.New("hard deadline passed before the measured window ended")
		}
	}
}

func result(reqs int64, size int, elapsed, srv, cli time.Duration, pid int) map[string]any {
	sec := elapsed.Seconds()
	r := map[string]any{
		"value":          float64(reqs) / sec,
		"unit":           "req/s",
		"checksum":       reqs,
		"size":           size,
		"mb_s":           float64(reqs) * float64(size) / sec / 1e6,
		"client_cpu_pct": 100 * cli.Seconds() / sec,
		"seconds":        sec,
	}
	if pid > 0 && reqs > 0 {
		srvPct := 100 * srv.Seconds() / sec
		r["server_cpu_pct"] = srvPct
		r["server_cpu_us_per_req"] = srv.Seconds() * 1e6 / float64(reqs)
		r["hwm_kib"] = peer.ProcStatusKiB(strconv.Itoa(pid), "VmHWM")
		r["client_bound"] = r["client_cpu_pct"].(float64) >= 90 && srvPct < 90
	}
	return r
}

// procCPU returns the user plus system time of process pid so far, from
// /proc/PID/stat in clock ticks (USER_HZ is 100 on Linux).
func procCPU(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name may hold spaces; the fields after it are fixed.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

func threadCPU() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
