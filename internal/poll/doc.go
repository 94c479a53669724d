// Package poll is the event loop's I/O readiness backend: it tells the loop
// goroutine which of its non-blocking file descriptors became readable or
// writable, and lets any other goroutine wake that loop up.
//
// A [Poller] belongs to one loop. The loop registers each socket once
// ([Poller.Register]) with a token of its choosing, typically an index into
// its own table, and [Poller.Wait] calls back with that token and the
// [Events] that hold. Registration is edge-triggered for both directions,
// so the loop keeps one readiness flag per direction, sets it from the
// events and clears it when a read or write returns EAGAIN (or a short read
// shows the receive queue drained). Goroutines outside the loop call
// [Poller.Wake] after handing it work.
//
// # Why the loop does not just call epoll_wait
//
// The obvious loop blocks in epoll_wait with the next timer as its timeout.
// In Go that is a blocking system call made while holding a P, the
// runtime's licence to run Go code. With GOMAXPROCS=1, which is the default
// in a one-CPU container, there is no other P: a goroutine the loop has just
// woken, for example a worker that will compute an answer and call Wake,
// cannot run until sysmon notices the stuck syscall and hands the P away:
// 20 µs while sysmon runs at its fastest pace, about 150 µs once it has
// backed off, as it does in a mostly idle program. Every round trip between
// the loop and an ordinary goroutine pays that. Spinning before blocking only
// makes it worse on one CPU: the spinner holds the CPU the worker needs.
//
// So the loop never blocks in a system call. Its epoll fd (the inner set)
// is made non-blocking and wrapped with os.NewFile, which registers it with
// the runtime's own netpoller; an epoll fd is itself pollable and reports
// readable when its set has ready events. To sleep, Wait parks the
// goroutine with the file's RawConn.Read, like any goroutine blocked on a
// socket: the P is free at once for other goroutines, and the runtime's
// scheduler wakes the loop when the inner set gets an event or when the
// file's read deadline expires. The deadline carries Wait's timeout, and
// it is also how Wake works: it sets the deadline in the past, which
// readies the parked goroutine from inside the runtime, without a system
// call, straight onto the waker's run queue. When it does not sleep, Wait polls
// the inner set with a raw epoll_pwait and a zero timeout: a call that
// cannot block need not tell the scheduler (entersyscall and exitsyscall
// would cost about as much as the poll itself).
//
// Sleeping costs more CPU than a plain epoll_wait (the scheduler's search
// for work and its own netpoll come on top of the inner poll), a few
// microseconds per sleep, paid only by a loop that had nothing to do.
//
// The obvious Wake, an eventfd in the inner set, works too but costs about
// three times as much per round trip (measured: 5-7 µs against 2-2.5 µs on
// a loaded 2-vCPU VM where a bare system call costs 0.35 µs): a write by
// the waker, a netpoll by the scheduler to notice it, and a read by the
// loop to drain it, where the deadline costs none. It would also reserve
// one token value for the eventfd.
//
// # Pitfalls this code avoids
//
//   - The epoll fd must be non-blocking before os.NewFile sees it, or the
//     runtime treats it as an ordinary blocking file and a read blocks the
//     thread. New checks that the runtime accepted it.
//   - RawConn.Read discards readiness that the runtime recorded before the
//     call. Its callback therefore looks at the inner set before the first
//     wait: an edge that arrived between two Waits, already seen and
//     forgotten by the runtime, would otherwise be lost, and with
//     edge-triggered registration it never comes again.
//   - Wake coalesces with an atomic flag, so a burst costs one deadline
//     update. Wake sets the flag before it expires the deadline, and a
//     park clears any old deadline before it looks at the flag: then a
//     park that missed the flag is one whose deadline that Wake expires
//     afterwards. A Wake racing with the end of a Wait can end the next
//     park early; that costs one empty loop iteration, never a lost wake.
//   - An event collected for an fd that the loop unregisters while handling
//     an earlier event of the same batch is dropped: after Unregister the
//     loop may close the fd and reuse its token.
//   - epoll registers an open file description, not a number: an fd closed
//     while a duplicate is open (a net.Conn the fd was taken from) keeps
//     reporting events. Callers unregister before they close.
//
// # The portable backend
//
// On unix systems other than Linux, and on Linux with the
// asyncio_portablepoll build tag, Poller uses the runtime netpoller
// directly: each registered fd gets two goroutines, one per direction,
// each parked in one long RawConn call on a duplicate of the fd, that post
// readiness to a queue Wait drains. It avoids the sysmon trap too, but
// costs two goroutines per fd and one scheduler wake-up per event. On
// other systems (windows) [New] returns an error matching
// errors.ErrUnsupported, so that the loop still builds there.
package poll
