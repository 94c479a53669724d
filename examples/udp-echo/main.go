// Command udp-echo is a UDP echo server and client written with asyncio-go's
// datagram API, the way asyncio's documentation writes them ("UDP Echo
// Server" and "UDP Echo Client" in Transports and Protocols) with
// loop.create_datagram_endpoint.
//
//	go run ./examples/udp-echo -addr 127.0.0.1:9999                    # serve until interrupted
//	go run ./examples/udp-echo -client -addr 127.0.0.1:9999            # the docs' client: one message
//	go run ./examples/udp-echo -client -flows 32 -addr 127.0.0.1:9999  # load: 32 flows echo 1 KiB datagrams for 2 s
//
// The server is the docs' EchoServerProtocol: a DatagramProtocol that sends
// every datagram back to its sender, printing each one unless -quiet. It
// runs until SIGINT or SIGTERM.
//
// The client, without -flows, is the docs' EchoClientProtocol: it sends
// -message once connected, prints the answer and closes. With -flows N it
// runs N tasks, each with a connected DatagramEndpoint of its own (the
// coroutine form: no protocol), each sending a -size datagram, awaiting its
// echo with RecvFrom and checking it, until -duration has passed; a datagram
// not answered within -timeout counts as lost (UDP may drop, even on
// loopback under load) and the flow goes on. It prints requests/s, MB/s and
// the datagrams lost.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/asyncio-go/asyncio"
)

var (
	addr     = flag.String("addr", "127.0.0.1:9999", "`host:port` to listen on, or to send to with -client")
	client   = flag.Bool("client", false, "run the client instead of the server")
	quiet    = flag.Bool("quiet", false, "server: do not print each datagram")
	message  = flag.String("message", "Hello World!", "client: the message to send")
	flows    = flag.Int("flows", 0, "client: concurrent request flows for a load run (0: send -message once)")
	size     = flag.Int("size", 1024, "client with -flows: datagram size in bytes")
	duration = flag.Duration("duration", 2*time.Second, "client with -flows: how long to send requests")
	timeout  = flag.Duration("timeout", time.Second, "client with -flows: how long to wait for an echo before counting it lost")
)

func main() {
	flag.Parse()
	var err error
	switch {
	case *client && *flows > 0:
		if *size < 1 || *size > 65507 {
			fail(errors.New("-size must be between 1 and 65507"))
		}
		var st stats
		st, err = asyncio.RunValue(func(ctx context.Context) (stats, error) {
			return runLoad(ctx, loadConfig{addr: *addr, flows: *flows, size: *size, duration: *duration, timeout: *timeout})
		})
		if err == nil {
			fmt.Println(st)
		}
	case *client:
		err = asyncio.Run(func(ctx context.Context) error { return runClient(ctx, *addr, *message) })
	default:
		stop := make(chan struct{})
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		go func() {
			<-sig
			close(stop)
		}()
		err = asyncio.Run(func(ctx context.Context) error { return serve(ctx, *addr, !*quiet, stop, nil) })
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "udp-echo:", err)
	os.Exit(1)
}

// EchoServerProtocol is asyncio's: it sends every datagram back.
type EchoServerProtocol struct {
	asyncio.BaseDatagramProtocol
	transport asyncio.DatagramTransport
	verbose   bool
}

func (p *EchoServerProtocol) ConnectionMade(t asyncio.DatagramTransport) { p.transport = t }

func (p *EchoServerProtocol) DatagramReceived(data []byte, addr net.Addr) {
	if p.verbose {
		fmt.Printf("Received %q from %v\n", data, addr)
		fmt.Printf("Send %q to %v\n", data, addr)
	}
	_ = p.transport.SendTo(data, addr)
}

// ErrorReceived reports a failed send or receive; the server goes on.
func (p *EchoServerProtocol) ErrorReceived(err error) {
	if p.verbose {
		fmt.Println("Error received:", err)
	}
}

// serve runs the echo server on addr until stop is closed. ready, if not
// nil, is called with the address it is bound to.
func serve(ctx context.Context, addr string, verbose bool, stop <-chan struct{}, ready func(string)) error {
	if verbose {
		fmt.Println("Starting UDP server")
	}
	transport, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol {
		return &EchoServerProtocol{verbose: verbose}
	}, "udp", addr, "")
	if err != nil {
		return err
	}
	defer transport.Close()
	if ready != nil {
		ready(transport.GetExtraInfo("sockname").(net.Addr).String())
	}
	// Where the docs sleep for an hour, this waits for a signal.
	_, _, err = asyncio.Recv(ctx, stop)
	return err
}

