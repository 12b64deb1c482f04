package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
)

var errBodyTooLarge = errors.New("request body larger than GW_MAX_BODY_BYTES")

// limitedBody wraps http.MaxBytesReader and remembers that the limit was hit, because the
// transport reading it for ReverseProxy reports the failure as its own write error.
type limitedBody struct {
	io.ReadCloser
	exceeded atomic.Bool
}

func newLimitedBody(w http.ResponseWriter, body io.ReadCloser, max int64) *limitedBody {
	return &limitedBody{ReadCloser: http.MaxBytesReader(w, body, max)}
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var tooLarge *http.MaxBytesError
	if err != nil && errors.As(err, &tooLarge) {
		b.exceeded.Store(true)
		err = errBodyTooLarge
	}
	return n, err
}

// isBodyTooLarge reports whether req's body broke GW_MAX_BODY_BYTES while streaming.
func isBodyTooLarge(req *http.Request) bool {
	b, ok := req.Body.(*limitedBody)
	return ok && b.exceeded.Load()
}

// cancelOnClose releases the per-call context once the response body is done with.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelCauseFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel(nil)
	return err
}
