package asyncio_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/asyncio-go/asyncio"
)

// The subprocess tests run the test binary itself as their child, which is
// portable and deterministic where shell one-liners are not: TestMain sees
// childEnv and runs the child named there instead of the tests.
const childEnv = "ASYNCIO_TEST_CHILD"

// child returns the program, arguments and environment option that start
// the test binary as the child called name.
func child(name string, args ...string) (string, []string, asyncio.ProcessOption) {
	return os.Args[0], args, asyncio.WithEnv(append(os.Environ(), childEnv+"="+name, "GORACE=atexit_sleep_ms=0"))
}

// pattern fills b with the deterministic bytes a child writes from offset
// off on, so that every byte received can be checked: segments of a prime
// length, each a fixed table stamped with its index in its first 8 bytes,
// so that no segment lost, repeated or reordered goes unseen. It copies
// rather than computes each byte, which keeps it fast under -race.
func pattern(b []byte, off int) {
	for len(b) > 0 {
		k, r := off/patternPeriod, off%patternPeriod
		n := copy(b, patternTable[r:])
		for j := r; j < 8 && j-r < n; j++ {
			b[j-r] = byte(k >> (8 * j))
		}
		b, off = b[n:], off+n
	}
}

const patternPeriod = 65521

var patternTable = func() []byte {
	t := make([]byte, patternPeriod)
	for i := range t {
		t[i] = byte((uint32(i) * 2654435761) >> 13)
	}
	return t
}()

// patternSum returns the SHA-256 of the first n bytes of the pattern.
func patternSum(n int) [32]byte {
	h := sha256.New()
	buf := make([]byte, 64<<10)
	for off := 0; off < n; off += len(buf) {
		b := buf[:min(len(buf), n-off)]
		pattern(b, off)
		h.Write(b)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// runChild runs the child called name and returns its exit status.
func runChild(name string, args []string) int {
	switch name {
	case "echo": // copy stdin to stdout, and write args[0] pattern bytes to stderr meanwhile
		n, _ := strconv.Atoi(args[0])
		var wg sync.WaitGroup
		wg.Go(func() {
			buf := make([]byte, 64<<10)
			for off := 0; off < n; off += len(buf) {
				b := buf[:min(len(buf), n-off)]
				pattern(b, off)
				if _, err := os.Stderr.Write(b); err != nil {
					os.Exit(3)
				}
			}
		})
		if _, err := io.Copy(os.Stdout, os.Stdin); err != nil {
			return 4
		}
		wg.Wait()
		return 0
	case "exit": // exit with status args[0]
		code, _ := strconv.Atoi(args[0])
		return code
	case "sleep": // sleep for a minute, or until killed
		time.Sleep(time.Minute)
		return 0
	case "print": // print args, one a line
		for _, a := range args {
			fmt.Println(a)
		}
		return 0
	case "sigint": // Run a main that unwinds slowly once interrupted; args[0] "twice": it never ends
		err := asyncio.Run(func(ctx context.Context) error {
			fmt.Println("ready")
			err := asyncio.Sleep(ctx, time.Minute)
			fmt.Println("unwinding")
			if len(args) > 0 && args[0] == "twice" {
				//asynciovet:ignore the child ignores its cancellation on purpose: it waits for the second SIGINT to end the process
				_ = asyncio.Sleep(ctx, time.Minute)
			}
			return err
		})
		fmt.Println("interrupted:", errors.Is(err, asyncio.ErrInterrupted))
		return 130
	}
	fmt.Fprintln(os.Stderr, "unknown child", name)
	return 2
}
