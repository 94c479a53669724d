// Command crawler ports the asyncio crawler of every tutorial: fetch a list
// of URLs, at most four at a time, and gather the sizes.
//
// Bugs a port makes: calling net/http from the coroutine (it blocks the loop
// for the whole request), and dropping the semaphore's error.
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/asyncio-go/asyncio"
)

var sem = asyncio.NewSemaphore(4)

// fetchBlocking is the literal port of `async with session.get(url)`.
func fetchBlocking(ctx context.Context, url string) (int, error) {
	_ = sem.Acquire(ctx) // want `the error of asyncio.Semaphore.Acquire is assigned to _`
	defer sem.Release()
	resp, err := http.Get(url) // want `http.Get blocks the event loop; use asyncio.ToThread`
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body) // want `io.ReadAll on an HTTP response body blocks the event loop`
	return len(b), err
}

// fetch is the correct port: the request runs on a goroutine of its own.
func fetch(ctx context.Context, url string) (int, error) {
	if err := sem.Acquire(ctx); err != nil {
		return 0, err
	}
	defer sem.Release()
	return asyncio.ToThread(ctx, func(ctx context.Context) (int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return 0, err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return len(b), err
	})
}

func main() {
	urls := []string{"https://example.com/a", "https://example.com/b"}
	sizes, err := asyncio.RunValue(func(ctx context.Context) ([]int, error) {
		var aws []asyncio.Awaitable[int]
		for _, u := range urls {
			aws = append(aws, asyncio.Coroutine[int](func(ctx context.Context) (int, error) { return fetch(ctx, u) }))
		}
		if n, err := fetchBlocking(ctx, urls[0]); err == nil {
			fmt.Println("first:", n)
		}
		return asyncio.Gather(ctx, aws...)
	})
	fmt.Println(sizes, err)
}
