package coro

import (
	"sync"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestResumeYieldTakeTurns(t *testing.T) {
	var trace []int
	var c Coro
	c.Init(bodyFunc(func(c *Coro) {
		for i := 0; i < 3; i++ {
			trace = append(trace, i)
			if !c.Yield() {
				t.Error("Yield reported false before Stop")
			}
		}
	}))
	for i := 0; i < 3; i++ {
		if !c.Resume() {
			t.Fatalf("Resume %d reported an end", i)
		}
		trace = append(trace, -i)
	}
	if c.Resume() {
		t.Fatal("Resume after the body returned reported a yield")
	}
	if c.Resume() {
		t.Fatal("Resume of an ended coroutine reported a yield")
	}
	want := []int{0, 0, 1, -1, 2, -2}
	if len(trace) != len(want) {
		t.Fatalf("trace %v, want %v", trace, want)
	}
	for i := range want {
		if trace[i] != want[i] {
			t.Fatalf("trace %v, want %v", trace, want)
		}
	}
	c.Stop() // a no-op once ended
}

func TestStopBeforeStartSkipsTheBody(t *testing.T) {
	ran := false
	var c Coro
	c.Init(bodyFunc(func(*Coro) { ran = true }))
	c.Stop()
	if ran {
		t.Fatal("the body ran after Stop")
	}
	if c.Resume() {
		t.Fatal("Resume after Stop reported a yield")
	}
}

func TestStopUnwindsASuspendedBody(t *testing.T) {
	var yields []bool
	finished := false
	var c Coro
	c.Init(bodyFunc(func(c *Coro) {
		yields = append(yields, c.Yield(), c.Yield())
		finished = true
	}))
	c.Resume()
	c.Stop()
	if !finished || len(yields) != 2 || yields[0] || yields[1] {
		t.Fatalf("after Stop: finished %v, yields %v; want true, [false false]", finished, yields)
	}
}

func TestPanicPassesToTheResumer(t *testing.T) {
	var c Coro
	c.Init(bodyFunc(func(c *Coro) {
		c.Yield()
		panic("boom")
	}))
	c.Resume()
	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Errorf("recovered %v, want boom", p)
			}
		}()
		c.Resume()
		t.Error("Resume returned through a panic")
	}()
	if c.Resume() {
		t.Fatal("Resume after a panic reported a yield")
	}
}

func TestGoexitPassesToTheResumer(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(1)
	returned := false
	go func() {
		defer wg.Done()
		var c Coro
		c.Init(bodyFunc(func(*Coro) { runtimeGoexit() }))
		c.Resume()
		returned = true
	}()
	wg.Wait()
	if returned {
		t.Fatal("Resume returned after the body's Goexit")
	}
}
