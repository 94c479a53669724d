//go:build unix

package poll

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// api is the method set the suite drives: Poller's, which every backend
// has too.
type api interface {
	Register(fd int, token uint64) error
	Unregister(fd int) error
	Wait(timeout time.Duration, fn func(uint64, Events)) (int, error)
	Wake()
	Registered() int
	Close() error
}

var _ api = (*Poller)(nil)

type backendCase struct {
	name string
	open func() (api, error)
}

// eachBackend runs body once per backend, with a fresh poller that is
// closed afterwards.
func eachBackend(t *testing.T, body func(t *testing.T, p api)) {
	for _, bc := range backends {
		t.Run(bc.name, func(t *testing.T) {
			p, err := bc.open()
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			body(t, p)
		})
	}
}

// patience bounds every wait for an event that should come; the tests
// normally see events within microseconds.
const patience = 5 * time.Second

// socketpair returns a connected pair of non-blocking stream sockets,
// closed when the test ends.
func socketpair(t testing.TB) (a, b int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		unix.CloseOnExec(fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
	return fds[0], fds[1]
}

func write(t testing.TB, fd int, s string) {
	t.Helper()
	if _, err := unix.Write(fd, []byte(s)); err != nil {
		t.Fatal(err)
	}
}

// drain reads fd until EAGAIN (or EOF) and returns what it read.
func drain(t testing.TB, fd int) string {
	t.Helper()
	var got []byte
	buf := make([]byte, 64<<10)
	for {
		n, err := unix.Read(fd, buf)
		if err == unix.EAGAIN {
			return string(got)
		}
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return string(got)
		}
		got = append(got, buf[:n]...)
	}
}

// events calls Wait once and returns the union of events per token.
func events(t testing.TB, p api, timeout time.Duration) map[uint64]Events {
	t.Helper()
	got := map[uint64]Events{}
	if _, err := p.Wait(timeout, func(tok uint64, ev Events) { got[tok] |= ev }); err != nil {
		t.Fatal(err)
	}
	return got
}

// await waits until token is reported with every bit of want, and returns
// all that was reported for it on the way.
func await(t testing.TB, p api, token uint64, want Events) Events {
	t.Helper()
	var seen Events
	deadline := time.Now().Add(patience)
	for seen&want != want {
		if time.Now().After(deadline) {
			t.Fatalf("token %d: saw %v within %v, want %v", token, seen, patience, want)
		}
		seen |= events(t, p, 100*time.Millisecond)[token]
	}
	return seen
}

// quiet drains everything reported within d, for tests that must start
// from a poller with no pending edges (registration reports writability).
func quiet(t testing.TB, p api, d time.Duration) {
	t.Helper()
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		events(t, p, time.Until(end))
	}
}

// settle waits until a portable poller has n posted watchers in its queue,
// so that a test sees them in one batch, as epoll collects them at once.
func settle(t testing.TB, p api, n int) {
	t.Helper()
	settleWhen(t, p, func(ready []*watcher) bool { return len(ready) >= n }, fmt.Sprintf("%d posted watchers", n))
}

// settleOn waits until a portable poller has posted every event of want for
// one watcher: its two goroutines post the directions apart, so a count of
// posted watchers may be met by the writable half before the readable one.
func settleOn(t testing.TB, p api, want Events) {
	t.Helper()
	settleWhen(t, p, func(ready []*watcher) bool {
		return slices.ContainsFunc(ready, func(w *watcher) bool { return w.pending&want == want })
	}, fmt.Sprintf("a watcher posting %v", want))
}

