package asyncio_test

// Barrier: the BR cases of the conformance checklist, rounds, draining,
// reset, abort and cancellation.
//
// Not applicable to Go, so not tested as such:
//   - BR-01 (ValueError half): parties < 1 is a programmer error caught at
//     construction, so NewBarrier panics (TestBR01_ArrivalIndicesAndBadParties).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// syGatherN runs n copies of coro as tasks and waits for them all.
func syGatherN(ctx context.Context, n int, coro func(ctx context.Context) error) error {
	tasks := make([]asyncio.Awaitable[struct{}], n)
	for i := range tasks {
		tasks[i] = asyncio.Go(ctx, coro)
	}
	_, err := asyncio.Gather(ctx, tasks...)
	return err
}

func TestBR01_ArrivalIndicesAndBadParties(t *testing.T) {
	for _, parties := range []int{0, -4} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("NewBarrier(%d) did not panic", parties)
				}
			}()
			asyncio.NewBarrier(parties)
		}()
	}
	asynciotest.Run(t, func(ctx context.Context) error {
		b := asyncio.NewBarrier(3)
		var got []int
		err := syGatherN(ctx, 3, func(ctx context.Context) error {
			i, err := b.Wait(ctx)
			got = append(got, i)
			return err
		})
		slices.Sort(got)
		if !slices.Equal(got, []int{0, 1, 2}) || b.Parties() != 3 {
			t.Errorf("indices %v, parties %d; want [0 1 2], 3", got, b.Parties())
		}
		return err
	})
}

func TestBR03_OnePartyPassesAtOnce(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		b := asyncio.NewBarrier(1)
		for range 2 {
			if i, err := b.Wait(ctx); i != 0 || err != nil {
				t.Errorf("Wait = %d, %v; want 0, nil", i, err)
			}
		}
		return nil
	})
}

func TestBarrierFillsTaskByTask(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		b := asyncio.NewBarrier(3)
		var tasks []asyncio.Awaitable[int]
		for n := 1; n <= 2; n++ {
			tasks = append(tasks, asyncio.CreateTask(ctx, b.Wait))
			if err := yieldN(ctx, 1); err != nil {
				return err
			}
			if b.NWaiting() != n {
				t.Errorf("NWaiting = %d, want %d", b.NWaiting(), n)
			}
		}
		tasks = append(tasks, asyncio.CreateTask(ctx, b.Wait))
		got, err := asyncio.Gather(ctx, tasks...)
		if !slices.Equal(got, []int{0, 1, 2}) || b.NWaiting() != 0 || b.Broken() {
			t.Errorf("indices %v, NWaiting %d, Broken %t; want [0 1 2], 0, false", got, b.NWaiting(), b.Broken())
		}
		return err
	})
}

func TestBarrierWaitWhileDrainingJoinsTheNextRound(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		b := asyncio.NewBarrier(2)
		var log []string
		party := func(name string) func(context.Context) error {
			return func(ctx context.Context) error {
				for round := 1; round <= 2; round++ {
					i, err := b.Wait(ctx)
					if err != nil {
						return err
					}
					log = append(log, fmt.Sprintf("%s%d:%d", name, round, i))
				}
				return nil
			}
		}
		a, c := asyncio.Go(ctx, party("A")), asyncio.Go(ctx, party("B"))
		if _, err := asyncio.Gather(ctx, a, c); err != nil {
			return err
		}
		// B, last to arrive, leaves round 1 first and waits again at once,
		// while A has yet to leave: B must wait for round 2 to start filling,
		// so A arrives there first (index 0) and B releases it (index 1).
		if want := []string{"B1:1", "A1:0", "B2:1", "A2:0"}; !slices.Equal(log, want) {
			t.Errorf("log = %v, want %v", log, want)
		}
		return nil
	})
}

func TestBarrierCancelledWaiterLeaves(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		b := asyncio.NewBarrier(3)
		passed := 0
		coro := func(ctx context.Context) error {
			if _, err := b.Wait(ctx); err != nil {
				return err
			}
			passed++
			return nil
		}
		t1 := asyncio.Go(ctx, coro)
		t2 := asyncio.Go(ctx, coro)
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		t1.Cancel()
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if b.NWaiting() != 1 || !t1.Cancelled() {
			t.Errorf("NWaiting %d, t1 %v; want 1, cancelled", b.NWaiting(), t1)
		}
		t3, t4 := asyncio.Go(ctx, coro), asyncio.Go(ctx, coro)
		if _, err := asyncio.Gather(ctx, t2, t3, t4); err != nil {
			return err
		}
		if passed != 3 || b.Broken() || b.NWaiting() != 0 {
			t.Errorf("passed %d, Broken %t, NWaiting %d; want 3, false, 0", passed, b.Broken(), b.NWaiting())
		}
		return nil
	})
}

