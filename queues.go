package asyncio

import (
	"cmp"
	"context"
	"errors"
)

// Errors of the queues. Put and Get wait instead of returning the first two.
var (
	// ErrQueueEmpty reports a GetNowait on an empty queue: asyncio.QueueEmpty.
	ErrQueueEmpty = errors.New("asyncio: queue is empty")

	// ErrQueueFull reports a PutNowait on a full queue: asyncio.QueueFull.
	ErrQueueFull = errors.New("asyncio: queue is full")

	// ErrQueueShutDown reports a put to a queue that was shut down, or a get
	// from one that was shut down and is empty: asyncio.QueueShutDown.
	ErrQueueShutDown = errors.New("asyncio: queue is shut down")

	// ErrTooManyTaskDone reports a TaskDone without an item left to mark
	// done: asyncio's ValueError("task_done() called too many times").
	ErrTooManyTaskDone = errors.New("asyncio: TaskDone called too many times")
)

// store is the order in which a queue hands out its items.
type store[T any] interface {
	len() int
	push(v T)
	pop() T
}

// queueCore is what Queue, LifoQueue and PriorityQueue share: asyncio's
// Queue with its _put and _get hooks passed in as the store.
type queueCore[T any] struct {
	b          loopBound
	maxsize    int   // <= 0 means unbounded
	getters    waitq // parked in Get; a waker unlinks the waiter it wakes
	putters    waitq // parked in Put; the same
	joiners    waitq // parked in Join
	unfinished int   // items put and not yet marked done
	shutdown   bool
}

func (q *queueCore[T]) full(s store[T]) bool { return q.maxsize > 0 && s.len() >= q.maxsize }

// size and isFull are Qsize and Full: reads, for the loop's goroutine only
// (see loopBound.query).
func (q *queueCore[T]) size(s store[T]) int {
	q.b.query("Queue.Qsize")
	return s.len()
}

func (q *queueCore[T]) isFull(s store[T]) bool {
	q.b.query("Queue.Full")
	return q.full(s)
}

func (q *queueCore[T]) put(ctx context.Context, s store[T], v T, src any, what string) error {
	t, err := q.b.enter(ctx, what)
	if err != nil {
		return err
	}
	for q.full(s) {
		if q.shutdown {
			return ErrQueueShutDown
		}
		if woken, err := q.putters.wait(ctx, t.fut.loop, src, what, "Put"); err != nil {
			if woken && !q.full(s) {
				// Woken for a free slot this putter will not use.
				q.putters.wakeNext()
			}
			return err
		}
	}
	return q.putNowait(s, v)
}

// tryPut and tryGet are PutNowait and GetNowait: the loop check, then the
// non-waiting operation.
func (q *queueCore[T]) tryPut(s store[T], v T) error {
	if err := q.b.check(); err != nil {
		return err
	}
	return q.putNowait(s, v)
}

func (q *queueCore[T]) tryGet(s store[T]) (T, error) {
	if err := q.b.check(); err != nil {
		var zero T
		return zero, err
	}
	return q.getNowait(s)
}

func (q *queueCore[T]) putNowait(s store[T], v T) error {
	if q.shutdown {
		return ErrQueueShutDown
	}
	if q.full(s) {
		return ErrQueueFull
	}
	s.push(v)
	q.unfinished++
	q.getters.wakeNext()
	return nil
}

func (q *queueCore[T]) get(ctx context.Context, s store[T], src any, what string) (T, error) {
	var zero T
	t, err := q.b.enter(ctx, what)
	if err != nil {
		return zero, err
	}
	// A woken getter can find the queue empty again: a coroutine that ran
	// first took the item without waiting. It then queues again, at the back.
	for s.len() == 0 {
		if q.shutdown {
			return zero, ErrQueueShutDown
		}
		if woken, err := q.getters.wait(ctx, t.fut.loop, src, what, "Get"); err != nil {
			if woken && s.len() > 0 {
				// Woken for an item this getter will not take.
				q.getters.wakeNext()
			}
			return zero, err
		}
	}
	return q.getNowait(s)
}

