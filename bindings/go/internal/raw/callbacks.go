package raw

/*
#include <stdint.h>
#include <stdlib.h>
#include "m2mauth/m2mauth.h"
*/
import "C"

import (
	"fmt"
	"runtime/cgo"
	"time"
	"unsafe"
)

// The Go half of the callbacks the C library makes (bindings/swig/go.i, "callbacks"): the C trampolines
// in raw_wrap.c call these exported functions, from whatever thread the library runs the work on (a
// goroutine's thread inside a cgo call, or a thread of the library's own, such as the token manager's
// background refresh). The payload is a runtime/cgo.Handle made by NewCallback and handed to a glue
// setter: from then on the library owns it and deletes it (m2mauthGoRelease) exactly once, when the
// callback is replaced, its native object freed, or the setter fails.

// TokenEvent is an m2mauth_token_event copied into Go memory. It never carries a secret.
type TokenEvent struct {
	Kind         int
	ClientID     string
	Scope        string
	ExpiresAtMs  int64
	ErrorCode    int
	HTTPStatus   int
	Transient    bool
	RetryAfterMs int64
	OAuthError   string
	DurationMs   int64 // since 0.7: FETCHED, REFRESHED, FAILED
}

// NewCallback returns a payload for m2mauth_glue_token_manager_set_events (f: func(TokenEvent)),
// m2mauth_glue_set_tracer (f: *Tracer) or the clock setters (f: func() int64, Unix milliseconds). Pass
// it to exactly one setter, which takes it.
func NewCallback(f any) int64 { return int64(cgo.NewHandle(f)) }

//export m2mauthGoRelease
func m2mauthGoRelease(payload C.uintptr_t) {
	if payload != 0 {
		cgo.Handle(uintptr(payload)).Delete()
	}
}

//export m2mauthGoTokenEvent
func m2mauthGoTokenEvent(ev *C.m2mauth_token_event, payload C.uintptr_t) {
	// A panic must not unwind into C (it would crash the process): the event is dropped instead.
	defer func() { _ = recover() }()
	f, ok := cgo.Handle(uintptr(payload)).Value().(func(TokenEvent))
	if !ok || ev == nil {
		return
	}
	f(TokenEvent{
		Kind:         int(ev.kind),
		ClientID:     goText(ev.client_id),
		Scope:        goText(ev.scope),
		ExpiresAtMs:  int64(ev.expires_at_ms),
		ErrorCode:    int(ev.error_code),
		HTTPStatus:   int(ev.http_status),
		Transient:    ev.transient != 0,
		RetryAfterMs: int64(ev.retry_after_ms),
		OAuthError:   goText(ev.oauth_error),
		DurationMs:   int64(ev.duration_ms),
	})
}

//export m2mauthGoClock
func m2mauthGoClock(payload C.uintptr_t) (now C.int64_t) {
	// A clock that panics (or a payload that is gone) answers with the system clock.
	defer func() {
		if recover() != nil {
			now = C.int64_t(time.Now().UnixMilli())
		}
	}()
	f, ok := cgo.Handle(uintptr(payload)).Value().(func() int64)
	if !ok {
		return C.int64_t(time.Now().UnixMilli())
	}
	return C.int64_t(f())
}

// TransportRequest and TransportResponse are what an application transport (m2mauth_http_new_custom)
// sees and answers, in Go memory. Headers keep their order and case.
type TransportRequest struct {
	Method  string
	URL     string
	Headers [][2]string
	Body    []byte
}

type TransportResponse struct {
	Status  int
	Headers [][2]string
	Body    []byte
}

// TransportFunc answers one request, or returns a negative m2mauth_error_code (M2MAUTH_ENETWORK, ...)
// and a nil response. It is called from any thread, several at once.
type TransportFunc func(req *TransportRequest) (*TransportResponse, int)

