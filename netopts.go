package asyncio

import "syscall"

// A NetOption configures a connection, a server or a datagram endpoint
// (CreateConnection, CreateServer, OpenConnection, StartServer and their
// Unix forms, CreateDatagramEndpoint, OpenDatagramEndpoint): asyncio's
// keyword arguments. The zero NetOption changes nothing.
type NetOption struct {
	apply func(*netConfig)
}

type netConfig struct {
	localAddr string       // bind before connecting (local_addr)
	sock      syscall.Conn // an existing socket to adopt (sock=)
	reusePort bool         // SO_REUSEPORT on listeners (reuse_port)
	backlog   int          // listen backlog, and accepts per readiness event
	limit     int          // StreamReader buffer limit (limit)
	noStart   bool         // CreateServer/StartServer: do not accept yet (start_serving=False)
	broadcast bool         // SO_BROADCAST on datagram sockets (allow_broadcast)
	dgramSize int          // datagram endpoints: longest datagram received whole; 0 for the default
}

func newNetConfig(opts []NetOption) netConfig {
	c := netConfig{backlog: 100}
	for _, o := range opts {
		if o.apply != nil {
			o.apply(&c)
		}
	}
	return c
}

// WithLocalAddr binds a connection's socket to addr ("host:port", "" port
// for any) before connecting: asyncio's local_addr.
func WithLocalAddr(addr string) NetOption {
	return NetOption{func(c *netConfig) { c.localAddr = addr }}
}

// WithSocket adopts an existing socket instead of making one: a connected
// net.Conn (or *os.File) for the connection calls, a listener for the server
// calls, a net.PacketConn (*net.UDPConn, *net.UnixConn) for the datagram
// calls, asyncio's sock= argument. The loop works on a duplicate of its file
// descriptor, in non-blocking mode; the caller still owns conn and should
// close it.
func WithSocket(conn syscall.Conn) NetOption {
	return NetOption{func(c *netConfig) { c.sock = conn }}
}

// WithReusePort sets SO_REUSEPORT on a server's listening sockets, so that
// several loops (one per core) can listen on the same port and share its
// connections: asyncio's reuse_port.
func WithReusePort(on bool) NetOption {
	return NetOption{func(c *netConfig) { c.reusePort = on }}
}

// WithBacklog sets a server's listen backlog, 100 by default: asyncio's
// backlog.
func WithBacklog(n int) NetOption {
	return NetOption{func(c *netConfig) {
		if n > 0 {
			c.backlog = n
		}
	}}
}

// WithLimit sets the buffer limit of the StreamReaders that OpenConnection
// and StartServer make, 64 KiB by default: asyncio's limit. For
// OpenDatagramEndpoint it bounds the bytes of datagrams held for RecvFrom,
// 256 KiB by default.
func WithLimit(n int) NetOption {
	return NetOption{func(c *netConfig) { c.limit = n }}
}

// WithStartServing(false) makes CreateServer and StartServer return a server
// that does not accept connections until StartServing or ServeForever:
// asyncio's start_serving.
func WithStartServing(on bool) NetOption {
	return NetOption{func(c *netConfig) { c.noStart = !on }}
}

// WithAllowBroadcast sets SO_BROADCAST on a datagram endpoint's socket
// (CreateDatagramEndpoint, OpenDatagramEndpoint), so that it may send to a
// broadcast address: asyncio's allow_broadcast.
func WithAllowBroadcast(on bool) NetOption {
	return NetOption{func(c *netConfig) { c.broadcast = on }}
}

// WithMaxDatagramSize sets the longest datagram a datagram endpoint receives
// whole, 256 KiB by default (asyncio's max_size): a longer one is delivered
// cut to n bytes, with a *[DatagramTruncatedError]. n <= 0 keeps the
// default.
func WithMaxDatagramSize(n int) NetOption {
	return NetOption{func(c *netConfig) {
		if n > 0 {
			c.dgramSize = n
		}
	}}
}
