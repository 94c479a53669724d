package asyncio

import (
	"fmt"
	"reflect"
	"runtime"
	"strconv"
)

// waitLabel says what a dump adds about the primitive src a waiter is
// parked on, after "Lock.Acquire": its name, the task holding a Lock, the
// peer of a connection. It returns "" for a primitive with nothing to say.
func waitLabel(src any) string {
	s := ""
	switch p := src.(type) {
	case *Lock:
		s = nameLabel(p.Name)
		if p.holder != nil {
			s += " held by " + strconv.Quote(p.holder.name())
		}
	case *Event:
		s = nameLabel(p.Name)
	case *Semaphore:
		s = nameLabel(p.Name)
	case *Condition:
		s = nameLabel(p.Name)
	case interface{ queueName() string }:
		s = nameLabel(p.queueName())
	case *StreamReader:
		if p.transport != nil {
			s = peerLabel(p.transport)
		}
	case Transport:
		s = peerLabel(p)
	}
	return s
}

func nameLabel(name string) string {
	if name == "" {
		return ""
	}
	return " name=" + strconv.Quote(name)
}

// peerLabel names the peer of a connection, if its transport knows it.
func peerLabel(tr Transport) string {
	if a := tr.GetExtraInfo("peername"); a != nil {
		return fmt.Sprintf(" peer=%v", a)
	}
	return ""
}

func (q *Queue[T]) queueName() string         { return q.Name }
func (q *LifoQueue[T]) queueName() string     { return q.Name }
func (q *PriorityQueue[T]) queueName() string { return q.Name }

// describeAwait names the helper and, where it has one, the function that
// runs on a goroutine of its own meanwhile.
func (e *extWait) describeAwait() string {
	s := e.what + " (outside the loop)"
	if e.fn != nil {
		if f := runtime.FuncForPC(reflect.ValueOf(e.fn).Pointer()); f != nil {
			s = e.what + "(" + f.Name() + ") (outside the loop)"
		}
	}
	return s
}