func TestBR04_ResetBreaksWaitersAndStaysUsable(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		b := asyncio.NewBarrier(5)
		broken := 0
		var tasks []asyncio.Awaitable[struct{}]
		for range 4 {
			tasks = append(tasks, asyncio.Go(ctx, func(ctx context.Context) error {
				if _, err := b.Wait(ctx); errors.Is(err, asyncio.ErrBrokenBarrier) {
					broken++
				} else if err != nil {
					return err
				}
				return nil
			}))
		}
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if err := b.Reset(); err != nil {
			return err
		}
		if _, err := asyncio.Gather(ctx, tasks...); err != nil {
			return err
		}
		if broken != 4 || b.NWaiting() != 0 || b.Broken() {
			t.Errorf("broken waiters %d, NWaiting %d, Broken %t; want 4, 0, false", broken, b.NWaiting(), b.Broken())
		}
		return syGatherN(ctx, 5, func(ctx context.Context) error {
			_, err := b.Wait(ctx)
			return err
		})
	})
}

func TestBR05_AbortWhilePartiesWait(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		b := asyncio.NewBarrier(3)
		w1, w2 := asyncio.CreateTask(ctx, b.Wait), asyncio.CreateTask(ctx, b.Wait)
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if err := b.Abort(); err != nil {
			return err
		}
		for _, w := range []*asyncio.Task[int]{w1, w2} {
			if _, err := w.Await(ctx); !errors.Is(err, asyncio.ErrBrokenBarrier) {
				t.Errorf("waiter got %v, want ErrBrokenBarrier", err)
			}
		}
		if _, err := b.Wait(ctx); !errors.Is(err, asyncio.ErrBrokenBarrier) || !b.Broken() {
			t.Errorf("Wait after Abort = %v (Broken %t), want ErrBrokenBarrier", err, b.Broken())
		}
		return nil
	})
}

func TestBR06_AbortOnErrorBreaksTheNextRound(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		const n = 5
		b := asyncio.NewBarrier(n)
		passed, broken := 0, 0
		err := syGatherN(ctx, n, func(ctx context.Context) error {
			i, err := b.Wait(ctx)
			if err == nil && i == n/2 {
				return b.Abort() // this party failed
			}
			if err == nil {
				_, err = b.Wait(ctx)
			}
			switch {
			case err == nil:
				passed++
			case errors.Is(err, asyncio.ErrBrokenBarrier):
				broken++
			default:
				return err
			}
			return nil
		})
		if passed != 0 || broken != n-1 || !b.Broken() {
			t.Errorf("passed %d, broken %d, Broken %t; want 0, %d, true", passed, broken, b.Broken(), n-1)
		}
		return err
	})
}

func TestBarrierResetMendsAnAbortedBarrier(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		const n = 5
		b1, b2 := asyncio.NewBarrier(n), asyncio.NewBarrier(n)
		passed, broken, again := 0, 0, 0
		err := syGatherN(ctx, n, func(ctx context.Context) error {
			i, err := b1.Wait(ctx)
			switch {
			case err == nil && i == n/2:
				err = b1.Abort()
			case err == nil:
				if _, err = b1.Wait(ctx); err == nil {
					passed++
				}
			}
			if errors.Is(err, asyncio.ErrBrokenBarrier) {
				broken++
			} else if err != nil {
				return err
			}
			// Everyone has left b1 before the reset, and no one enters it
			// before the reset is done.
			if i, err = b2.Wait(ctx); err != nil {
				return err
			}
			if i == n/2 {
				if err := b1.Reset(); err != nil {
					return err
				}
			}
			if _, err := b2.Wait(ctx); err != nil {
				return err
			}
			if _, err := b1.Wait(ctx); err != nil {
				return err
			}
			again++
			return nil
		})
		if passed != 0 || broken != n-1 || again != n || b1.Broken() || b1.NWaiting() != 0 {
			t.Errorf("passed %d, broken %d, passed after reset %d, Broken %t, NWaiting %d; want 0, %d, %d, false, 0",
				passed, broken, again, b1.Broken(), b1.NWaiting(), n-1, n)
		}
		return err
	})
}

func TestBarrierZeroValueWaitIsAnError(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var b asyncio.Barrier
		if _, err := b.Wait(ctx); !errors.Is(err, asyncio.ErrInvalidState) {
			t.Errorf("Wait on a zero Barrier = %v, want ErrInvalidState", err)
		}
		return nil
	})
}

func TestBarrierOutsideCoroutineIsRefused(t *testing.T) {
	b := asyncio.NewBarrier(1)
	if _, err := b.Wait(context.Background()); !errors.Is(err, asyncio.ErrNotInCoroutine) {
		t.Errorf("Wait(Background) = %v, want ErrNotInCoroutine", err)
	}
}

