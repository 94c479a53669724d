// Package peers_test keeps the cross-runtime suite honest without running it:
// every peer program runs its tiny sizes (PEERS_SIZE=tiny) where its runtime
// is installed, and its result lines must parse and carry the right
// checksums. The Go peers always run; tokio runs only when its binary has
// been built already (bench/run builds it), or with PEERS_TOKIO=1, because a
// cold cargo build takes longer than this test may.
package peers_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/asyncio-go/asyncio/bench/peers/internal/peer"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

type program struct {
	runtime string
	argv    []string // the workload name is appended
	env     []string
	// skips maps a workload to the reason the program is expected to give
	// for not running it.
	skips map[string]string
	only  []string // the workloads it runs; nil for all
}

// buildGo builds the Go peers once per test binary into dir.
func buildGo(t *testing.T, dir string, pkgs ...string) {
	t.Helper()
	args := append([]string{"build", "-o", dir + string(os.PathSeparator)}, pkgs...)
	out, err := exec.Command("go", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
}

// available reports why a runtime cannot run here, or "" when it can.
func available(argv0 string, probe ...string) string {
	path, err := exec.LookPath(argv0)
	if err != nil {
		return argv0 + " is not installed"
	}
	if len(probe) > 0 {
		if out, err := exec.Command(path, probe...).CombinedOutput(); err != nil {
			return strings.TrimSpace(string(out))
		}
	}
	return ""
}

func programs(t *testing.T, bin string) (progs []program, missing map[string]string) {
	missing = map[string]string{}
	add := func(reason string, p program) {
		if reason != "" {
			missing[p.runtime] = reason
			return
		}
		progs = append(progs, p)
	}
	add("", program{runtime: "asyncio-go", argv: []string{filepath.Join(bin, "asynciogo")}, env: []string{"GOMAXPROCS=1"}})
	add("", program{runtime: "asyncio-go-default", argv: []string{filepath.Join(bin, "asynciogo")}, env: []string{"GOMAXPROCS=2"}})
	add("", program{runtime: "go-iterpull", argv: []string{filepath.Join(bin, "iterpull")}, only: []string{"switch"}})
	add("", program{runtime: "go-gmp1", argv: []string{filepath.Join(bin, "goroutines")}, env: []string{"GOMAXPROCS=1"}})
	add("", program{runtime: "go-default", argv: []string{filepath.Join(bin, "goroutines")}, env: []string{"GOMAXPROCS=2"}})
	add(available("python3"), program{runtime: "asyncio", argv: []string{"python3", "asyncio_peer.py"}})
	add(available("/usr/bin/python3", "-c", "import uvloop"), program{runtime: "uvloop", argv: []string{"/usr/bin/python3", "asyncio_peer.py", "--uvloop"}})
	add(available("/usr/bin/python3", "-c", "import trio"), program{runtime: "trio", argv: []string{"/usr/bin/python3", "trio_peer.py"}})
	add(available("node"), program{runtime: "node", argv: []string{"node", "node_peer.js"},
		skips: map[string]string{"queue": "no bounded async queue in the standard library"}})
	tokio := filepath.Join("tokio", "target", "release", "tokio-peer")
	if os.Getenv("PEERS_TOKIO") == "1" {
		cmd := exec.Command("cargo", "build", "--release", "-q")
		cmd.Dir = "tokio"
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("cargo build: %v\n%s", err, out)
		}
	}
	if _, err := os.Stat(tokio); err != nil {
		missing["tokio"] = "tokio-peer is not built (run bench/run, or set PEERS_TOKIO=1)"
	} else {
		add("", program{runtime: "tokio", argv: []string{"./" + tokio}})
	}
	return progs, missing
}

func run(ctx context.Context, argv, env []string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(append(os.Environ(), "PEERS_SIZE=tiny"), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, &exec.ExitError{ProcessState: cmd.ProcessState, Stderr: stderr.Bytes()}
	}
	return out, nil
}

func parse(t *testing.T, out []byte) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q does not parse: %v", sc.Text(), err)
		}
		lines = append(lines, m)
	}
	if len(lines) == 0 {
		t.Fatalf("no result line in %q", out)
	}
	return lines
}

// collected gathers every result line for the report check at the end.
type collected struct {
	mu    sync.Mutex
	lines [][]byte
}

func (c *collected) add(b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lines = append(c.lines, bytes.TrimSpace(b))
}

