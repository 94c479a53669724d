// Command chat is a line-based chat server on one asyncio-go event loop:
// each line a client sends is broadcast to every other client, prefixed
// with the sender's address.
//
//	go run ./examples/chat                        # listen on 127.0.0.1:8889
//	go run ./examples/chat -addr :9000            # on every interface
//	nc 127.0.0.1 8889                             # then type; run several
//
// Each connection has a handler task (StartServer) that reads lines with
// ReadLine and hands each to broadcast, which writes it to every other
// client with StreamWriter.Write. Write never waits: what the socket cannot
// take at once stays in the client's transport buffer. So one sender never
// waits for its slowest reader, and the server has to decide what a reader
// that does not keep up may cost it.
//
// # Slow clients
//
// A client that reads more slowly than the room talks is disconnected, by
// either of two rules:
//
//   - Its transport's write buffer holds more than -maxbuf bytes (1 MiB by
//     default) after a line is queued for it: the memory a client can pin in
//     the server is bounded.
//   - Its write buffer went over the transport's high watermark (64 KiB) and
//     Drain did not bring it back to the low watermark within -drain (5 s):
//     a client that stalls for good is dropped even while the room is quiet.
//
// A dropped client is aborted (its unsent lines are discarded: it is not
// reading them anyway), and the others are told "* ADDR was disconnected:
// REASON". A line longer than the reader's limit (64 KiB) ends that client's
// connection too, after telling it why. On SIGINT or SIGTERM the server
// closes, says goodbye to every client and lets the buffers flush.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/asyncio-go/asyncio"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8889", "`host:port` to listen on")
	maxBuf := flag.Int("maxbuf", 1<<20, "disconnect a client whose write buffer holds more than this many bytes")
	drain := flag.Duration("drain", 5*time.Second, "disconnect a client whose write buffer does not drain within this time")
	flag.Parse()
	stop := make(chan struct{})
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		close(stop)
	}()
	err := asyncio.Run(func(ctx context.Context) error {
		room := newRoom(*maxBuf, *drain, os.Stderr)
		srv, err := room.listen(ctx, *addr)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "chat: listening on %v\n", srv.Sockets()[0])
		if _, _, err := asyncio.Recv(ctx, stop); err != nil {
			return err
		}
		return room.shutdown(ctx, srv)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "chat:", err)
		os.Exit(1)
	}
}

// A room is the set of connected clients. Every field is used on the loop's
// goroutine only, so it needs no lock.
type room struct {
	clients map[*client]struct{}
	maxBuf  int
	drain   time.Duration
	log     io.Writer
}

// A client is one connection in the room.
type client struct {
	name     string
	w        *asyncio.StreamWriter
	gone     bool // dropped or left: write nothing more to it
	draining bool // a drain watcher runs for it
}

func newRoom(maxBuf int, drain time.Duration, log io.Writer) *room {
	return &room{clients: map[*client]struct{}{}, maxBuf: maxBuf, drain: drain, log: log}
}

// listen starts the chat server on addr.
func (rm *room) listen(ctx context.Context, addr string) (*asyncio.Server, error) {
	return asyncio.StartServer(ctx, rm.handle, "tcp", addr)
}

// shutdown closes the server, says goodbye and waits for every connection
// to end.
func (rm *room) shutdown(ctx context.Context, srv *asyncio.Server) error {
	if err := srv.Close(); err != nil {
		return err
	}
	for c := range rm.clients {
		rm.send(ctx, c, []byte("* the server is shutting down\n"))
	}
	if err := srv.CloseClients(); err != nil {
		return err
	}
	return srv.WaitClosed(ctx)
}

// handle runs one client: it joins the room, and each line it sends is
// broadcast until it closes its side, is dropped, or sends an overlong line.
func (rm *room) handle(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
	c := &client{name: fmt.Sprint(w.GetExtraInfo("peername")), w: w}
	rm.clients[c] = struct{}{}
	rm.broadcast(ctx, c, fmt.Sprintf("* %s joined\n", c.name))
	defer func() {
		if !c.gone {
			c.gone = true
			delete(rm.clients, c)
			rm.broadcast(ctx, nil, fmt.Sprintf("* %s left\n", c.name))
		}
	}()
	for {
		line, err := r.ReadLine(ctx)
		var lo *asyncio.LimitOverrunError
		switch {
		case errors.As(err, &lo):
			_ = w.Write([]byte("* line too long: disconnecting\n"))
			return nil // the handler's return closes w once it has flushed
		case errors.Is(err, asyncio.ErrCancelled):
			return err
		case err != nil || len(line) == 0:
			return nil // EOF, or the connection failed or was dropped
		}
		if line[len(line)-1] != '\n' {
			line = append(line, '\n') // the last line of a stream without one
		}
		rm.broadcast(ctx, c, c.name+": "+string(line))
	}
}

// broadcast queues msg for every client but from (nil: everyone).
func (rm *room) broadcast(ctx context.Context, from *client, msg string) {
	b := []byte(msg)
	for c := range rm.clients {
		if c != from {
			rm.send(ctx, c, b)
		}
	}
}

// send queues msg for c and applies the slow-client policy.
func (rm *room) send(ctx context.Context, c *client, msg []byte) {
	if c.gone {
		return
	}
	if err := c.w.Write(msg); err != nil {
		rm.drop(ctx, c, "its connection is closing")
		return
	}
	t := c.w.Transport()
	n := t.GetWriteBufferSize()
	if n > rm.maxBuf {
		rm.drop(ctx, c, fmt.Sprintf("%d bytes waiting for it, over the bound of %d", n, rm.maxBuf))
		return
	}
	if _, high := t.GetWriteBufferLimits(); n > high && !c.draining {
		// The transport has paused writing: Drain suspends until it
		// resumes. Watch that from a task of its own, so that the sender
		// goes on at once.
		c.draining = true
		asyncio.CreateTask(ctx, func(ctx context.Context) (struct{}, error) {
			err := asyncio.Timeout(ctx, rm.drain, c.w.Drain)
			c.draining = false
			if errors.Is(err, asyncio.ErrTimeout) {
				rm.drop(ctx, c, fmt.Sprintf("its buffer did not drain within %v", rm.drain))
				return struct{}{}, nil
			}
			return struct{}{}, cancelledOnly(err)
		})
	}
}

// drop disconnects a slow client and tells the others.
func (rm *room) drop(ctx context.Context, c *client, reason string) {
	if c.gone {
		return
	}
	c.gone = true
	delete(rm.clients, c)
	c.w.Transport().Abort()
	fmt.Fprintf(rm.log, "chat: disconnected %s: %s\n", c.name, reason)
	rm.broadcast(ctx, nil, fmt.Sprintf("* %s was disconnected: %s\n", c.name, reason))
}

// cancelledOnly keeps a cancellation and drops the other errors of a drain
// (a lost connection: its handler sees that too and ends).
func cancelledOnly(err error) error {
	if errors.Is(err, asyncio.ErrCancelled) {
		return err
	}
	return nil
}
