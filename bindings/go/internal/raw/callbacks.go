package raw

/*
#include <stdint.h>
#include "m2mauth/m2mauth.h"
*/
import "C"

import (
	"runtime/cgo"
	"time"
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
}

// NewCallback returns a payload for m2mauth_glue_token_manager_set_events (f: func(TokenEvent)) or
// the clock setters (f: func() int64, Unix milliseconds). Pass it to exactly one setter, which takes it.
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

func goText(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}
