// Command heartbeat ports a periodic task: every interval it queries a
// database and reports, until cancelled.
//
// Bugs a port makes: a Go ticker in place of asyncio.sleep, a select on
// ctx.Done() (the loop cannot deliver the cancellation while the coroutine
// blocks in it), and the query on the loop.
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"time"

	"github.com/asyncio-go/asyncio"
)

func beatBlocking(ctx context.Context, db *sql.DB) error {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select { // want `select without default blocks the event loop`
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM jobs").Scan(&n); err != nil { // want `sql.DB.QueryRowContext blocks`
			return err
		}
		fmt.Fprintln(os.Stdout, "jobs:", n)
	}
}

// beat is the correct port.
func beat(ctx context.Context, db *sql.DB) error {
	for {
		if err := asyncio.Sleep(ctx, time.Second); err != nil {
			return err
		}
		n, err := asyncio.ToThread(ctx, func(ctx context.Context) (int, error) {
			var n int
			err := db.QueryRowContext(ctx, "SELECT count(*) FROM jobs").Scan(&n)
			return n, err
		})
		if err != nil {
			return err
		}
		fmt.Println("jobs:", n)
		select {
		case <-ctx.Done(): // a select with a default only looks
			return ctx.Err()
		default:
		}
	}
}

func main() {
	db, _ := sql.Open("sqlite", "jobs.db")
	fmt.Println(asyncio.Run(func(ctx context.Context) error {
		asyncio.Go(ctx, func(ctx context.Context) error { return beatBlocking(ctx, db) })
		return asyncio.Timeout(ctx, 10*time.Second, func(ctx context.Context) error { return beat(ctx, db) })
	}))
}
