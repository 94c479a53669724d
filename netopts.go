package asyncio

import (
	"crypto/tls"
	"syscall"
	"time"
)

// A NetOption configures a connection, a server or a datagram endpoint
// ([CreateConnection], [CreateServer], [OpenConnection], [StartServer] and their
// Unix forms, [CreateDatagramEndpoint], [OpenDatagramEndpoint]): asyncio's
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

	tls           *tls.Config   // TLS over the connection (ssl=); nil for none
	serverName    string        // server_hostname, when hasServerName
	hasServerName bool          // WithServerHostname was given
	tlsTimeout    time.Duration // ssl_handshake_timeout; <= 0 for the default
	serverSide    bool          // StartTLS: the server's side (server_side)

	broadcast bool // SO_BROADCAST on datagram sockets (allow_broadcast)
	dgramSize int  // datagram endpoints: longest datagram received whole; 0 for the default
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

// WithLimit sets the buffer limit of the StreamReaders that [OpenConnection]
// and [StartServer] make, 64 KiB by default: asyncio's limit. For
// [OpenDatagramEndpoint] it bounds the bytes of datagrams held for RecvFrom,
// 256 KiB by default.
func WithLimit(n int) NetOption {
	return NetOption{func(c *netConfig) { c.limit = n }}
}

// WithStartServing(false) makes [CreateServer] and [StartServer] return a server
// that does not accept connections until StartServing or ServeForever:
// asyncio's start_serving.
func WithStartServing(on bool) NetOption {
	return NetOption{func(c *netConfig) { c.noStart = !on }}
}

// WithTLS makes the connection, or every connection a server accepts, a TLS
// connection configured by cfg (certificates, ALPN, client authentication,
// session resumption: all of crypto/tls's Config): asyncio's ssl=. The
// transport the caller gets runs the TLS record layer over the socket's
// transport (see [EventLoop.StartTLS]); a connection is handed over only once
// its handshake succeeds. cfg is cloned; a client whose cfg has no
// ServerName gets the one of [WithServerHostname], or the host of the
// address it connects to. WithTLS panics if cfg is nil.
//
// A TLS transport's GetExtraInfo adds these keys to the socket's
// ("peername", "sockname", "socket"), asyncio's SSL keys in Go's types:
//
//   - "tls": the tls.ConnectionState (asyncio's "ssl_object")
//   - "peercert": the peer's leaf *x509.Certificate, nil if it sent none
//   - "peercerts": the peer's []*x509.Certificate, leaf first
//   - "cipher": the cipher suite's name, as tls.CipherSuiteName gives it
//   - "alpn": the negotiated ALPN protocol, "" for none
//   - "tlsversion": the version's name, such as "TLS 1.3"
//   - "sslcontext": the *tls.Config in use
//
// The TLS transport cannot half-close: CanWriteEOF reports false and
// WriteEOF returns an error matching errors.ErrUnsupported; Close sends
// close_notify.
func WithTLS(cfg *tls.Config) NetOption {
	if cfg == nil {
		panic("asyncio: WithTLS: nil *tls.Config")
	}
	return NetOption{func(c *netConfig) { c.tls = cfg }}
}

// WithServerHostname sets the name a TLS client sends (SNI) and checks the
// server's certificate against, in place of the address's host: asyncio's
// server_hostname. It overrides the Config's ServerName.
func WithServerHostname(name string) NetOption {
	return NetOption{func(c *netConfig) { c.serverName, c.hasServerName = name, true }}
}

// WithTLSHandshakeTimeout bounds a TLS handshake to d, 60 s by default
// (asyncio's ssl_handshake_timeout); a client's ctx deadline bounds it as
// well. A handshake that runs out of time aborts the connection with an
// error matching [ErrTimeout]. d <= 0 chooses the default.
func WithTLSHandshakeTimeout(d time.Duration) NetOption {
	return NetOption{func(c *netConfig) { c.tlsTimeout = d }}
}

// WithServerSide(true) makes [EventLoop.StartTLS] and [StreamWriter.StartTLS]
// take the server's side of the handshake: asyncio's server_side. The other
// calls know their side and ignore it.
func WithServerSide(on bool) NetOption {
	return NetOption{func(c *netConfig) { c.serverSide = on }}
}

// WithAllowBroadcast sets SO_BROADCAST on a datagram endpoint's socket
// ([CreateDatagramEndpoint], [OpenDatagramEndpoint]), so that it may send to a
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
