//go:build unix

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// member is a test client of the chat room.
type member struct {
	r    *asyncio.StreamReader
	w    *asyncio.StreamWriter
	name string // the address the server knows it by
}

func join(ctx context.Context, addr string, opts ...asyncio.NetOption) (*member, error) {
	r, w, err := asyncio.OpenConnection(ctx, "tcp", addr, opts...)
	if err != nil {
		return nil, err
	}
	return &member{r: r, w: w, name: fmt.Sprint(w.GetExtraInfo("sockname"))}, nil
}

// expect reads one line and checks that it is want.
func (m *member) expect(ctx context.Context, want string) error {
	return asyncio.Timeout(ctx, 10*time.Second, func(ctx context.Context) error {
		line, err := m.r.ReadLine(ctx)
		if err != nil {
			return fmt.Errorf("%s waiting for %q: %w", m.name, want, err)
		}
		if got := strings.TrimSuffix(string(line), "\n"); got != want {
			return fmt.Errorf("%s got %q, want %q", m.name, got, want)
		}
		return nil
	})
}

func (m *member) say(ctx context.Context, line string) error {
	if err := m.w.Write([]byte(line + "\n")); err != nil {
		return err
	}
	return m.w.Drain(ctx)
}

// TestChatThreeClients connects three clients: each sees the others join,
// every line reaches the two others and not its sender, and a client that
// leaves is announced.
func TestChatThreeClients(t *testing.T) {
	err := asyncio.Run(func(ctx context.Context) error {
		rm := newRoom(1<<20, 5*time.Second, io.Discard)
		srv, err := rm.listen(ctx, "127.0.0.1:0")
		if err != nil {
			return err
		}
		addr := srv.Sockets()[0].String()
		var ms []*member
		for range 3 {
			m, err := join(ctx, addr)
			if err != nil {
				return err
			}
			for _, old := range ms {
				if err := old.expect(ctx, "* "+m.name+" joined"); err != nil {
					return err
				}
			}
			ms = append(ms, m)
		}
		a, b, c := ms[0], ms[1], ms[2]
		for _, from := range ms {
			if err := from.say(ctx, "hello from "+from.name); err != nil {
				return err
			}
			for _, to := range ms {
				if to != from {
					if err := to.expect(ctx, from.name+": hello from "+from.name); err != nil {
						return err
					}
				}
			}
		}
		if err := c.w.Close(); err != nil {
			return err
		}
		for _, m := range []*member{a, b} {
			if err := m.expect(ctx, "* "+c.name+" left"); err != nil {
				return err
			}
		}
		if err := rm.shutdown(ctx, srv); err != nil {
			return err
		}
		for _, m := range []*member{a, b} {
			if err := m.expect(ctx, "* the server is shutting down"); err != nil {
				return err
			}
			if rest, err := m.r.Read(ctx, -1); err != nil || len(rest) != 0 {
				return fmt.Errorf("after the goodbye: %q, %v; want EOF", rest, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestChatSlowClientDisconnected checks both rules of the slow-client
// policy. A client that stops reading (its StreamReader's small limit pauses
// its transport, so the kernel's buffers fill) is dropped once the server's
// buffer for it passes maxbuf, or once it has stayed over the high watermark
// for the drain timeout; the talker is told, and the talker itself, who
// reads, is not dropped.
func TestChatSlowClientDisconnected(t *testing.T) {
	for _, tc := range []struct {
		name   string
		maxBuf int
		drain  time.Duration
		pace   time.Duration
		reason string
	}{
		{"maxbuf", 256 << 10, time.Hour, 0, "over the bound of"},
		{"drain", 1 << 30, 300 * time.Millisecond, time.Millisecond, "did not drain within"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := asyncio.Run(func(ctx context.Context) error {
				rm := newRoom(tc.maxBuf, tc.drain, io.Discard)
				srv, err := rm.listen(ctx, "127.0.0.1:0")
				if err != nil {
					return err
				}
				addr := srv.Sockets()[0].String()
				talker, err := join(ctx, addr)
				if err != nil {
					return err
				}
				slow, err := join(ctx, addr, asyncio.WithLimit(4096))
				if err != nil {
					return err
				}
				if err := talker.expect(ctx, "* "+slow.name+" joined"); err != nil {
					return err
				}
				// The talker sends 16 KiB lines until it hears that the
				// slow client was dropped: at most 256 MiB or 20 s.
				line := string(bytes.Repeat([]byte("x"), 16<<10))
				heard := false
				talking := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
					sent := 0
					for !heard && sent < 256<<20 {
						if err := talker.say(ctx, line); err != nil {
							return sent, err
						}
						sent += len(line)
						if err := asyncio.Sleep(ctx, tc.pace); err != nil {
							return sent, err
						}
					}
					return sent, nil
				})
				err = asyncio.Timeout(ctx, 20*time.Second, func(ctx context.Context) error {
					l, err := talker.r.ReadLine(ctx)
					if err != nil {
						return err
					}
					want := "* " + slow.name + " was disconnected: "
					if got := string(l); !strings.HasPrefix(got, want) || !strings.Contains(got, tc.reason) {
						return fmt.Errorf("talker got %q, want %q...%q", got, want, tc.reason)
					}
					return nil
				})
				heard = true
				sent, terr := talking.Await(ctx)
				if err != nil {
					return err
				}
				if terr != nil {
					return terr
				}
				t.Logf("dropped after %d KiB", sent>>10)
				if _, ok := rm.clients[rm.find(talker.name)]; !ok {
					return fmt.Errorf("the talker was dropped too")
				}
				return rm.shutdown(ctx, srv)
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// find returns the client called name, or nil.
func (rm *room) find(name string) *client {
	for c := range rm.clients {
		if c.name == name {
			return c
		}
	}
	return nil
}