// settleWhen waits until a portable poller's queue of posted watchers
// satisfies done; other backends need no waiting.
func settleWhen(t testing.TB, p api, done func(ready []*watcher) bool, what string) {
	t.Helper()
	pp, ok := p.(*portable)
	if !ok {
		return
	}
	deadline := time.Now().Add(patience)
	for {
		pp.mu.Lock()
		ok := done(pp.ready)
		pp.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %v", what, patience)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestNewPollerWorks(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	a, b := socketpair(t)
	if err := p.Register(a, 1); err != nil {
		t.Fatal(err)
	}
	write(t, b, "x")
	await(t, p, 1, Readable)
	if err := p.Unregister(a); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestReadableReportedWithToken(t *testing.T) {
	eachBackend(t, func(t *testing.T, p api) {
		a1, b1 := socketpair(t)
		a2, _ := socketpair(t)
		if err := p.Register(a1, 7); err != nil {
			t.Fatal(err)
		}
		if err := p.Register(a2, 1<<40); err != nil {
			t.Fatal(err)
		}
		// Registration reports the current state: both are writable.
		seen := map[uint64]Events{}
		for deadline := time.Now().Add(patience); seen[7] == 0 || seen[1<<40] == 0; {
			if time.Now().After(deadline) {
				t.Fatalf("registration reported %v", seen)
			}
			for tok, ev := range events(t, p, 100*time.Millisecond) {
				seen[tok] |= ev
			}
		}
		if seen[7] != Writable || seen[1<<40] != Writable {
			t.Errorf("registration reported %v, want Writable for both", seen)
		}
		write(t, b1, "hello")
		ev := await(t, p, 7, Readable)
		if ev&(Hangup|Error) != 0 {
			t.Errorf("token 7: got %v, want no Hangup or Error", ev)
		}
		if ev := events(t, p, 50*time.Millisecond)[1<<40]; ev&Readable != 0 {
			t.Errorf("token 1<<40 reported %v with nothing to read", ev)
		}
		if got := drain(t, a1); got != "hello" {
			t.Errorf("read %q, want hello", got)
		}
	})
}

func TestReadyBeforeRegisterIsReported(t *testing.T) {
	eachBackend(t, func(t *testing.T, p api) {
		a, b := socketpair(t)
		write(t, b, "early")
		if err := p.Register(a, 3); err != nil {
			t.Fatal(err)
		}
		await(t, p, 3, Readable|Writable)
	})
}

func TestWritableAfterSendBufferDrains(t *testing.T) {
	eachBackend(t, func(t *testing.T, p api) {
		a, b := socketpair(t)
		if err := p.Register(a, 5); err != nil {
			t.Fatal(err)
		}
		await(t, p, 5, Writable)
		chunk := make([]byte, 64<<10)
		for {
			if _, err := unix.Write(a, chunk); err == unix.EAGAIN {
				break
			} else if err != nil {
				t.Fatal(err)
			}
		}
		quiet(t, p, 50*time.Millisecond)
		if ev := events(t, p, 50*time.Millisecond)[5]; ev&Writable != 0 {
			t.Fatalf("reported %v with a full send buffer", ev)
		}
		drain(t, b)
		await(t, p, 5, Writable)
	})
}

// An edge that arrives while nobody waits must be reported by the next
// Wait: with edge-triggered registration it will not come again.
func TestEdgeBetweenWaitsNotLost(t *testing.T) {
	eachBackend(t, func(t *testing.T, p api) {
		a, b := socketpair(t)
		if err := p.Register(a, 1); err != nil {
			t.Fatal(err)
		}
		write(t, b, "one")
		await(t, p, 1, Readable)
		drain(t, a)
		events(t, p, 0)
		write(t, b, "two")
		// Let the runtime's netpoller see the edge and record it, so that
		// the next park starts by forgetting it.
		time.Sleep(20 * time.Millisecond)
		start := time.Now()
		await(t, p, 1, Readable)
		if d := time.Since(start); d > time.Second {
			t.Errorf("edge reported after %v", d)
		}
		if got := drain(t, a); got != "two" {
			t.Errorf("read %q, want two", got)
		}
	})
}

func TestWakeEndsBlockedWait(t *testing.T) {
	eachBackend(t, func(t *testing.T, p api) {
		a, _ := socketpair(t)
		if err := p.Register(a, 1); err != nil {
			t.Fatal(err)
		}
		quiet(t, p, 20*time.Millisecond)
		type result struct {
			n   int
			err error
			d   time.Duration
		}
		done := make(chan result, 1)
		parked := make(chan struct{})
		go func() {
			close(parked)
			start := time.Now()
			n, err := p.Wait(-1, func(uint64, Events) {})
			done <- result{n, err, time.Since(start)}
		}()
		<-parked
		time.Sleep(20 * time.Millisecond)
		woke := time.Now()
		p.Wake()
		select {
		case r := <-done:
			if r.err != nil || r.n != 0 {
				t.Errorf("Wait = %d, %v; want 0, nil", r.n, r.err)
			}
			if d := time.Since(woke); d > time.Second {
				t.Errorf("Wait returned %v after Wake", d)
			}
		case <-time.After(patience):
			t.Fatal("Wake did not end Wait(-1)")
		}
	})
}

// A hand-off loop, as between the event loop and a worker goroutine:
// every answer comes with a Wake, and a lost Wake shows as a Wait that
// runs into its timeout although the answer is already there.
func TestWakeNeverLost(t *testing.T) {
	eachBackend(t, func(t *testing.T, p api) {
		const rounds = 20000
		jobs := make(chan int64)
		var answer atomic.Int64
		answer.Store(-1)
		var wg sync.WaitGroup
		wg.Go(func() {
			for j := range jobs {
				if j%3 == 0 {
					runtime.Gosched()
				}
				answer.Store(j)
				p.Wake()
				if j%5 == 0 {
					p.Wake() // a second Wake in the same burst
				}
			}
		})
		defer wg.Wait()
		defer close(jobs)
		for i := range int64(rounds) {
			jobs <- i
			for answer.Load() != i {
				start := time.Now()
				p.Wait(time.Second, func(uint64, Events) {})
				if time.Since(start) >= time.Second && answer.Load() == i {
					t.Fatalf("round %d: the Wake was lost", i)
				}
			}
		}
	})
}

func TestWakeBeforeWaitEndsNextWait(t *testing.T) {
	eachBackend(t, func(t *testing.T, p api) {
		p.Wake()
		start := time.Now()
		if n, err := p.Wait(patience, func(uint64, Events) {}); n != 0 || err != nil {
			t.Fatalf("Wait = %d, %v", n, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("Wait took %v after an earlier Wake", d)
		}
	})
}

func TestWakesCoalesce(t *testing.T) {
	eachBackend(t, func(t *testing.T, p api) {
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 1000 {
					p.Wake()
				}
			})
		}
		wg.Wait()
		if n, err := p.Wait(patience, func(uint64, Events) {}); n != 0 || err != nil {
			t.Fatalf("Wait = %d, %v", n, err)
		}
		// The burst is used up: the next Wait sleeps its full timeout.
		start := time.Now()
		events(t, p, 30*time.Millisecond)
		if d := time.Since(start); d < 25*time.Millisecond {
			t.Errorf("Wait after a consumed burst returned after %v, want a timeout", d)
		}
		// And the flag was reset: a new Wake works.
		p.Wake()
		start = time.Now()
		events(t, p, patience)
		if d := time.Since(start); d > time.Second {
			t.Errorf("a Wake after a burst took %v", d)
		}
	})
}

