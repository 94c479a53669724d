//go:build !unix

package poll

import (
	"errors"
	"testing"
)

func TestNewUnsupported(t *testing.T) {
	if _, err := New(); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("New: %v, want errors.ErrUnsupported", err)
	}
}
