//go:build !race

package sock

// raceEnabled: see race.go.
const raceEnabled = false
