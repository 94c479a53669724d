// Package peer holds what the Go peer programs of bench/peers share: the
// workload sizes, the sleepers' seeded delays, /proc/self/status figures and
// the result line every peer, in any language, prints.
package peer

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Workloads lists the non-network workloads in the order the report uses.
var Workloads = []string{"switch", "pingpong", "spawn", "sleepers", "queue"}

// Sizes is one workload's size: N measured operations after Warmup
// unmeasured ones.
type Sizes struct {
	N, Warmup int
}

// SizesFor returns the sizes for workload under the PEERS_SIZE environment
// variable (full, the default; quick; tiny). The Python, Node and tokio
// peers carry the same table.
func SizesFor(workload string) Sizes {
	var full, quick, tiny int
	switch workload {
	case "switch", "queue":
		full, quick, tiny = 1_000_000, 200_000, 1_000
	case "pingpong":
		full, quick, tiny = 500_000, 100_000, 1_000
	case "spawn":
		full, quick, tiny = 200_000, 50_000, 1_000
	case "sleepers":
		full, quick, tiny = 100_000, 20_000, 1_000
	default:
		fmt.Fprintf(os.Stderr, "unknown workload %q\n", workload)
		os.Exit(2)
	}
	n := full
	switch os.Getenv("PEERS_SIZE") {
	case "quick":
		n = quick
	case "tiny":
		n = tiny
	}
	// Spawn and sleepers measure a cold start, which their bytes-per-task
	// figure needs; the others warm up on a tenth of their size.
	if workload == "spawn" || workload == "sleepers" {
		return Sizes{N: n}
	}
	return Sizes{N: n, Warmup: n / 10}
}

// Delays returns the sleepers' n delays in milliseconds: xorshift32 from seed
// 2463534242, each step's state modulo 1001, so every runtime sleeps the same.
func Delays(n int) []int {
	x := uint32(2463534242)
	ds := make([]int, n)
	for i := range ds {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		ds[i] = int(x % 1001)
	}
	return ds
}

// StatusKiB returns a kB field of /proc/self/status such as "VmRSS" or
// "VmHWM", or 0 where /proc is missing.
func StatusKiB(field string) int64 {
	return ProcStatusKiB("self", field)
}

// ProcStatusKiB is StatusKiB for the process pid ("self" or a number).
func ProcStatusKiB(pid, field string) int64 {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				v, _ := strconv.ParseInt(f[0], 10, 64)
				return v
			}
		}
	}
	return 0
}

// Result is one result line. Extra fields are optional per workload.
type Result struct {
	Runtime      string  `json:"runtime"`
	Workload     string  `json:"workload"`
	N            int     `json:"n"`
	Warmup       int     `json:"warmup"`
	Value        float64 `json:"value"`
	Unit         string  `json:"unit"`
	Checksum     int64   `json:"checksum"`
	HWMKiB       int64   `json:"hwm_kib"`
	RSSBeforeKiB int64   `json:"rss_before_kib,omitempty"`
	BytesPerTask float64 `json:"bytes_per_task,omitempty"`
	DelaySum     int64   `json:"delay_sum,omitempty"`
}

// Emit prints r as one JSON line on stdout, filling in the peak RSS.
func Emit(r Result) {
	r.HWMKiB = StatusKiB("VmHWM")
	b, _ := json.Marshal(r)
	fmt.Println(string(b))
}

// PerTask returns the bytes per task that the RSS grew by from before
// (VmRSS before spawning, KiB) to the peak, over n tasks.
func PerTask(beforeKiB int64, n int) float64 {
	return float64(max(StatusKiB("VmHWM")-beforeKiB, 0)*1024) / float64(n)
}

// Expected returns the checksum a correct run of workload prints for sizes
// n and warmup, and false for a workload whose checksum it cannot predict
// (echo counts requests).
func Expected(workload string, n, warmup int) (int64, bool) {
	N := int64(n)
	switch workload {
	case "switch":
		return N, true
	case "pingpong":
		// The counter goes up once per round trip and is not reset after the
		// warm-up.
		return N + int64(warmup), true
	case "spawn":
		return N * (N - 1), true
	case "sleepers":
		var sum int64
		for _, d := range Delays(n) {
			sum += int64(d)
		}
		return sum, true
	case "queue":
		return N * (N - 1) / 2, true
	}
	return 0, false
}
