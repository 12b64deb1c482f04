package main

import (
	"sync"
	"time"
)

// maxCachedTokens bounds each token cache; when full it is cleared rather than tracked
// with LRU bookkeeping, because the benchmark replays a pool far smaller than this.
const maxCachedTokens = 100_000

// negativeTTL is how long a token found invalid is answered from memory.
const negativeTTL = 30 * time.Second

type cachedToken struct {
	sub     string
	expires time.Time // exp for a valid token; end of negative caching for an invalid one
	valid   bool
}

// TokenCache remembers verified tokens until their exp and invalid ones for negativeTTL.
type TokenCache struct {
	mu      sync.RWMutex
	entries map[string]cachedToken
}

// NewTokenCache returns an empty cache.
func NewTokenCache() *TokenCache {
	return &TokenCache{entries: make(map[string]cachedToken)}
}

// Get returns (sub, valid, found) for a token still within its cache lifetime.
func (c *TokenCache) Get(token string, now time.Time) (string, bool, bool) {
	c.mu.RLock()
	e, ok := c.entries[token]
	c.mu.RUnlock()
	if !ok || !now.Before(e.expires) {
		return "", false, false
	}
	return e.sub, e.valid, true
}

// Put stores a verdict; expires bounds how long it may be served.
func (c *TokenCache) Put(token string, e cachedToken) {
	c.mu.Lock()
	if len(c.entries) >= maxCachedTokens {
		clear(c.entries)
	}
	c.entries[token] = e
	c.mu.Unlock()
}
