//go:build unix

package asyncio_test

import (
	"context"
	"fmt"
	"net"

	"github.com/asyncio-go/asyncio"
)

// These examples are the UDP examples of asyncio's documentation
// ("Transports and Protocols": UDP Echo Server, UDP Echo Client), written
// with asyncio-go. In the documentation client and server are programs of
// their own on port 9999; here each Example runs the side it shows and,
// silently, the other side on the same loop, on a free port, so that the
// output is exact.

// EchoServerDatagramProtocol is asyncio's "UDP Echo Server" protocol: it
// sends every datagram back to where it came from.
type EchoServerDatagramProtocol struct {
	asyncio.BaseDatagramProtocol
	transport asyncio.DatagramTransport
}

func (p *EchoServerDatagramProtocol) ConnectionMade(t asyncio.DatagramTransport) {
	p.transport = t
}

func (p *EchoServerDatagramProtocol) DatagramReceived(data []byte, addr net.Addr) {
	ip := addr.(*net.UDPAddr).IP // the docs print the port too; it varies here
	fmt.Printf("Received %q from %v\n", data, ip)
	fmt.Printf("Send %q to %v\n", data, ip)
	_ = p.transport.SendTo(data, addr)
}

// This example is asyncio's "UDP Echo Server": CreateDatagramEndpoint binds
// an EchoServerDatagramProtocol to a local address. A silent client stands
// in for the documentation's.
func ExampleCreateDatagramEndpoint_echoServer() {
	err := asyncio.Run(func(ctx context.Context) error {
		fmt.Println("Starting UDP server")
		transport, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol {
			return &EchoServerDatagramProtocol{}
		}, "udp", "127.0.0.1:0", "") // local_addr=('127.0.0.1', 9999) in asyncio's docs
		if err != nil {
			return err
		}
		defer transport.Close()
		// The docs serve for an hour; one silent client is enough here.
		return silentDatagramClient(ctx, transport.GetExtraInfo("sockname").(net.Addr).String(), "Hello World!")
	})
	fmt.Println("error:", err)
	// Output:
	// Starting UDP server
	// Received "Hello World!" from 127.0.0.1
	// Send "Hello World!" to 127.0.0.1
	// error: <nil>
}

// silentDatagramClient sends message to addr and waits for its echo.
func silentDatagramClient(ctx context.Context, addr, message string) error {
	e, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "", addr)
	if err != nil {
		return err
	}
	defer e.Close()
	if err := e.SendTo(ctx, []byte(message), nil); err != nil {
		return err
	}
	_, _, err = e.RecvFrom(ctx)
	return err
}

// EchoClientDatagramProtocol is asyncio's "UDP Echo Client" protocol: it
// sends a message as soon as it is ready, prints the answer, closes, and
// resolves onConLost when its transport is closed.
type EchoClientDatagramProtocol struct {
	message   string
	onConLost *asyncio.Future[bool]
	transport asyncio.DatagramTransport
}

func (p *EchoClientDatagramProtocol) ConnectionMade(t asyncio.DatagramTransport) {
	p.transport = t
	fmt.Println("Send:", p.message)
	_ = p.transport.SendTo([]byte(p.message), nil)
}

func (p *EchoClientDatagramProtocol) DatagramReceived(data []byte, addr net.Addr) {
	fmt.Println("Received:", string(data))
	fmt.Println("Close the socket")
	_ = p.transport.Close()
}

func (p *EchoClientDatagramProtocol) ErrorReceived(err error) {
	fmt.Println("Error received:", err)
}

func (p *EchoClientDatagramProtocol) ConnectionLost(err error) {
	fmt.Println("Connection closed")
	_ = p.onConLost.SetResult(true)
}

func (p *EchoClientDatagramProtocol) PauseWriting()  {}
func (p *EchoClientDatagramProtocol) ResumeWriting() {}

// This example is asyncio's "UDP Echo Client": CreateDatagramEndpoint
// connects an EchoClientDatagramProtocol to the server's address, and the
// main task waits on a future that the protocol resolves when its transport
// is closed. A silent echo server stands in for the documentation's.
func ExampleCreateDatagramEndpoint_echoClient() {
	err := asyncio.Run(func(ctx context.Context) error {
		srv, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "127.0.0.1:0", "")
		if err != nil {
			return err
		}
		defer srv.Close()
		asyncio.Go(ctx, func(ctx context.Context) error { // the silent server: one echo
			data, addr, err := srv.RecvFrom(ctx)
			if err != nil {
				return err
			}
			return srv.SendTo(ctx, data, addr)
		})

		loop, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		onConLost := asyncio.NewFuture[bool](loop)
		transport, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol {
			return &EchoClientDatagramProtocol{message: "Hello World!", onConLost: onConLost}
		}, "udp", "", srv.LocalAddr().String()) // remote_addr=('127.0.0.1', 9999)
		if err != nil {
			return err
		}
		defer transport.Close()
		_, err = onConLost.Await(ctx)
		return err
	})
	fmt.Println("error:", err)
	// Output:
	// Send: Hello World!
	// Received: Hello World!
	// Close the socket
	// Connection closed
	// error: <nil>
}

// This example is the UDP echo client and server again in the coroutine
// form, with no protocol: OpenDatagramEndpoint gives each side a
// DatagramEndpoint, whose RecvFrom and SendTo suspend the calling task.
func ExampleOpenDatagramEndpoint() {
	err := asyncio.Run(func(ctx context.Context) error {
		server, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "127.0.0.1:0", "")
		if err != nil {
			return err
		}
		defer server.Close()
		asyncio.Go(ctx, func(ctx context.Context) error {
			for {
				data, addr, err := server.RecvFrom(ctx)
				if err != nil {
					return err
				}
				fmt.Printf("server: %q from %v\n", data, addr.(*net.UDPAddr).IP)
				if err := server.SendTo(ctx, data, addr); err != nil {
					return err
				}
			}
		})

		client, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "", server.LocalAddr().String())
		if err != nil {
			return err
		}
		defer client.Close()
		for _, message := range []string{"Hello", "World!"} {
			fmt.Println("client: send", message)
			if err := client.SendTo(ctx, []byte(message), nil); err != nil {
				return err
			}
			data, _, err := client.RecvFrom(ctx)
			if err != nil {
				return err
			}
			fmt.Println("client: received", string(data))
		}
		return nil
	})
	fmt.Println("error:", err)
	// Output:
	// client: send Hello
	// server: "Hello" from 127.0.0.1
	// client: received Hello
	// client: send World!
	// server: "World!" from 127.0.0.1
	// client: received World!
	// error: <nil>
}
