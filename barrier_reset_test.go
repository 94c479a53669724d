package asyncio_test

// Barrier Reset and Abort while parties wait, drain or block, from CPython
// 3.13's test_locks.py cases beyond the BR rows of the conformance checklist
// (those are in barrier_test.go).

import (
	"context"
	"errors"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// test_reset_barrier, test_abort_barrier: on a Barrier nobody waits on, Reset
// leaves it usable and Abort breaks it.
func TestBarrierIdleResetKeepsItUsableAndIdleAbortBreaksIt(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		b := asyncio.NewBarrier(1)
		syNoErr(t, "Reset", b.Reset())
		if b.NWaiting() != 0 || b.Broken() {
			t.Errorf("after Reset: NWaiting %d, Broken %t", b.NWaiting(), b.Broken())
		}
		syNoErr(t, "Abort", b.Abort())
		if b.NWaiting() != 0 || !b.Broken() {
			t.Errorf("after Abort: NWaiting %d, Broken %t", b.NWaiting(), b.Broken())
		}
		if _, err := b.Wait(ctx); !errors.Is(err, asyncio.ErrBrokenBarrier) {
			t.Errorf("Wait on aborted barrier = %v, want ErrBrokenBarrier", err)
		}
		return nil
	})
}

// test_reset_barrier_when_tasks_half_draining: a Reset during draining breaks the parties that have not left yet.
func TestBarrierResetWhileDrainingBreaksThePartiesYetToLeave(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		const n = 5
		b := asyncio.NewBarrier(n)
		broken, returned := 0, 0
		err := syGatherN(ctx, n, func(ctx context.Context) error {
			_, err := b.Wait(ctx)
			if errors.Is(err, asyncio.ErrBrokenBarrier) {
				broken++
				return nil
			}
			if err != nil {
				return err
			}
			returned++
			if returned == n-n/2 {
				return b.Reset()
			}
			return nil
		})
		if broken != n/2 || b.NWaiting() != 0 || b.Broken() {
			t.Errorf("broken %d, NWaiting %d, Broken %t", broken, b.NWaiting(), b.Broken())
		}
		return err
	})
}

// test_reset_barrier_when_tasks_half_draining_half_blocking.
func TestBarrierResetWhileHalfDrainingHalfBlockingBreaksOnlyTheDraining(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		const n = 5
		b := asyncio.NewBarrier(n)
		blocking := n / 2
		var r1, r2, count int
		err := syGatherN(ctx, n, func(ctx context.Context) error {
			_, err := b.Wait(ctx)
			if errors.Is(err, asyncio.ErrBrokenBarrier) {
				r1++
				_, err = b.Wait(ctx)
				return err
			}
			if err != nil {
				return err
			}
			count++
			if count > blocking {
				if err := b.Reset(); err != nil {
					return err
				}
				_, err = b.Wait(ctx)
				return err
			}
			_, err = b.Wait(ctx)
			if errors.Is(err, asyncio.ErrBrokenBarrier) {
				r2++
				return nil
			}
			return err
		})
		if r1 != blocking || r2 != 0 || b.NWaiting() != 0 || b.Broken() {
			t.Errorf("r1 %d r2 %d NWaiting %d Broken %t", r1, r2, b.NWaiting(), b.Broken())
		}
		return err
	})
}

// test_reset_barrier_while_tasks_waiting_and_waiting_again: broken parties can fill the barrier again.
func TestBarrierPartiesBrokenByAResetFillItAgain(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		const n = 5
		b := asyncio.NewBarrier(n)
		var r1, r2 int
		var tasks []asyncio.Awaitable[struct{}]
		for range n - 1 {
			tasks = append(tasks, asyncio.Go(ctx, func(ctx context.Context) error {
				_, err := b.Wait(ctx)
				if errors.Is(err, asyncio.ErrBrokenBarrier) {
					r1++
				} else if err != nil {
					return err
				}
				if _, err := b.Wait(ctx); err != nil {
					return err
				}
				r2++
				return nil
			}))
		}
		asyncio.Go(ctx, func(ctx context.Context) error { return b.Reset() })
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		asyncio.Go(ctx, func(ctx context.Context) error {
			if _, err := b.Wait(ctx); err != nil {
				return err
			}
			r2++
			return nil
		})
		if _, err := asyncio.Gather(ctx, tasks...); err != nil {
			return err
		}
		if b.Broken() || r1 != n-1 || r2 != n || b.NWaiting() != 0 {
			t.Errorf("r1 %d r2 %d NWaiting %d Broken %t", r1, r2, b.NWaiting(), b.Broken())
		}
		return nil
	})
}

// test_reset_barrier_while_tasks_draining: a Reset by the last party to leave breaks nobody.
func TestBarrierResetByTheLastPartyToLeaveBreaksNobody(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		const n = 5
		b := asyncio.NewBarrier(n)
		var r1, r2, r3, count int
		err := syGatherN(ctx, n, func(ctx context.Context) error {
			if _, err := b.Wait(ctx); err != nil {
				return err
			}
			count++
			if count == n {
				if err := b.Reset(); err != nil {
					return err
				}
				if _, err := b.Wait(ctx); err != nil {
					return err
				}
			} else {
				if _, err := b.Wait(ctx); err != nil {
					r2++
				} else {
					r1++
				}
			}
			if _, err := b.Wait(ctx); err != nil {
				return err
			}
			r3++
			return nil
		})
		if b.Broken() || r1 != n-1 || r2 != 0 || r3 != n || b.NWaiting() != 0 {
			t.Errorf("r1 %d r2 %d r3 %d NWaiting %d Broken %t", r1, r2, r3, b.NWaiting(), b.Broken())
		}
		return err
	})
}

// test_abort_barrier_when_tasks_half_draining_half_blocking.
func TestBarrierAbortWhileHalfDrainingHalfBlockingBreaksBoth(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		const n = 5
		b := asyncio.NewBarrier(n)
		blocking := n / 2
		var r1, r2, count int
		err := syGatherN(ctx, n, func(ctx context.Context) error {
			_, err := b.Wait(ctx)
			if errors.Is(err, asyncio.ErrBrokenBarrier) {
				r1++
				return nil
			}
			if err != nil {
				return err
			}
			count++
			if count > blocking {
				return b.Abort()
			}
			_, err = b.Wait(ctx)
			if errors.Is(err, asyncio.ErrBrokenBarrier) {
				r2++
				return nil
			}
			return err
		})
		if !b.Broken() || r1 != blocking || r2 != n-blocking-1 || b.NWaiting() != 0 {
			t.Errorf("r1 %d r2 %d NWaiting %d Broken %t", r1, r2, b.NWaiting(), b.Broken())
		}
		return err
	})
}
