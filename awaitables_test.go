package asyncio_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
)

func TestAwaitablesOfNoTasksGathersNothing(t *testing.T) {
	err := asyncio.Run(func(ctx context.Context) error {
		vals, err := asyncio.Gather(ctx, asyncio.Awaitables([]*asyncio.Task[int](nil))...)
		if err != nil || vals == nil || len(vals) != 0 {
			t.Errorf("Gather of no tasks = %v, %v; want [] and no error", vals, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAwaitablesKeepsTheSlicesOrder(t *testing.T) {
	err := asyncio.Run(func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		want := []string{"x", "y", "z"}
		futs := make([]*asyncio.Future[string], len(want))
		for i := range futs {
			futs[i] = asyncio.NewFuture[string](loop)
		}
		for i := len(futs) - 1; i >= 0; i-- { // completed last to first
			_ = futs[i].SetResult(want[i])
		}
		vals, err := asyncio.Gather(ctx, asyncio.Awaitables(futs)...)
		if err != nil || fmt.Sprint(vals) != fmt.Sprint(want) {
			t.Errorf("Gather(Awaitables(futures)) = %v, %v; want %v", vals, err, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCallRunsNothingUntilAwaited(t *testing.T) {
	ran := false
	c := asyncio.Call(func(ctx context.Context, n int) error { ran = true; return nil }, 1)
	if ran {
		t.Fatal("Call ran its coroutine")
	}
	err := asyncio.Run(func(ctx context.Context) error {
		_, err := asyncio.Await(ctx, c)
		return err
	})
	if err != nil || !ran {
		t.Fatalf("awaiting the Call: ran=%v err=%v", ran, err)
	}
}

func TestCallValueStartsAsATask(t *testing.T) {
	double := func(ctx context.Context, n int) (int, error) {
		return 2 * n, asyncio.Sleep(ctx, time.Second)
	}
	v, err := asyncio.RunValue(func(ctx context.Context) (int, error) {
		return asyncio.CreateTask(ctx, asyncio.CallValue(double, 21)).Await(ctx)
	}, asyncio.WithVirtualClock())
	if v != 42 || err != nil {
		t.Fatalf("task of CallValue(double, 21) = %v, %v; want 42", v, err)
	}
}

func TestCallValueFailsWithItsCoroutinesError(t *testing.T) {
	boom := errors.New("boom")
	_, err := asyncio.RunValue(func(ctx context.Context) (int, error) {
		return asyncio.WaitFor(ctx, asyncio.CallValue(func(ctx context.Context, s string) (int, error) {
			return 0, boom
		}, "x"), time.Second)
	}, asyncio.WithVirtualClock())
	if !errors.Is(err, boom) {
		t.Fatalf("WaitFor(CallValue) = %v; want boom", err)
	}
}

func TestCallWithNilCoroutinePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"Call":      func() { asyncio.Call[int](nil, 1) },
		"CallValue": func() { asyncio.CallValue[int, int](nil, 1) },
	} {
		func() {
			defer func() {
				if p := recover(); !strings.Contains(fmt.Sprint(p), name+": nil coroutine") {
					t.Errorf("%s(nil): panic %v; want one naming the mistake", name, p)
				}
			}()
			f()
		}()
	}
}

func TestEventLoopGoStartsAVoidTask(t *testing.T) {
	loop := asyncio.NewEventLoop()
	defer loop.Close()
	ran := false
	task := loop.Go(func(ctx context.Context) error { ran = true; return nil })
	if err := loop.RunUntilComplete(task); err != nil || !ran {
		t.Fatalf("RunUntilComplete(loop.Go(...)) = %v, ran=%v", err, ran)
	}
}
