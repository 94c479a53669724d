package poll

// backends lists every implementation this system builds; the suite runs
// each, whatever the build tags select for Poller.
var backends = []backendCase{
	{"epoll", func() (api, error) {
		p := new(epoll)
		return p, p.open()
	}},
	{"portable", func() (api, error) {
		p := new(portable)
		return p, p.open()
	}},
}
