package main

import (
	"math/rand/v2"
	"sync/atomic"
)

// maxSchedule bounds the precomputed round-robin schedule; larger weight sums fall back to
// weighted random, which the contract also allows.
const maxSchedule = 10_000

// Balancer spreads requests over a service's instances in proportion to their weights.
// The smooth weighted round-robin order (nginx's algorithm) is computed once into a
// schedule, so picking is one atomic add and no lock on the hot path.
type Balancer struct {
	instances []Instance
	schedule  []int
	next      atomic.Uint64
	total     int
}

// NewBalancer precomputes the smooth weighted round-robin schedule of instances.
func NewBalancer(instances []Instance) *Balancer {
	b := &Balancer{instances: instances}
	g := 0
	for _, in := range instances {
		g = gcd(g, in.Weight)
		b.total += in.Weight
	}
	if n := b.total / g; n <= maxSchedule {
		current := make([]int, len(instances))
		for i := 0; i < n; i++ {
			best := 0
			for j, in := range instances {
				current[j] += in.Weight / g
				if current[j] > current[best] {
					best = j
				}
			}
			current[best] -= n
			b.schedule = append(b.schedule, best)
		}
	}
	return b
}

// Pick returns the instance for the next request.
func (b *Balancer) Pick() *Instance {
	if len(b.instances) == 1 {
		return &b.instances[0]
	}
	if b.schedule != nil {
		i := (b.next.Add(1) - 1) % uint64(len(b.schedule))
		return &b.instances[b.schedule[i]]
	}
	r := rand.IntN(b.total)
	for i := range b.instances {
		if r < b.instances[i].Weight {
			return &b.instances[i]
		}
		r -= b.instances[i].Weight
	}
	return &b.instances[len(b.instances)-1]
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
