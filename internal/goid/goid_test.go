package goid

import (
	"iter"
	"testing"
)

func TestGetIsStableWithinAGoroutine(t *testing.T) {
	first, second := Get(), Get()
	if first == 0 || first != second {
		t.Fatal("Get is zero or changes within one goroutine")
	}
}

func TestGetDiffersAcrossLiveGoroutines(t *testing.T) {
	mine := Get()
	other := make(chan uintptr)
	release := make(chan struct{})
	go func() { other <- Get(); <-release }()
	if <-other == mine {
		t.Fatal("two live goroutines share an id")
	}
	close(release)
}

func TestGetInsideIterPullCoroutine(t *testing.T) {
	var inner uintptr
	next, stop := iter.Pull(func(yield func(int) bool) { inner = Get(); yield(1) })
	defer stop()
	next()
	if inner == Get() {
		t.Fatal("an iter.Pull coroutine reports its caller's id")
	}
}

func BenchmarkGet(b *testing.B) {
	for range b.N {
		if Get() == 0 {
			b.Fatal("zero id")
		}
	}
}