func TestWaitTimesOut(t *testing.T) {
	eachBackend(t, func(t *testing.T, p api) {
		a, _ := socketpair(t)
		if err := p.Register(a, 1); err != nil {
			t.Fatal(err)
		}
		quiet(t, p, 20*time.Millisecond)
		for _, d := range []time.Duration{time.Millisecond, 30 * time.Millisecond} {
			start := time.Now()
			n, err := p.Wait(d, func(uint64, Events) { t.Error("event on an idle fd") })
			if n != 0 || err != nil {
				t.Errorf("Wait(%v) = %d, %v; want 0, nil", d, n, err)
			}
			if el := time.Since(start); el < d || el > d+time.Second {
				t.Errorf("Wait(%v) returned after %v", d, el)
			}
		}
		start := time.Now()
		if n, err := p.Wait(0, func(uint64, Events) {}); n != 0 || err != nil {
			t.Errorf("Wait(0) = %d, %v", n, err)
		}
		if el := time.Since(start); el > time.Second {
			t.Errorf("Wait(0) took %v", el)
		}
		// A deadline set by a timed Wait must not cut a later unlimited one
		// short.
		go func() { time.Sleep(50 * time.Millisecond); p.Wake() }()
		start = time.Now()
		events(t, p, -1)
		if el := time.Since(start); el < 40*time.Millisecond {
			t.Errorf("Wait(-1) after a timed Wait returned after %v, before the Wake", el)
		}
	})
}

// However short the timeout, a Wait looks at the fds before it gives up.
func TestTinyTimeoutStillLooks(t *testing.T) {
	eachBackend(t, func(t *testing.T, p api) {
		a, b := socketpair(t)
		p.Register(a, 1)
		quiet(t, p, 20*time.Millisecond)
		write(t, b, "x")
		settleOn(t, p, Readable)
		if got := events(t, p, time.Nanosecond)[1]; got&Readable == 0 {
			t.Errorf("Wait(1ns) reported %v for a readable fd", got)
		}
		// And after a Wake has expired the deadline, too.
		write(t, b, "y")
		settleOn(t, p, Readable)
		p.Wake()
		if got := events(t, p, -1)[1]; got&Readable == 0 {
			t.Errorf("Wait(-1) after a Wake reported %v for a readable fd", got)
		}
	})
}

func TestUnregisterStopsEvents(t *testing.T) {
	eachBackend(t, func(t *testing.T, p api) {
		a, b := socketpair(t)
		if err := p.Register(a, 1); err != nil {
			t.Fatal(err)
		}
		await(t, p, 1, Writable)
		if err := p.Unregister(a); err != nil {
			t.Fatal(err)
		}
		if n := p.Registered(); n != 0 {
			t.Errorf("Registered = %d after Unregister", n)
		}
		write(t, b, "late")
		if ev, ok := events(t, p, 50*time.Millisecond)[1]; ok {
			t.Errorf("unregistered fd reported %v", ev)
		}
		// It can be registered again, under another token.
		if err := p.Register(a, 2); err != nil {
			t.Fatal(err)
		}
		await(t, p, 2, Readable)
	})
}

