package main

import (
	"context"
	"net/http/httptrace"
	"sync/atomic"
)

// withNoReplay stops http.Transport from silently replaying a GET on a new connection when
// a reused one is reset after the request was written: the contract answers that case with
// 502 (section 2), and a replay against a stalled upstream would turn it into a late 504.
// Retries of requests that were never written (a pooled socket found already closed) are
// still allowed: those are invisible to the upstream and are the pool's own business.
func withNoReplay(ctx context.Context, cancel context.CancelCauseFunc) context.Context {
	var wrote atomic.Bool
	var attempts atomic.Int32
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) {
			if attempts.Add(1) > 1 && wrote.Load() {
				cancel(errUpstreamReset)
			}
		},
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				wrote.Store(true)
			}
		},
	})
}
