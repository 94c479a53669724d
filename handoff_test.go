package asyncio_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// A task that returns in its first step may hand its goroutine straight to
// the next ready task (see handOff in sched.go). These tests pin down that
// the hand-off changes nothing a program can see: the order of steps and
// callbacks, the tick boundaries, cancellation before the start.

func TestHandOffKeepsTheReadyOrderAcrossTasksAndCallbacks(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	var got []string
	task := func(name string) func(context.Context) error {
		return func(context.Context) error { got = append(got, name); return nil }
	}
	loop.CreateTask(task("T1"))
	loop.CreateTask(task("T2"))
	elSoon(t, loop, func() { got = append(got, "h") })
	loop.CreateTask(func(ctx context.Context) error {
		got = append(got, "S1")
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		got = append(got, "S2")
		return nil
	})
	cancelled := loop.CreateTask(task("never"))
	cancelled.Cancel()
	loop.CreateTask(task("T3"))
	elRunTicks(t, loop, 3)
	if want := []string{"T1", "T2", "h", "S1", "T3", "S2"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if !cancelled.Cancelled() {
		t.Errorf("the task cancelled before it started: %v, want cancelled", cancelled)
	}
}

func TestHandOffStopsAtTheEndOfTheIteration(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	var got []string
	loop.CreateTask(func(ctx context.Context) error {
		got = append(got, "A")
		asyncio.Go(ctx, func(context.Context) error { got = append(got, "B"); return nil })
		return nil
	})
	loop.CreateTask(func(context.Context) error {
		got = append(got, "C")
		loop.Stop() // the loop returns once this iteration ends: B belongs to the next
		return nil
	})
	if err := loop.RunForever(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"A", "C"}; !slices.Equal(got, want) {
		t.Fatalf("after the first iteration got %v, want %v", got, want)
	}
	elRunTicks(t, loop, 1)
	if want := []string{"A", "C", "B"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestHandOffTasksFailAndPanicOnTheirOwn(t *testing.T) {
	boom := errors.New("boom")
	asynciotest.Run(t, func(ctx context.Context) error {
		failing := asyncio.Go(ctx, func(context.Context) error { return boom })
		panicking := asyncio.Go(ctx, func(context.Context) error { panic("p") })
		fine := asyncio.CreateTask(ctx, func(context.Context) (int, error) { return 7, nil })
		_, errs, err := asyncio.GatherReturnExceptions[struct{}](ctx, failing, panicking)
		if err != nil {
			return err
		}
		if !errors.Is(errs[0], boom) {
			t.Errorf("first task: %v, want boom", errs[0])
		}
		var pe *asyncio.PanicError
		if !errors.As(errs[1], &pe) {
			t.Errorf("second task: %v, want a *PanicError", errs[1])
		}
		if v, err := fine.Await(ctx); v != 7 || err != nil {
			t.Errorf("third task: %v, %v; want 7, nil", v, err)
		}
		return nil
	})
}