// Unregister from fn must also drop events already collected for the fd:
// the caller may close it and reuse the token at once.
func TestUnregisterInCallbackDropsCollectedEvents(t *testing.T) {
	eachBackend(t, func(t *testing.T, p api) {
		a1, b1 := socketpair(t)
		a2, b2 := socketpair(t)
		fds := map[uint64]int{1: a1, 2: a2}
		for tok, fd := range fds {
			if err := p.Register(fd, tok); err != nil {
				t.Fatal(err)
			}
		}
		quiet(t, p, 20*time.Millisecond)
		write(t, b1, "x")
		write(t, b2, "x")
		settle(t, p, 2)
		var delivered []uint64
		n, err := p.Wait(patience, func(tok uint64, ev Events) {
			delivered = append(delivered, tok)
			if len(delivered) == 1 {
				if err := p.Unregister(fds[3-tok]); err != nil {
					t.Error(err)
				}
			}
		})
		if err != nil || n != 1 || len(delivered) != 1 {
			t.Fatalf("Wait = %d, %v, delivered %v; want one delivery", n, err, delivered)
		}
		if got := events(t, p, 50*time.Millisecond); got[3-delivered[0]] != 0 {
			t.Errorf("unregistered token %d reported %v", 3-delivered[0], got[3-delivered[0]])
		}
	})
}

// A panic in fn must not lose the rest of the batch.
func TestPanicInCallbackKeepsRestOfBatch(t *testing.T) {
	eachBackend(t, func(t *testing.T, p api) {
		a1, b1 := socketpair(t)
		a2, b2 := socketpair(t)
		p.Register(a1, 1)
		p.Register(a2, 2)
		quiet(t, p, 20*time.Millisecond)
		write(t, b1, "x")
		write(t, b2, "x")
		settle(t, p, 2)
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			p.Wait(patience, func(uint64, Events) { panic("boom") })
		}()
		got := events(t, p, 0)
		if len(got) != 1 {
			t.Errorf("after the panic Wait(0) reported %v, want the other token", got)
		}
	})
}

func TestNestedWaitFails(t *testing.T) {
	eachBackend(t, func(t *testing.T, p api) {
		a, _ := socketpair(t)
		p.Register(a, 1)
		// Registration reports writability: fn runs in the first Wait.
		var nested error
		deadline := time.Now().Add(patience)
		for nested == nil && time.Now().Before(deadline) {
			p.Wait(100*time.Millisecond, func(uint64, Events) { _, nested = p.Wait(0, nil) })
		}
		if !errors.Is(nested, errNestedWait) {
			t.Errorf("nested Wait error = %v, want errNestedWait", nested)
		}
	})
}

func TestHangupOnPeerClose(t *testing.T) {
	eachBackend(t, func(t *testing.T, p api) {
		a, b := socketpair(t)
		p.Register(a, 1)
		quiet(t, p, 20*time.Millisecond)
		unix.Close(b)
		await(t, p, 1, Readable|Hangup)
		if got := drain(t, a); got != "" {
			t.Errorf("read %q after peer close", got)
		}
	})
}

func TestHangupOnPeerHalfClose(t *testing.T) {
	eachBackend(t, func(t *testing.T, p api) {
		a, b := socketpair(t)
		p.Register(a, 1)
		quiet(t, p, 20*time.Millisecond)
		write(t, b, "last")
		unix.Shutdown(b, unix.SHUT_WR)
		want := Readable
		if pollRDHUP != 0 {
			want |= Hangup
		}
		await(t, p, 1, want)
		if got := drain(t, a); got != "last" {
			t.Errorf("read %q, want last then EOF", got)
		}
		// The other direction still works.
		write(t, a, "reply")
		if got := drain(t, b); got != "reply" {
			t.Errorf("peer read %q", got)
		}
	})
}

func TestErrorOnBrokenPipe(t *testing.T) {
	eachBackend(t, func(t *testing.T, p api) {
		var fds [2]int
		if err := unix.Pipe(fds[:]); err != nil {
			t.Fatal(err)
		}
		r, w := fds[0], fds[1]
		defer unix.Close(w)
		unix.SetNonblock(w, true)
		p.Register(w, 1)
		quiet(t, p, 20*time.Millisecond)
		unix.Close(r)
		if ev := await(t, p, 1, Writable); ev&Error == 0 {
			t.Errorf("reported %v for a pipe without reader, want Error", ev)
		}
		p.Unregister(w)
	})
}

