// Command pipeline is a rate-limited fetcher built from asyncio-go's
// synchronization primitives: a producer feeds URLs into a bounded Queue,
// workers take them and "fetch" them (a simulated download: a Sleep), a
// token bucket made of a BoundedSemaphore caps the request rate, a
// Semaphore caps the fetches in flight, and a second Queue carries the
// results to a reporter.
//
//	go run ./examples/pipeline            # about a second of real time
//	go run ./examples/pipeline -virtual   # the same run on the virtual clock, at once
//
// The bounded frontier queue gives back-pressure: the producer waits while the
// workers are behind. Join on it tells when every URL has been handled, and
// Shutdown then ends the workers and the reporter.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"time"

	"github.com/asyncio-go/asyncio"
)

var (
	virtual  = flag.Bool("virtual", false, "run on the virtual clock: sleeps take no real time")
	urls     = flag.Int("urls", 24, "how many URLs to fetch")
	workers  = flag.Int("workers", 6, "worker tasks taking URLs from the frontier queue")
	inFlight = flag.Int("inflight", 3, "most fetches running at once")
	rate     = flag.Float64("rate", 30, "most requests started per second")
	burst    = flag.Int("burst", 4, "requests that may start at once after a quiet spell")
)

// A result is what a worker reports about one URL.
type result struct {
	url    string
	bytes  int
	took   time.Duration
	worker int
}

func main() {
	flag.Parse()
	if *urls < 0 || *workers < 1 || *inFlight < 1 || *rate <= 0 || *burst < 1 {
		fmt.Fprintln(os.Stderr, "pipeline: -workers, -inflight, -rate and -burst must be positive, -urls not negative")
		os.Exit(2)
	}
	var opts []asyncio.Option
	if *virtual {
		opts = append(opts, asyncio.WithVirtualClock())
	}
	if err := asyncio.Run(run, opts...); err != nil {
		fmt.Fprintln(os.Stderr, "pipeline:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	loop, err := asyncio.GetRunningLoop(ctx)
	if err != nil {
		return err
	}
	frontier := asyncio.NewQueue[string](*workers) // bounded: back-pressure on the producer
	var results asyncio.Queue[result]              // unbounded: the reporter never slows workers
	limiter := newTokenBucket(ctx, *rate, *burst)
	fetching := asyncio.NewSemaphore(*inFlight)

	producer := asyncio.Go(ctx, func(ctx context.Context) error {
		for i := range *urls {
			if err := frontier.Put(ctx, fmt.Sprintf("https://example.com/page/%d", i)); err != nil {
				return err
			}
		}
		return nil
	})

	var crew []asyncio.Awaitable[struct{}]
	for w := range *workers {
		crew = append(crew, asyncio.Go(ctx, func(ctx context.Context) error {
			for {
				url, err := frontier.Get(ctx)
				if errors.Is(err, asyncio.ErrQueueShutDown) {
					return nil
				} else if err != nil {
					return err
				}
				r, err := fetch(ctx, limiter, fetching, url)
				if err != nil {
					return err
				}
				r.worker = w
				results.PutNowait(r) // cannot be full: unbounded
				frontier.TaskDone()
			}
		}))
	}

	reporter := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
		total := 0
		for {
			r, err := results.Get(ctx)
			if errors.Is(err, asyncio.ErrQueueShutDown) {
				return total, nil
			} else if err != nil {
				return total, err
			}
			total += r.bytes
			fmt.Printf("%6.3fs  worker %d  %-32s %6d bytes in %v\n",
				loop.Time().Seconds(), r.worker, r.url, r.bytes, r.took)
		}
	})

	if _, err := producer.Await(ctx); err != nil {
		return err
	}
	if err := frontier.Join(ctx); err != nil { // every URL fetched and reported done
		return err
	}
	frontier.Shutdown(false)
	if _, err := asyncio.Gather(ctx, crew...); err != nil {
		return err
	}
	results.Shutdown(false) // the reporter drains what is left, then returns
	total, err := reporter.Await(ctx)
	if err != nil {
		return err
	}
	limiter.stop()
	fmt.Printf("fetched %d URLs, %d bytes, in %.3fs (rate %.0f/s, burst %d, %d in flight)\n",
		*urls, total, loop.Time().Seconds(), *rate, *burst, *inFlight)
	return nil
}

// fetch simulates downloading url: it waits for a token, then for a free
// fetch slot, then "downloads" for a time that depends on the URL.
func fetch(ctx context.Context, limiter *tokenBucket, fetching *asyncio.Semaphore, url string) (result, error) {
	if err := limiter.take(ctx); err != nil {
		return result{}, err
	}
	if err := fetching.Acquire(ctx); err != nil {
		return result{}, err
	}
	defer fetching.Release()
	h := fnv.New32a()
	h.Write([]byte(url))
	n := h.Sum32()
	took := time.Duration(40+n%120) * time.Millisecond
	if err := asyncio.Sleep(ctx, took); err != nil {
		return result{}, err
	}
	return result{url: url, bytes: 1024 + int(n%64)*512, took: took}, nil
}

// A tokenBucket lets at most burst requests start at once and refills one
// token every 1/rate seconds: a BoundedSemaphore holds the tokens, and its
// bound is the bucket's size, so a refill into a full bucket is refused.
type tokenBucket struct {
	tokens *asyncio.BoundedSemaphore
	refill *asyncio.Task[struct{}]
}

func newTokenBucket(ctx context.Context, rate float64, burst int) *tokenBucket {
	b := &tokenBucket{tokens: asyncio.NewBoundedSemaphore(burst)}
	every := time.Duration(float64(time.Second) / rate)
	b.refill = asyncio.Go(ctx, func(ctx context.Context) error {
		for {
			if err := asyncio.Sleep(ctx, every); err != nil {
				return err
			}
			if err := b.tokens.Release(); err != nil && !errors.Is(err, asyncio.ErrTooManyReleases) {
				return err
			}
		}
	})
	return b
}

// take waits for a token and spends it.
func (b *tokenBucket) take(ctx context.Context) error { return b.tokens.Acquire(ctx) }

// stop ends the refilling task.
func (b *tokenBucket) stop() { b.refill.Cancel() }
