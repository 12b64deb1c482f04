package main

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
)

// Request ids are a random per-process prefix plus a counter: unique across worker
// processes and restarts without a random read per request.
var (
	requestIDPrefix = func() string {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		return hex.EncodeToString(b) + "-"
	}()
	requestIDCounter atomic.Uint64
)

func newRequestID() string {
	return requestIDPrefix + strconv.FormatUint(requestIDCounter.Add(1), 36)
}

// writeJSON sends a small JSON body with an exact content-length.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError sends the contract's error body {"error": kind, "message": message}.
func writeError(w http.ResponseWriter, status int, kind, message string) {
	writeJSON(w, status, []byte(`{"error":"`+kind+`","message":"`+message+`"}`))
}

func writeUnauthorized(w http.ResponseWriter) {
	w.Header().Set("Www-Authenticate", `Bearer error="invalid_token"`)
	writeError(w, http.StatusUnauthorized, "unauthorized", "missing or invalid bearer token")
}

// clientIP is the peer address appended to x-forwarded-for.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// appendForwardedFor returns x-forwarded-for with the client address appended.
func appendForwardedFor(prior []string, ip string) string {
	if len(prior) == 0 {
		return ip
	}
	s := prior[0]
	for _, p := range prior[1:] {
		s += ", " + p
	}
	return s + ", " + ip
}