func (q *queueCore[T]) getNowait(s store[T]) (T, error) {
	if s.len() == 0 {
		var zero T
		if q.shutdown {
			return zero, ErrQueueShutDown
		}
		return zero, ErrQueueEmpty
	}
	v := s.pop()
	q.putters.wakeNext()
	return v, nil
}

func (q *queueCore[T]) taskDone() error {
	if err := q.b.check(); err != nil {
		return err
	}
	if q.unfinished <= 0 {
		return ErrTooManyTaskDone
	}
	q.unfinished--
	if q.unfinished == 0 {
		q.joiners.wakeAll()
	}
	return nil
}

func (q *queueCore[T]) join(ctx context.Context, src any, what string) error {
	t, err := q.b.enter(ctx, what)
	if err != nil || q.unfinished == 0 {
		return err
	}
	_, err = q.joiners.wait(ctx, t.fut.loop, src, what, "Join")
	return err
}

func (q *queueCore[T]) shut(s store[T], immediate bool) error {
	if err := q.b.check(); err != nil {
		return err
	}
	q.shutdown = true
	if immediate {
		for s.len() > 0 {
			s.pop()
			if q.unfinished > 0 {
				q.unfinished--
			}
		}
		if q.unfinished == 0 {
			q.joiners.wakeAll()
		}
	}
	// Every waiter looks at the queue again and, finding it shut down,
	// returns ErrQueueShutDown; getters first drain what is left.
	q.getters.wakeAll()
	q.putters.wakeAll()
	return nil
}

// A Queue is a first-in, first-out queue for the coroutines of one loop:
// asyncio.Queue. Put waits while the queue is full and Get while it is
// empty, suspending the caller, not its goroutine. Coroutines blocked in
// Get, or in Put, are woken in the order they began waiting; as in asyncio,
// a coroutine that finds an item (or a free slot) without waiting may take it
// before a woken one runs, which then waits again. TaskDone and Join track the
// items put and not yet processed, and Shutdown closes the queue.
//
// The zero Queue is empty, unbounded and ready to use; [NewQueue] makes a
// bounded one. A Queue binds to the loop of the first coroutine that uses
// it, and using it from another loop's coroutine is an error. It must not be
// copied after first use. Its methods must be called on its loop's goroutine:
// from its coroutines and callbacks.
type Queue[T any] struct {
	// Name names the queue in task dumps and deadlock reports; "" names
	// none. Set it before the queue is first used.
	Name string

	c     queueCore[T]
	items fifoStore[T]
}

// NewQueue returns an empty [Queue] that holds at most maxsize items; a
// maxsize of zero or less means no limit.
func NewQueue[T any](maxsize int) *Queue[T] {
	return &Queue[T]{c: queueCore[T]{maxsize: maxsize}}
}

// Put adds v at the back of q, first waiting while q is full, and returns
// nil. A coroutine that finds room adds v without yielding to the loop. It
// returns [ErrQueueShutDown] if q is shut down, or is shut down while Put
// waits.
//
// # Cancellation
//
// If the task is cancelled while waiting, Put returns the [*CancelledError]
// (or a derived ctx's error, as for [Lock.Acquire]) without adding v; a free
// slot signalled to it passes to the next waiting Put.
//
// Put returns [ErrNotInCoroutine] where ctx's coroutine is not the caller, and
// an error if q is bound to another loop; q is unchanged then. No other
// errors are defined.
func (q *Queue[T]) Put(ctx context.Context, v T) error { return q.c.put(ctx, &q.items, v, q, "Queue") }

// Get removes and returns the item at the front of q, first waiting while q
// is empty. A coroutine that finds an item takes it without yielding to the
// loop. Get returns [ErrQueueShutDown] once q is shut down and empty.
//
// # Cancellation
//
// If the task is cancelled while waiting, Get returns the [*CancelledError]
// (or a derived ctx's error, as for [Lock.Acquire]) and removes nothing; an
// item promised to it stays in q for the next Get.
//
// The misuse errors are those of Put. No other errors are defined.
func (q *Queue[T]) Get(ctx context.Context) (T, error) { return q.c.get(ctx, &q.items, q, "Queue") }

