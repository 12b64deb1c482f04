package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"
)

// maxPartBytes bounds how much of one upstream body the fan-out buffers.
const maxPartBytes = 4 << 20

type partResult struct {
	index    int
	body     []byte // valid JSON when ok
	ok       bool
	timedOut bool // missed the fan-out deadline (decides 504 vs 502)
}

// feed answers GET /api/feed: user-status and barrage fetched concurrently within
// GW_FANOUT_DEADLINE_MS; a late part is abandoned, never waited for.
func (g *Gateway) feed(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	uid, room := q.Get("uid"), q.Get("room_id")
	if uid == "" || room == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "uid and room_id are required")
		return
	}
	header := r.Header.Clone()
	stripHopByHop(header)
	header.Set("X-Forwarded-For", appendForwardedFor(r.Header["X-Forwarded-For"], clientIP(r)))

	ctx, cancel := context.WithTimeout(r.Context(), g.cfg.FanoutDeadline)
	defer cancel()
	results := make(chan partResult, 2) // buffered: an abandoned part never blocks
	go g.fetchPart(ctx, 0, g.userStatus, "/status/"+url.PathEscape(uid), header, results)
	go g.fetchPart(ctx, 1, g.barrage, "/barrage/"+url.PathEscape(room), header, results)

	parts := [2]partResult{{timedOut: true}, {timedOut: true}}
wait:
	for n := 0; n < 2; n++ {
		select {
		case p := <-results:
			parts[p.index] = p
		case <-ctx.Done():
			break wait
		}
	}

	if !parts[0].ok && !parts[1].ok {
		if parts[0].timedOut && parts[1].timedOut {
			writeError(w, http.StatusGatewayTimeout, "upstream_timeout", "both feed parts missed the deadline")
		} else {
			writeError(w, http.StatusBadGateway, "bad_gateway", "both feed parts failed")
		}
		return
	}
	writeJSON(w, http.StatusOK, feedBody(uid, room, parts))
}

// feedBody renders {"uid","room_id","user_status","barrage","degraded"} in that order.
func feedBody(uid, room string, parts [2]partResult) []byte {
	var b bytes.Buffer
	quoted := func(s string) []byte { out, _ := json.Marshal(s); return out }
	b.WriteString(`{"uid":`)
	b.Write(quoted(uid))
	b.WriteString(`,"room_id":`)
	b.Write(quoted(room))
	names := [2]string{"user_status", "barrage"}
	for i, p := range parts {
		b.WriteString(`,"` + names[i] + `":`)
		if p.ok {
			b.Write(p.body)
		} else {
			b.WriteString("null")
		}
	}
	b.WriteString(`,"degraded":[`)
	first := true
	for i, p := range parts {
		if !p.ok {
			if !first {
				b.WriteByte(',')
			}
			b.WriteString(`"` + names[i] + `"`)
			first = false
		}
	}
	b.WriteString("]}")
	return b.Bytes()
}

// fetchPart GETs one part and always sends exactly one result.
func (g *Gateway) fetchPart(ctx context.Context, index int, svc *Service, path string, header http.Header, out chan<- partResult) {
	res := partResult{index: index}
	defer func() {
		if !res.ok && ctx.Err() != nil && errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
			res.timedOut = true
		}
		out <- res
	}()
	inst := svc.Balancer.Pick()
	u := *inst.URL
	u.Path += path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return
	}
	req.Header = header
	timeout := g.cfg.UpstreamTimeout
	if timeout > g.cfg.FanoutDeadline {
		timeout = g.cfg.FanoutDeadline + time.Second // the fan-out deadline governs; this is only a backstop
	}
	resp, err := svc.roundTrip(req, timeout)
	if err != nil {
		res.timedOut = errors.Is(err, errUpstreamTimeout)
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPartBytes))
	if err != nil || resp.StatusCode < 200 || resp.StatusCode > 299 || !json.Valid(body) {
		return
	}
	res.body, res.ok = body, true
}
