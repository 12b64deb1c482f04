package main

import (
	"context"
	"net"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// listen opens the gateway's socket. With reusePort several worker processes bind the
// same port and the kernel spreads new connections over them (SO_REUSEPORT). The backlog
// is the kernel's net.core.somaxconn: Go passes that value to listen(2).
func listen(host string, port int, reusePort bool) (net.Listener, error) {
	lc := net.ListenConfig{}
	if reusePort {
		lc.Control = func(_, _ string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) {
				serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
			})
			if err != nil {
				return err
			}
			return serr
		}
	}
	return lc.Listen(context.Background(), "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
}