// PutNowait adds v at the back of q if there is room, without waiting. It
// returns [ErrQueueFull] if q is full, [ErrQueueShutDown] if q is shut down, and
// [ErrWrongGoroutine] when called off q's loop; q is unchanged then.
func (q *Queue[T]) PutNowait(v T) error { return q.c.tryPut(&q.items, v) }

// GetNowait removes and returns the item at the front of q, without waiting.
// It returns [ErrQueueEmpty] if q is empty ([ErrQueueShutDown] once q is shut
// down), and [ErrWrongGoroutine] when called off q's loop.
func (q *Queue[T]) GetNowait() (T, error) { return q.c.tryGet(&q.items) }

// TaskDone marks as processed one item taken from q, for Join: a consumer
// calls it once per item it got, when done with it. It returns
// ErrTooManyTaskDone if every item put is already marked, and
// [ErrWrongGoroutine] when called off q's loop.
func (q *Queue[T]) TaskDone() error { return q.c.taskDone() }

// Join waits until every item put in q has been marked with TaskDone, and
// returns nil; with nothing outstanding it returns at once.
//
// # Cancellation
//
// If the task is cancelled while waiting, Join returns the [*CancelledError]
// (or a derived ctx's error, as for [Lock.Acquire]); q is unaffected.
//
// The misuse errors are those of Put.
func (q *Queue[T]) Join(ctx context.Context) error { return q.c.join(ctx, q, "Queue") }

// Shutdown shuts q down: Put and PutNowait then return [ErrQueueShutDown], and
// Get and GetNowait do so once q is empty. Every coroutine waiting in Put or
// Get is woken to see it. With immediate true, the items left in q are
// dropped first and each is marked done, so that Join returns once the
// items already taken are marked too. Shutting down twice is allowed. It
// returns [ErrWrongGoroutine] when called off q's loop, and changes nothing
// then.
func (q *Queue[T]) Shutdown(immediate bool) error { return q.c.shut(&q.items, immediate) }

// Qsize returns the number of items in q.
func (q *Queue[T]) Qsize() int { return q.c.size(&q.items) }

// Empty reports whether q holds no items.
func (q *Queue[T]) Empty() bool { return q.c.size(&q.items) == 0 }

// Full reports whether q holds Maxsize items; an unbounded q is never full.
func (q *Queue[T]) Full() bool { return q.c.isFull(&q.items) }

// Maxsize returns the most items q holds; zero or less means no limit.
func (q *Queue[T]) Maxsize() int { return q.c.maxsize }

// A LifoQueue is a last-in, first-out queue: Get returns the item put most
// recently. It is asyncio.LifoQueue, and behaves as [Queue] in every other
// way; its zero value is likewise empty, unbounded and ready to use.
type LifoQueue[T any] struct {
	// Name names the queue in task dumps and deadlock reports; "" names
	// none. Set it before the queue is first used.
	Name string

	c     queueCore[T]
	items lifoStore[T]
}

// NewLifoQueue returns an empty [LifoQueue] that holds at most maxsize items;
// a maxsize of zero or less means no limit.
func NewLifoQueue[T any](maxsize int) *LifoQueue[T] {
	return &LifoQueue[T]{c: queueCore[T]{maxsize: maxsize}}
}

// Put is [Queue.Put] for a [LifoQueue].
func (q *LifoQueue[T]) Put(ctx context.Context, v T) error {
	return q.c.put(ctx, &q.items, v, q, "LifoQueue")
}

// Get is [Queue.Get] for a [LifoQueue]: it returns the newest item.
func (q *LifoQueue[T]) Get(ctx context.Context) (T, error) {
	return q.c.get(ctx, &q.items, q, "LifoQueue")
}

// PutNowait is [Queue.PutNowait] for a [LifoQueue].
func (q *LifoQueue[T]) PutNowait(v T) error { return q.c.tryPut(&q.items, v) }

