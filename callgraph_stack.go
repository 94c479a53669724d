package asyncio

// Reading a suspended coroutine's stack.
//
// A coroutine's goroutine is parked in the runtime's coroutine switch while
// its task waits, so only runtime.Stack(buf, true) can show it, and that
// prints every goroutine with its number. The loop knows its goroutines by
// internal/goid, which on amd64 and arm64 is the address of the runtime's g,
// not the number, and learning the number from inside each goroutine costs a
// runtime.Stack of its own (microseconds): too much to pay for every worker
// when spawning a task costs less than one.
//
// So the loop marks the stacks instead. The body of every task runs under a
// frame of runTaskMarked, and debug mode's loop iterations under
// runInstrumented, whose first argument is a stackMark: an array of two
// words, which Go's calling convention always passes in memory, so the
// traceback prints it exactly ("runTaskMarked({0xc000123400, 0xa51c7a5c}, ...)"),
// where a register argument would be printed from a possibly stale spill slot
// and flagged with "?". The first word is the task (or loop) the goroutine
// runs, the second a constant that makes a false match impossible in
// practice. A dump then takes one runtime.Stack of all goroutines, however
// many tasks it shows, and finds each task's goroutine by its mark. The
// mark costs one call per task body, not per step, and nothing at all in the
// switch between steps.
//
// A goroutine profile with labels would identify goroutines too, but only
// those labelled, and labelling every worker costs an allocation per
// goroutine; the pprof labels of WithProfiling are for attributing time.

import (
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"strings"
)

// A stackMark labels a goroutine's stack: what runs on it, and which kind of
// mark it is (taskMagic, driverMagic).
type stackMark [2]uintptr

const (
	taskMagic   = 0xa51c7a5c // the first word is a *taskCore whose body runs below
	driverMagic = 0xa51c10e0 // the first word is the *EventLoop this goroutine drives
)

// A Frame is one call in a coroutine's stack, innermost first in a Stack.
// The zero Frame names no call.
type Frame struct {
	Func string `json:"func"` // the function, package-qualified: "main.worker"
	File string `json:"file"`
	Line int    `json:"line"`
}

func (f Frame) String() string { return fmt.Sprintf("%s at %s:%d", f.Func, f.File, f.Line) }

// pkgPrefix is this package's import path and a dot, for trimming its
// innermost frames (the switch) and outermost ones (the worker) from stacks.
var pkgPrefix = func() string {
	name := runtime.FuncForPC(reflect.ValueOf(runTaskMarked).Pointer()).Name() // ".../asyncio.runTaskMarked"
	return name[:strings.LastIndexByte(name, '.')+1]
}()

// stackDump is the text of runtime.Stack for every goroutine, split into one
// block per goroutine.
type stackDump []string

// allStacks captures every goroutine's stack. It stops the world for as long
// as the runtime takes to format them.
func allStacks() stackDump {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) || len(buf) >= 64<<20 {
			return strings.Split(string(buf[:n]), "\n\n")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// find returns the frames of the goroutine that carries mark, trimmed to what
// the coroutine itself called, or nil.
func (d stackDump) find(mark stackMark) []Frame {
	needle := fmt.Sprintf("{%#x, %#x}", mark[0], mark[1])
	for _, block := range d {
		if strings.Contains(block, needle) {
			return trimFrames(parseFrames(block), mark[1])
		}
	}
	return nil
}

// parseFrames reads the frames of one goroutine's block of runtime.Stack text:
// a header line, then two lines per call, "pkg.fn(args)" and "\tfile:line +0x..".
func parseFrames(block string) []Frame {
	lines := strings.Split(strings.TrimSpace(block), "\n")
	var frames []Frame
	for i := 1; i+1 < len(lines); i += 2 {
		fn, loc := lines[i], strings.TrimSpace(lines[i+1])
		if strings.HasPrefix(fn, "created by ") {
			break
		}
		if j := strings.LastIndexByte(fn, '('); j > 0 {
			fn = fn[:j]
		}
		if j := strings.LastIndexByte(loc, ' '); j > 0 {
			loc = loc[:j]
		}
		f := Frame{Func: fn, File: loc}
		if j := strings.LastIndexByte(loc, ':'); j > 0 {
			f.File = loc[:j]
			f.Line, _ = strconv.Atoi(loc[j+1:])
		}
		frames = append(frames, f)
	}
	return frames
}

// trimFrames drops from the top the runtime's switch and this package's
// unexported functions (the await machinery under Lock.Acquire), and from the
// bottom everything from the frame that started the task's body (or the
// loop's iteration) down: what is left is the coroutine's own calls.
func trimFrames(frames []Frame, magic uintptr) []Frame {
	for len(frames) > 0 && internalFrame(frames[0].Func) {
		frames = frames[1:]
	}
	for i, f := range frames {
		rest, ok := strings.CutPrefix(f.Func, pkgPrefix)
		if !ok {
			continue
		}
		if magic == taskMagic && strings.HasPrefix(rest, "(*Task[") && strings.HasSuffix(rest, ").runBody") ||
			rest == "runTaskMarked" || strings.HasSuffix(rest, ").runInstrumented") {
			return frames[:i:i]
		}
	}
	return frames
}

// formatFrames renders frames one a line, each line starting with indent.
func formatFrames(frames []Frame, indent string) string {
	var b strings.Builder
	for _, f := range frames {
		b.WriteString(indent)
		b.WriteString(f.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// internalFrame reports whether fn is the runtime's, iter's or an unexported
// function of this package.
func internalFrame(fn string) bool {
	if strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "iter.") {
		return true
	}
	rest, ok := strings.CutPrefix(fn, pkgPrefix)
	if !ok {
		return false
	}
	rest = strings.ReplaceAll(rest, "[...]", "")
	name := rest[strings.LastIndexByte(rest, '.')+1:]
	return name != "" && name[0] >= 'a' && name[0] <= 'z'
}
