package asyncio

// Internals of the synchronization primitives that the external tests read,
// as CPython's tests read _waiters and _value.

// LockWaiters returns the number of coroutines queued on m, woken or not.
func LockWaiters(m *Lock) int { return m.waiters.n }

// EventWaiters returns the number of coroutines queued on e.
func EventWaiters(e *Event) int { return e.waiters.n }

// ConditionWaiters returns the number of coroutines waiting on c.
func ConditionWaiters(c *Condition) int { return c.waiters.n }

// SemaphoreValue returns s's free permits, not counting those granted to
// woken waiters.
func SemaphoreValue(s *Semaphore) int { return s.value }

// SemaphoreWaiters returns the number of coroutines queued on s.
func SemaphoreWaiters(s *Semaphore) int { return s.waiters.n }

// QueueWaiters returns the numbers of coroutines parked in q's Get and Put.
func QueueWaiters[T any](q *Queue[T]) (getters, putters int) { return q.c.getters.n, q.c.putters.n }
