// Command debugging-profile takes a CPU profile of a small TCP server whose
// time is split per task: with asyncio.WithProfiling each task's goroutine
// carries the pprof label task=<name> while it runs, so pprof can show,
// filter and compare the tasks.
//
//	go run ./examples/debugging-profile                      # 2s of load, writes cpu.pprof
//	go tool pprof -tags cpu.pprof                            # CPU time per task label
//	go tool pprof -tagfocus task=checksum -top cpu.pprof     # where the checksum tasks spend it
//
// The server answers two commands, one line each: "checksum N" hashes N KiB
// and "count N" counts to N thousand. The connection's handler starts each
// request as a task named after its command, so the profile splits by kind
// of request whichever connection sent it; clients on the same loop keep the
// server busy.
package main

import (
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/asyncio-go/asyncio"
)

var (
	profile  = flag.String("cpuprofile", "cpu.pprof", "where to write the CPU profile")
	duration = flag.Duration("duration", 2*time.Second, "how long the clients keep the server busy")
	clients  = flag.Int("clients", 4, "client connections")
)

func main() {
	flag.Parse()
	if err := run(*profile, *duration, *clients); err != nil {
		fmt.Fprintln(os.Stderr, "debugging-profile:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s; see the time per task with: go tool pprof -tags %s\n", *profile, *profile)
}

// run profiles the server under load for d and writes the profile to path.
func run(path string, d time.Duration, nclients int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	err = asyncio.Run(func(ctx context.Context) error { return serveAndLoad(ctx, d, nclients) }, asyncio.WithProfiling(true))
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	return f.Close()
}

// serveAndLoad runs the server and nclients clients for d.
func serveAndLoad(ctx context.Context, d time.Duration, nclients int) error {
	srv, err := asyncio.StartServer(ctx, handle, "tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := srv.Sockets()[0].String()
	deadline := time.Now().Add(d)
	err = asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
		for i := range nclients {
			tg.Go(func(ctx context.Context) error { return client(ctx, addr, i, deadline) }, asyncio.WithName(fmt.Sprintf("client-%d", i)))
		}
		return nil
	})
	if cerr := srv.Close(); err == nil {
		err = cerr
	}
	if werr := srv.WaitClosed(ctx); err == nil {
		err = werr
	}
	return err
}

// handle serves one connection: each request line runs as a task named
// after its command, and its answer goes back as a line.
func handle(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
	defer w.Close()
	for {
		line, err := r.ReadLine(ctx)
		if err != nil || len(line) == 0 {
			return nil // the client is gone
		}
		cmd, arg, _ := strings.Cut(strings.TrimSpace(string(line)), " ")
		n, _ := strconv.Atoi(arg)
		work := map[string]asyncio.Coroutine[string]{"checksum": checksum(n), "count": count(n)}[cmd]
		if work == nil {
			work = func(context.Context) (string, error) { return "unknown command", nil }
		}
		answer, err := asyncio.CreateTask(ctx, work, asyncio.WithName(cmd)).Await(ctx)
		if err != nil {
			return err
		}
		if err := w.Write([]byte(answer + "\n")); err != nil {
			return err
		}
		if err := w.Drain(ctx); err != nil {
			return err
		}
	}
}

// checksum hashes n KiB: the heavy request.
func checksum(n int) asyncio.Coroutine[string] {
	return func(ctx context.Context) (string, error) {
		h := sha256.New()
		block := make([]byte, 1024)
		for range n {
			h.Write(block)
		}
		return fmt.Sprintf("%x", h.Sum(nil)[:8]), nil
	}
}

// count counts to n thousand: the light request.
func count(n int) asyncio.Coroutine[string] {
	return func(ctx context.Context) (string, error) {
		s := 0
		for i := range n * 1000 {
			s += i & 7
		}
		return strconv.Itoa(s), nil
	}
}

// client sends requests, alternating the two commands, until deadline.
func client(ctx context.Context, addr string, i int, deadline time.Time) error {
	r, w, err := asyncio.OpenConnection(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer w.Close()
	for n := 0; time.Now().Before(deadline); n++ {
		req := "count 200\n"
		if (n+i)%2 == 0 {
			req = "checksum 256\n"
		}
		if err := w.Write([]byte(req)); err != nil {
			return err
		}
		if _, err := r.ReadLine(ctx); err != nil {
			return err
		}
	}
	return nil
}
