//go:build unix && !linux

package poll

// pollRDHUP is zero where poll(2) has no half-close bit: a half-close then
// shows as Readable, and the read that returns 0 tells the caller.
const pollRDHUP = 0
