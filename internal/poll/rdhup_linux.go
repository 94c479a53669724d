package poll

import "golang.org/x/sys/unix"

// pollRDHUP asks poll(2) to report a peer's half-close, which Linux alone
// distinguishes from readable data.
const pollRDHUP = unix.POLLRDHUP
