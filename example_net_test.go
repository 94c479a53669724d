//go:build linux

package asyncio_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"syscall"

	"github.com/asyncio-go/asyncio"
	"golang.org/x/sys/unix"
)

// These examples are the network examples of asyncio's documentation
// ("Streams" and "Transports and Protocols"), written with asyncio-go. In
// the documentation each client and each server is a program of its own on
// port 8888; here each Example runs the side it shows and, silently, the
// other side on the same loop, on a free port, so that the output is exact.

// This example is asyncio's "TCP echo client using streams": it connects
// with OpenConnection, sends a message, reads the echo and closes the
// connection. A silent echo server stands in for the documentation's.
func ExampleOpenConnection() {
	err := asyncio.Run(func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, silentEcho, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		addr := srv.Sockets()[0].String() // "127.0.0.1:8888" in asyncio's docs

		reader, writer, err := asyncio.OpenConnection(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		message := "Hello World!"
		fmt.Printf("Send: %q\n", message)
		if err := writer.Write([]byte(message)); err != nil {
			return err
		}
		if err := writer.Drain(ctx); err != nil {
			return err
		}
		data, err := reader.Read(ctx, 100)
		if err != nil {
			return err
		}
		fmt.Printf("Received: %q\n", data)

		fmt.Println("Close the connection")
		if err := writer.Close(); err != nil {
			return err
		}
		return writer.WaitClosed(ctx)
	})
	fmt.Println("error:", err)
	// Output:
	// Send: "Hello World!"
	// Received: "Hello World!"
	// Close the connection
	// error: <nil>
}

