package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/asyncio-go/asyncio"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestTheDumpShowsTheCycle runs the example on the virtual clock: the dump it
// prints names the cycle and what each transfer waits for.
func TestTheDumpShowsTheCycle(t *testing.T) {
	var out bytes.Buffer
	err := asyncio.Run(func(ctx context.Context) error { return run(ctx, &out, false) }, asyncio.WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`cycle: "alice->bob" -> "bob->alice" -> "alice->bob"`,
		`Task "alice->bob" (id=2, pending) awaits Lock.Acquire name="bob" held by "bob->alice"`,
		`Task "bob->alice" (id=3, pending) awaits Lock.Acquire name="alice" held by "alice->bob"`,
		".transfer.func1 at ",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the dump lacks %q:\n%s", want, out.String())
		}
	}
}
