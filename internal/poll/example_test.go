//go:build unix

package poll_test

import (
	"fmt"
	"time"

	"github.com/asyncio-go/asyncio/internal/poll"
	"golang.org/x/sys/unix"
)

// This example shows the loop's side: register a socket with a token, wait
// until it is readable, read it to EAGAIN, and wake the loop from another
// goroutine.
func Example() {
	p, err := poll.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()

	fds, _ := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	local, peer := fds[0], fds[1]
	defer unix.Close(peer)
	defer unix.Close(local)
	unix.SetNonblock(local, true)
	p.Register(local, 42)
	defer p.Unregister(local)

	unix.Write(peer, []byte("hello"))
	readable := false
	for !readable {
		p.Wait(time.Second, func(token uint64, ev poll.Events) {
			readable = token == 42 && ev&poll.Readable != 0
		})
	}
	buf := make([]byte, 16)
	n, _ := unix.Read(local, buf)
	_, err = unix.Read(local, buf)
	fmt.Printf("read %q, then %v\n", buf[:n], err == unix.EAGAIN)

	go p.Wake()
	if _, err := p.Wait(-1, func(uint64, poll.Events) {}); err == nil {
		fmt.Println("woken")
	}
	// Output:
	// read "hello", then true
	// woken
}
