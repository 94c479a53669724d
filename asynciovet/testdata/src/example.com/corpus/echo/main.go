// Command echo ports asyncio's echo server (start_server with a
// handle_echo coroutine) the way a first port looks: the listener, the
// connection and the per-connection goroutine straight from net.
package main

import (
	"bufio"
	"context"
	"fmt"
	"net"

	"github.com/asyncio-go/asyncio"
)

func handle(ctx context.Context, conn net.Conn) error {
	defer conn.Close()
	sc := bufio.NewScanner(conn)
	for sc.Scan() { // want `bufio.Scanner.Scan over a net.Conn blocks the event loop`
		if _, err := fmt.Fprintln(conn, sc.Text()); err != nil { // want `fmt.Fprintln on a net.Conn blocks the event loop`
			return err
		}
	}
	return asyncio.Sleep(ctx, 0)
}

// serveBlocking accepts on the loop and hands each connection to a goroutine
// that awaits with the task's ctx.
func serveBlocking(ctx context.Context, ln net.Listener) error {
	for {
		conn, err := ln.Accept() // want `net.Listener.Accept blocks the event loop \(in serveBlocking, called at`
		if err != nil {
			return err
		}
		go handle(ctx, conn) // want `task ctx used by a go statement`
	}
}

// serve is the correct port: accepts and reads run on goroutines of their
// own through ToThread, and each connection is a task.
func serve(ctx context.Context, ln net.Listener) error {
	for {
		conn, err := asyncio.ToThread(ctx, func(context.Context) (net.Conn, error) { return ln.Accept() })
		if err != nil {
			return err
		}
		asyncio.Go(ctx, func(ctx context.Context) error {
			defer conn.Close()
			for {
				line, err := asyncio.ToThread(ctx, func(context.Context) (string, error) {
					return bufio.NewReader(conn).ReadString('\n')
				})
				if err != nil {
					return err
				}
				if _, err := asyncio.ToThread(ctx, func(context.Context) (int, error) { return conn.Write([]byte(line)) }); err != nil {
					return err
				}
			}
		})
	}
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return
	}
	fmt.Println(asyncio.Run(func(ctx context.Context) error {
		if err := serveBlocking(ctx, ln); err != nil {
			return err
		}
		return serve(ctx, ln)
	}))
}
