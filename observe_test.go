package asyncio_test

import (
	"bytes"
	"context"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// goroutineProfile returns the goroutine profile in its text form, which
// lists each goroutine's labels.
func goroutineProfile(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		t.Error(err)
	}
	return buf.String()
}

func TestProfilingLabelsATaskDuringItsStep(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			if v, ok := pprof.Label(ctx, "task"); !ok || v != "crunch" {
				t.Errorf(`pprof.Label(ctx, "task") = %q, %t; want "crunch"`, v, ok)
			}
			if _, ok := pprof.Label(ctx, "loop"); !ok {
				t.Error(`no "loop" label in the task's ctx`)
			}
			if p := goroutineProfile(t); !strings.Contains(p, `"task":"crunch"`) {
				t.Errorf("the goroutine profile taken during the step lacks the task's label:\n%s", p)
			}
			return nil
		}, asyncio.WithName("crunch"))
		_, err := task.Await(ctx)
		return err
	}, asyncio.WithProfiling(true))
}

func TestProfilingOffLeavesNoLabels(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		if _, ok := pprof.Label(ctx, "task"); ok {
			t.Error("a task of a loop without profiling carries a task label")
		}
		return nil
	})
}

// A task started by a labelled task carries its own name, and both are trace
// tasks while the tracer runs.
func TestProfilingLabelsChildTasksAndTraces(t *testing.T) {
	if trace.IsEnabled() {
		t.Skip("the tracer is already running")
	}
	var out bytes.Buffer
	if err := trace.Start(&out); err != nil {
		t.Fatal(err)
	}
	asynciotest.Run(t, func(ctx context.Context) error {
		child := asyncio.Go(ctx, func(ctx context.Context) error {
			if v, _ := pprof.Label(ctx, "task"); v != "child" {
				t.Errorf("child's task label = %q", v)
			}
			return asyncio.Sleep(ctx, 0)
		}, asyncio.WithName("child"))
		_, err := child.Await(ctx)
		return err
	}, asyncio.WithProfiling(true))
	trace.Stop()
	for _, want := range []string{"asyncio.Task child", "asyncio.step"} {
		if !bytes.Contains(out.Bytes(), []byte(want)) {
			t.Errorf("the execution trace lacks %q", want)
		}
	}
}