func TestRegisterErrors(t *testing.T) {
	eachBackend(t, func(t *testing.T, p api) {
		a, _ := socketpair(t)
		if err := p.Register(a, ^uint64(0)); err != nil {
			t.Fatal(err)
		}
		if err := p.Register(a, 2); !errors.Is(err, unix.EEXIST) {
			t.Errorf("second Register: %v, want EEXIST", err)
		}
		if err := p.Unregister(a + 1000); !errors.Is(err, unix.ENOENT) {
			t.Errorf("Unregister of an unknown fd: %v, want ENOENT", err)
		}
		c, _ := socketpair(t)
		unix.SetNonblock(c, false)
		if err := p.Register(c, 3); !errors.Is(err, unix.EINVAL) {
			t.Errorf("blocking fd: %v, want EINVAL", err)
		}
		f, err := os.Create(filepath.Join(t.TempDir(), "regular"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		unix.SetNonblock(int(f.Fd()), true)
		if err := p.Register(int(f.Fd()), 4); !errors.Is(err, unix.EPERM) {
			t.Errorf("regular file: %v, want EPERM", err)
		}
		if err := p.Register(-1, 5); !errors.Is(err, unix.EBADF) {
			t.Errorf("fd -1: %v, want EBADF", err)
		}
		if n := p.Registered(); n != 1 {
			t.Errorf("Registered = %d, want 1", n)
		}
	})
}

func TestClosedPollerRefusesCalls(t *testing.T) {
	eachBackend(t, func(t *testing.T, p api) {
		a, _ := socketpair(t)
		p.Register(a, 1)
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		p.Wake()
		if err := p.Register(a, 2); !errors.Is(err, ErrClosed) {
			t.Errorf("Register: %v", err)
		}
		if err := p.Unregister(a); !errors.Is(err, ErrClosed) {
			t.Errorf("Unregister: %v", err)
		}
		if _, err := p.Wait(0, nil); !errors.Is(err, ErrClosed) {
			t.Errorf("Wait: %v", err)
		}
		if err := p.Close(); !errors.Is(err, ErrClosed) {
			t.Errorf("second Close: %v", err)
		}
		// The caller's fd is still open and usable.
		if _, err := unix.Write(a, []byte("x")); err != nil {
			t.Errorf("fd unusable after Close: %v", err)
		}
	})
}

func countFds(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

func TestCloseReleasesFds(t *testing.T) {
	for _, bc := range backends {
		t.Run(bc.name, func(t *testing.T) {
			// The runtime opens its own netpoller fds on first use.
			warm, err := bc.open()
			if err != nil {
				t.Fatal(err)
			}
			warm.Close()
			fds := make([]int, 20)
			for i := range fds {
				fds[i], _ = socketpair(t)
			}
			before := countFds(t)
			p, err := bc.open()
			if err != nil {
				t.Fatal(err)
			}
			for i, fd := range fds {
				if err := p.Register(fd, uint64(i)); err != nil {
					t.Fatal(err)
				}
			}
			events(t, p, 10*time.Millisecond)
			for _, fd := range fds[:10] {
				p.Unregister(fd)
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			if after := countFds(t); after != before {
				t.Errorf("%d fds open after Close, %d before New", after, before)
			}
		})
	}
}

func TestManyFds(t *testing.T) {
	const count = 1000
	eachBackend(t, func(t *testing.T, p api) {
		peers := make([]int, count)
		for i := range count {
			var a int
			a, peers[i] = socketpair(t)
			if err := p.Register(a, uint64(i)); err != nil {
				t.Fatal(err)
			}
		}
		if n := p.Registered(); n != count {
			t.Fatalf("Registered = %d", n)
		}
		quiet(t, p, 100*time.Millisecond)
		want := map[uint64]bool{}
		for i := 0; i < count; i += 3 {
			write(t, peers[i], "x")
			want[uint64(i)] = true
		}
		got := map[uint64]bool{}
		deadline := time.Now().Add(patience)
		for len(got) < len(want) && time.Now().Before(deadline) {
			p.Wait(100*time.Millisecond, func(tok uint64, ev Events) {
				if ev&Readable == 0 {
					return
				}
				if !want[tok] {
					t.Errorf("token %d reported %v without data", tok, ev)
				}
				got[tok] = true
			})
		}
		if len(got) != len(want) {
			t.Errorf("%d of %d readable fds reported", len(got), len(want))
		}
	})
}
