package m2mauth

import (
	"context"
	"encoding/json"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// Telemetry without OpenTelemetry (the C library's telemetry.h): the library decides every span name,
// attribute, metric name and unit, and a Tracer only hands them on. The module
// github.com/m2mauth/m2mauth/bindings/go/otel (package m2mauthotel) is the Tracer for OpenTelemetry;
// without it nothing is installed and a send costs one atomic load.

// SpanKind says what a span is around (telemetry.h's m2mauth_span_kind).
type SpanKind int

const (
	SpanTokenRequest SpanKind = 1 // a request to the token endpoint (grant, refresh, exchange)
	SpanRequest      SpanKind = 2 // a managed request to an API (TokenManager.Do, Transport)
)

// SpanStart is a span that starts, as the library describes it. Attributes are OpenTelemetry attribute
// names with string or int64 values: http.request.method, url.full (without its query),
// server.address, server.port, m2mauth.operation, m2mauth.client_id, m2mauth.scope,
// m2mauth.token.source, http.request.resend_count, each when known. Never a secret.
type SpanStart struct {
	Kind       SpanKind
	Name       string // the span name (the HTTP method, as the HTTP semantic conventions say)
	Attributes map[string]any
}

// SpanEnd is how a span ended.
type SpanEnd struct {
	Error      bool           // the span's status is Error
	ErrorType  string         // error.type: "503" for an HTTP status >= 400, else the error category; "" on success
	Duration   time.Duration  // on the monotonic clock
	Attributes map[string]any // to add to the span: http.response.status_code, error.type
	// Histogram names the instrument (TelemetryMetrics, kind "histogram") to record Duration into, in
	// its unit (seconds), with MetricAttributes (low cardinality: no URL path).
	Histogram        string
	MetricAttributes map[string]any
}

// Tracer observes every token request and every managed request the library sends, in this process.
//
// Start runs on the sending thread just before the send. ctx is the context of the call that led to
// the send (Token, Do, a Transport's request, ...) or context.Background() for a send without one (a
// refresh on the library's own thread, a method without a context). It answers with a span (any value,
// nil allowed) and a W3C traceparent for the request to carry ("" for none; sent only when it is a
// valid version-00 value). End gets that span back exactly once, on the same thread, when the send
// returned or failed. Both run inside the library's send: keep them short, and never block on another
// m2mauth call. A panic in either is recovered and dropped.
type Tracer interface {
	Start(ctx context.Context, s SpanStart) (span any, traceparent string)
	End(span any, e SpanEnd)
}

var (
	tracerMu sync.Mutex
	// tracing is true while a Tracer is installed: then nativeCall records its ctx for Start.
	tracing atomic.Bool
	// callContexts maps an OS thread (raw.ThreadID) inside a nativeCall to that call's ctx.
	callContexts sync.Map
)

// SetTracer installs t as the process's tracer, replacing any other; nil removes it. Sends already
// started end with the tracer they started with.
func SetTracer(t Tracer) error {
	if err := ready(); err != nil {
		return err
	}
	tracerMu.Lock()
	defer tracerMu.Unlock()
	if t == nil {
		err := call(func() int { return raw.M2mauth_glue_set_tracer(0) })
		if err == nil {
			tracing.Store(false)
		}
		return err
	}
	was := tracing.Swap(true) // before the first Start can run: every call from now on records its ctx
	rt := &raw.Tracer{
		Start: func(s *raw.SpanStartRecord) (any, string) {
			ctx := callContext()
			if parent, ok := s.Parent.(context.Context); ok && parent != nil {
				ctx = parent // the caller a token manager's thread sends for
			}
			return t.Start(ctx, SpanStart{Kind: SpanKind(s.Kind), Name: s.Name, Attributes: attributeMap(s.Attributes)})
		},
		Capture: func() any {
			// The caller's ctx, kept while a manager's thread makes the token request it waits for.
			if v, ok := callContexts.Load(raw.ThreadID()); ok {
				if ctx, ok := v.(context.Context); ok && ctx != nil {
					return ctx
				}
			}
			return nil
		},
		End: func(span any, e *raw.SpanEndRecord) {
			t.End(span, SpanEnd{
				Error:            e.Error,
				ErrorType:        e.ErrorType,
				Duration:         time.Duration(e.DurationS * float64(time.Second)),
				Attributes:       attributeMap(e.Attributes),
				Histogram:        e.Histogram,
				MetricAttributes: attributeMap(e.MetricAttributes),
			})
		},
	}
	// The library owns the payload from here on and releases it when the tracer is replaced.
	err := call(func() int { return raw.M2mauth_glue_set_tracer(raw.NewCallback(rt)) })
	if err != nil {
		tracing.Store(was)
	}
	return err
}

// withCallContext runs f, native calls, with ctx findable by the Tracer's Start from the calling
// thread (a callback from C on the thread of a cgo call runs on that call's goroutine, which stays
// locked to the thread meanwhile).
func withCallContext[T any](ctx context.Context, f func() (T, error)) (T, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	tid := raw.ThreadID()
	prev, nested := callContexts.Swap(tid, ctx)
	defer func() {
		if nested {
			callContexts.Store(tid, prev)
		} else {
			callContexts.Delete(tid)
		}
	}()
	return f()
}

// callContext is the ctx of the nativeCall running on this thread, or Background on a thread of the
// library's own.
func callContext() context.Context {
	if v, ok := callContexts.Load(raw.ThreadID()); ok {
		if ctx, ok := v.(context.Context); ok && ctx != nil {
			return ctx
		}
	}
	return context.Background()
}

func attributeMap(list []raw.SpanAttribute) map[string]any {
	if len(list) == 0 {
		return nil
	}
	m := make(map[string]any, len(list))
	for _, a := range list {
		if a.IsNumber {
			m[a.Key] = a.Number
		} else {
			m[a.Key] = a.Text
		}
	}
	return m
}

// Metrics is every instrument the library defines, with the points of every live TokenManager's keys
// (m2mauth_telemetry_metrics_json). The list of instruments is the same in every read.
type Metrics struct {
	Scope       string       `json:"scope"` // the instrumentation scope ("io.m2mauth")
	Instruments []Instrument `json:"instruments"`
}

// Instrument is one metric: Kind "counter" (monotonic), "gauge" or "histogram" (no points: recorded
// at each span's end, SpanEnd.Histogram); ValueType "int" or "double".
type Instrument struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	ValueType   string `json:"value_type"`
	Unit        string `json:"unit"`
	Description string `json:"description"`
	// BucketBoundaries (histograms): the explicit buckets, in the unit, to advise the SDK.
	BucketBoundaries []float64     `json:"bucket_boundaries"`
	Points           []MetricPoint `json:"points"`
}

// MetricPoint is one series' value; Attributes hold strings.
type MetricPoint struct {
	Attributes map[string]any `json:"attributes"`
	Value      float64        `json:"value"`
}

// TelemetryMetricsJSON is the library's metrics as its compact JSON (Metrics describes it).
func TelemetryMetricsJSON() ([]byte, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	var out []byte
	if err := call(func() int { return raw.M2mauth_telemetry_metrics_json(&out) }); err != nil {
		return nil, err
	}
	return out, nil
}

// TelemetryMetrics reads every live TokenManager's stats as instruments and points.
func TelemetryMetrics() (*Metrics, error) {
	b, err := TelemetryMetricsJSON()
	if err != nil {
		return nil, err
	}
	m := &Metrics{}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, &Error{Code: int(raw.M2MAUTH_ERROR), Name: raw.M2mauth_error_name(int(raw.M2MAUTH_ERROR)),
			Message: "the library's metrics are not the JSON expected: " + err.Error()}
	}
	return m, nil
}
