//go:build race && asyncio_coroswitch

package coro

import (
	"runtime"
	"unsafe"
)

// The runtime's switch tells the race detector nothing: each side releases
// before it switches and acquires after, as iter.Pull does, so that what one
// side wrote happens before what the other reads.

func raceAcquire(p unsafe.Pointer) { runtime.RaceAcquire(p) }
func raceRelease(p unsafe.Pointer) { runtime.RaceRelease(p) }
