package m2mauth

import (
	"net/http"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// Request is an HTTP request as m2mauth signs, authorizes and sends it: a plain value, crossed into the
// library only for the call that needs it. Header names are case-insensitive; values of one name keep
// their order (the order of different names does not matter to HTTP or to OAuth 1.0 signatures).
type Request struct {
	Method string      // "GET", "POST", ... (letters only; the library upper-cases it)
	URL    string      // absolute http:// or https:// URL
	Header http.Header // may be nil
	Body   []byte      // set Content-Type in Header when there is one
}

// NewRequest is a request with an empty header.
func NewRequest(method, url string, body []byte) *Request {
	return &Request{Method: method, URL: url, Header: http.Header{}, Body: body}
}

// Clone is a deep copy.
func (r *Request) Clone() *Request {
	if r == nil {
		return nil
	}
	c := &Request{Method: r.Method, URL: r.URL, Header: r.Header.Clone()}
	if r.Body != nil {
		c.Body = append([]byte{}, r.Body...)
	}
	return c
}

// String shows the method, the URL without its query and the header names: never header values or the
// query (they may hold credentials), nor the body.
func (r *Request) String() string {
	if r == nil {
		return "Request(nil)"
	}
	u := r.URL
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i] + "?…"
	}
	return "Request(" + r.Method + " " + u + headerNames(r.Header) + ")"
}

// GoString is String, so that %#v shows no header values either.
func (r *Request) GoString() string { return r.String() }

// Response is an HTTP response as the library received it, whatever its status.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// String shows the status, the header names and the body size, not the body (it may hold a token).
func (r *Response) String() string {
	if r == nil {
		return "Response(nil)"
	}
	return "Response(" + strconv.Itoa(r.StatusCode) + headerNames(r.Header) + ", " + strconv.Itoa(len(r.Body)) + " bytes)"
}

// GoString is String.
func (r *Response) GoString() string { return r.String() }

func headerNames(h http.Header) string {
	if len(h) == 0 {
		return ""
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	return " [" + strings.Join(names, " ") + "]"
}

func requestHandle(p uintptr) raw.RequestHandle { return raw.SwigcptrRequestHandle(p) }

// withNativeRequest builds a native copy of r, runs f with it and frees it. Header names are added in
// sorted order, so the same request always crosses the same way.
func withNativeRequest(r *Request, f func(h raw.RequestHandle) error) error {
	if r == nil {
		return argError("request is nil")
	}
	if err := texts("request", []string{r.Method, r.URL}); err != nil {
		return err
	}
	names := make([]string, 0, len(r.Header))
	for k, vs := range r.Header {
		if err := text("header name", k); err != nil {
			return err
		}
		if err := texts("header value", vs); err != nil {
			return err
		}
		names = append(names, k)
	}
	sort.Strings(names)
	var p uintptr
	if err := call(func() int { return raw.M2mauth_request_new(&p, r.Method, r.URL) }); err != nil {
		return err
	}
	h := requestHandle(p)
	defer raw.DeleteRequestHandle(h)
	err := call(func() int {
		for _, k := range names {
			for _, v := range r.Header[k] {
				if st := raw.M2mauth_request_add_header(h, k, v); st < 0 {
					return st
				}
			}
		}
		if len(r.Body) > 0 {
			return raw.M2mauth_request_set_body(h, r.Body)
		}
		return 0
	})
	if err != nil {
		return err
	}
	err = f(h)
	runtime.KeepAlive(r)
	return err
}

// readRequest copies a native request (after signing or authorizing) into r.
func readRequest(h raw.RequestHandle, r *Request) {
	r.Method = raw.M2mauth_request_method(h)
	r.URL = raw.M2mauth_request_url(h)
	n := raw.M2mauth_request_header_count(h)
	hdr := make(http.Header, n)
	for i := int64(0); i < n; i++ {
		hdr.Add(raw.M2mauth_request_header_name(h, i), raw.M2mauth_request_header_value(h, i))
	}
	r.Header = hdr
	r.Body = nil
	if size := raw.M2mauth_glue_request_body_copy(h, nil); size > 0 {
		r.Body = make([]byte, size)
		raw.M2mauth_glue_request_body_copy(h, r.Body)
	}
}

// takeResponse copies a native response into Go memory and frees it.
func takeResponse(p uintptr) *Response {
	h := raw.SwigcptrResponseHandle(p)
	defer raw.DeleteResponseHandle(h)
	resp := &Response{StatusCode: raw.M2mauth_response_status(h)}
	n := raw.M2mauth_response_header_count(h)
	resp.Header = make(http.Header, n)
	for i := int64(0); i < n; i++ {
		resp.Header.Add(raw.M2mauth_response_header_name(h, i), raw.M2mauth_response_header_value(h, i))
	}
	if size := raw.M2mauth_glue_response_body_copy(h, nil); size > 0 {
		resp.Body = make([]byte, size)
		raw.M2mauth_glue_response_body_copy(h, resp.Body)
	} else {
		resp.Body = []byte{}
	}
	return resp
}
