package asyncio

import (
	"context"
	"errors"
)

// OpenConnection connects to address on network ("tcp", "tcp4", "tcp6" or
// "unix") and returns a [StreamReader] and a [StreamWriter] for the connection:
// asyncio.open_connection. It suspends the caller while the address is
// resolved and the connection made; [WithLocalAddr] binds first, [WithSocket]
// adopts a connected socket instead, and [WithLimit] sets the reader's buffer
// limit. The errors and misuse errors are those of [CreateConnection].
func OpenConnection(ctx context.Context, network, address string, opts ...NetOption) (*StreamReader, *StreamWriter, error) {
	cfg := newNetConfig(opts)
	r := NewStreamReader(cfg.limit)
	p := NewStreamReaderProtocol(r, nil)
	tr, _, err := CreateConnection(ctx, func() Protocol { return p }, network, address, opts...)
	if err != nil {
		return nil, nil, err
	}
	return r, NewStreamWriter(tr, p, r), nil
}

// OpenUnixConnection is [OpenConnection] on the Unix socket at path:
// asyncio.open_unix_connection.
func OpenUnixConnection(ctx context.Context, path string, opts ...NetOption) (*StreamReader, *StreamWriter, error) {
	return OpenConnection(ctx, "unix", path, opts...)
}

// A StreamHandler serves one connection of a server started by [StartServer]:
// asyncio's client_connected_cb. It runs as a task of its own, with a ctx
// carrying the values of the ctx that started the server.
//
// A nil StreamHandler is refused by [StartServer] and [StartUnixServer]
// with a panic naming the mistake.
type StreamHandler func(ctx context.Context, r *StreamReader, w *StreamWriter) error

// StartServer listens on address on network and runs handler, as a new task,
// for each connection accepted: asyncio.start_server. When handler returns,
// the connection is closed once its writes are flushed (asyncio leaves that
// to the writer's garbage collection). An error or panic from handler, other
// than a cancellation, is reported to the loop's exception handler and the
// connection aborted; the server goes on. Closing the server ([Server.Close])
// stops accepting and leaves running handlers alone; Run's shutdown
// cancels them. The options and errors are those of [CreateServer], with
// [WithLimit] for the readers.
func StartServer(ctx context.Context, handler StreamHandler, network, address string, opts ...NetOption) (*Server, error) {
	if handler == nil {
		panic("asyncio: StartServer: nil handler")
	}
	t, err := runningTask(ctx)
	if err != nil {
		return nil, err
	}
	values := ctx
	if ctx == context.Context(t) {
		values = t.parent // as CreateTask does: a task ctx adds no values of its own
	}
	cfg := newNetConfig(opts)
	l := t.fut.loop
	factory := func() Protocol {
		return NewStreamReaderProtocol(NewStreamReader(cfg.limit), func(r *StreamReader, w *StreamWriter) {
			serveConnection(l, values, handler, r, w)
		})
	}
	return CreateServer(ctx, factory, network, address, opts...)
}

// StartUnixServer is [StartServer] on the Unix socket at path:
// asyncio.start_unix_server.
func StartUnixServer(ctx context.Context, handler StreamHandler, path string, opts ...NetOption) (*Server, error) {
	return StartServer(ctx, handler, "unix", path, opts...)
}

// serveConnection runs handler for one connection as a task.
func serveConnection(l *EventLoop, values context.Context, handler StreamHandler, r *StreamReader, w *StreamWriter) {
	task := &Task[struct{}]{fn: func(ctx context.Context) error { return handler(ctx, r, w) }}
	task.init(l, values, nil)
	task.task.fut.addCallback(&handlerDone{task: task, w: w})
}

// handlerDone closes a connection whose handler has returned, and reports a
// handler's failure, which nobody else awaits.
type handlerDone struct {
	task *Task[struct{}]
	w    *StreamWriter
}

func (h *handlerDone) run(*futureCore) {
	err := h.task.task.fut.err()
	h.task.task.fut.markRetrieved()
	switch {
	case err == nil || errors.Is(err, ErrCancelled):
		_ = h.w.Close()
	default:
		h.task.Loop().handle(ExceptionContext{
			Message: "Unhandled exception in client_connected_cb",
			Err:     err,
			Future:  h.task,
			Task:    h.task,
		})
		h.w.Transport().Abort()
	}
}
