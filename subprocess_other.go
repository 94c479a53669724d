//go:build !unix

package asyncio

import (
	"context"
	"errors"
	"fmt"
)

// On systems that are not unix the loop cannot watch pipes yet: the
// subprocess API is here so that programs build, and starting a child
// returns an error matching errors.ErrUnsupported.

var errNoSubprocess = fmt.Errorf("asyncio: subprocesses on the loop need a unix system: %w", errors.ErrUnsupported)

// CreateSubprocessExec returns an error matching errors.ErrUnsupported here.
func CreateSubprocessExec(ctx context.Context, name string, args []string, opts ...ProcessOption) (*Process, error) {
	return nil, errNoSubprocess
}

// CreateSubprocessShell returns an error matching errors.ErrUnsupported here.
func CreateSubprocessShell(ctx context.Context, cmd string, opts ...ProcessOption) (*Process, error) {
	return nil, errNoSubprocess
}

func (p *Process) release() {}
