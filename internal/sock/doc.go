// Package sock holds the thin system-call wrappers the loop's transports
// use on non-blocking sockets: reads and writes that never block and, on
// Linux, skip the scheduler's system-call bookkeeping; socket setup
// (accept, connect, options); and adopting a socket that a net.Conn,
// net.Listener or *os.File already holds.
//
// # Errors
//
// The would-block results are returned bare, so that the hot path compares
// them with ==: unix.EAGAIN from Read, Write, Writev and Accept, and
// unix.EINPROGRESS from Connect. Every other error is an *os.SyscallError
// naming the call, and matches its errno with errors.Is (for example
// errors.Is(err, syscall.ECONNREFUSED)).
//
// The package is empty where there are no unix sockets (windows): the loop
// only reaches it once a poller exists, and New fails there.
package sock
