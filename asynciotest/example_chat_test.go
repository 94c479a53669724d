package asynciotest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// A chat room: every line a member sends goes to every member, the sender
// included, so every member should read the same conversation.
type chatRoom struct {
	members []*asyncio.StreamWriter
	// store stands for the room's slow persistence of each delivery.
	store func(ctx context.Context) error
	// broken makes the handler await the store between two members, so
	// that another line's broadcast can slip in between: the ordering bug
	// the seeds are to find.
	broken bool
}

func (c *chatRoom) serve(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
	c.members = append(c.members, w)
	defer func() { c.members = slices.DeleteFunc(c.members, func(m *asyncio.StreamWriter) bool { return m == w }) }()
	for {
		line, err := r.ReadLine(ctx)
		if len(line) == 0 || err != nil {
			return err
		}
		// The sender hears its own line first, then the others.
		for _, m := range append([]*asyncio.StreamWriter{w}, slices.DeleteFunc(slices.Clone(c.members), func(m *asyncio.StreamWriter) bool { return m == w })...) {
			if err := m.Write(line); err != nil {
				return err
			}
			if c.broken {
				if err := c.store(ctx); err != nil {
					return err
				}
			}
		}
		if !c.broken {
			if err := c.store(ctx); err != nil { // after the whole broadcast: no line slips in
				return err
			}
		}
	}
}

// chatNetwork links three clients to the chat server, 10 ms away give or
// take 2 ms.
func chatNetwork() *asynciotest.Network {
	n := asynciotest.NewNetwork()
	for _, c := range []string{"ann", "bob", "cy"} {
		n.SetLink(c, "chat", asynciotest.LinkConfig{Latency: 10 * time.Millisecond, Jitter: 2 * time.Millisecond})
	}
	return n
}

// chat runs the room with three members who each say one line, and returns
// an error if two of them read the conversation in different orders.
func chat(broken bool) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		room := &chatRoom{broken: broken, store: func(ctx context.Context) error { return asyncio.Sleep(ctx, 100*time.Microsecond) }}
		srv, err := asyncio.StartServer(ctx, room.serve, "tcp", "chat:6667")
		if err != nil {
			return err
		}
		defer srv.Close()
		heard := map[string][]string{}
		err = asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			for _, who := range []string{"ann", "bob", "cy"} {
				tg.Go(func(ctx context.Context) error {
					r, w, err := asyncio.OpenConnection(ctx, "tcp", "chat:6667", asyncio.WithLocalAddr(who+":0"))
					if err != nil {
						return err
					}
					defer w.Close()
					if err := asyncio.Sleep(ctx, 100*time.Millisecond); err != nil { // everyone has joined
						return err
					}
					if err := w.Write([]byte("hi from " + who + "\n")); err != nil {
						return err
					}
					for range 3 {
						line, err := r.ReadLine(ctx)
						if err != nil {
							return err
						}
						heard[who] = append(heard[who], strings.TrimSpace(string(line)))
					}
					return nil
				})
			}
			return nil
		})
		if err != nil {
			return err
		}
		if !slices.Equal(heard["ann"], heard["bob"]) || !slices.Equal(heard["bob"], heard["cy"]) {
			return fmt.Errorf("members read different conversations: ann %q, bob %q, cy %q", heard["ann"], heard["bob"], heard["cy"])
		}
		return nil
	}
}

func TestExampleChatEveryMemberReadsOneConversation(t *testing.T) {
	n := chatNetwork()
	asynciotest.Explore(t, 300, func(t *testing.T, ctx context.Context) error { return chat(false)(ctx) }, asyncio.WithNetwork(n))
}

func TestExampleChatSeedSearchFindsTheBrokenHandler(t *testing.T) {
	n := chatNetwork()
	seed, err := asynciotest.Search(300, chat(true), asyncio.WithNetwork(n))
	if err == nil {
		t.Fatal("300 seeds found no ordering bug in the broken handler")
	}
	t.Logf("seed %d: %v\nreplay it with: %s", seed, err, asynciotest.ReplayCommand(t, seed))
	// The seed replays the failure exactly, task step for task step.
	var steps [2][]string
	for i := range steps {
		again := asynciotest.RunSeed(seed, chat(true), asyncio.WithNetwork(n), asyncio.WithStepHook(func(task asyncio.AnyTask) {
			steps[i] = append(steps[i], task.Name())
		}))
		if again == nil || again.Error() != err.Error() {
			t.Fatalf("seed %d replayed as %v, want %v", seed, again, err)
		}
	}
	if !slices.Equal(steps[0], steps[1]) {
		t.Errorf("seed %d replayed two schedules:\n%v\n%v", seed, steps[0], steps[1])
	}
}

// TestExampleChatBrokenUnderExplore is the broken room under Explore, as a
// user would first write it: it fails, with the replay command. It runs
// only as TestExampleChatReplayToken's subprocess.
func TestExampleChatBrokenUnderExplore(t *testing.T) {
	if os.Getenv("ASYNCIOTEST_CHAT_BROKEN") != "1" {
		t.Skip("run by TestExampleChatReplayToken")
	}
	asynciotest.Explore(t, 300, func(t *testing.T, ctx context.Context) error { return chat(true)(ctx) }, asyncio.WithNetwork(chatNetwork()))
}

// The command Explore prints for the broken room's failing seed, run as
// printed, fails again the same way.
func TestExampleChatReplayToken(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary twice")
	}
	run := func(args ...string) string {
		cmd := exec.Command(os.Args[0], append([]string{"-test.run", "^TestExampleChatBrokenUnderExplore$"}, args...)...)
		cmd.Env = append(os.Environ(), "ASYNCIOTEST_CHAT_BROKEN=1")
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatalf("the broken room passed:\n%s", out)
		}
		return string(out)
	}
	out := run()
	_, token, ok := strings.Cut(out, "replay it with: ")
	token, _, _ = strings.Cut(token, "\n")
	prefix := "go test -run '^TestExampleChatBrokenUnderExplore$' -asyncio.seed="
	if !ok || !strings.HasPrefix(token, prefix) {
		t.Fatalf("Explore printed no replay command:\n%s", out)
	}
	seed := strings.TrimPrefix(token, prefix)
	replay := run("-asyncio.seed=" + seed)
	if !strings.Contains(replay, "seed="+seed) || strings.Count(replay, "=== RUN") > 2 {
		t.Errorf("the replay ran other seeds than %s:\n%s", seed, replay)
	}
	want := conversationLine(out)
	if want == "" || conversationLine(replay) != want {
		t.Errorf("the replay failed differently:\nfirst: %s\nreplay: %s", want, conversationLine(replay))
	}
}

// conversationLine returns the line of out that reports the divergence.
func conversationLine(out string) string {
	for line := range strings.Lines(out) {
		if _, after, ok := strings.Cut(line, "members read different conversations"); ok {
			return after
		}
	}
	return ""
}
