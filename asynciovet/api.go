package asynciovet

import (
	"go/types"
	"strings"
)

// asyncioPath is the import path of the package whose coroutines are checked.
const asyncioPath = "github.com/asyncio-go/asyncio"

// blockingAwait is the await suggested for blocking Go code. It is kept in one
// place because the package means to rename AwaitBlocking (asyncio's
// to_thread), and every message must follow.
const blockingAwait = "asyncio.AwaitBlocking"

// coroutineArgs lists, for each asyncio API that runs a coroutine, which
// arguments are coroutine bodies. APIs whose parameter has the type Coroutine
// or Func are found by type as well; this table also covers the ones typed as
// plain func(context.Context) error. AwaitBlocking is absent on purpose: its
// fn runs on a goroutine of its own, where blocking is what it is for.
var coroutineArgs = map[string][]int{
	"Run":                  {0},
	"RunValue":             {0},
	"CreateTask":           {1},
	"Go":                   {1},
	"EnsureFuture":         {1},
	"CreateGroupTask":      {1},
	"Timeout":              {2},
	"TimeoutAt":            {2},
	"WithTaskGroup":        {1},
	"TaskGroup.Go":         {0},
	"TimeoutScope.Run":     {1},
	"Runner.Run":           {0},
	"EventLoop.Go":         {0},
	"EventLoop.CreateTask": {0},
	"Call":                 {0},
	"CallValue":            {0},
}

// callbackArgs lists the asyncio APIs whose function argument runs on the
// loop's goroutine as a callback: not a coroutine (it has no task ctx), but
// blocking in it blocks the loop all the same.
var callbackArgs = map[string][]int{
	"EventLoop.CallSoon":           {0},
	"EventLoop.CallSoonThreadsafe": {0},
	"EventLoop.CallLater":          {1},
	"EventLoop.CallAt":             {1},
	"Future.AddDoneCallback":       {0},
	"Task.AddDoneCallback":         {0},
}

// notAwaits are the asyncio functions that take a ctx and return an error
// without suspending: their only error is ErrNotInCoroutine, so discarding it
// loses no cancellation.
var notAwaits = map[string]bool{
	"AllTasks":       true,
	"GetRunningLoop": true,
}

// apiName returns fn's name as the tables above spell it ("Sleep",
// "TaskGroup.Go"), and whether fn belongs to the asyncio package.
func apiName(fn *types.Func) (string, bool) {
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != asyncioPath {
		return "", false
	}
	return qualifiedName(fn), true
}

// qualifiedName returns "Func" or "Type.Method" for fn, without the package.
func qualifiedName(fn *types.Func) string {
	fn = fn.Origin()
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil {
		return fn.Name()
	}
	t := sig.Recv().Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	switch t := t.(type) {
	case *types.Named:
		return t.Obj().Name() + "." + fn.Name()
	case *types.Alias:
		return t.Obj().Name() + "." + fn.Name()
	}
	return fn.Name()
}

// isAwait reports whether fn is one of the package's awaits: a function or
// method of asyncio that takes the task's ctx first and returns an error,
// which carries the task's cancellation (Sleep, Gather, Await, Lock.Acquire,
// Queue.Get, Event.Wait, Timeout, ...).
func isAwait(fn *types.Func) bool {
	name, ok := apiName(fn)
	if !ok || notAwaits[name] {
		return false
	}
	sig := fn.Type().(*types.Signature)
	return sig.Params().Len() > 0 && isContext(sig.Params().At(0).Type()) && lastIsError(sig)
}

// isCoroutineType reports whether t is asyncio.Coroutine[T] or asyncio.Func:
// a function stored in one runs as a coroutine.
func isCoroutineType(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != asyncioPath {
		return false
	}
	name := n.Obj().Name()
	return name == "Coroutine" || name == "Func"
}

// isContext reports whether t is context.Context.
func isContext(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context"
}

// lastIsError reports whether sig's last result is an error.
func lastIsError(sig *types.Signature) bool {
	r := sig.Results()
	return r.Len() > 0 && types.Identical(r.At(r.Len()-1).Type(), types.Universe.Lookup("error").Type())
}

// isStd reports whether path is a standard-library package, by Go's rule that
// only those have no dot in their first element. The analyzer records no facts
// for them: the blocking calls it knows are their APIs, named below, and
// deriving more (fmt.Println writes to a file) would flag every print.
func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// A blocker is a blocking call the analyzer knows, and the await to use
// instead.
type blocker struct {
	what    string // as the message names it
	suggest string
}