func TestPeersTinyRuns(t *testing.T) {
	bin := t.TempDir()
	buildGo(t, bin, "./asynciogo", "./goroutines", "./iterpull", "./echoload", "./goecho", "./report")
	progs, missing := programs(t, bin)
	for rt, why := range missing {
		t.Run(rt, func(t *testing.T) { t.Skip(why) })
	}
	var all collected
	t.Run("workloads", func(t *testing.T) {
		for _, p := range progs {
			for _, w := range peer.Workloads {
				if p.only != nil && p.only[0] != w {
					continue
				}
				t.Run(p.runtime+"/"+w, func(t *testing.T) {
					t.Parallel()
					ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
					defer cancel()
					out, err := run(ctx, append(p.argv, w), p.env)
					if err != nil {
						t.Fatalf("%v: %v\n%s", p.argv, err, err.(*exec.ExitError).Stderr)
					}
					all.add(out)
					checkLine(t, p, w, parse(t, out)[0])
				})
			}
		}
	})
	t.Run("echo", func(t *testing.T) {
		for _, s := range echoServers(t, bin, missing) {
			t.Run(s.runtime, func(t *testing.T) {
				t.Parallel()
				all.add(echo(t, bin, s))
			})
		}
	})
	t.Run("report", func(t *testing.T) {
		dir := t.TempDir()
		pass := append(bytes.Join(all.lines, []byte("\n")), '\n')
		if err := os.WriteFile(filepath.Join(dir, "pass-1.jsonl"), pass, 0o644); err != nil {
			t.Fatal(err)
		}
		md, svg := filepath.Join(dir, "RESULTS.md"), filepath.Join(dir, "results.svg")
		out, err := exec.Command(filepath.Join(bin, "report"), "-in", dir, "-results", md, "-svg", svg).CombinedOutput()
		if err != nil {
			t.Fatalf("report: %v\n%s", err, out)
		}
		if !bytes.Contains(out, []byte("| A. switch | ns per switch |")) || bytes.Contains(out, []byte("wrong checksum")) {
			t.Errorf("report output lacks the switch row or flags a checksum:\n%s", out)
		}
		if b, err := os.ReadFile(svg); err != nil || !bytes.HasPrefix(b, []byte("<svg")) {
			t.Errorf("results.svg: %v, starts %.20q", err, b)
		}
	})
}

func checkLine(t *testing.T, p program, w string, line map[string]any) {
	t.Helper()
	if line["runtime"] != p.runtime || line["workload"] != w {
		t.Fatalf("line is for %v %v, want %s %s: %v", line["runtime"], line["workload"], p.runtime, w, line)
	}
	if why, ok := p.skips[w]; ok {
		if line["skipped"] != why {
			t.Fatalf("skipped = %q, want %q", line["skipped"], why)
		}
		return
	}
	n, _ := line["n"].(float64)
	warm, _ := line["warmup"].(float64)
	sum, _ := line["checksum"].(float64)
	want, _ := peer.Expected(w, int(n), int(warm))
	if n != 1000 || int64(sum) != want {
		t.Errorf("n = %v, checksum = %v; want n = 1000, checksum = %d", n, int64(sum), want)
	}
	if v, ok := line["value"].(float64); !ok || v <= 0 && w != "sleepers" {
		t.Errorf("value = %v, want a positive figure", line["value"])
	}
	if w == "sleepers" && line["delay_sum"] != line["checksum"] {
		t.Errorf("delay_sum = %v, checksum = %v", line["delay_sum"], line["checksum"])
	}
	if w == "spawn" || w == "sleepers" {
		if _, ok := line["bytes_per_task"].(float64); !ok {
			t.Errorf("no bytes_per_task in %v", line)
		}
	}
}

type server struct {
	runtime string
	argv    []string // PORT stands for the port
}

func echoServers(t *testing.T, bin string, missing map[string]string) []server {
	ss := []server{{"go-gmp1", []string{filepath.Join(bin, "goecho"), "-addr", "127.0.0.1:PORT"}}}
	// asyncio-go's own server joins the moment examples/echo exists.
	if _, err := os.Stat(filepath.Join("..", "..", "examples", "echo")); err == nil {
		buildGo(t, bin, "../../examples/echo")
		ss = append(ss, server{"asyncio-go", []string{filepath.Join(bin, "echo"), "-addr", "127.0.0.1:PORT"}})
	}
	if missing["asyncio"] == "" {
		ss = append(ss, server{"asyncio", []string{"python3", "asyncio_echo.py", "PORT"}},
			server{"asyncio-proto", []string{"python3", "asyncio_echo.py", "--proto", "PORT"}})
	}
	if missing["uvloop"] == "" {
		ss = append(ss, server{"uvloop", []string{"/usr/bin/python3", "asyncio_echo.py", "--uvloop", "PORT"}})
	}
	if missing["trio"] == "" {
		ss = append(ss, server{"trio", []string{"/usr/bin/python3", "trio_echo.py", "PORT"}})
	}
	if missing["node"] == "" {
		ss = append(ss, server{"node", []string{"node", "node_echo.js", "PORT"}})
	}
	if missing["tokio"] == "" {
		ss = append(ss, server{"tokio", []string{"./tokio/target/release/tokio-peer", "echo", "PORT"}})
	}
	return ss
}

// echo runs server s for a short window under echoload and checks its line.
func echo(t *testing.T, bin string, s server) []byte {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	argv := make([]string, len(s.argv))
	for i, a := range s.argv {
		argv[i] = strings.ReplaceAll(a, "PORT", port)
	}
	srv := exec.Command(argv[0], argv[1:]...)
	srv.Env = append(os.Environ(), "GOMAXPROCS=1")
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = srv.Process.Kill()
		_ = srv.Wait()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := run(ctx, []string{filepath.Join(bin, "echoload"), "-addr", "127.0.0.1:" + port,
		"-pid", strconv.Itoa(srv.Process.Pid), "-conns", "4", "-warmup", "100ms", "-duration", "200ms",
		"-runtime", s.runtime}, nil)
	if err != nil {
		t.Fatalf("echoload: %v\n%s", err, err.(*exec.ExitError).Stderr)
	}
	line := parse(t, out)[0]
	if line["runtime"] != s.runtime || line["workload"] != "echo-1k" {
		t.Errorf("line is for %v %v", line["runtime"], line["workload"])
	}
	if reqs, _ := line["checksum"].(float64); reqs <= 0 {
		t.Errorf("no request echoed in the window: %v", line)
	}
	if _, ok := line["server_cpu_us_per_req"].(float64); !ok {
		t.Errorf("no server CPU figure: %v", line)
	}
	return out
}
