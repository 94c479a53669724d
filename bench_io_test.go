//go:build linux

package asyncio_test

import (
	"context"
	"testing"

	"github.com/asyncio-go/asyncio"
	"golang.org/x/sys/unix"
)

// BenchmarkOutsideRoundTripWithIO is the measurement that decided how the
// loop waits for epoll: a task hands a trivial job to a goroutine and awaits
// its answer while the loop has an fd registered, so that it sleeps in the
// I/O poller. Run it with -cpu 1: a loop blocked in a plain epoll_wait
// would hold the only P and cost ~150 µs per round trip (the sysmon trap).
func BenchmarkOutsideRoundTripWithIO(b *testing.B) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	err = asyncio.Run(func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		if err := loop.AddReader(fds[0], func() {}); err != nil {
			return err
		}
		defer loop.RemoveReader(fds[0])
		b.ResetTimer()
		for range b.N {
			if _, err := asyncio.ToThread(ctx, func(context.Context) (int, error) { return 1, nil }); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
