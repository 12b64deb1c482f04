// Command go-nethttp is gw-bench's Go baseline gateway: net/http + httputil.ReverseProxy
// implementing docs/gateway-contract.md. See README.md for the tuning knobs.
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// workerEnv marks a process started by the supervisor; its value is the worker index.
const workerEnv = "GWB_GO_WORKER"

// shutdownGrace bounds how long in-flight requests may finish after SIGTERM.
const shutdownGrace = 10 * time.Second

func main() {
	cfg, err := LoadConfig()
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-nethttp:", err)
		os.Exit(2)
	}
	if cfg.Workers > 1 && os.Getenv(workerEnv) == "" {
		os.Exit(supervise(cfg))
	}
	os.Exit(serve(cfg))
}

// goHeaderLimit converts GW_MAX_HEADER_BYTES into http.Server.MaxHeaderBytes: net/http
// reads up to MaxHeaderBytes+4096 bytes (request line + headers) before answering 431.
func goHeaderLimit(contractBytes int) int {
	if contractBytes > 4096+1024 {
		return contractBytes - 4096
	}
	return 1024
}

// serve runs one gateway process until SIGTERM/SIGINT, then drains it.
func serve(cfg *Config) int {
	worker := os.Getenv(workerEnv) != ""
	breakerMem, err := breakerMemory(worker)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-nethttp:", err)
		return 1
	}
	metrics := NewMetrics()
	slot, slots := 0, 1
	if worker {
		// every slot is scanned: a slot never written (or stale) is skipped
		slot, _ = strconv.Atoi(os.Getenv(workerEnv))
		slots = maxHeapSlots
	}
	if slot >= 0 && slot < maxHeapSlots {
		publishHeap(breakerMem, slot)
	}
	metrics.Registry.MustRegister(newAllHeapCollector(breakerMem, slots))
	gw, err := NewGateway(cfg, metrics, breakerMem)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-nethttp:", err)
		return 2
	}
	ln, err := listen(cfg.Host, cfg.Port, worker)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-nethttp: listen:", err)
		return 1
	}
	srv := &http.Server{
		Handler: gw,
		// A fresh connection's first request is under ReadHeaderTimeout from accept, so a
		// benchmark connection opened early and idle until its stage must survive it too.
		ReadHeaderTimeout: cfg.IdleTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    goHeaderLimit(cfg.MaxHeaderBytes),
		ConnState: func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				metrics.DownstreamCx.Inc()
			}
		},
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	if worker {
		// The supervisor prints the one "listening on" line once every worker is ready.
		ready := os.NewFile(3, "ready")
		_, _ = ready.Write([]byte("ready\n"))
		ready.Close()
	} else {
		port := ln.Addr().(*net.TCPAddr).Port
		fmt.Printf("listening on http://%s\n", net.JoinHostPort(cfg.Host, strconv.Itoa(port)))
	}

	select {
	case err := <-served:
		fmt.Fprintln(os.Stderr, "go-nethttp: serve:", err)
		return 1
	case <-stop:
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err = srv.Shutdown(ctx) // stops accepting, closes idle connections, waits for in-flight ones
	gw.CloseIdle()
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-nethttp: shutdown:", err)
		return 1
	}
	return 0
}
