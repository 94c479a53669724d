// Package asyncio is a stub of github.com/asyncio-go/asyncio for the
// analyzer's tests: the same names and signatures, with bodies that do
// nothing, since the analyzer reads only the types.
package asyncio

import (
	"context"
	"errors"
	"iter"
	"time"
)

var ErrCancelled = errors.New("asyncio: cancelled")

type CancelledError struct{ Message string }

func (e *CancelledError) Error() string { return "asyncio: cancelled" }

type Option func(*EventLoop)
type TaskOption struct{}
type ReturnWhen int

const (
	AllCompleted ReturnWhen = iota
	FirstCompleted
	FirstException
)

type Coroutine[T any] func(ctx context.Context) (T, error)

func (c Coroutine[T]) Await(ctx context.Context) (T, error) { return c(ctx) }

type Func func(ctx context.Context) error

func (f Func) Await(ctx context.Context) (struct{}, error) { return struct{}{}, f(ctx) }

type Awaitable[T any] interface {
	Await(ctx context.Context) (T, error)
}

type AnyFuture interface{ Done() bool }

type AnyTask interface {
	AnyFuture
	Uncancel() int
}

type EventLoop struct{}

func NewEventLoop(opts ...Option) *EventLoop { return &EventLoop{} }
func (l *EventLoop) Go(coro func(context.Context) error, opts ...TaskOption) *Task[struct{}] {
	return nil
}
func (l *EventLoop) CreateTask(coro func(context.Context) error, opts ...TaskOption) *Task[struct{}] {
	return nil
}
func (l *EventLoop) CallSoon(fn func()) (*Handle, error)                       { return nil, nil }
func (l *EventLoop) CallLater(delay time.Duration, fn func()) (*Handle, error) { return nil, nil }
func (l *EventLoop) RunUntilComplete(f AnyFuture) error                        { return nil }

type Handle struct{}

type Future[T any] struct{}

func NewFuture[T any](loop *EventLoop) *Future[T]               { return nil }
func (f *Future[T]) Await(ctx context.Context) (T, error)       { var v T; return v, nil }
func (f *Future[T]) SetResult(v T) error                        { return nil }
func (f *Future[T]) AddDoneCallback(fn func(*Future[T])) uint64 { return 0 }

type Task[T any] struct{}

func (t *Task[T]) Await(ctx context.Context) (T, error) { var v T; return v, nil }
func (t *Task[T]) Cancel() bool                         { return true }
func (t *Task[T]) Uncancel() int                        { return 0 }
func (t *Task[T]) Done() bool                           { return true }

func Run(main func(ctx context.Context) error, opts ...Option) error { return nil }
func RunValue[T any](main Coroutine[T], opts ...Option) (T, error)   { var v T; return v, nil }
func CreateTask[T any](ctx context.Context, coro Coroutine[T], opts ...TaskOption) *Task[T] {
	return nil
}
func Go(ctx context.Context, coro func(context.Context) error, opts ...TaskOption) *Task[struct{}] {
	return nil
}
func EnsureFuture[T any](ctx context.Context, aw Awaitable[T], opts ...TaskOption) *Task[T] {
	return nil
}
func CurrentTask(ctx context.Context) AnyTask                { return nil }
func GetRunningLoop(ctx context.Context) (*EventLoop, error) { return nil, nil }
func AllTasks(ctx context.Context) ([]AnyTask, error)        { return nil, nil }

func Sleep(ctx context.Context, d time.Duration) error             { return nil }
func Await[T any](ctx context.Context, aw Awaitable[T]) (T, error) { return aw.Await(ctx) }
func Gather[T any](ctx context.Context, aws ...Awaitable[T]) ([]T, error) {
	return nil, nil
}
func WaitFor[T any](ctx context.Context, aw Awaitable[T], timeout time.Duration) (T, error) {
	return aw.Await(ctx)
}
func Wait[F AnyFuture](ctx context.Context, fs []F, when ReturnWhen) (done, pending []F, err error) {
	return nil, nil, nil
}
func AsCompleted[T any](ctx context.Context, aws ...Awaitable[T]) iter.Seq2[T, error] {
	return nil
}
func Shield[T any](ctx context.Context, aw Awaitable[T]) *Future[T] { return nil }
func Recv[T any](ctx context.Context, ch <-chan T) (v T, ok bool, err error) {
	return v, false, nil
}
func Send[T any](ctx context.Context, ch chan<- T, v T) error { return nil }
func AwaitBlocking[T any](ctx context.Context, fn func(ctx context.Context) (T, error)) (T, error) {
	return fn(ctx)
}

func Timeout(ctx context.Context, d time.Duration, body func(ctx context.Context) error) error {
	return nil
}
func TimeoutAt(ctx context.Context, when time.Duration, body func(ctx context.Context) error) error {
	return nil
}

type TimeoutScope struct{}

func NewTimeoutScope(d time.Duration) *TimeoutScope      { return nil }
func NewTimeoutScopeAt(when time.Duration) *TimeoutScope { return nil }
func (s *TimeoutScope) Run(ctx context.Context, body func(ctx context.Context) error) error {
	return nil
}

type TaskGroup struct{}

func WithTaskGroup(ctx context.Context, body func(ctx context.Context, tg *TaskGroup) error) error {
	return nil
}
func (tg *TaskGroup) Go(coro func(ctx context.Context) error, opts ...TaskOption) *Task[struct{}] {
	return nil
}
func CreateGroupTask[T any](tg *TaskGroup, coro Coroutine[T], opts ...TaskOption) *Task[T] {
	return nil
}

type Runner struct{}

func NewRunner(opts ...Option) *Runner                           { return nil }
func (r *Runner) Run(main func(ctx context.Context) error) error { return nil }

type Lock struct{}

func (m *Lock) Acquire(ctx context.Context) error { return nil }
func (m *Lock) Release() error                    { return nil }

type Semaphore struct{}

func NewSemaphore(n int) *Semaphore                    { return nil }
func (s *Semaphore) Acquire(ctx context.Context) error { return nil }
func (s *Semaphore) Release() error                    { return nil }

type Event struct{}

func (e *Event) Wait(ctx context.Context) error { return nil }
func (e *Event) Set() error                     { return nil }

type Condition struct{}

func (c *Condition) Wait(ctx context.Context) error { return nil }

type Queue[T any] struct{}

func NewQueue[T any](maxsize int) *Queue[T]            { return nil }
func (q *Queue[T]) Get(ctx context.Context) (T, error) { var v T; return v, nil }
func (q *Queue[T]) Put(ctx context.Context, v T) error { return nil }
func (q *Queue[T]) Join(ctx context.Context) error     { return nil }
func (q *Queue[T]) TaskDone() error                    { return nil }
func (q *Queue[T]) PutNowait(v T) error                { return nil }
