//go:build !unix

package asyncio

import (
	"context"
	"crypto/tls"
)

// StartTLS returns an error matching errors.ErrUnsupported here.
func (l *EventLoop) StartTLS(ctx context.Context, t Transport, p Protocol, cfg *tls.Config, opts ...NetOption) (Transport, error) {
	return nil, errNoIO
}

// StartTLS returns an error matching errors.ErrUnsupported here.
func (w *StreamWriter) StartTLS(ctx context.Context, cfg *tls.Config, opts ...NetOption) error {
	return errNoIO
}