//export m2mauthGoTransport
func m2mauthGoTransport(out **C.m2mauth_response, req *C.m2mauth_request, payload C.uintptr_t) (status C.int) {
	// A panic must not unwind into C: the request fails as a network error instead.
	defer func() {
		if recover() != nil {
			status = C.M2MAUTH_ENETWORK
		}
	}()
	f, ok := cgo.Handle(uintptr(payload)).Value().(TransportFunc)
	if !ok || out == nil || req == nil {
		return C.M2MAUTH_ERROR
	}
	r := &TransportRequest{Method: goText(C.m2mauth_request_method(req)), URL: goText(C.m2mauth_request_url(req))}
	n := int(C.m2mauth_request_header_count(req))
	for i := 0; i < n; i++ {
		r.Headers = append(r.Headers, [2]string{
			goText(C.m2mauth_request_header_name(req, C.size_t(i))),
			goText(C.m2mauth_request_header_value(req, C.size_t(i))),
		})
	}
	var blen C.size_t
	if b := C.m2mauth_request_body(req, &blen); b != nil && blen > 0 {
		r.Body = C.GoBytes(unsafe.Pointer(b), C.int(blen))
	}
	resp, code := f(r)
	if code < 0 {
		return C.int(code)
	}
	if resp == nil {
		return C.M2MAUTH_ERROR
	}
	var native *C.m2mauth_response
	if st := C.m2mauth_response_new(&native, C.int(resp.Status)); st != 0 {
		return st
	}
	for _, h := range resp.Headers {
		name, value := C.CString(h[0]), C.CString(h[1])
		st := C.m2mauth_response_add_header(native, name, value)
		C.free(unsafe.Pointer(name))
		C.free(unsafe.Pointer(value))
		if st != 0 {
			C.m2mauth_response_free(native)
			return st
		}
	}
	if len(resp.Body) > 0 {
		body := C.CBytes(resp.Body)
		st := C.m2mauth_response_set_body(native, (*C.uint8_t)(body), C.size_t(len(resp.Body)))
		C.free(body)
		if st != 0 {
			C.m2mauth_response_free(native)
			return st
		}
	}
	*out = native
	return 0
}

