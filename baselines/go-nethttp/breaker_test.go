package main

import (
	"testing"
	"time"
)

func call(t *testing.T, b *Breaker, o Outcome) bool {
	t.Helper()
	done, ok := b.Allow()
	if ok {
		done(o)
	}
	return ok
}

// Contract section 5: N consecutive failures open it; a success in between resets the count;
// after the cool-down exactly one probe goes through; success closes, failure reopens.
func TestBreakerStateMachine(t *testing.T) {
	mem := make([]byte, sharedBytes)
	b := NewBreaker(mem, 0, 3, 50*time.Millisecond, time.Second)

	call(t, b, Failure)
	call(t, b, Failure)
	call(t, b, Success) // resets the streak
	call(t, b, Failure)
	call(t, b, Failure)
	if b.IsOpen() {
		t.Fatal("opened after 2 consecutive failures, threshold 3")
	}
	call(t, b, Excluded) // neither success nor failure
	call(t, b, Failure)
	if !b.IsOpen() {
		t.Fatal("still closed after 3 consecutive failures")
	}
	if call(t, b, Success) {
		t.Fatal("open breaker let a call through")
	}

	time.Sleep(60 * time.Millisecond)
	probe, ok := b.Allow()
	if !ok {
		t.Fatal("no probe allowed after the cool-down")
	}
	if _, ok := b.Allow(); ok {
		t.Fatal("a second call went through while the probe was in flight")
	}
	probe(Failure)
	if call(t, b, Success) {
		t.Fatal("a failed probe did not reopen the breaker for another cool-down")
	}

	time.Sleep(60 * time.Millisecond)
	if !call(t, b, Success) {
		t.Fatal("no probe after the second cool-down")
	}
	for i := 0; i < 3; i++ {
		if !call(t, b, Success) {
			t.Fatal("breaker not closed after a successful probe")
		}
	}
	// Closing reset the streak: it takes the full threshold again to open.
	call(t, b, Failure)
	call(t, b, Failure)
	if b.IsOpen() {
		t.Fatal("failures from before the open state were still counted")
	}
}

// An excluded probe (client went away) proves nothing: the next call is the probe.
func TestBreakerExcludedProbe(t *testing.T) {
	b := NewBreaker(make([]byte, sharedBytes), 1, 1, 20*time.Millisecond, time.Second)
	call(t, b, Failure)
	time.Sleep(30 * time.Millisecond)
	probe, ok := b.Allow()
	if !ok {
		t.Fatal("no probe after the cool-down")
	}
	probe(Excluded)
	if !call(t, b, Success) {
		t.Fatal("after an excluded probe the next call should probe at once")
	}
	if !call(t, b, Success) {
		t.Fatal("not closed after the successful probe")
	}
}

// A probe whose worker died never reports: after probeTimeout another call may probe.
func TestBreakerAbandonedProbe(t *testing.T) {
	b := NewBreaker(make([]byte, sharedBytes), 2, 1, 10*time.Millisecond, 40*time.Millisecond)
	call(t, b, Failure)
	time.Sleep(20 * time.Millisecond)
	if _, ok := b.Allow(); !ok { // claimed and never reported
		t.Fatal("no probe after the cool-down")
	}
	if call(t, b, Success) {
		t.Fatal("second probe allowed before the first one's deadline")
	}
	time.Sleep(50 * time.Millisecond)
	if !call(t, b, Success) {
		t.Fatal("abandoned probe was never re-claimed")
	}
}

// Two handles on one memory block (as two worker processes map it) are one breaker, and
// services in other slots are unaffected.
func TestBreakerSharedAcrossHandles(t *testing.T) {
	mem, err := breakerMemory(false)
	if err != nil {
		t.Fatal(err)
	}
	a := NewBreaker(mem, 3, 2, time.Minute, time.Second)
	b := NewBreaker(mem, 3, 2, time.Minute, time.Second)
	other := NewBreaker(mem, 0, 2, time.Minute, time.Second)
	call(t, a, Failure)
	call(t, b, Failure)
	if !a.IsOpen() || !b.IsOpen() {
		t.Fatal("one failure through each handle did not open the shared breaker")
	}
	if other.IsOpen() {
		t.Fatal("another service's breaker opened")
	}
}