// blockingFuncs are the blocking standard-library functions and methods, by
// package path and qualified name. Methods of net and bufio, and the io
// helpers, are matched by blockingCall, which looks at their receiver.
var blockingFuncs = map[string]map[string]blocker{
	"time": {
		"Sleep": {"time.Sleep", "asyncio.Sleep"},
	},
	"sync": {
		"Mutex.Lock":     {"sync.Mutex.Lock", "an asyncio.Lock (Acquire) among coroutines, or " + blockingAwait},
		"RWMutex.Lock":   {"sync.RWMutex.Lock", "an asyncio.Lock (Acquire) among coroutines, or " + blockingAwait},
		"RWMutex.RLock":  {"sync.RWMutex.RLock", "an asyncio.Lock (Acquire) among coroutines, or " + blockingAwait},
		"WaitGroup.Wait": {"sync.WaitGroup.Wait", "asyncio.WithTaskGroup for tasks, or " + blockingAwait},
		"Cond.Wait":      {"sync.Cond.Wait", "an asyncio.Condition (Wait)"},
	},
	"os/exec": {
		"Cmd.Run":            {"exec.Cmd.Run", blockingAwait},
		"Cmd.Wait":           {"exec.Cmd.Wait", blockingAwait},
		"Cmd.Output":         {"exec.Cmd.Output", blockingAwait},
		"Cmd.CombinedOutput": {"exec.Cmd.CombinedOutput", blockingAwait},
	},
	"net/http":     httpBlockers(),
	"database/sql": sqlBlockers(),
}

func httpBlockers() map[string]blocker {
	m := map[string]blocker{}
	for _, n := range []string{"Get", "Head", "Post", "PostForm", "ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS",
		"Client.Do", "Client.Get", "Client.Head", "Client.Post", "Client.PostForm",
		"Server.ListenAndServe", "Server.ListenAndServeTLS", "Server.Serve", "Server.ServeTLS", "Server.Shutdown"} {
		m[n] = blocker{"http." + n, blockingAwait}
	}
	return m
}

func sqlBlockers() map[string]blocker {
	m := map[string]blocker{}
	for _, t := range []string{"DB", "Tx", "Conn", "Stmt"} {
		for _, n := range []string{"Query", "QueryContext", "QueryRow", "QueryRowContext", "Exec", "ExecContext",
			"Ping", "PingContext", "Begin", "BeginTx", "Prepare", "PrepareContext", "Commit", "Rollback", "Conn"} {
			m[t+"."+n] = blocker{"sql." + t + "." + n, blockingAwait}
		}
	}
	// Rows.Next and Row.Scan read what a query above them fetched: the
	// query is reported, and moving it into AwaitBlocking moves them too.
	return m
}

// netBlocking are the methods of net's connections, listeners and dialers that
// wait for the network, and its dial functions.
var netBlocking = map[string]bool{
	"Read": true, "Write": true, "ReadFrom": true, "WriteTo": true,
	"ReadFromUDP": true, "WriteToUDP": true, "ReadMsgUDP": true, "WriteMsgUDP": true,
	"ReadFromUDPAddrPort": true, "WriteToUDPAddrPort": true,
	"ReadFromUnix": true, "WriteToUnix": true, "ReadMsgUnix": true, "WriteMsgUnix": true,
	"ReadFromIP": true, "WriteToIP": true, "ReadMsgIP": true, "WriteMsgIP": true,
	"Accept": true, "AcceptTCP": true, "AcceptUnix": true,
	"Dial": true, "DialContext": true, "DialTimeout": true, "DialTCP": true, "DialUDP": true, "DialUnix": true, "DialIP": true,
}

// fileBlocking are the methods of *os.File that wait for the file.
var fileBlocking = map[string]bool{
	"Read": true, "Write": true, "ReadAt": true, "WriteAt": true, "WriteString": true, "ReadFrom": true, "WriteTo": true,
}

// bufioReads are the methods of bufio.Scanner and bufio.Reader that read from
// the underlying reader, and so block when it does.
var bufioReads = map[string]bool{
	"Scanner.Scan": true, "Reader.Read": true, "Reader.ReadString": true, "Reader.ReadLine": true,
	"Reader.ReadBytes": true, "Reader.ReadRune": true, "Reader.ReadByte": true, "Reader.ReadSlice": true,
	"Reader.Peek": true, "Reader.WriteTo": true, "Reader.Discard": true,
}

// ioHelpers are the io functions that read or write until done: they block when
// one of their readers or writers does.
var ioHelpers = map[string]bool{
	"ReadAll": true, "ReadFull": true, "ReadAtLeast": true, "Copy": true, "CopyN": true, "CopyBuffer": true,
}

// fmtIO are the fmt functions that write to or read from their first
// argument: they block when it does.
var fmtIO = map[string]bool{
	"Fprint": true, "Fprintf": true, "Fprintln": true, "Fscan": true, "Fscanf": true, "Fscanln": true,
}
