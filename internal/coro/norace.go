//go:build !race && asyncio_coroswitch

package coro

import "unsafe"

func raceAcquire(unsafe.Pointer) {}
func raceRelease(unsafe.Pointer) {}
