//go:build !unix

package asyncio

// ioState is empty where the loop cannot poll file descriptors.
type ioState struct{ on bool }

func (l *EventLoop) closeIO() {}
