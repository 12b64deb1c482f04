package main

import (
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/prometheus/client_golang/prometheus"
)

// Heap figures of every process, summed. With GW_WORKERS > 1 /metrics is answered by
// whichever worker the scrape lands on, and go_memstats_* describe that one process only:
// dividing one worker's heap by the RSS of the whole tree understates residency by the
// worker count. So each process publishes its own heap into a slot of the shared memory
// once a second, and every process's /metrics exports the sum over live slots.

const (
	heapRegion     = 4096 // the first page holds the breakers
	heapSlotBytes  = 24   // heap in use, heap sys, last update (unix ns)
	maxHeapSlots   = 256  // GW_WORKERS is at most 256
	heapEvery      = time.Second
	heapStaleAfter = 3 * heapEvery
)

func heapSlot(mem []byte, i int) *[3]uint64 {
	return (*[3]uint64)(unsafe.Pointer(&mem[heapRegion+i*heapSlotBytes]))
}

// publishHeap writes this process's HeapInuse / HeapSys into its slot now and every second.
// runtime.ReadMemStats stops the world for a few microseconds: once a second per process.
func publishHeap(mem []byte, slot int) {
	write := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		s := heapSlot(mem, slot)
		atomic.StoreUint64(&s[0], ms.HeapInuse)
		atomic.StoreUint64(&s[1], ms.HeapSys)
		atomic.StoreUint64(&s[2], uint64(time.Now().UnixNano()))
	}
	write()
	go func() {
		for range time.Tick(heapEvery) {
			write()
		}
	}()
}

// allHeapCollector exports the sums over every slot updated in the last few seconds.
type allHeapCollector struct {
	mem               []byte
	slots             int
	inuse, sys, procs *prometheus.Desc
}

func newAllHeapCollector(mem []byte, slots int) *allHeapCollector {
	return &allHeapCollector{
		mem: mem, slots: slots,
		inuse: prometheus.NewDesc("gateway_heap_inuse_bytes_all_processes", "Go HeapInuse summed over every gateway process (workers publish theirs once a second).", nil, nil),
		sys:   prometheus.NewDesc("gateway_heap_sys_bytes_all_processes", "Go HeapSys summed over every gateway process.", nil, nil),
		procs: prometheus.NewDesc("gateway_heap_processes", "Processes whose heap is in the two sums above.", nil, nil),
	}
}

func (c *allHeapCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.inuse
	ch <- c.sys
	ch <- c.procs
}

func (c *allHeapCollector) Collect(ch chan<- prometheus.Metric) {
	var inuse, sys, n uint64
	now := uint64(time.Now().UnixNano())
	for i := 0; i < c.slots; i++ {
		s := heapSlot(c.mem, i)
		at := atomic.LoadUint64(&s[2])
		if at == 0 || now-at > uint64(heapStaleAfter) {
			continue
		}
		inuse += atomic.LoadUint64(&s[0])
		sys += atomic.LoadUint64(&s[1])
		n++
	}
	ch <- prometheus.MustNewConstMetric(c.inuse, prometheus.GaugeValue, float64(inuse))
	ch <- prometheus.MustNewConstMetric(c.sys, prometheus.GaugeValue, float64(sys))
	ch <- prometheus.MustNewConstMetric(c.procs, prometheus.GaugeValue, float64(n))
}
