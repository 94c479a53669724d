package asyncio

import (
	"context"
	"io"
	"iter"
)

// Lines returns an iterator over r's lines, asyncio's `async for line in
// reader`: each is what ReadLine returns, "\n" included, and the iteration
// ends at the end of the stream. An error ends it too, after it is yielded
// with a nil line; breaking out early leaves the rest of the stream unread.
//
//	for line, err := range r.Lines(ctx) {
//		if err != nil {
//			return err
//		}
//		...
//	}
//
// The iterator reads with ctx, so it must be ranged over in ctx's coroutine;
// elsewhere it yields ErrNotInCoroutine. Like ReadLine it is cancel safe.
func (r *StreamReader) Lines(ctx context.Context) iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		for {
			line, err := r.ReadLine(ctx)
			if err != nil {
				yield(nil, err)
				return
			}
			if len(line) == 0 {
				return
			}
			if !yield(line, nil) {
				return
			}
		}
	}
}

// Reader returns an io.Reader that reads from r in ctx's coroutine, so that
// code written for io.Reader (bufio, io.Copy, encoding/json, io.ReadAll)
// reads a stream without blocking the loop: a Read that finds nothing
// buffered suspends the task, as [StreamReader.Read] does, and copies into the
// caller's slice, allocating nothing. At the end of the stream it returns
// io.EOF; after SetException, that error.
//
// io.Reader has no ctx parameter, so the adapter keeps the ctx it is given:
// it is valid only in that ctx's coroutine, while the task runs, and must not
// be handed to another goroutine or task (its Read then returns
// ErrNotInCoroutine). A Read cancelled while it waits consumes nothing and
// returns the cancellation error.
func (r *StreamReader) Reader(ctx context.Context) io.Reader {
	return &streamIOReader{r: r, ctx: ctx}
}

type streamIOReader struct {
	r   *StreamReader
	ctx context.Context
}

func (a *streamIOReader) Read(p []byte) (int, error) {
	r := a.r
	t, err := r.b.enter(a.ctx, "StreamReader")
	if err != nil {
		return 0, err
	}
	if r.exc != nil {
		return 0, r.exc
	}
	if len(p) == 0 {
		return 0, nil
	}
	for r.buffered() == 0 {
		if r.eof {
			return 0, io.EOF
		}
		if err := r.waitForData(a.ctx, t, "Reader.Read", 1); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.buf[r.off:])
	r.consume(n)
	return n, nil
}
