package main

import (
	"crypto/tls"
	"net"
)

// serveGoroutines is the comparison server of -goroutines: plain Go, one
// goroutine per connection, crypto/tls's own Conn over the net package's
// socket, reading and writing through a 64 KiB buffer as bench/peers/goecho
// does. It serves until stop is closed.
func serveGoroutines(addr string, cfg *tls.Config, stop <-chan struct{}, ready func(string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	go func() {
		<-stop
		_ = ln.Close()
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			select {
			case <-stop:
				return nil
			default:
				continue
			}
		}
		go serveConn(tls.Server(c, cfg))
	}
}

func serveConn(c *tls.Conn) {
	defer c.Close()
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