// GetNowait is [Queue.GetNowait] for a [LifoQueue].
func (q *LifoQueue[T]) GetNowait() (T, error) { return q.c.tryGet(&q.items) }

// TaskDone is [Queue.TaskDone] for a [LifoQueue].
func (q *LifoQueue[T]) TaskDone() error { return q.c.taskDone() }

// Join is [Queue.Join] for a [LifoQueue].
func (q *LifoQueue[T]) Join(ctx context.Context) error { return q.c.join(ctx, q, "LifoQueue") }

// Shutdown is [Queue.Shutdown] for a [LifoQueue].
func (q *LifoQueue[T]) Shutdown(immediate bool) error { return q.c.shut(&q.items, immediate) }

// Qsize returns the number of items in q.
func (q *LifoQueue[T]) Qsize() int { return q.c.size(&q.items) }

// Empty reports whether q holds no items.
func (q *LifoQueue[T]) Empty() bool { return q.c.size(&q.items) == 0 }

// Full reports whether q holds Maxsize items; an unbounded q is never full.
func (q *LifoQueue[T]) Full() bool { return q.c.isFull(&q.items) }

// Maxsize returns the most items q holds; zero or less means no limit.
func (q *LifoQueue[T]) Maxsize() int { return q.c.maxsize }

// A PriorityQueue hands out its items smallest first, by an order given when
// it is made; items that compare equal come out in the order they were put.
// It is asyncio.PriorityQueue, and behaves as [Queue] in every other way.
// (asyncio orders by the items' own comparison, usually (priority, data)
// tuples; here the order is a function, and equal items stay FIFO, which
// asyncio's heap does not promise.)
//
// A PriorityQueue must be made with [NewPriorityQueue] or
// [NewOrderedPriorityQueue]: a zero one has no order, and its Put and PutNowait
// return an error.
type PriorityQueue[T any] struct {
	// Name names the queue in task dumps and deadlock reports; "" names
	// none. Set it before the queue is first used.
	Name string

	c     queueCore[T]
	items prioStore[T]
}

// NewPriorityQueue returns an empty [PriorityQueue] that holds at most maxsize
// items (zero or less means no limit) and hands out first the item x for
// which less(x, y) holds against every other y. It panics if less is nil.
func NewPriorityQueue[T any](maxsize int, less func(a, b T) bool) *PriorityQueue[T] {
	if less == nil {
		panic("asyncio: NewPriorityQueue: nil less function")
	}
	return &PriorityQueue[T]{c: queueCore[T]{maxsize: maxsize}, items: prioStore[T]{less: less}}
}

// NewOrderedPriorityQueue returns a [PriorityQueue] of ordered values that
// hands out the smallest first, as cmp.Less orders them.
func NewOrderedPriorityQueue[T cmp.Ordered](maxsize int) *PriorityQueue[T] {
	return NewPriorityQueue(maxsize, cmp.Less[T])
}

var errZeroPriorityQueue = invalidState("PriorityQueue has no order; make it with NewPriorityQueue")

// Put is [Queue.Put] for a [PriorityQueue].
func (q *PriorityQueue[T]) Put(ctx context.Context, v T) error {
	if q.items.less == nil {
		return errZeroPriorityQueue
	}
	return q.c.put(ctx, &q.items, v, q, "PriorityQueue")
}

// Get is [Queue.Get] for a [PriorityQueue]: it returns the smallest item.
func (q *PriorityQueue[T]) Get(ctx context.Context) (T, error) {
	return q.c.get(ctx, &q.items, q, "PriorityQueue")
}

// PutNowait is [Queue.PutNowait] for a [PriorityQueue].
func (q *PriorityQueue[T]) PutNowait(v T) error {
	if q.items.less == nil && q.c.b.check() == nil {
		return errZeroPriorityQueue
	}
	return q.c.tryPut(&q.items, v)
}

// GetNowait is [Queue.GetNowait] for a [PriorityQueue].
func (q *PriorityQueue[T]) GetNowait() (T, error) { return q.c.tryGet(&q.items) }

