//go:build unix && !linux

package poll

// backends lists every implementation this system builds.
var backends = []backendCase{
	{"portable", func() (api, error) {
		p := new(portable)
		return p, p.open()
	}},
}
