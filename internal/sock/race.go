//go:build race

package sock

// raceEnabled routes reads and writes through package syscall, whose race
// annotations let the detector see the ordering that data passed through a
// socket or pipe creates; a raw system call is invisible to it, and a test
// that publishes memory through a socket would report a false race.
const raceEnabled = true
