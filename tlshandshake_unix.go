//go:build unix

package asyncio

import (
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"
)

// defaultTLSHandshakeTimeout is asyncio's SSL_HANDSHAKE_TIMEOUT.
const defaultTLSHandshakeTimeout = 60 * time.Second

// errTLSLostInHandshake reports a connection closed before its handshake
// finished, as asyncio raises ConnectionResetError.
var errTLSLostInHandshake = fmt.Errorf("asyncio: connection lost during the TLS handshake: %w", syscall.ECONNRESET)

// A tlsHandshake is a handshake running on its goroutine: tls.Conn's
// Handshake over the pipe in its blocking mode.
//
// The goroutine counts as outside work (beginExternal) only while it can
// make progress on its own: from its start, or from the moment the loop
// feeds it input, until it waits in the pipe's Read for more. A goroutine
// waiting for bytes only the loop can give it does not hold the virtual
// clock, so a handshake that never completes times out on it as it would in
// real time, and a loop whose peers are all on the loop itself still
// jumps. The count is kept on the loop's goroutine, as beginExternal
// requires: the goroutine posts "I wait" and "I am done", and the loop
// checks the pipe's state when the post runs.
type tlsHandshake struct {
	t       *tlsTransport
	counted bool         // the goroutine is counted as outside work
	running bool         // the goroutine has not yet posted its outcome
	timer   *TimerHandle // the handshake timeout; nil once cancelled
}

// startHandshake starts the handshake goroutine and its timeout.
func (t *tlsTransport) startHandshake() {
	hs := &tlsHandshake{t: t, running: true}
	t.hs = hs
	l := t.l
	hs.count()
	p := t.pipe
	p.onWait = func() { _, _ = l.CallSoonThreadsafe(hs.waiting) }
	p.onOut = func() { _, _ = l.CallSoonThreadsafe(func() { _ = t.flush() }) }
	d := t.hsTimeout
	if d <= 0 {
		d = defaultTLSHandshakeTimeout
	}
	hs.timer, _ = l.CallLater(d, func() {
		hs.timer = nil
		t.handshakeOutcome(fmt.Errorf("asyncio: TLS handshake is taking longer than %v: aborting the connection: %w", d, ErrTimeout))
	})
	conn := t.conn
	go func() {
		err := conn.Handshake()
		_, _ = l.CallSoonThreadsafe(func() { hs.finished(err) })
	}()
}

func (hs *tlsHandshake) count() {
	if hs.running && !hs.counted {
		hs.counted = true
		hs.t.l.beginExternal()
	}
}

func (hs *tlsHandshake) uncount() {
	if hs.counted {
		hs.counted = false
		hs.t.l.endExternal()
	}
}

// fed runs when the loop gave the pipe input, or closed it: a waiting
// goroutine will run again.
func (hs *tlsHandshake) fed() { hs.count() }

// waiting runs when the goroutine has started to wait for input.
func (hs *tlsHandshake) waiting() {
	if hs.t.pipe.idle() {
		hs.uncount()
	}
}

// finished runs the goroutine's outcome on the loop; it no longer touches
// the tls.Conn.
func (hs *tlsHandshake) finished(err error) {
	hs.uncount()
	hs.running = false
	t := hs.t
	if err == nil && t.hs == hs {
		t.pipe.loopMode()
	}
	t.handshakeOutcome(err)
}

// handshakeOutcome ends the handshake, once: with err nil the connection is
// open and the application's protocol starts; otherwise it fails.
func (t *tlsTransport) handshakeOutcome(err error) {
	hs := t.hs
	if hs == nil {
		return
	}
	t.hs = nil
	if hs.timer != nil {
		hs.timer.Cancel()
		hs.timer = nil
	}
	if err != nil {
		err = handshakeError(err)
		if hs.running {
			t.pipe.closeInput(err) // let the goroutine go
			hs.count()
		}
		t.fail(err)
	} else if t.closing {
		err = errTLSLostInHandshake
	} else {
		t.open = true
		if t.callMade {
			t.made = true
			if !t.protect(func() { t.app.ConnectionMade(t) }) {
				err = t.failErr
			}
		}
	}
	if t.onHandshake != nil {
		t.onHandshake(err)
	}
	if err == nil {
		t.read() // records that came with the handshake's last flight
	}
}

// handshakeError names what failed: a peer that closed or sent something
// that is not TLS gets the TLS handshake named in the message, matching
// errors the same way.
func handshakeError(err error) error {
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("asyncio: TLS handshake: the peer closed the connection: %w (%w)", syscall.ECONNRESET, err)
	case errors.Is(err, ErrTimeout), errors.Is(err, errTLSLostInHandshake), errors.Is(err, ErrLoopClosed):
		return err
	}
	return fmt.Errorf("asyncio: TLS handshake failed: %w", err)
}
