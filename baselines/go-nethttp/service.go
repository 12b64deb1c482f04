package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Sentinel errors that decide the status a failed upstream call maps to.
var (
	errCircuitOpen     = errors.New("circuit open")
	errUpstreamTimeout = errors.New("upstream timeout")
	errUpstreamReset   = errors.New("upstream connection reset after the request was sent")
)

// Pool per upstream instance, per process: the same as the reference gateway's undici pools
// (gateway/config/defaults.ts: 128 connections, 4 s idle), so both do the same work. 5
// instances cost at most 5*128 descriptors of the 20000 per process. 4 s is far below the
// mock upstream's 120 s keep-alive, so the upstream never closes a socket we are about to use.
const (
	maxConnsPerHost = 128
	idleConnTimeout = 4 * time.Second
)

// Service is one upstream service: its instances, connection pool, breaker and counters.
type Service struct {
	Name      string
	Balancer  *Balancer
	transport *http.Transport
	breaker   *Breaker
	timeout   time.Duration
	requests  prometheus.Counter
}

// NewService builds the pool of one upstream service around its breaker.
func NewService(name string, instances []Instance, cfg *Config, m *Metrics, breaker *Breaker) *Service {
	dialer := &net.Dialer{Timeout: cfg.UpstreamTimeout, KeepAlive: 30 * time.Second}
	connections := m.UpstreamCx.WithLabelValues(name)
	return &Service{
		Name:     name,
		Balancer: NewBalancer(instances),
		transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				c, err := dialer.DialContext(ctx, network, addr)
				if err == nil {
					connections.Inc() // opened connections: the gateway-side upstream reuse cross-check
				}
				return c, err
			},
			MaxIdleConns:          0, // no global cap; the per-host caps below bound the pool
			MaxIdleConnsPerHost:   maxConnsPerHost,
			MaxConnsPerHost:       maxConnsPerHost,
			IdleConnTimeout:       idleConnTimeout,
			DisableCompression:    true,
			ForceAttemptHTTP2:     false,
			ExpectContinueTimeout: 0,
		},
		breaker:  breaker,
		timeout:  cfg.UpstreamTimeout,
		requests: m.UpstreamRq.WithLabelValues(name),
	}
}

// RoundTrip sends req through the breaker with a deadline on the response headers only,
// so a slow-but-started body keeps streaming. Implements http.RoundTripper for ReverseProxy.
func (s *Service) RoundTrip(req *http.Request) (*http.Response, error) {
	return s.roundTrip(req, s.timeout)
}

func (s *Service) roundTrip(req *http.Request, timeout time.Duration) (*http.Response, error) {
	done, ok := s.breaker.Allow()
	if !ok {
		return nil, errCircuitOpen
	}
	s.requests.Inc()
	parent := req.Context()
	ctx, cancel := context.WithCancelCause(parent)
	timer := time.AfterFunc(timeout, func() { cancel(errUpstreamTimeout) })
	resp, err := s.transport.RoundTrip(req.WithContext(withNoReplay(ctx, cancel)))
	if !timer.Stop() {
		// The deadline fired, possibly just after the headers arrived: treat it as missed.
		if err == nil {
			resp.Body.Close()
		}
		err = errUpstreamTimeout
	} else if err != nil && context.Cause(ctx) == errUpstreamReset {
		err = errUpstreamReset
	}
	if err != nil {
		cancel(nil)
		if parent.Err() != nil || errors.Is(err, errBodyTooLarge) || isBodyTooLarge(req) {
			done(Excluded) // the client went away or broke a limit: not the upstream's fault
		} else {
			done(Failure)
		}
		return nil, err
	}
	if resp.StatusCode >= 500 {
		done(Failure)
	} else {
		done(Success)
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// CloseIdle drops pooled upstream connections (used at shutdown).
func (s *Service) CloseIdle() { s.transport.CloseIdleConnections() }
