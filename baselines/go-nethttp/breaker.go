package main

import (
	"sync/atomic"
	"time"
	"unsafe"
)

// Outcome of one upstream call as the breaker sees it.
type Outcome int

const (
	Success  Outcome = iota
	Failure          // transport error, timeout or 5xx
	Excluded         // the client went away or broke a limit: says nothing about the upstream
)

// Breaker is one upstream service's circuit breaker (contract section 5). Its state lives
// in two int64 words that may sit in memory shared by every worker process, so with
// GW_WORKERS > 1 there is still one breaker per service, as the contract says, rather than
// one per process. Every transition is a single compare-and-swap on the state word:
//
//	state == 0          closed
//	state  > 0          open until state (unix nanoseconds)
//	state  < 0          half-open: one probe in flight, claimed until -state; a probe whose
//	                    worker died is re-claimed after that deadline
type Breaker struct {
	failures     *int64 // consecutive failures while closed
	state        *int64
	threshold    int64
	cooldown     int64         // ns
	probeTimeout int64         // ns
	closed       func(Outcome) // b.closedDone bound once: no closure allocation per call
}

// breakerSlotBytes keeps each service's words on their own cache line.
const breakerSlotBytes = 64

// NewBreaker places a breaker in slot of mem (len(mem) >= (slot+1)*breakerSlotBytes, 8-byte aligned).
func NewBreaker(mem []byte, slot, threshold int, cooldown, probeTimeout time.Duration) *Breaker {
	base := unsafe.Pointer(&mem[slot*breakerSlotBytes])
	b := &Breaker{
		failures:     (*int64)(base),
		state:        (*int64)(unsafe.Add(base, 8)),
		threshold:    int64(threshold),
		cooldown:     int64(cooldown),
		probeTimeout: int64(probeTimeout),
	}
	b.closed = b.closedDone
	return b
}

// Allow says whether a call may go upstream now; when it may, done must be called once
// with the call's outcome.
func (b *Breaker) Allow() (done func(Outcome), ok bool) {
	for {
		st := atomic.LoadInt64(b.state)
		if st == 0 {
			return b.closed, true
		}
		now := time.Now().UnixNano()
		if (st > 0 && now < st) || (st < 0 && now < -st) {
			return nil, false // open, or another call is the half-open probe
		}
		token := -(now + b.probeTimeout)
		if atomic.CompareAndSwapInt64(b.state, st, token) {
			return func(o Outcome) { b.probeDone(token, o) }, true
		}
	}
}

func (b *Breaker) closedDone(o Outcome) {
	switch o {
	case Success:
		if atomic.LoadInt64(b.failures) != 0 { // avoid a shared-cache-line write per request
			atomic.StoreInt64(b.failures, 0)
		}
	case Failure:
		if atomic.LoadInt64(b.state) != 0 {
			return // already open: a late outcome of a call started while closed
		}
		if atomic.AddInt64(b.failures, 1) >= b.threshold {
			if atomic.CompareAndSwapInt64(b.state, 0, time.Now().UnixNano()+b.cooldown) {
				atomic.StoreInt64(b.failures, 0)
			}
		}
	}
}

func (b *Breaker) probeDone(token int64, o Outcome) {
	switch o {
	case Success:
		if atomic.CompareAndSwapInt64(b.state, token, 0) {
			atomic.StoreInt64(b.failures, 0)
		}
	case Failure:
		atomic.CompareAndSwapInt64(b.state, token, time.Now().UnixNano()+b.cooldown)
	case Excluded:
		// The probe proved nothing: reopen with the cool-down already over, so the next call probes.
		atomic.CompareAndSwapInt64(b.state, token, time.Now().UnixNano())
	}
}

// IsOpen reports whether calls are currently refused (open, or half-open with a probe out).
func (b *Breaker) IsOpen() bool {
	st := atomic.LoadInt64(b.state)
	now := time.Now().UnixNano()
	return (st > 0 && now < st) || (st < 0 && now < -st)
}
