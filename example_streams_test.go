package asyncio_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/asyncio-go/asyncio"
)

// This example parses a message the way a protocol reader does: a header
// line, then a body of the size the header gives, then the rest. The reader
// is fed by hand, as a protocol's DataReceived would feed it.
func ExampleStreamReader() {
	r := asyncio.NewStreamReader(0)
	_ = r.FeedData([]byte("length 5\nhello, and the rest"))
	_ = r.FeedEOF()

	err := asyncio.Run(func(ctx context.Context) error {
		header, err := r.ReadLine(ctx)
		if err != nil {
			return err
		}
		var n int
		if _, err := fmt.Sscanf(string(header), "length %d\n", &n); err != nil {
			return err
		}
		body, err := r.ReadExactly(ctx, n)
		if err != nil {
			return err
		}
		rest, err := r.Read(ctx, -1)
		if err != nil {
			return err
		}
		fmt.Printf("header %q, body %q, rest %q, at EOF: %v\n", header, body, rest, r.AtEOF())
		return nil
	})
	fmt.Println("error:", err)
	// Output:
	// header "length 5\n", body "hello", rest ", and the rest", at EOF: true
	// error: <nil>
}

// This example splits a stream on either of two separators, as
// reader.readuntil((b"\r\n", b";")) does in Python 3.13: each read returns
// the shortest chunk that ends in one of them.
func ExampleStreamReader_ReadUntil() {
	r := asyncio.NewStreamReader(0)
	_ = r.FeedData([]byte("a=1;b=2\r\nc=3;"))
	_ = r.FeedEOF()

	_ = asyncio.Run(func(ctx context.Context) error {
		for {
			field, err := r.ReadUntil(ctx, []byte("\r\n"), []byte(";"))
			var ie *asyncio.IncompleteReadError
			if errors.As(err, &ie) {
				fmt.Printf("end, %d bytes left over\n", len(ie.Partial))
				return nil
			}
			if err != nil {
				return err
			}
			fmt.Printf("%q\n", field)
		}
	})
	// Output:
	// "a=1;"
	// "b=2\r\n"
	// "c=3;"
	// end, 0 bytes left over
}

// This example ranges over a stream's lines while another task feeds it, as
// `async for line in reader` does.
func ExampleStreamReader_Lines() {
	r := asyncio.NewStreamReader(0)
	_ = asyncio.Run(func(ctx context.Context) error {
		asyncio.Go(ctx, func(ctx context.Context) error {
			for _, chunk := range []string{"first li", "ne\nsecond line\nno newline"} {
				if err := asyncio.Sleep(ctx, 0); err != nil {
					return err
				}
				_ = r.FeedData([]byte(chunk))
			}
			return r.FeedEOF()
		})
		for line, err := range r.Lines(ctx) {
			if err != nil {
				return err
			}
			fmt.Printf("%q\n", line)
		}
		return nil
	})
	// Output:
	// "first line\n"
	// "second line\n"
	// "no newline"
}

// This example decodes JSON values from a stream with encoding/json, which
// reads through an io.Reader: Reader's Read suspends the task while no bytes
// have arrived, so the loop goes on running the task that feeds them.
func ExampleStreamReader_Reader() {
	r := asyncio.NewStreamReader(0)
	_ = asyncio.Run(func(ctx context.Context) error {
		asyncio.Go(ctx, func(ctx context.Context) error {
			for _, chunk := range []string{`{"name": "ada", `, `"id": 1} {"name"`, `: "bob", "id": 2}`} {
				if err := asyncio.Sleep(ctx, 0); err != nil {
					return err
				}
				_ = r.FeedData([]byte(chunk))
			}
			return r.FeedEOF()
		})
		dec := json.NewDecoder(r.Reader(ctx))
		for {
			var v struct {
				Name string
				ID   int
			}
			if err := dec.Decode(&v); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			fmt.Printf("%s is %d\n", v.Name, v.ID)
		}
	})
	// Output:
	// ada is 1
	// bob is 2
}

// This example shows what ReadExactly returns when the stream ends first.
func ExampleIncompleteReadError() {
	r := asyncio.NewStreamReader(0)
	_ = r.FeedData([]byte("abc"))
	_ = r.FeedEOF()
	_ = asyncio.Run(func(ctx context.Context) error {
		_, err := r.ReadExactly(ctx, 8)
		var ie *asyncio.IncompleteReadError
		if errors.As(err, &ie) {
			fmt.Printf("got %q of %d bytes\n", ie.Partial, ie.Expected)
		}
		fmt.Println(errors.Is(err, io.ErrUnexpectedEOF))
		return nil
	})
	// Output:
	// got "abc" of 8 bytes
	// true
}

// This example is the asyncio documentation's TCP echo client and server,
// over the package tests' in-memory transport pair (NewMemoryPipe, a test
// helper) in place of a socket. The server's protocol starts a handler task
// per connection from its onConnect function, as StartServer does.
func ExampleStreamWriter() {
	handleEcho := func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
		data, err := r.Read(ctx, 100)
		if err != nil {
			return err
		}
		fmt.Printf("Received %q from %v\n", data, w.GetExtraInfo("peername"))
		fmt.Printf("Send: %q\n", data)
		if err := w.Write(data); err != nil {
			return err
		}
		if err := w.Drain(ctx); err != nil {
			return err
		}
		fmt.Println("Close the connection")
		_ = w.Close()
		return w.WaitClosed(ctx)
	}

	err := asyncio.Run(func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		var handler *asyncio.Task[struct{}]
		server := asyncio.NewStreamReaderProtocol(asyncio.NewStreamReader(0),
			func(r *asyncio.StreamReader, w *asyncio.StreamWriter) {
				handler = loop.Go(func(ctx context.Context) error { return handleEcho(ctx, r, w) })
			})

		// The client side, as OpenConnection makes it.
		reader := asyncio.NewStreamReader(0)
		client := asyncio.NewStreamReaderProtocol(reader, nil)
		transport, _ := asyncio.NewMemoryPipe(loop, client, server, 0)
		if err := asyncio.Sleep(ctx, 0); err != nil { // the connection is made
			return err
		}
		writer := asyncio.NewStreamWriter(transport, client, reader)

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
		_ = writer.Close()
		if err := writer.WaitClosed(ctx); err != nil {
			return err
		}
		_, err = handler.Await(ctx)
		return err
	})
	fmt.Println("error:", err)
	// Output:
	// Send: "Hello World!"
	// Received "Hello World!" from mem:a
	// Send: "Hello World!"
	// Close the connection
	// Received: "Hello World!"
	// error: <nil>
}
