//go:build !unix

package asyncio

import (
	"errors"
	"fmt"
	"os"
)

// checkSignal refuses every signal: loop signal handlers need a unix
// system.
func checkSignal(sig os.Signal) error {
	return fmt.Errorf("asyncio: signal handlers on the loop need a unix system: %w", errors.ErrUnsupported)
}

// raiseInterrupt ends the process with the status of an interrupted
// program.
func raiseInterrupt() { os.Exit(130) }
