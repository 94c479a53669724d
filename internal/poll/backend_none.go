//go:build !unix

package poll

import (
	"errors"
	"fmt"
	"runtime"
	"time"
)

// backend is the implementation behind Poller; without unix file
// descriptors there is none, and New says so.
type backend = unsupported

// unsupported lets the package, and the loop that imports it, build on
// systems where nothing can be polled.
type unsupported struct{}

var errUnsupported = fmt.Errorf("poll: no poller for %s: %w", runtime.GOOS, errors.ErrUnsupported)

func (*unsupported) open() error                                           { return errUnsupported }
func (*unsupported) Register(int, uint64) error                            { return errUnsupported }
func (*unsupported) Unregister(int) error                                  { return errUnsupported }
func (*unsupported) Wait(time.Duration, func(uint64, Events)) (int, error) { return 0, errUnsupported }
func (*unsupported) Wake()                                                 {}
func (*unsupported) Registered() int                                       { return 0 }
func (*unsupported) Close() error                                          { return errUnsupported }
