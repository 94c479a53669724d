//go:build unix

package asyncio

import (
	"fmt"

	"github.com/asyncio-go/asyncio/internal/sock"
	"golang.org/x/sys/unix"
)

// describeAwait names the socket a low-level socket operation waits for,
// with its peer when it is connected.
func (r *fdReady) describeAwait() string {
	dir := "readable"
	if r.write {
		dir = "writable"
	}
	s := fmt.Sprintf("socket fd=%d %s", r.fd, dir)
	if sa, err := unix.Getpeername(r.fd); err == nil {
		typ, _ := unix.GetsockoptInt(r.fd, unix.SOL_SOCKET, unix.SO_TYPE)
		if a := sock.AddrOf(sa, typ); a != nil && a.String() != "" && a.String() != "@" { // "@": an unnamed unix socket
			s += " peer=" + a.String()
		}
	}
	return s
}
