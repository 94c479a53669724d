// Package blocking has one case of each blocking call the analyzer reports,
// each in a different kind of coroutine body, and their non-blocking twins.
package blocking

import (
	"bufio"
	"context"
	"database/sql"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/asyncio-go/asyncio"
)

var mu sync.Mutex

func main() {
	asyncio.Run(func(ctx context.Context) error {
		time.Sleep(time.Second) // want `time.Sleep blocks the event loop; use asyncio.Sleep`
		mu.Lock()               // want `sync.Mutex.Lock blocks the event loop; use an asyncio.Lock`
		mu.Unlock()
		return asyncio.Sleep(ctx, time.Second)
	})
	time.Sleep(time.Second) // not in a coroutine: fine
}

func channels(ctx context.Context, ch chan int, done chan struct{}) error {
	asyncio.Go(ctx, func(ctx context.Context) error {
		ch <- 1                   // want `channel send blocks the event loop; use asyncio.Send`
		<-ch                      // want `channel receive blocks the event loop; use asyncio.Recv`
		<-time.After(time.Second) // want `channel receive blocks the event loop; use asyncio.Sleep`
		for range ch {            // want `range over a channel blocks the event loop`
		}
		select { // want `select without default blocks the event loop`
		case v := <-ch:
			_ = v
		case <-done:
		}
		select {
		case ch <- 2:
		default: // a select with a default never blocks
		}
		go func() { ch <- 3 }() // another goroutine may block
		_, _, err := asyncio.Recv(ctx, ch)
		return err
	})
	return nil
}

func syncs(ctx context.Context, wg *sync.WaitGroup, rw *sync.RWMutex, c *sync.Cond) {
	asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
		wg.Wait()  // want `sync.WaitGroup.Wait blocks the event loop; use asyncio.WithTaskGroup for tasks, or asyncio.AwaitBlocking`
		rw.RLock() // want `sync.RWMutex.RLock blocks`
		rw.RUnlock()
		c.Wait() // want `sync.Cond.Wait blocks the event loop; use an asyncio.Condition`
		return 0, nil
	})
}

func io_(ctx context.Context, conn net.Conn, ln net.Listener, f *os.File, db *sql.DB) {
	asyncio.Run(func(ctx context.Context) error {
		buf := make([]byte, 10)
		conn.Read(buf)                    // want `net.Conn.Read blocks the event loop; use asyncio.AwaitBlocking`
		ln.Accept()                       // want `net.Listener.Accept blocks`
		net.Dial("tcp", "example.com:80") // want `net.Dial blocks`
		f.Write(buf)                      // want `os.File.Write blocks`
		os.Stdout.Write(buf)              // writes to the program's output are left alone
		exec.Command("ls").Run()          // want `exec.Cmd.Run blocks`
		exec.Command("ls").Output()       // want `exec.Cmd.Output blocks`
		http.Get("http://example.com")    // want `http.Get blocks`
		http.DefaultClient.Do(nil)        // want `http.Client.Do blocks`
		db.QueryContext(ctx, "SELECT 1")  // want `sql.DB.QueryContext blocks`
		sc := bufio.NewScanner(conn)
		for sc.Scan() { // want `bufio.Scanner.Scan over a net.Conn blocks`
		}
		mem := bufio.NewScanner(strings.NewReader("a\nb"))
		for mem.Scan() { // a scanner over memory does not block
		}
		bufio.NewReader(f).ReadString('\n') // want `bufio.Reader.ReadString over an os.File blocks`
		io.ReadAll(conn)                    // want `io.ReadAll on a net.Conn blocks`
		io.ReadAll(strings.NewReader("x"))
		_, err := asyncio.AwaitBlocking(ctx, func(ctx context.Context) ([]byte, error) {
			return io.ReadAll(conn) // fn runs on a goroutine of its own: fine
		})
		return err
	})
}

// Every other kind of coroutine body is checked the same way.
func bodies(ctx context.Context, tg *asyncio.TaskGroup, r *asyncio.Runner, l *asyncio.EventLoop) {
	check(asyncio.Timeout(ctx, time.Second, func(ctx context.Context) error {
		time.Sleep(1) // want `time.Sleep blocks`
		return nil
	}))
	check(asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
		time.Sleep(1) // want `time.Sleep blocks`
		return nil
	}))
	tg.Go(func(ctx context.Context) error {
		time.Sleep(1) // want `time.Sleep blocks`
		return nil
	})
	asyncio.CreateGroupTask(tg, func(ctx context.Context) (string, error) {
		time.Sleep(1) // want `time.Sleep blocks`
		return "", nil
	})
	check(asyncio.NewTimeoutScope(time.Second).Run(ctx, func(ctx context.Context) error {
		time.Sleep(1) // want `time.Sleep blocks`
		return nil
	}))
	r.Run(func(ctx context.Context) error {
		time.Sleep(1) // want `time.Sleep blocks`
		return nil
	})
	l.Go(func(ctx context.Context) error {
		time.Sleep(1) // want `time.Sleep blocks`
		return nil
	})
	l.CallSoon(func() {
		time.Sleep(1) // want `time.Sleep blocks the event loop \(in a loop callback\)`
	})
	_, err := asyncio.Gather(ctx, asyncio.Func(func(ctx context.Context) error {
		time.Sleep(1) // want `time.Sleep blocks`
		return nil
	}), asyncio.Func(declared))
	check(err)
	work := func(ctx context.Context) error {
		time.Sleep(1) // want `time.Sleep blocks`
		return nil
	}
	asyncio.Go(ctx, work)
}

// check takes the errors of the awaits above, which this file is not about.
func check(err error) {}

func start() {
	asyncio.RunValue(fetch("a"))
}

// declared is a coroutine because it is converted to asyncio.Func above.
func declared(ctx context.Context) error {
	time.Sleep(1) // want `time.Sleep blocks`
	return nil
}

// fetch returns a coroutine: its literal is a coroutine body.
func fetch(name string) asyncio.Coroutine[string] {
	time.Sleep(1) // fetch itself runs before any loop: fine
	return func(ctx context.Context) (string, error) {
		time.Sleep(1) // want `time.Sleep blocks`
		return name, nil
	}
}

// Helpers called from a coroutine run on its loop too, with or without its
// ctx, as do the helpers they call.
func helpers() {
	asyncio.Run(func(ctx context.Context) error {
		withCtx(ctx)
		noCtx()
		return nil
	})
}

func withCtx(ctx context.Context) {
	time.Sleep(1) // want `time.Sleep blocks the event loop \(in withCtx, called at blocking.go:\d+ from a func literal\)`
	deeper()
}

func noCtx() {
	mu.Lock() // want `sync.Mutex.Lock blocks the event loop \(in noCtx, called at`
	mu.Unlock()
}

func deeper() {
	time.Sleep(1) // want `time.Sleep blocks the event loop \(in deeper, called at blocking.go:\d+ from withCtx`
}

// awaiter awaits with its ctx, so it is a coroutine wherever it is called
// from, even from another package.
func awaiter(ctx context.Context) error {
	time.Sleep(1) // want `time.Sleep blocks the event loop; use asyncio.Sleep`
	return asyncio.Sleep(ctx, 1)
}

// notCoroutine takes a ctx but is never run as a coroutine: plain Go code may
// block.
func notCoroutine(ctx context.Context) {
	time.Sleep(1)
	<-ctx.Done()
}
