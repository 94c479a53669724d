package asyncio

// OutsidePosts returns how many outcomes produced on other goroutines
// (executor jobs, concurrent futures) were posted to l, for the tests that
// check none is posted into a closed loop.
func OutsidePosts(l *EventLoop) uint64 {
	l.gate.mu.Lock()
	defer l.gate.mu.Unlock()
	return l.gate.posts
}