// This example is asyncio's "TCP echo server using streams": StartServer
// runs handleEcho for each connection, which reads a message, writes it
// back and closes the connection. Where asyncio's program then awaits
// server.serve_forever(), this one connects a silent client and closes the
// server once it is done.
func ExampleStartServer() {
	handleEcho := func(ctx context.Context, reader *asyncio.StreamReader, writer *asyncio.StreamWriter) error {
		data, err := reader.Read(ctx, 100)
		if err != nil {
			return err
		}
		addr := writer.GetExtraInfo("peername").(*net.TCPAddr)
		fmt.Printf("Received %q from %v\n", data, addr.IP) // the port varies from run to run

		fmt.Printf("Send: %q\n", data)
		if err := writer.Write(data); err != nil {
			return err
		}
		if err := writer.Drain(ctx); err != nil {
			return err
		}

		fmt.Println("Close the connection")
		if err := writer.Close(); err != nil {
			return err
		}
		return writer.WaitClosed(ctx)
	}

	err := asyncio.Run(func(ctx context.Context) error {
		server, err := asyncio.StartServer(ctx, handleEcho, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		fmt.Println("Serving on", len(server.Sockets()), "socket")
		if err := silentClient(ctx, server.Sockets()[0].String(), "Hello World!"); err != nil {
			return err
		}
		if err := server.Close(); err != nil {
			return err
		}
		return server.WaitClosed(ctx)
	})
	fmt.Println("error:", err)
	// Output:
	// Serving on 1 socket
	// Received "Hello World!" from 127.0.0.1
	// Send: "Hello World!"
	// Close the connection
	// error: <nil>
}

// EchoServerProtocol is asyncio's "TCP Echo Server" protocol: it echoes
// what it receives and closes the connection.
type EchoServerProtocol struct {
	transport asyncio.Transport
}

func (p *EchoServerProtocol) ConnectionMade(t asyncio.Transport) {
	peername := t.GetExtraInfo("peername").(*net.TCPAddr)
	fmt.Println("Connection from", peername.IP)
	p.transport = t
}

func (p *EchoServerProtocol) DataReceived(data []byte) {
	fmt.Printf("Data received: %q\n", data)
	fmt.Printf("Send: %q\n", data)
	_ = p.transport.Write(data)
	fmt.Println("Close the client socket")
	_ = p.transport.Close()
}

func (p *EchoServerProtocol) EOFReceived() bool        { return false }
func (p *EchoServerProtocol) ConnectionLost(err error) {}
func (p *EchoServerProtocol) PauseWriting()            {}
func (p *EchoServerProtocol) ResumeWriting()           {}

// This example is asyncio's "TCP Echo Server" with a Protocol: CreateServer
// makes an EchoServerProtocol for each connection. A silent client stands in
// for the documentation's.
func ExampleCreateServer() {
	err := asyncio.Run(func(ctx context.Context) error {
		server, err := asyncio.CreateServer(ctx, func() asyncio.Protocol { return &EchoServerProtocol{} }, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		if err := silentClient(ctx, server.Sockets()[0].String(), "Hello World!"); err != nil {
			return err
		}
		if err := server.Close(); err != nil {
			return err
		}
		return server.WaitClosed(ctx)
	})
	fmt.Println("error:", err)
	// Output:
	// Connection from 127.0.0.1
	// Data received: "Hello World!"
	// Send: "Hello World!"
	// Close the client socket
	// error: <nil>
}

// EchoClientProtocol is asyncio's "TCP Echo Client" protocol: it sends a
// message as soon as it is connected, prints what comes back, and resolves
// onConLost when the server closes the connection.
type EchoClientProtocol struct {
	message   string
	onConLost *asyncio.Future[bool]
}

func (p *EchoClientProtocol) ConnectionMade(t asyncio.Transport) {
	_ = t.Write([]byte(p.message))
	fmt.Printf("Data sent: %q\n", p.message)
}

func (p *EchoClientProtocol) DataReceived(data []byte) {
	fmt.Printf("Data received: %q\n", data)
}

func (p *EchoClientProtocol) EOFReceived() bool { return false }

func (p *EchoClientProtocol) ConnectionLost(err error) {
	fmt.Println("The server closed the connection")
	_ = p.onConLost.SetResult(true)
}

func (p *EchoClientProtocol) PauseWriting()  {}
func (p *EchoClientProtocol) ResumeWriting() {}

// This example is asyncio's "TCP Echo Client" with a Protocol:
// CreateConnection starts an EchoClientProtocol, and the main task waits
// on a future that the protocol resolves when the connection is lost. A
// silent echo server, which closes after one echo as the documentation's
// EchoServerProtocol does, stands in for it.
func ExampleCreateConnection() {
	err := asyncio.Run(func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, silentEchoOnce, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()

		loop, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		onConLost := asyncio.NewFuture[bool](loop)
		transport, _, err := asyncio.CreateConnection(ctx, func() asyncio.Protocol {
			return &EchoClientProtocol{message: "Hello World!", onConLost: onConLost}
		}, "tcp", srv.Sockets()[0].String())
		if err != nil {
			return err
		}
		// Wait until the protocol signals that the connection is lost,
		// and close the transport.
		defer transport.Close()
		_, err = onConLost.Await(ctx)
		return err
	})
	fmt.Println("error:", err)
	// Output:
	// Data sent: "Hello World!"
	// Data received: "Hello World!"
	// The server closed the connection
	// error: <nil>
}

// This example is asyncio's "Register an open socket to wait for data using
// streams": OpenConnection with WithSocket adopts one end of a socket pair,
// the other end sends "abc" from a callback, and the reader receives it.
func ExampleOpenConnection_socket() {
	err := asyncio.Run(func(ctx context.Context) error {
		loop, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		// Create a pair of connected sockets.
		rsock, wsock, err := socketpair()
		if err != nil {
			return err
		}
		defer wsock.Close()
		defer rsock.Close() // the loop works on a duplicate of rsock's fd

		// Register the open socket to wait for data.
		reader, writer, err := asyncio.OpenConnection(ctx, "unix", "", asyncio.WithSocket(rsock))
		if err != nil {
			return err
		}
		// Simulate the reception of data from the network.
		if _, err := loop.CallSoon(func() {
			_, _ = wsock.Write([]byte("abc")) //asynciovet:ignore three bytes into an empty socket buffer never wait
		}); err != nil {
			return err
		}
		// Wait for data.
		data, err := reader.Read(ctx, 100)
		if err != nil {
			return err
		}
		// Got data, we are done: close the socket.
		fmt.Println("Received:", string(data))
		if err := writer.Close(); err != nil {
			return err
		}
		return writer.WaitClosed(ctx)
	})
	fmt.Println("error:", err)
	// Output:
	// Received: abc
	// error: <nil>
}

// This example is asyncio's "Watch a file descriptor for read events":
// AddReader calls a function when one end of a socket pair is readable; the
// function reads the data, stops watching and stops the loop.
func ExampleEventLoop_AddReader() {
	// Create a pair of connected file descriptors; the loop needs the one
	// it watches in non-blocking mode.
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	rsock, wsock := fds[0], fds[1]
	defer unix.Close(rsock)
	defer unix.Close(wsock)

	loop := asyncio.NewEventLoop()
	defer loop.Close()

	reader := func() {
		buf := make([]byte, 100)
		n, err := unix.Read(rsock, buf)
		if err != nil {
			fmt.Println("read:", err)
		}
		fmt.Println("Received:", string(buf[:n]))
		// We are done: unregister the file descriptor.
		loop.RemoveReader(rsock)
		// Stop the event loop.
		loop.Stop()
	}
	// Register the file descriptor for read events.
	if err := loop.AddReader(rsock, reader); err != nil {
		fmt.Println(err)
		return
	}
	// Simulate the reception of data from the network.
	_, _ = loop.CallSoon(func() { _, _ = unix.Write(wsock, []byte("abc")) })
	// Run the event loop.
	err = loop.RunForever()
	fmt.Println("error:", err)
	// Output:
	// Received: abc
	// error: <nil>
}

// MyProtocol is the protocol of asyncio's "Register an open socket to wait
// for data using a protocol": it prints what it receives and closes the
// transport; ConnectionLost resolves onConLost.
type MyProtocol struct {
	transport asyncio.Transport
	onConLost *asyncio.Future[bool]
}

func (p *MyProtocol) ConnectionMade(t asyncio.Transport) { p.transport = t }

func (p *MyProtocol) DataReceived(data []byte) {
	fmt.Println("Received:", string(data))
	// We are done: close the transport; ConnectionLost will be called
	// automatically.
	_ = p.transport.Close()
}

func (p *MyProtocol) EOFReceived() bool { return false }

func (p *MyProtocol) ConnectionLost(err error) {
	// The socket has been closed.
	_ = p.onConLost.SetResult(true)
}

func (p *MyProtocol) PauseWriting()  {}
func (p *MyProtocol) ResumeWriting() {}

// This example is asyncio's "Register an open socket to wait for data using
// a protocol": CreateConnection with WithSocket starts MyProtocol on one end
// of a socket pair, and the other end sends "abc" from a callback.
func ExampleCreateConnection_socket() {
	err := asyncio.Run(func(ctx context.Context) error {
		loop, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		// Create a pair of connected sockets.
		rsock, wsock, err := socketpair()
		if err != nil {
			return err
		}
		defer wsock.Close()
		defer rsock.Close()

		// Register the socket to wait for data.
		onConLost := asyncio.NewFuture[bool](loop)
		transport, _, err := asyncio.CreateConnection(ctx, func() asyncio.Protocol {
			return &MyProtocol{onConLost: onConLost}
		}, "unix", "", asyncio.WithSocket(rsock))
		if err != nil {
			return err
		}
		defer transport.Close()

		// Simulate the reception of data from the network.
		if _, err := loop.CallSoon(func() {
			_, _ = wsock.Write([]byte("abc")) //asynciovet:ignore three bytes into an empty socket buffer never wait
		}); err != nil {
			return err
		}
		// Wait for the protocol to signal that the connection is lost.
		_, err = onConLost.Await(ctx)
		return err
	})
	fmt.Println("error:", err)
	// Output:
	// Received: abc
	// error: <nil>
}

// socketpair returns two connected Unix sockets: Python's
// socket.socketpair().
func socketpair() (*net.UnixConn, *net.UnixConn, error) {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		return nil, nil, err
	}
	var conns [2]*net.UnixConn
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "socketpair")
		c, err := net.FileConn(f) // a duplicate of fd
		_ = f.Close()
		if err != nil {
			if i == 1 {
				_ = conns[0].Close()
			}
			return nil, nil, err
		}
		conns[i] = c.(*net.UnixConn)
	}
	return conns[0], conns[1], nil
}

// silentEcho echoes each connection until EOF, printing nothing.
func silentEcho(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
	for {
		data, err := r.Read(ctx, 65536)
		if err != nil || len(data) == 0 {
			return err
		}
		if err := w.Write(data); err != nil {
			return err
		}
		if err := w.Drain(ctx); err != nil {
			return err
		}
	}
}

// silentEchoOnce echoes one read and closes the connection, as asyncio's
// EchoServerProtocol does, printing nothing.
func silentEchoOnce(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
	data, err := r.Read(ctx, 100)
	if err != nil {
		return err
	}
	if err := w.Write(data); err != nil {
		return err
	}
	return w.Drain(ctx)
}

// silentClient sends message to addr, reads the whole echo until the server
// closes, and closes its side, printing nothing.
func silentClient(ctx context.Context, addr, message string) error {
	r, w, err := asyncio.OpenConnection(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	if err := w.Write([]byte(message)); err != nil {
		return err
	}
	if _, err := r.Read(ctx, -1); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return w.WaitClosed(ctx)
}
