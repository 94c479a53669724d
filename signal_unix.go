//go:build unix

package asyncio

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// checkSignal returns an error matching ErrUncatchableSignal for a signal
// no handler can catch, or one the system does not know.
func checkSignal(sig os.Signal) error {
	s, ok := sig.(syscall.Signal)
	if !ok || s == syscall.SIGKILL || s == syscall.SIGSTOP || unix.SignalName(s) == "" {
		return fmt.Errorf("asyncio: signal %v: %w", sig, ErrUncatchableSignal)
	}
	return nil
}

// raiseInterrupt ends the process as an unhandled SIGINT would: the
// default action is restored and the signal sent again, so that the parent
// sees a child killed by SIGINT (a shell prints status 130). Exit with 130
// is the fallback, should the signal not end the process: the runtime's
// handler, on whichever thread takes the signal, kills the process, and
// exiting at once would race with it.
func raiseInterrupt() {
	signal.Reset(os.Interrupt)
	_ = syscall.Kill(os.Getpid(), syscall.SIGINT)
	time.Sleep(time.Second)
	os.Exit(130)
}
