//go:build unix && !(linux && (amd64 || arm64))

package sock

import "net"

func recvmsg(fd int, b []byte, wantAddr bool) (int, int, net.Addr, error) {
	return recvmsgPortable(fd, b, wantAddr)
}