func goText(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

// SignFunc is a signer key's Go half (m2mauth_key_from_signer): the signature of data with alg, or a
// non-empty message saying why it cannot sign. The library calls it one call at a time per key.
type SignFunc func(alg string, data []byte) (signature []byte, failure string)

//export m2mauthGoSign
func m2mauthGoSign(out *C.m2mauth_signature, alg *C.char, input *C.uint8_t, n C.size_t, payload C.uintptr_t) (status C.int) {
	fail := func(msg string) C.int {
		text := C.CString(msg)
		C.m2mauth_signature_fail(out, text)
		C.free(unsafe.Pointer(text))
		return C.M2MAUTH_ERROR
	}
	// A panic must not unwind into C: the signature fails with the panic's value instead.
	defer func() {
		if r := recover(); r != nil {
			status = fail(fmt.Sprint("panic: ", r))
		}
	}()
	f, ok := cgo.Handle(uintptr(payload)).Value().(SignFunc)
	if !ok || out == nil {
		return C.M2MAUTH_ERROR
	}
	var data []byte
	if n > 0 {
		data = C.GoBytes(unsafe.Pointer(input), C.int(n))
	}
	sig, failure := f(goText(alg), data)
	if failure != "" {
		return fail(failure)
	}
	if len(sig) == 0 {
		return fail("the signer returned no signature")
	}
	p := C.CBytes(sig)
	st := C.m2mauth_signature_set(out, (*C.uint8_t)(p), C.size_t(len(sig)))
	C.free(p)
	return st
}

// SpanAttribute is one m2mauth_attribute copied into Go memory: Text, or Number when IsNumber.
type SpanAttribute struct {
	Key      string
	Text     string
	Number   int64
	IsNumber bool
}

// SpanStartRecord and SpanEndRecord are telemetry.h's m2mauth_span_start and m2mauth_span_end copied
// into Go memory (the library decides every name and attribute in them).
type SpanStartRecord struct {
	Kind       int
	Name       string
	Attributes []SpanAttribute
	// Parent is what Capture returned on a caller's thread when a thread of the library sends on that
	// caller's behalf (a token manager's worker); nil: the sending thread's own.
	Parent any
}

type SpanEndRecord struct {
	Error            bool
	ErrorType        string
	DurationS        float64
	Attributes       []SpanAttribute
	Histogram        string
	MetricAttributes []SpanAttribute
}

// Tracer is the Go half of the process's tracer (m2mauth_glue_set_tracer's payload, made with
// NewCallback(*Tracer)). Start runs on the sending thread just before a send and answers with a span
// (any value, nil allowed) and a traceparent ("" for none); End gets that span back once, on the same
// thread, when the send is over.
type Tracer struct {
	Start func(s *SpanStartRecord) (span any, traceparent string)
	End   func(span any, e *SpanEndRecord)
	// Capture (may be nil) answers the calling thread's context (nil: none), kept by the library for a
	// token request another thread makes for this caller.
	Capture func() any
}

//export m2mauthGoSpanCapture
func m2mauthGoSpanCapture(payload C.uintptr_t) (context C.uintptr_t) {
	defer func() {
		if recover() != nil {
			context = 0
		}
	}()
	t, ok := cgo.Handle(uintptr(payload)).Value().(*Tracer)
	if !ok || t.Capture == nil {
		return 0
	}
	v := t.Capture()
	if v == nil {
		return 0
	}
	return C.uintptr_t(cgo.NewHandle(v))
}

//export m2mauthGoSpanRelease
func m2mauthGoSpanRelease(context C.uintptr_t) {
	defer func() { _ = recover() }()
	if context != 0 {
		cgo.Handle(uintptr(context)).Delete()
	}
}

//export m2mauthGoSpanStart
func m2mauthGoSpanStart(s *C.m2mauth_span_start, traceparent *C.char, payload C.uintptr_t) (span C.uintptr_t) {
	// A panic must not unwind into C: the send goes on without a span and without a traceparent.
	defer func() {
		if recover() != nil {
			span = 0
		}
	}()
	t, ok := cgo.Handle(uintptr(payload)).Value().(*Tracer)
	if !ok || s == nil || t.Start == nil {
		return 0
	}
	rec := SpanStartRecord{Kind: int(s.kind), Name: goText(s.name), Attributes: goAttributes(s.attributes, s.attribute_count)}
	if s.parent != nil {
		rec.Parent = cgo.Handle(uintptr(s.parent)).Value()
	}
	v, tp := t.Start(&rec)
	// The library sends only a valid version-00 value; one that does not fit is not written at all.
	if traceparent != nil && tp != "" && len(tp) < C.M2MAUTH_TRACEPARENT_SIZE {
		buf := unsafe.Slice((*byte)(unsafe.Pointer(traceparent)), C.M2MAUTH_TRACEPARENT_SIZE)
		buf[copy(buf, tp)] = 0
	}
	if v == nil {
		return 0
	}
	return C.uintptr_t(cgo.NewHandle(v))
}

//export m2mauthGoSpanEnd
func m2mauthGoSpanEnd(span C.uintptr_t, e *C.m2mauth_span_end, payload C.uintptr_t) {
	// A panic must not unwind into C: the end is dropped instead.
	defer func() { _ = recover() }()
	var v any
	if span != 0 {
		h := cgo.Handle(uintptr(span))
		defer h.Delete() // end comes exactly once for every start: the span's handle is released here
		v = h.Value()
	}
	t, ok := cgo.Handle(uintptr(payload)).Value().(*Tracer)
	if !ok || e == nil || t.End == nil {
		return
	}
	t.End(v, &SpanEndRecord{
		Error:            e.error != 0,
		ErrorType:        goText(e.error_type),
		DurationS:        float64(e.duration_s),
		Attributes:       goAttributes(e.attributes, e.attribute_count),
		Histogram:        goText(e.histogram),
		MetricAttributes: goAttributes(e.metric_attributes, e.metric_attribute_count),
	})
}

func goAttributes(p *C.m2mauth_attribute, n C.size_t) []SpanAttribute {
	if p == nil || n == 0 {
		return nil
	}
	out := make([]SpanAttribute, 0, int(n))
	for _, a := range unsafe.Slice(p, int(n)) {
		if a.is_number != 0 {
			out = append(out, SpanAttribute{Key: goText(a.key), Number: int64(a.number), IsNumber: true})
		} else {
			out = append(out, SpanAttribute{Key: goText(a.key), Text: goText(a.text)})
		}
	}
	return out
}
