package asyncio

import (
	"math/rand/v2"
)

// WithSeed makes the loop choose, from a pseudo-random sequence seeded by
// seed, the orders that asyncio leaves unspecified, so that a test run
// under many seeds explores them, and a run under one seed repeats exactly:
//
//   - the order of the I/O readiness callbacks that one poll of the loop's
//     file descriptors finds;
//   - the order in which thread-safe posts from different goroutines
//     (CallSoonThreadsafe, results of ToThread, Recv and Send...), taken
//     in by one iteration, join the ready queue; posts from one goroutine
//     keep their order;
//   - on a [Network] that honours it (asynciotest.Network), the latency
//     jitter of each link, within the link's bounds.
//
// Every guarantee stays: ready callbacks run FIFO, done-callbacks in the
// order they were added, timers with equal deadlines in the order they were
// scheduled, and a woken task resumes in a later iteration. A loop without
// WithSeed keeps its unseeded orders (readiness as the poller reports it,
// posts as they arrived) and pays nothing for the choice.
func WithSeed(seed uint64) Option {
	return func(l *EventLoop) {
		l.hooks.seeded = true
		l.hooks.seed = seed
		l.hooks.rng = rand.New(rand.NewPCG(seed, 0x617379_6e63696f)) // "asyncio": the loop's own stream
	}
}

// Seed returns the seed given with [WithSeed], and whether one was: for a
// Network that draws its jitter from it, and for a test that prints how to
// replay a run. It may be called from any goroutine.
func (l *EventLoop) Seed() (seed uint64, ok bool) { return l.hooks.seed, l.hooks.seeded }

// testHooks are the loop's hooks for tests: the seed's generator (set once,
// by WithSeed; used on the loop goroutine only) and the step hook
// (steprecord.go).
type testHooks struct {
	seeded bool
	seed   uint64
	rng    *rand.Rand
	step   func(AnyTask)
}

// shuffleFrom shuffles the items of q from the from-th on: the readiness one
// poll queued.
func (q *readyQueue) shuffleFrom(from int, rng *rand.Rand) {
	mask := len(q.buf) - 1
	base := q.head + from
	for i := q.n - from - 1; i > 0; i-- {
		j := rng.IntN(i + 1)
		a, b := (base+i)&mask, (base+j)&mask
		q.buf[a], q.buf[b] = q.buf[b], q.buf[a]
	}
}

// interleave reorders posted items into a random interleaving of the
// sequences posted by each goroutine (srcs[i] posted items[i]): every
// interleaving is equally likely, and each goroutine's posts keep their
// order.
func interleave(items []readyItem, srcs []uintptr, rng *rand.Rand) {
	if len(items) < 2 {
		return
	}
	bySrc := map[uintptr][]readyItem{}
	for i, g := range srcs {
		bySrc[g] = append(bySrc[g], items[i])
	}
	if len(bySrc) == 1 {
		return
	}
	rng.Shuffle(len(srcs), func(i, j int) { srcs[i], srcs[j] = srcs[j], srcs[i] })
	for i, g := range srcs {
		items[i] = bySrc[g][0]
		bySrc[g] = bySrc[g][1:]
	}
}
