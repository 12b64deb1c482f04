"""Every uvicorn worker listens on its own SO_REUSEPORT socket on the gateway's port.

With one socket shared by every worker, whichever worker wakes first takes the connection and
the kernel does not balance accepts: in a 100k-connection test one of 8 workers reached
19,979 connections (the open-files cap is 20,000) while the mean was 12.5k. With a listening
socket per worker on the same port (SO_REUSEPORT) the kernel hashes each new connection to
one of them, so every worker gets about connections / workers.
"""
from __future__ import annotations

import socket


def bind(host: str, port: int, backlog: int | None, reuse_port: bool) -> socket.socket:
    """A TCP socket on host:port (IPv4 or IPv6 literal or name); listening when backlog is given.

    Without backlog it only reserves the port for the workers' SO_REUSEPORT sockets: a socket
    that is bound but not listening receives no connections.
    """
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    if backlog is not None:
        sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def listening_reuseport(host: str, port: int, backlog: int) -> socket.socket:
    """This worker's own listening socket on the shared port."""
    return bind(host, port, backlog, reuse_port=True)


class PerWorkerSocket:
    """Stands in the socket list handed to uvicorn's multiprocess supervisor.

    The supervisor (uvicorn 0.54) passes that list to every worker it spawns, pickled, and
    each worker serves the sockets it unpickles; it has no hook to give each worker its own.
    Unpickling this object in a worker *is* binding that worker's SO_REUSEPORT socket on the
    port, so every worker, restarted ones included, gets a listening socket of its own. The
    launcher never uses it as a socket.
    """

    def __init__(self, host: str, port: int, backlog: int) -> None:
        self.host = host
        self.port = port
        self.backlog = backlog

    def __reduce__(self):
        return (listening_reuseport, (self.host, self.port, self.backlog))
