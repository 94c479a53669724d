//go:build unix && !linux

package poll

// referenceWakers is empty where there is no epoll to compare with.
var referenceWakers []struct {
	name string
	open func() (waker, error)
}
