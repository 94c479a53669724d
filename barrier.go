package asyncio

import (
	"context"
	"errors"
	"fmt"
)

// ErrBrokenBarrier reports a [Barrier] that was aborted, or reset while the
// caller waited: asyncio's BrokenBarrierError.
var ErrBrokenBarrier = errors.New("asyncio: barrier is broken")

// BarrierState is where a [Barrier] is in its cycle, as [Barrier.State]
// reports it: asyncio's _BarrierState. A Barrier fills up to its parties,
// drains as they leave, and fills again; Reset drains it with an error
// (resetting), and Abort breaks it until Reset. The zero BarrierState is
// BarrierFilling.
type BarrierState uint8

const (
	BarrierFilling   BarrierState = iota // coroutines arrive and wait for the last party
	BarrierDraining                      // the last party arrived; the round is leaving Wait
	BarrierResetting                     // Reset was called; the waiters leave with ErrBrokenBarrier
	BarrierBroken                        // Abort was called; every Wait fails until Reset
)

var barrierStateNames = [...]string{"filling", "draining", "resetting", "broken"}

// String returns the state's name as asyncio spells it: "filling",
// "draining", "resetting" or "broken".
func (s BarrierState) String() string {
	if int(s) < len(barrierStateNames) {
		return barrierStateNames[s]
	}
	return fmt.Sprintf("BarrierState(%d)", int(s))
}

// A Barrier makes a fixed number of coroutines, its parties, wait for each
// other: each calls Wait, and all of them return once the last one has
// arrived. It is asyncio.Barrier, and can be used again and again; a
// coroutine that calls Wait while the previous round is still leaving waits
// for the next round.
//
// The Barrier is built as asyncio's is, on a [Condition], so that waking and
// ordering follow asyncio's exactly. A Barrier must be made with [NewBarrier]:
// the zero Barrier has no parties, and its Wait returns an error matching
// ErrInvalidState. Binding, copying and goroutines are as for [Lock].
type Barrier struct {
	cond    Condition
	parties int
	state   BarrierState
	count   int // coroutines inside Wait, past the draining check
}

// NewBarrier returns a [Barrier] for parties coroutines. It panics if parties
// is less than 1.
func NewBarrier(parties int) *Barrier {
	if parties < 1 {
		panic("asyncio: NewBarrier: parties must be at least 1")
	}
	return &Barrier{parties: parties}
}

// Wait suspends the caller until parties coroutines are waiting on b, and
// returns the caller's arrival index: 0 for the first to arrive, parties-1
// for the last, which releases the others without waiting. They resume in
// later loop iterations, in the order they arrived.
//
// Wait returns [ErrBrokenBarrier] if b is broken (see Abort) or becomes so
// while the caller waits, or if Reset is called while it waits.
//
// # Cancellation
//
// If the task is cancelled while waiting, Wait returns the [*CancelledError]
// (or a derived ctx's error, as for [Lock.Acquire]) and the caller no longer
// counts as arrived; b is not broken.
//
// The misuse errors are those of [Lock.Acquire], and a zero [Barrier], not made
// with [NewBarrier], returns an error.
func (b *Barrier) Wait(ctx context.Context) (int, error) {
	if b.parties == 0 {
		return 0, invalidState("Barrier.Wait: zero Barrier; make one with NewBarrier")
	}
	t, err := b.cond.b.enter(ctx, "Barrier")
	if err != nil {
		return 0, err
	}
	if err := b.cond.own.acquire(ctx, t); err != nil {
		return 0, err
	}
	index, err := b.wait(ctx, t)
	if err != errLoopClosing {
		b.cond.own.release()
	}
	return index, err
}

// wait is Wait with the Condition's lock held.
func (b *Barrier) wait(ctx context.Context, t *taskCore) (int, error) {
	// A round that is draining or resetting has to end first.
	if err := b.cond.waitFor(ctx, t, func() bool {
		return b.state != BarrierDraining && b.state != BarrierResetting
	}); err != nil {
		return 0, err
	}
	if b.state == BarrierBroken {
		return 0, ErrBrokenBarrier
	}
	index := b.count
	b.count++
	var err error
	if index+1 == b.parties {
		b.state = BarrierDraining
		b.cond.notifyAll()
	} else {
		err = b.cond.waitFor(ctx, t, func() bool { return b.state != BarrierFilling })
		if err == nil && (b.state == BarrierBroken || b.state == BarrierResetting) {
			err = ErrBrokenBarrier
		}
	}
	b.count--
	if b.count == 0 {
		// The last to leave ends the round and lets the next one fill.
		if b.state == BarrierResetting || b.state == BarrierDraining {
			b.state = BarrierFilling
		}
		b.cond.notifyAll()
	}
	if err != nil {
		return 0, err
	}
	return index, nil
}

// Reset returns b to its initial, empty state. Coroutines waiting on it get
// [ErrBrokenBarrier]; a broken [Barrier] is mended. Reset returns
// [ErrWrongGoroutine] when called off b's loop, and changes nothing then.
//
// asyncio's reset is a coroutine only because it takes the [Condition]'s lock.
// No coroutine holds that lock across a suspension, so it never waits for it,
// and Reset is a plain method with the same effect, at once.
func (b *Barrier) Reset() error {
	if err := b.cond.b.check(); err != nil {
		return err
	}
	if b.count > 0 {
		b.state = BarrierResetting
	} else {
		b.state = BarrierFilling
	}
	b.cond.notifyAll()
	return nil
}

// Abort breaks b: coroutines waiting on it, and every later Wait until
// Reset, get ErrBrokenBarrier. Use it when a party cannot arrive, so that the
// others do not wait for ever. Abort returns [ErrWrongGoroutine] when called
// off b's loop, and changes nothing then; like Reset, it takes effect at once.
func (b *Barrier) Abort() error {
	if err := b.cond.b.check(); err != nil {
		return err
	}
	b.state = BarrierBroken
	b.cond.notifyAll()
	return nil
}

// Parties returns the number of coroutines that pass b together.
func (b *Barrier) Parties() int { return b.parties }

// NWaiting returns the number of coroutines waiting for b to fill: zero
// while a round is draining or resetting, or b is broken.
func (b *Barrier) NWaiting() int {
	b.cond.b.query("Barrier.NWaiting")
	if b.state == BarrierFilling {
		return b.count
	}
	return 0
}

// Broken reports whether b is broken.
func (b *Barrier) Broken() bool {
	b.cond.b.query("Barrier.Broken")
	return b.state == BarrierBroken
}

// State returns where b is in its cycle. Unlike NWaiting, it tells a round
// that is draining from an empty one that is filling.
func (b *Barrier) State() BarrierState {
	b.cond.b.query("Barrier.State")
	return b.state
}

// String describes b as asyncio's repr does: "<Barrier [filling,
// waiters:2/3]>", or "<Barrier [broken]>". Like the other reads, it must be
// called where b may be used (see [Lock]).
func (b *Barrier) String() string {
	st := b.State()
	if st == BarrierBroken {
		return "<Barrier [broken]>"
	}
	return fmt.Sprintf("<Barrier [%s, waiters:%d/%d]>", st, b.NWaiting(), b.parties)
}