// TaskDone is [Queue.TaskDone] for a [PriorityQueue].
func (q *PriorityQueue[T]) TaskDone() error { return q.c.taskDone() }

// Join is [Queue.Join] for a [PriorityQueue].
func (q *PriorityQueue[T]) Join(ctx context.Context) error { return q.c.join(ctx, q, "PriorityQueue") }

// Shutdown is [Queue.Shutdown] for a [PriorityQueue].
func (q *PriorityQueue[T]) Shutdown(immediate bool) error { return q.c.shut(&q.items, immediate) }

// Qsize returns the number of items in q.
func (q *PriorityQueue[T]) Qsize() int { return q.c.size(&q.items) }

// Empty reports whether q holds no items.
func (q *PriorityQueue[T]) Empty() bool { return q.c.size(&q.items) == 0 }

// Full reports whether q holds Maxsize items; an unbounded q is never full.
func (q *PriorityQueue[T]) Full() bool { return q.c.isFull(&q.items) }

// Maxsize returns the most items q holds; zero or less means no limit.
func (q *PriorityQueue[T]) Maxsize() int { return q.c.maxsize }

// fifoStore is a FIFO store: a growable circular buffer.
type fifoStore[T any] struct {
	buf  []T
	head int
	n    int
}

func (r *fifoStore[T]) len() int { return r.n }

func (r *fifoStore[T]) push(v T) {
	if r.n == len(r.buf) {
		buf := make([]T, max(2*len(r.buf), 16))
		k := copy(buf, r.buf[r.head:])
		copy(buf[k:], r.buf[:r.head])
		r.buf, r.head = buf, 0
	}
	r.buf[(r.head+r.n)%len(r.buf)] = v
	r.n++
}

func (r *fifoStore[T]) pop() T {
	var zero T
	v := r.buf[r.head]
	r.buf[r.head] = zero // let the item be collected
	r.head = (r.head + 1) % len(r.buf)
	r.n--
	return v
}

// lifoStore is a LIFO store.
type lifoStore[T any] struct{ items []T }

func (s *lifoStore[T]) len() int { return len(s.items) }
func (s *lifoStore[T]) push(v T) { s.items = append(s.items, v) }
func (s *lifoStore[T]) pop() T   { return removeLast(&s.items) }

// prioStore is a priority store: a binary min-heap by less, with the sequence of
// insertion breaking ties so that equal items stay FIFO.
type prioStore[T any] struct {
	less  func(a, b T) bool
	items []prioItem[T]
	seq   uint64
}

type prioItem[T any] struct {
	v   T
	seq uint64
}

func (h *prioStore[T]) len() int { return len(h.items) }

func (h *prioStore[T]) before(i, j int) bool {
	a, b := &h.items[i], &h.items[j]
	if h.less(a.v, b.v) {
		return true
	}
	return !h.less(b.v, a.v) && a.seq < b.seq
}

func (h *prioStore[T]) push(v T) {
	h.seq++
	h.items = append(h.items, prioItem[T]{v, h.seq})
	for i := len(h.items) - 1; i > 0; {
		p := (i - 1) / 2
		if !h.before(i, p) {
			break
		}
		h.items[i], h.items[p] = h.items[p], h.items[i]
		i = p
	}
}

func (h *prioStore[T]) pop() T {
	n := len(h.items) - 1
	h.items[0], h.items[n] = h.items[n], h.items[0]
	for i := 0; ; {
		m := 2*i + 1
		if m >= n {
			break
		}
		if r := m + 1; r < n && h.before(r, m) {
			m = r
		}
		if !h.before(m, i) {
			break
		}
		h.items[i], h.items[m] = h.items[m], h.items[i]
		i = m
	}
	return removeLast(&h.items).v
}

// removeLast removes and returns the last element of *s, clearing its slot so
// that the item can be collected.
func removeLast[E any](s *[]E) E {
	var zero E
	n := len(*s) - 1
	v := (*s)[n]
	(*s)[n] = zero
	*s = (*s)[:n]
	return v
}
