package main

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// sharedBytes is the size of the memory the worker processes share: breaker slots in the
// first page, then one heap slot per process (heapshare.go).
const sharedBytes = heapRegion + maxHeapSlots*heapSlotBytes

// breakerFD is the descriptor a worker inherits the shared memory on (fd 3 is the ready pipe).
const breakerFD = 4

// newSharedMemory creates the anonymous shared memory file the supervisor hands to every
// worker, so they can share breaker state.
func newSharedMemory() (*os.File, error) {
	fd, err := unix.MemfdCreate("gwb-go-breakers", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("memfd_create: %w", err)
	}
	if err := unix.Ftruncate(fd, sharedBytes); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("ftruncate: %w", err)
	}
	return os.NewFile(uintptr(fd), "gwb-go-breakers"), nil
}

// breakerMemory returns the memory breakers live in: the supervisor's shared file in a
// worker, private memory in a single process.
func breakerMemory(worker bool) ([]byte, error) {
	if !worker {
		return make([]byte, sharedBytes), nil // Go allocations of this size are 8-byte aligned
	}
	mem, err := unix.Mmap(breakerFD, 0, sharedBytes, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("mmap shared breaker memory: %w", err)
	}
	return mem, nil
}
