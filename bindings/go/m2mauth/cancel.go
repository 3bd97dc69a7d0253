package m2mauth

import (
	"context"
	"errors"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// nativeCall runs f, a library call that may wait on the network, bounded by ctx: ctx's deadline
// becomes the call's timeout and ctx's end requests a native m2mauth_cancel, which stops the transfer
// in progress (libcurl aborts it and closes its connection) or the wait for a token, not only this
// goroutine's wait. When ctx ended the call's error is ctx.Err(). A nil or never-ending ctx passes no
// cancel and no timeout. While a Tracer is installed, ctx is also the one its Start gets for the sends
// f makes on this goroutine's thread.
func nativeCall[T any](ctx context.Context, f func(timeoutMs int64, cancel raw.CancelHandle) (T, error)) (T, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if tracing.Load() {
		return withCallContext(ctx, func() (T, error) { return boundedCall(ctx, f) })
	}
	return boundedCall(ctx, f)
}

func boundedCall[T any](ctx context.Context, f func(timeoutMs int64, cancel raw.CancelHandle) (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	var timeoutMs int64
	deadline, hasDeadline := ctx.Deadline()
	if hasDeadline {
		timeoutMs = (time.Until(deadline) + time.Millisecond - 1).Milliseconds() // not before ctx's
		if timeoutMs < 1 {
			timeoutMs = 1
		}
	}
	if ctx.Done() == nil {
		return f(timeoutMs, raw.SwigcptrCancelHandle(0))
	}
	var p uintptr
	if err := call(func() int { return raw.M2mauth_cancel_new(&p) }); err != nil {
		return zero, err
	}
	h := raw.SwigcptrCancelHandle(p)
	requested := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		raw.M2mauth_cancel_request(h)
		close(requested)
	})
	v, err := f(timeoutMs, h)
	if !stop() {
		<-requested // the request may still be running: the handle must outlive it
	}
	raw.DeleteCancelHandle(h)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && (e.Code == int(raw.M2MAUTH_ECANCELLED) || e.Code == int(raw.M2MAUTH_ETIMEOUT)) {
			if cerr := ctx.Err(); cerr != nil {
				return zero, cerr
			}
			// The native timeout is ctx's deadline, which the clock may not show as passed yet.
			if e.Code == int(raw.M2MAUTH_ETIMEOUT) && hasDeadline && time.Until(deadline) < 10*time.Millisecond {
				return zero, context.DeadlineExceeded
			}
		}
	}
	return v, err
}
