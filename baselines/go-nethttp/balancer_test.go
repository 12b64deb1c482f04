package main

import (
	"net/url"
	"testing"
)

func instances(weights ...int) []Instance {
	out := make([]Instance, len(weights))
	for i, w := range weights {
		out[i] = Instance{URL: &url.URL{Scheme: "http", Host: "127.0.0.1:" + string(rune('0'+i))}, Weight: w}
	}
	return out
}

// The contract's 80/20 split must hold exactly over every full schedule, and smoothly:
// the 20-weight instance never gets two picks in a row.
func TestBalancerWeightedSplit(t *testing.T) {
	cases := []struct {
		weights []int
		picks   int
		want    []int
	}{
		{[]int{80, 20}, 1000, []int{800, 200}},
		{[]int{1, 1, 1}, 999, []int{333, 333, 333}},
		{[]int{5}, 10, []int{10}},
		{[]int{3, 2}, 500, []int{300, 200}},
	}
	for _, c := range cases {
		b := NewBalancer(instances(c.weights...))
		got := make([]int, len(c.weights))
		prev := -1
		for i := 0; i < c.picks; i++ {
			p := b.Pick()
			idx := int(p.URL.Host[len(p.URL.Host)-1] - '0')
			got[idx]++
			if len(c.weights) == 2 && c.weights[1] == 20 && idx == 1 && prev == 1 {
				t.Fatalf("weights %v: instance 1 picked twice in a row at pick %d", c.weights, i)
			}
			prev = idx
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("weights %v over %d picks: got %v, want %v", c.weights, c.picks, got, c.want)
				break
			}
		}
	}
}

// Weight sums too large for a schedule fall back to weighted random, still within ±5 points.
func TestBalancerRandomFallback(t *testing.T) {
	b := NewBalancer(instances(8001, 2000))
	if b.schedule != nil {
		t.Fatalf("weights 8001,2000 (sum 10001 > maxSchedule): expected no schedule, got %d entries", len(b.schedule))
	}
	n0 := 0
	for i := 0; i < 10000; i++ {
		if b.Pick() == &b.instances[0] {
			n0++
		}
	}
	if n0 < 7500 || n0 > 8500 {
		t.Fatalf("instance 0 got %d of 10000 picks, want 8000 ± 500", n0)
	}
}
