// Package escape tests the checks for a task ctx that leaves its coroutine.
package escape

import (
	"context"

	"github.com/asyncio-go/asyncio"
)

type worker struct {
	ctx  context.Context
	name string
}

var saved context.Context

func main() {
	asyncio.Run(func(ctx context.Context) error {
		w := &worker{name: "a"}
		w.ctx = ctx          // want `task ctx stored in a struct field`
		_ = worker{ctx: ctx} // want `task ctx stored in a struct field`
		saved = ctx          // want `task ctx stored in a global`
		sub, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			report(asyncio.Sleep(sub, 1)) // want `task ctx used by a go statement`
		}()
		go background(ctx) // want `task ctx used by a go statement`
		go func() {
			<-ctx.Done() // watching a ctx from another goroutine is safe
			_ = ctx.Err()
		}()
		v, err := asyncio.ToThread(ctx, func(bctx context.Context) (int, error) {
			<-ctx.Done()                                  // watching is fine
			if err := asyncio.Sleep(ctx, 1); err != nil { // want `task ctx awaited with inside asyncio.ToThread's fn`
				return 0, err
			}
			return 1, nil
		})
		if err != nil {
			return err
		}
		_ = v
		local := ctx // a local is fine: it stays in the coroutine
		return asyncio.Sleep(local, 1)
	})
}

func background(ctx context.Context) {}

func report(err error) {}