// EchoClientProtocol is asyncio's: it sends its message once connected,
// prints the answer, and closes; onConLost is resolved when it is closed.
type EchoClientProtocol struct {
	message   string
	onConLost *asyncio.Future[bool]
	transport asyncio.DatagramTransport
}

func (p *EchoClientProtocol) ConnectionMade(t asyncio.DatagramTransport) {
	p.transport = t
	fmt.Println("Send:", p.message)
	_ = p.transport.SendTo([]byte(p.message), nil)
}

func (p *EchoClientProtocol) DatagramReceived(data []byte, addr net.Addr) {
	fmt.Println("Received:", string(data))
	fmt.Println("Close the socket")
	_ = p.transport.Close()
}

func (p *EchoClientProtocol) ErrorReceived(err error) {
	fmt.Println("Error received:", err)
}

func (p *EchoClientProtocol) ConnectionLost(err error) {
	fmt.Println("Connection closed")
	_ = p.onConLost.SetResult(true)
}

func (p *EchoClientProtocol) PauseWriting()  {}
func (p *EchoClientProtocol) ResumeWriting() {}

// runClient is the docs' client: one message, one answer. A server that is
// not there answers with an ICMP port unreachable, which ErrorReceived
// prints; the client then waits for an answer that will not come, as the
// docs' does, so the wait is bounded here.
func runClient(ctx context.Context, addr, message string) error {
	loop, err := asyncio.GetRunningLoop(ctx)
	if err != nil {
		return err
	}
	onConLost := asyncio.NewFuture[bool](loop)
	transport, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol {
		return &EchoClientProtocol{message: message, onConLost: onConLost}
	}, "udp", "", addr)
	if err != nil {
		return err
	}
	defer transport.Close()
	return asyncio.Timeout(ctx, 5*time.Second, func(ctx context.Context) error {
		_, err := onConLost.Await(ctx)
		return err
	})
}

type loadConfig struct {
	addr     string
	flows    int
	size     int
	duration time.Duration
	timeout  time.Duration
}

// stats is what the load client measured.
type stats struct {
	requests, lost, bytes int
	elapsed               time.Duration
}

func (s stats) String() string {
	secs := max(s.elapsed.Seconds(), 1e-9)
	return fmt.Sprintf("%d requests in %.2fs: %.0f requests/s, %.1f MB/s, %d lost",
		s.requests, secs, float64(s.requests)/secs, float64(s.bytes)/secs/1e6, s.lost)
}

// runLoad runs cfg.flows flows until cfg.duration has passed.
func runLoad(ctx context.Context, cfg loadConfig) (stats, error) {
	loop, err := asyncio.GetRunningLoop(ctx)
	if err != nil {
		return stats{}, err
	}
	start := loop.Time()
	deadline := start + cfg.duration
	var st stats
	err = asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
		for i := range cfg.flows {
			tg.Go(func(ctx context.Context) error {
				return flow(ctx, cfg, uint64(i), func() bool { return loop.Time() < deadline }, &st)
			})
		}
		return nil
	})
	st.elapsed = loop.Time() - start
	return st, err
}

// flow is one load flow: a connected endpoint sending a datagram and
// awaiting its echo, while more() allows. Each datagram starts with its
// sequence number, so that a late echo of one counted lost is told apart
// from the echo awaited.
func flow(ctx context.Context, cfg loadConfig, seed uint64, more func() bool, st *stats) error {
	e, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "", cfg.addr)
	if err != nil {
		return err
	}
	defer e.Close()
	msg := make([]byte, max(cfg.size, 8))[:cfg.size]
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := range msg {
		msg[i] = byte(rng.Uint32())
	}
	for seq := uint64(0); more(); seq++ {
		if len(msg) >= 8 {
			putSeq(msg, seq)
		}
		if err := e.SendTo(ctx, msg, nil); err != nil {
			return err
		}
		err := asyncio.Timeout(ctx, cfg.timeout, func(ctx context.Context) error {
			for {
				got, _, err := e.RecvFrom(ctx)
				if err != nil {
					return err
				}
				if bytes.Equal(got, msg) {
					return nil
				}
				if len(got) != len(msg) || len(msg) < 8 || getSeq(got) >= seq {
					return errors.New("the echo differs from the datagram sent")
				}
				// A late echo of a datagram counted lost: skip it.
			}
		})
		switch {
		case errors.Is(err, asyncio.ErrTimeout):
			st.lost++
		case err != nil:
			return err
		default:
			st.requests++
			st.bytes += len(msg)
		}
	}
	return nil
}

func putSeq(b []byte, seq uint64) {
	for i := range 8 {
		b[i] = byte(seq >> (8 * i))
	}
}

func getSeq(b []byte) uint64 {
	var seq uint64
	for i := range 8 {
		seq |= uint64(b[i]) << (8 * i)
	}
	return seq
}
