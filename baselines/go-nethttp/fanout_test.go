package main

import "testing"

// The feed body keeps the contract's key order and lists degraded parts user_status first.
func TestFeedBody(t *testing.T) {
	ok := func(i int, body string) partResult { return partResult{index: i, body: []byte(body), ok: true} }
	failed := func(i int) partResult { return partResult{index: i} }
	cases := []struct {
		uid, room string
		parts     [2]partResult
		want      string
	}{
		{"1", "2", [2]partResult{ok(0, `{"a":1}`), ok(1, `[]`)},
			`{"uid":"1","room_id":"2","user_status":{"a":1},"barrage":[],"degraded":[]}`},
		{"u\"x", "r", [2]partResult{failed(0), ok(1, `{}`)},
			`{"uid":"u\"x","room_id":"r","user_status":null,"barrage":{},"degraded":["user_status"]}`},
		{"1", "2", [2]partResult{failed(0), failed(1)},
			`{"uid":"1","room_id":"2","user_status":null,"barrage":null,"degraded":["user_status","barrage"]}`},
	}
	for _, c := range cases {
		if got := string(feedBody(c.uid, c.room, c.parts)); got != c.want {
			t.Errorf("feedBody(%q, %q):\n got %s\nwant %s", c.uid, c.room, got, c.want)
		}
	}
}
