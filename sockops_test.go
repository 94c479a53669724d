//go:build linux

package asyncio_test

import (
	"context"
	"errors"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
	"golang.org/x/sys/unix"
)

// socketPair returns two connected non-blocking stream sockets, closed when
// the test ends.
func socketPair(t *testing.T) (int, int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		unix.Close(fds[0])
		unix.Close(fds[1])
	})
	return fds[0], fds[1]
}

func TestSockRecvWaitsForDataWithoutBlockingTheLoop(t *testing.T) {
	a, b := socketPair(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		sender := asyncio.Go(ctx, func(ctx context.Context) error {
			if err := asyncio.Sleep(ctx, 10*time.Millisecond); err != nil {
				return err
			}
			return asyncio.SockSendall(ctx, b, []byte("hello"))
		})
		got, err := asyncio.SockRecv(ctx, a, 100)
		if err != nil || string(got) != "hello" {
			t.Errorf("SockRecv = %q, %v; want hello", got, err)
		}
		_, err = sender.Await(ctx)
		return err
	})
}

func TestACancelledSockRecvConsumesNothing(t *testing.T) {
	a, b := socketPair(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		recv := asyncio.CreateTask(ctx, func(ctx context.Context) ([]byte, error) {
			return asyncio.SockRecv(ctx, a, 100)
		})
		if err := yieldN(ctx, 2); err != nil {
			return err
		}
		recv.Cancel()
		if _, err := recv.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("cancelled SockRecv = %v", err)
		}
		if err := asyncio.SockSendall(ctx, b, []byte("kept")); err != nil {
			return err
		}
		got, err := asyncio.SockRecv(ctx, a, 100)
		if err != nil || string(got) != "kept" {
			t.Errorf("next SockRecv = %q, %v; want kept", got, err)
		}
		return nil
	})
}

func TestAddReaderCallsBackWhileReadable(t *testing.T) {
	a, b := socketPair(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		done := asyncio.NewFuture[string](loop)
		var got []byte
		err := loop.AddReader(a, func() {
			buf := make([]byte, 2) // small reads: the callback must run again while data is left
			n, err := unix.Read(a, buf)
			if err != nil {
				done.SetException(err)
				return
			}
			got = append(got, buf[:n]...)
			if len(got) == 6 {
				loop.RemoveReader(a)
				done.SetResult(string(got))
			}
		})
		if err != nil {
			return err
		}
		if _, err := unix.Write(b, []byte("abcdef")); err != nil {
			return err
		}
		v, err := done.Await(ctx)
		if v != "abcdef" || err != nil {
			t.Errorf("reader got %q, %v", v, err)
		}
		if loop.RemoveReader(a) {
			t.Error("RemoveReader of a removed reader reported true")
		}
		return nil
	})
}

func TestSockOpsRefuseABlockingSocket(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	asynciotest.Run(t, func(ctx context.Context) error {
		if _, err := asyncio.SockRecv(ctx, fds[0], 1); err == nil {
			t.Error("SockRecv on a blocking socket succeeded")
		}
		return nil
	})
}

func TestSockConnectToAClosedPortIsRefused(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		l, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0) // bound, never listening: connects are refused
		if err != nil {
			return err
		}
		defer unix.Close(l)
		if err := unix.Bind(l, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
			return err
		}
		sa, _ := unix.Getsockname(l)
		port := sa.(*unix.SockaddrInet4).Port
		err = asyncio.SockConnect(ctx, fd, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("SockConnect = %v, want ECONNREFUSED", err)
		}
		return nil
	})
}