// test_blocking_tasks_while_draining: a party that waits again while its round drains waits for the next round.
func TestBarrierPartyWaitingAgainWhileItsRoundDrainsWaitsForTheNext(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		const n, rewait = 5, 2
		b := asyncio.NewBarrier(n)
		nowaiting := asyncio.NewBarrier(n - rewait)
		left := rewait
		return syGatherN(ctx, n, func(ctx context.Context) error {
			if _, err := b.Wait(ctx); err != nil {
				return err
			}
			if left > 0 {
				left--
				_, err := b.Wait(ctx)
				return err
			}
			if _, err := nowaiting.Wait(ctx); err != nil {
				return err
			}
			_, err := b.Wait(ctx)
			return err
		})
	})
}

// test_filling_tasks_cancel_one: a cancelled party no longer counts as arrived.
func TestBarrierCancelledPartyNoLongerCountsAsArrived(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		b := asyncio.NewBarrier(3)
		t1 := asyncio.CreateTask(ctx, b.Wait)
		syYield(t, ctx, 1)
		t2 := asyncio.CreateTask(ctx, b.Wait)
		syYield(t, ctx, 1)
		if b.NWaiting() != 2 {
			t.Errorf("NWaiting %d", b.NWaiting())
		}
		t1.Cancel()
		syYield(t, ctx, 1)
		if b.NWaiting() != 1 || !t1.Cancelled() {
			t.Errorf("after cancel NWaiting %d, cancelled %t", b.NWaiting(), t1.Cancelled())
		}
		t3 := asyncio.CreateTask(ctx, b.Wait)
		syYield(t, ctx, 1)
		if b.NWaiting() != 2 {
			t.Errorf("NWaiting %d", b.NWaiting())
		}
		t4 := asyncio.CreateTask(ctx, b.Wait)
		_, err := asyncio.Gather(ctx, t2, t3, t4)
		if b.NWaiting() != 0 || b.Broken() {
			t.Errorf("end NWaiting %d", b.NWaiting())
		}
		return err
	})
}

// test_filling_tasks_wait_twice, test_filling_tasks_check_return_value: a
// round that ends lets the same parties pass a second round, each index once.
func TestBarrierSamePartiesPassTwoRoundsEachIndexOnce(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		const n = 5
		b := asyncio.NewBarrier(n)
		var first, second []int
		err := syGatherN(ctx, n, func(ctx context.Context) error {
			i, err := b.Wait(ctx)
			if err != nil {
				return err
			}
			first = append(first, i)
			if i, err = b.Wait(ctx); err != nil {
				return err
			}
			second = append(second, i)
			return nil
		})
		slices.Sort(first)
		slices.Sort(second)
		if !syIsRange(first, n) || !syIsRange(second, n) || b.NWaiting() != 0 || b.Broken() {
			t.Errorf("indices %v then %v, NWaiting %d, Broken %t", first, second, b.NWaiting(), b.Broken())
		}
		return err
	})
}

func TestBarrierStateAndStringFollowTheCycle(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		b := asyncio.NewBarrier(3)
		check := func(when string, state asyncio.BarrierState, str string) {
			t.Helper()
			if b.State() != state || b.String() != str {
				t.Errorf("%s: State %v, String %q; want %v, %q", when, b.State(), b.String(), state, str)
			}
		}
		check("new", asyncio.BarrierFilling, "<Barrier [filling, waiters:0/3]>")
		tasks := make([]asyncio.Awaitable[int], 3)
		for i := range 2 {
			tasks[i] = asyncio.CreateTask(ctx, b.Wait)
		}
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		check("two arrived", asyncio.BarrierFilling, "<Barrier [filling, waiters:2/3]>")
		tasks[2] = asyncio.CreateTask(ctx, b.Wait)
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		check("the last arrived", asyncio.BarrierDraining, "<Barrier [draining, waiters:0/3]>")
		if _, err := asyncio.Gather(ctx, tasks...); err != nil {
			return err
		}
		check("all left", asyncio.BarrierFilling, "<Barrier [filling, waiters:0/3]>")

		waiter := asyncio.CreateTask(ctx, b.Wait)
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		if err := b.Reset(); err != nil {
			return err
		}
		check("reset with a waiter", asyncio.BarrierResetting, "<Barrier [resetting, waiters:0/3]>")
		if _, err := waiter.Await(ctx); !errors.Is(err, asyncio.ErrBrokenBarrier) {
			t.Errorf("waiter through Reset = %v, want ErrBrokenBarrier", err)
		}
		check("reset done", asyncio.BarrierFilling, "<Barrier [filling, waiters:0/3]>")
		if err := b.Abort(); err != nil {
			return err
		}
		check("aborted", asyncio.BarrierBroken, "<Barrier [broken]>")
		return nil
	})
}

func TestBarrierStateStringNamesAsAsyncioDoes(t *testing.T) {
	want := map[asyncio.BarrierState]string{
		asyncio.BarrierFilling: "filling", asyncio.BarrierDraining: "draining",
		asyncio.BarrierResetting: "resetting", asyncio.BarrierBroken: "broken",
	}
	for s, name := range want {
		if s.String() != name {
			t.Errorf("%d.String() = %q, want %q", s, s.String(), name)
		}
	}
}
