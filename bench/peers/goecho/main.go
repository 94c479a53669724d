// Command goecho is the plain-Go echo server of the echo workload: one
// goroutine per connection, reading and writing through a 64 KiB buffer.
// bench/run runs it with GOMAXPROCS=1, pinned to one CPU.
//
// Usage: goecho -addr 127.0.0.1:PORT
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9000", "listen `address`")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "goecho:", err)
		os.Exit(1)
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			continue
		}
		go serve(c.(*net.TCPConn))
	}
}

// serve copies with Read and Write rather than io.Copy, which would splice
// between the two sockets in the kernel and skip the work every other server
// here does.
func serve(c *net.TCPConn) {
	defer c.Close()
	if err := c.SetNoDelay(true); err != nil {
		return
	}
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
