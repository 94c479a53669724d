package asynciodebug_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciodebug"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// runLoop runs a loop on a goroutine of its own with the tasks named, each
// waiting for a lock the main task holds, until the test ends.
func runLoop(t *testing.T, names ...string) {
	t.Helper()
	ready, done, exited := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		exited <- asyncio.Run(func(ctx context.Context) error {
			mu := &asyncio.Lock{Name: "gate"}
			if err := mu.Acquire(ctx); err != nil {
				return err
			}
			var tasks []*asyncio.Task[struct{}]
			for _, n := range names {
				tasks = append(tasks, asyncio.Go(ctx, mu.Acquire, asyncio.WithName(n)))
			}
			if err := asyncio.Sleep(ctx, 0); err != nil {
				return err
			}
			close(ready)
			if _, _, err := asyncio.Recv(ctx, done); err != nil {
				return err
			}
			for _, tk := range tasks {
				tk.Cancel()
			}
			return nil
		})
	}()
	<-ready
	t.Cleanup(func() {
		close(done)
		if err := <-exited; err != nil {
			t.Errorf("Run = %v", err)
		}
	})
}

func get(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d %s", target, rec.Code, rec.Body)
	}
	return rec
}

func TestHandlerServesEveryTaskOfARunningLoop(t *testing.T) {
	runLoop(t, "alpha", "beta", "gamma")
	for _, h := range []http.Handler{asynciodebug.Handler(), http.DefaultServeMux} {
		text := get(t, h, "/debug/asyncio/").Body.String()
		for _, want := range []string{`Task "Task-1"`, `Task "alpha"`, `Task "beta"`, `Task "gamma"`, `Lock.Acquire name="gate" held by "Task-1"`, "Recv (outside the loop)"} {
			if !strings.Contains(text, want) {
				t.Errorf("text dump lacks %q:\n%s", want, text)
			}
		}
	}
	rec := get(t, asynciodebug.Handler(), "/debug/asyncio/?format=json")
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var dumps []asyncio.LoopDump
	if err := json.Unmarshal(rec.Body.Bytes(), &dumps); err != nil {
		t.Fatal(err)
	}
	if len(dumps) != 1 {
		t.Fatalf("%d loops dumped, want 1", len(dumps))
	}
	var names []string
	for _, tk := range dumps[0].Tasks {
		names = append(names, tk.Name+":"+tk.State)
	}
	if got := strings.Join(names, ","); got != "Task-1:pending,alpha:pending,beta:pending,gamma:pending" {
		t.Errorf("tasks = %s", got)
	}
}

func TestHandlerWithNoLoopRunning(t *testing.T) {
	if body := get(t, asynciodebug.Handler(), "/debug/asyncio/").Body.String(); body != "no event loop is running\n" {
		t.Errorf("body = %q", body)
	}
	if body := get(t, asynciodebug.Handler(), "/debug/asyncio/?format=json").Body.String(); body != "[]\n" {
		t.Errorf("JSON body = %q", body)
	}
}

func TestHandlerRefusesABadTimeout(t *testing.T) {
	rec := httptest.NewRecorder()
	asynciodebug.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/debug/asyncio/?timeout=soon", nil))
	if rec.Code != http.StatusBadRequest {
		t.Errorf("code = %d", rec.Code)
	}
}

// A loop blocked by a step cannot answer: the dump says so instead of hanging.
func TestHandlerReportsALoopThatDoesNotAnswer(t *testing.T) {
	blocked, release, exited := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		exited <- asyncio.Run(func(ctx context.Context) error {
			close(blocked)
			//asynciovet:ignore the test blocks the loop on purpose
			<-release
			return nil
		})
	}()
	<-blocked
	text := get(t, asynciodebug.Handler(), "/debug/asyncio/?timeout=50ms").Body.String()
	close(release)
	if err := <-exited; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "no dump: context deadline exceeded") {
		t.Errorf("dump of a blocked loop = %q", text)
	}
}
