// Package asynciodebug serves the task dump of every running asyncio loop
// over HTTP, in the style of net/http/pprof: importing it for its side
// effect registers its handler at /debug/asyncio/ on http.DefaultServeMux.
//
//	import _ "github.com/asyncio-go/asyncio/asynciodebug"
//
// Then, with an HTTP server on the default mux running:
//
//	curl http://localhost:6060/debug/asyncio/            # text, as a tree
//	curl http://localhost:6060/debug/asyncio/?format=json
//
// A program with a mux of its own mounts [Handler] where it likes. A program
// without HTTP writes the same dump with [Write], on a signal for instance:
//
//	sigs := make(chan os.Signal, 1)
//	signal.Notify(sigs, syscall.SIGUSR1)
//	go func() {
//		for range sigs {
//			asynciodebug.Write(context.Background(), os.Stderr, false)
//		}
//	}()
//
// Each loop builds its own dump, in one callback posted through
// CallSoonThreadsafe: the loop runs nothing else meanwhile, and is held no
// longer than that. A loop whose step is blocking it cannot answer; it is
// listed with the error after a timeout (see [Handler]).
package asynciodebug

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/asyncio-go/asyncio"
)

func init() {
	http.Handle("/debug/asyncio/", Handler())
}

// Timeout bounds how long the handler waits for each loop's dump, unless the
// request's timeout parameter says otherwise ("?timeout=10s").
const Timeout = 5 * time.Second

// Handler returns the handler that serves the dump of every running loop: as
// text, or as JSON (a list of asyncio.LoopDump) with ?format=json. The
// parameter timeout (a Go duration) bounds the wait for a loop that does not
// answer; the default is [Timeout].
func Handler() http.Handler { return http.HandlerFunc(serve) }

func serve(w http.ResponseWriter, r *http.Request) {
	timeout := Timeout
	if s := r.FormValue("timeout"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			http.Error(w, "asynciodebug: bad timeout: "+s, http.StatusBadRequest)
			return
		}
		timeout = d
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	asJSON := r.FormValue("format") == "json"
	if asJSON {
		w.Header().Set("Content-Type", "application/json")
	} else {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if err := Write(ctx, w, asJSON); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// Write writes the dump of every running loop to w, as text or as JSON, and
// returns the error of w or of asyncio.DumpRunningLoops. It waits for each
// loop at most until ctx is done. It must not be called from a loop's
// goroutine or coroutine, which would wait for itself.
func Write(ctx context.Context, w io.Writer, asJSON bool) error {
	dumps, err := asyncio.DumpRunningLoops(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		if dumps == nil {
			dumps = []*asyncio.LoopDump{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(dumps)
	}
	if len(dumps) == 0 {
		_, err := fmt.Fprintln(w, "no event loop is running")
		return err
	}
	for _, d := range dumps {
		if err := d.WriteText(w); err != nil {
			return err
		}
	}
	return nil
}
