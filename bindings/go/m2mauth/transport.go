package m2mauth

import (
	"errors"
	"net/http"
	"runtime"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// TransportFunc is an application's own HTTP client behind an *HTTP (NewCustomHTTP): it answers every
// request m2mauth sends through it (token requests, TokenManager.Do, ...), possibly from several
// goroutines and from the library's own threads at once. It returns the response whatever its
// status, or an error: an *Error keeps its Code (ErrNetwork, ErrTimeout, ...), any other error is a
// network error.
type TransportFunc func(req *Request) (*Response, error)

// NewCustomHTTP is an *HTTP that sends through send instead of libcurl. The library keeps send for as
// long as the transport or anything made with it lives.
func NewCustomHTTP(send TransportFunc) (*HTTP, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	if send == nil {
		return nil, argError("send is nil")
	}
	payload := raw.NewCallback(raw.TransportFunc(func(r *raw.TransportRequest) (*raw.TransportResponse, int) {
		req := &Request{Method: r.Method, URL: r.URL, Header: http.Header{}, Body: r.Body}
		for _, h := range r.Headers {
			req.Header[h[0]] = append(req.Header[h[0]], h[1]) // the name as sent, not canonicalised
		}
		resp, err := send(req)
		if err != nil {
			var e *Error
			if errors.As(err, &e) && e.Code < 0 {
				return nil, e.Code
			}
			return nil, int(raw.M2MAUTH_ENETWORK)
		}
		if resp == nil {
			return nil, int(raw.M2MAUTH_ERROR)
		}
		out := &raw.TransportResponse{Status: resp.StatusCode, Body: resp.Body}
		for name, values := range resp.Header {
			for _, v := range values {
				out.Headers = append(out.Headers, [2]string{name, v})
			}
		}
		return out, 0
	}))
	var p uintptr
	// The library owns payload from here on (released with the transport, or at once on failure).
	if err := call(func() int { return raw.M2mauth_glue_http_new_custom(&p, payload) }); err != nil {
		return nil, err
	}
	c := &HTTP{}
	c.h.set(p, func(p uintptr) { raw.DeleteHttpHandle(httpHandle(p)) })
	runtime.SetFinalizer(c, (*HTTP).Close)
	return c, nil
}
