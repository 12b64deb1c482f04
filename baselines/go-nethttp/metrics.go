package main

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics holds the contract's recommended counters (section 6) on a private registry.
// With GW_WORKERS > 1 every process has its own registry, so /metrics is per process.
type Metrics struct {
	Registry     *prometheus.Registry
	DownstreamCx prometheus.Counter
	DownstreamRq prometheus.Counter
	UpstreamCx   *prometheus.CounterVec
	UpstreamRq   *prometheus.CounterVec
}

// NewMetrics registers the gateway counters plus the process and Go runtime collectors
// (go_memstats_heap_inuse_bytes / go_memstats_heap_sys_bytes are the heap pair).
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		DownstreamCx: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gateway_downstream_cx_total", Help: "Client connections accepted.",
		}),
		DownstreamRq: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gateway_downstream_rq_total", Help: "Client requests received.",
		}),
		UpstreamCx: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gateway_upstream_cx_total", Help: "Connections opened to upstream services.",
		}, []string{"upstream"}),
		UpstreamRq: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gateway_upstream_rq_total", Help: "Requests sent to upstream services.",
		}, []string{"upstream"}),
	}
	m.Registry.MustRegister(
		m.DownstreamCx, m.DownstreamRq, m.UpstreamCx, m.UpstreamRq,
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewGoCollector(),
	)
	return m
}
