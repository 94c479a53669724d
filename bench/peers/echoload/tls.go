//go:build linux

package main

// TLS for the load generator (-tls): each connection's crypto/tls Conn runs
// over an fdConn on the connection's raw socket. The handshake is made
// before the measured loop, with the socket still blocking; then the socket
// is made non-blocking, and the epoll loop drives the Conn: a Read with no
// bytes left gets a temporary error, which crypto/tls does not keep, and a
// Write is queued in the fdConn and flushed when the socket takes it (a
// write error would be fatal to a tls.Conn, so none is ever returned).

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"time"

	"golang.org/x/sys/unix"
)

type fdConn struct {
	fd          int
	nonblocking bool
	out         []byte // ciphertext queued by tls.Conn, not yet written
}

// errAgain is fdConn's Read once the socket has no bytes left.
type errAgain struct{}

func (errAgain) Error() string   { return "EAGAIN" }
func (errAgain) Timeout() bool   { return false }
func (errAgain) Temporary() bool { return true }

func (c *fdConn) Read(b []byte) (int, error) {
	for {
		n, err := unix.Read(c.fd, b)
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN:
			return 0, errAgain{}
		case err != nil:
			return 0, err
		case n == 0:
			return 0, errors.New("server closed a connection")
		}
		return n, nil
	}
}

func (c *fdConn) Write(b []byte) (int, error) {
	if !c.nonblocking {
		for off := 0; off < len(b); {
			n, err := unix.Write(c.fd, b[off:])
			if err == unix.EINTR {
				continue
			}
			if err != nil {
				return off, err
			}
			off += n
		}
		return len(b), nil
	}
	c.out = append(c.out, b...)
	return len(b), nil
}

// flush writes what is queued; it reports whether everything went.
func (c *fdConn) flush() (bool, error) {
	for len(c.out) > 0 {
		n, err := unix.Write(c.fd, c.out)
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN:
			return false, nil
		case err != nil:
			return false, err
		}
		c.out = c.out[:copy(c.out, c.out[n:])]
	}
	return true, nil
}

func (c *fdConn) Close() error                     { return nil }
func (c *fdConn) LocalAddr() net.Addr              { return nil }
func (c *fdConn) RemoteAddr() net.Addr             { return nil }
func (c *fdConn) SetDeadline(time.Time) error      { return nil }
func (c *fdConn) SetReadDeadline(time.Time) error  { return nil }
func (c *fdConn) SetWriteDeadline(time.Time) error { return nil }

// tlsClientConfig trusts any certificate: the servers measured make a
// self-signed one at start-up, and the load generator checks the echoes.
func tlsClientConfig() *tls.Config {
	return &tls.Config{InsecureSkipVerify: true}
}

// handshake makes fd, still blocking, a TLS connection, then non-blocking.
func handshake(fd int) (*tls.Conn, *fdConn, error) {
	fc := &fdConn{fd: fd}
	tc := tls.Client(fc, tlsClientConfig())
	if err := tc.Handshake(); err != nil {
		return nil, nil, err
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		return nil, nil, err
	}
	fc.nonblocking = true
	return tc, fc, nil
}

// primeTLS is prime's exchange over TLS on the blocking socket fd.
func primeTLS(fd int, msg []byte, n int) error {
	tc := tls.Client(&fdConn{fd: fd}, tlsClientConfig())
	got := make([]byte, len(msg))
	for range n {
		if _, err := tc.Write(msg); err != nil {
			return err
		}
		if _, err := io.ReadFull(tc, got); err != nil {
			return err
		}
		if !bytes.Equal(got, msg) {
			return errors.New("echo differs from the message sent")
		}
	}
	return tc.CloseWrite()
}
