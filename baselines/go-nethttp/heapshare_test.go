package main

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestAllHeapCollectorSumsLiveSlotsOnly(t *testing.T) {
	mem := make([]byte, sharedBytes)
	now := uint64(time.Now().UnixNano())
	set := func(i int, inuse, sys, at uint64) {
		s := heapSlot(mem, i)
		atomic.StoreUint64(&s[0], inuse)
		atomic.StoreUint64(&s[1], sys)
		atomic.StoreUint64(&s[2], at)
	}
	set(0, 100, 1000, now)
	set(2, 50, 500, now)
	set(3, 7, 70, now-uint64(10*time.Second)) // stale: a worker that stopped publishing
	reg := prometheus.NewRegistry()
	reg.MustRegister(newAllHeapCollector(mem, maxHeapSlots))
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		got[f.GetName()] = f.GetMetric()[0].GetGauge().GetValue()
	}
	want := map[string]float64{
		"gateway_heap_inuse_bytes_all_processes": 150,
		"gateway_heap_sys_bytes_all_processes":   1500,
		"gateway_heap_processes":                 2,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
}

func TestPublishHeapWritesThisProcess(t *testing.T) {
	mem := make([]byte, sharedBytes)
	publishHeap(mem, 5)
	s := heapSlot(mem, 5)
	if atomic.LoadUint64(&s[0]) == 0 || atomic.LoadUint64(&s[1]) < atomic.LoadUint64(&s[0]) || atomic.LoadUint64(&s[2]) == 0 {
		t.Fatalf("slot 5 = %v, want heap in use > 0, heap sys >= in use, a timestamp", *s)
	}
	if heapSlot(mem, 4)[2] != 0 {
		t.Fatal("publishHeap wrote outside its slot")
	}
}
