package main

import (
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httputil"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Gateway routes the contract's endpoints (docs/gateway-contract.md section 2).
type Gateway struct {
	cfg        *Config
	metrics    *Metrics
	verifier   *Verifier
	userStatus *Service
	barrage    *Service
	user       *Service
	interact   *Service
	userProxy  *httputil.ReverseProxy
	interProxy *httputil.ReverseProxy
	metricsH   http.Handler
}

// NewGateway builds the services, proxies and verifier from a validated configuration;
// breakerMem holds the breakers (shared by all worker processes when there are several).
func NewGateway(cfg *Config, m *Metrics, breakerMem []byte) (*Gateway, error) {
	v, err := NewVerifier(cfg)
	if err != nil {
		return nil, err
	}
	// A probe that never reports back (its worker died) is re-allowed after this.
	probeTimeout := cfg.UpstreamTimeout + time.Second
	newBreaker := func(slot int) *Breaker {
		return NewBreaker(breakerMem, slot, cfg.BreakerFailures, cfg.BreakerCooldown, probeTimeout)
	}
	g := &Gateway{
		cfg:        cfg,
		metrics:    m,
		verifier:   v,
		userStatus: NewService("user_status", cfg.UserStatus, cfg, m, newBreaker(0)),
		barrage:    NewService("barrage", cfg.Barrage, cfg, m, newBreaker(1)),
		user:       NewService("user", cfg.User, cfg, m, newBreaker(2)),
		interact:   NewService("interact", cfg.Interact, cfg, m, newBreaker(3)),
		metricsH:   promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}),
	}
	g.userProxy = newProxy(g.user)
	g.interProxy = newProxy(g.interact)
	return g, nil
}

// CloseIdle drops every pooled upstream connection.
func (g *Gateway) CloseIdle() {
	for _, s := range []*Service{g.userStatus, g.barrage, g.user, g.interact} {
		s.CloseIdle()
	}
}

var healthBody = []byte(`{"status":"ok"}`)

func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.metrics.DownstreamRq.Inc()
	id := r.Header.Get("X-Request-Id")
	if id == "" {
		id = newRequestID()
		r.Header.Set("X-Request-Id", id)
	}
	w.Header().Set("X-Request-Id", id)

	path := r.URL.Path
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	switch {
	case path == "/healthz" && get:
		writeJSON(w, http.StatusOK, healthBody)
	case path == "/metrics" && get:
		g.metricsH.ServeHTTP(w, r)
	case path == "/api/feed" && get:
		if g.authenticate(w, r) {
			g.feed(w, r)
		}
	case path == "/api/interact" && r.Method == http.MethodPost:
		if g.authenticate(w, r) && g.limitBody(w, r) {
			g.interProxy.ServeHTTP(w, r)
		}
	case strings.HasPrefix(path, "/api/user/") && isSegment(path[len("/api/user/"):]) && get:
		if g.authenticate(w, r) && g.limitBody(w, r) {
			g.userProxy.ServeHTTP(w, r)
		}
	default:
		writeError(w, http.StatusNotFound, "not_found", "no such route")
	}
}

func isSegment(s string) bool { return s != "" && !strings.Contains(s, "/") }

// authenticate verifies the bearer token and rewrites the identity headers the upstream
// sees: x-user-id set from sub, authorization never forwarded.
func (g *Gateway) authenticate(w http.ResponseWriter, r *http.Request) bool {
	sub, ok := g.verifier.Verify(r.Header.Get("Authorization"))
	if !ok {
		writeUnauthorized(w)
		return false
	}
	r.Header.Del("Authorization")
	r.Header.Set("X-User-Id", sub)
	return true
}

// limitBody answers 413 for a declared oversize body and caps a streamed one.
func (g *Gateway) limitBody(w http.ResponseWriter, r *http.Request) bool {
	if r.ContentLength > g.cfg.MaxBodyBytes {
		w.Header().Set("Connection", "close") // the unread body cannot be skipped cheaply
		writeError(w, http.StatusRequestEntityTooLarge, "payload_too_large", "request body larger than GW_MAX_BODY_BYTES")
		return false
	}
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = newLimitedBody(w, r.Body, g.cfg.MaxBodyBytes)
	}
	return true
}

// bufferPool reuses ReverseProxy's copy buffers instead of allocating 32 KiB per response.
type bufferPool struct{ pool sync.Pool }

func (p *bufferPool) Get() []byte  { return *(p.pool.Get().(*[]byte)) }
func (p *bufferPool) Put(b []byte) { p.pool.Put(&b) }

var sharedBuffers = &bufferPool{pool: sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}}

// quietLog drops ReverseProxy's per-error log lines: at benchmark error rates they cost CPU.
var quietLog = log.New(io.Discard, "", 0)

// newProxy streams one service's route to a weighted instance, path and query unchanged.
func newProxy(svc *Service) *httputil.ReverseProxy {
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			inst := svc.Balancer.Pick()
			out := pr.Out
			out.URL.Scheme = inst.URL.Scheme
			out.URL.Host = inst.URL.Host
			if inst.URL.Path != "" {
				out.URL.Path = inst.URL.Path + out.URL.Path
				out.URL.RawPath = ""
			}
			out.Host = ""
			out.Header.Del("Te") // ReverseProxy re-adds "te: trailers"; the contract drops te
			out.Header.Set("X-Forwarded-For", appendForwardedFor(pr.In.Header["X-Forwarded-For"], clientIP(pr.In)))
		},
		Transport:  svc,
		BufferPool: sharedBuffers,
		ErrorLog:   quietLog,
		ModifyResponse: func(resp *http.Response) error {
			resp.Header.Del("X-Request-Id") // the gateway already set it; avoid a duplicate
			return nil
		},
		ErrorHandler: proxyError,
	}
}

// proxyError maps a failed upstream call to the contract's status.
func proxyError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case isBodyTooLarge(r) || errors.Is(err, errBodyTooLarge):
		w.Header().Set("Connection", "close")
		writeError(w, http.StatusRequestEntityTooLarge, "payload_too_large", "request body larger than GW_MAX_BODY_BYTES")
	case errors.Is(err, errCircuitOpen):
		writeError(w, http.StatusServiceUnavailable, "circuit_open", "circuit breaker open")
	case errors.Is(err, errUpstreamTimeout):
		writeError(w, http.StatusGatewayTimeout, "upstream_timeout", "no upstream response headers in time")
	default:
		writeError(w, http.StatusBadGateway, "bad_gateway", "upstream unavailable")
	}
}
