package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"
)

// supervise runs cfg.Workers copies of this binary on one port with SO_REUSEPORT, because
// one process can hold at most ~19k connections under the 20000 open-files cap. It prints
// the "listening on" line once all are ready, forwards SIGTERM/SIGINT, and if a worker
// dies on its own it stops the others and fails, so a crash is visible to the harness.
func supervise(cfg *Config) int {
	// Pdeathsig is tied to the OS thread that forked the child: keep this one for good.
	runtime.LockOSThread()

	port := cfg.Port
	if port == 0 {
		// Every worker must bind the same port: pick a free one once, then release it.
		ln, err := listen(cfg.Host, 0, true)
		if err != nil {
			fmt.Fprintln(os.Stderr, "go-nethttp: listen:", err)
			return 1
		}
		port = ln.Addr().(*net.TCPAddr).Port
		ln.Close()
	}

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)

	shared, err := newSharedMemory() // one breaker per service across all workers
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-nethttp:", err)
		return 1
	}
	defer shared.Close()

	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-nethttp:", err)
		return 1
	}
	type exit struct {
		index int
		err   error
	}
	exits := make(chan exit, cfg.Workers)
	ready := make(chan int, cfg.Workers)
	var children []*exec.Cmd
	signalAll := func(sig os.Signal) {
		for _, c := range children {
			_ = c.Process.Signal(sig)
		}
	}
	for i := 0; i < cfg.Workers; i++ {
		r, w, err := os.Pipe()
		if err != nil {
			fmt.Fprintln(os.Stderr, "go-nethttp:", err)
			signalAll(syscall.SIGTERM)
			return 1
		}
		cmd := exec.Command(self)
		cmd.Env = append(os.Environ(), workerEnv+"="+strconv.Itoa(i), "GW_LISTEN_PORT="+strconv.Itoa(port))
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		// fd 3: the worker writes "ready" once it accepts; fd 4: shared breaker memory.
		cmd.ExtraFiles = []*os.File{w, shared}
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "go-nethttp: start worker:", err)
			signalAll(syscall.SIGTERM)
			return 1
		}
		w.Close()
		children = append(children, cmd)
		go func(i int, r *os.File) {
			if line, _ := bufio.NewReader(r).ReadString('\n'); line == "ready\n" {
				ready <- i
			}
			r.Close()
		}(i, r)
		go func(i int, c *exec.Cmd) { exits <- exit{i, c.Wait()} }(i, cmd)
	}

	waitAll := func(first *exit) int {
		code := 0
		remaining := len(children)
		if first != nil {
			remaining--
		}
		for ; remaining > 0; remaining-- {
			if e := <-exits; e.err != nil {
				fmt.Fprintf(os.Stderr, "go-nethttp: worker %d: %v\n", e.index, e.err)
				code = 1
			}
		}
		return code
	}

	for n := 0; ; {
		select {
		case <-ready:
			if n++; n == cfg.Workers {
				fmt.Fprintf(os.Stderr, "go-nethttp: %d worker processes ready\n", cfg.Workers)
				fmt.Printf("listening on http://%s\n", net.JoinHostPort(cfg.Host, strconv.Itoa(port)))
			}
		case sig := <-stop:
			signalAll(sig)
			return waitAll(nil)
		case e := <-exits:
			if e.err == nil {
				// A worker only exits 0 after SIGTERM/SIGINT: the signal went to the whole
				// process group and reached it before us. Stop the rest the same way.
				signalAll(syscall.SIGTERM)
				return waitAll(&e)
			}
			fmt.Fprintf(os.Stderr, "go-nethttp: worker %d exited unexpectedly (%v); stopping the others\n", e.index, e.err)
			signalAll(syscall.SIGTERM)
			waitAll(&e)
			return 1
		}
	}
}
