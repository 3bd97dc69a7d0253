// Package m2mauthotel hands m2mauth's telemetry to OpenTelemetry: a client span around every token
// request and every managed request (its traceparent carried on the request), the duration histograms,
// and every token manager's stats as observable instruments.
//
//	shutdown, err := m2mauthotel.Instrument() // the otel global providers
//	if err != nil { ... }
//	defer shutdown()
//
// The library decides every span name, attribute, metric name, unit and description (the C library's
// telemetry.h); this package only copies them. A span's parent is the span in the context of the call
// that sent it (TokenManager.Token, Do, a Transport's request, TokenClient.Fetch, ...), also when the
// manager's own thread makes the token request a read started. Without this package (a module of its own) nothing of
// OpenTelemetry is loaded and a send costs one atomic load.
package m2mauthotel

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/m2mauth/m2mauth/bindings/go/m2mauth"
)

// Option configures Instrument.
type Option func(*config)

type config struct {
	tracerProvider trace.TracerProvider
	meterProvider  metric.MeterProvider
	propagator     propagation.TextMapPropagator
}

// WithTracerProvider sets where spans go (default: otel.GetTracerProvider()).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.tracerProvider = tp }
}

// WithMeterProvider sets where metrics go (default: otel.GetMeterProvider()).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.meterProvider = mp }
}

// WithPropagator sets how a span's context becomes the request's traceparent header: the propagator
// injects it and the "traceparent" field is sent (default: propagation.TraceContext{}, whatever the
// global propagator is, since the library carries a W3C traceparent only).
func WithPropagator(p propagation.TextMapPropagator) Option {
	return func(c *config) { c.propagator = p }
}

// Instrument installs the process's m2mauth tracer (replacing any other, m2mauth.SetTracer) and
// registers the metrics. shutdown removes both (idempotent): no span and no traceparent after it.
// Call it once per process; calling it again replaces the tracer but leaves the first metrics
// registered until their shutdown.
func Instrument(opts ...Option) (shutdown func() error, err error) {
	c := config{}
	for _, o := range opts {
		o(&c)
	}
	if c.tracerProvider == nil {
		c.tracerProvider = otel.GetTracerProvider()
	}
	if c.meterProvider == nil {
		c.meterProvider = otel.GetMeterProvider()
	}
	if c.propagator == nil {
		c.propagator = propagation.TraceContext{}
	}
	described, err := m2mauth.TelemetryMetrics()
	if err != nil {
		return nil, err
	}
	version := m2mauth.Version()
	t := &tracer{
		tracer:     c.tracerProvider.Tracer(described.Scope, trace.WithInstrumentationVersion(version)),
		propagator: c.propagator,
	}
	meter := c.meterProvider.Meter(described.Scope, metric.WithInstrumentationVersion(version))
	if t.histograms, err = histograms(meter, described.Instruments); err != nil {
		return nil, err
	}
	reg, err := observe(meter, described.Instruments)
	if err != nil {
		return nil, err
	}
	if err := m2mauth.SetTracer(t); err != nil {
		return nil, errors.Join(err, reg.Unregister())
	}
	var once sync.Once
	var shutdownErr error
	return func() error {
		once.Do(func() {
			t.off.Store(true) // sends that started before end their spans; none starts from here on
			shutdownErr = errors.Join(m2mauth.SetTracer(nil), reg.Unregister())
		})
		return shutdownErr
	}, nil
}

// tracer is the m2mauth.Tracer that makes OpenTelemetry spans.
type tracer struct {
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
	histograms map[string]recorder
	off        atomic.Bool
}

// span is what Start hands the library and End gets back.
type span struct {
	ctx  context.Context // the span's context: its histogram point's (exemplars link to the span)
	span trace.Span
}

func (t *tracer) Start(ctx context.Context, s m2mauth.SpanStart) (any, string) {
	if t.off.Load() {
		return nil, ""
	}
	ctx, sp := t.tracer.Start(ctx, s.Name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attributes(s.Attributes)...))
	carrier := propagation.MapCarrier{}
	t.propagator.Inject(ctx, carrier)
	return &span{ctx: ctx, span: sp}, carrier.Get("traceparent")
}

func (t *tracer) End(v any, e m2mauth.SpanEnd) {
	s, ok := v.(*span)
	if !ok {
		return
	}
	s.span.SetAttributes(attributes(e.Attributes)...)
	if e.Error {
		s.span.SetStatus(codes.Error, e.ErrorType)
	}
	if h, ok := t.histograms[e.Histogram]; ok {
		h(s.ctx, e.Duration.Seconds(), metric.WithAttributes(attributes(e.MetricAttributes)...))
	}
	s.span.End()
}

// attributes converts the library's attributes (string, int64, float64 or bool values).
func attributes(m map[string]any) []attribute.KeyValue {
	out := make([]attribute.KeyValue, 0, len(m))
	for k, v := range m {
		switch x := v.(type) {
		case string:
			out = append(out, attribute.String(k, x))
		case int64:
			out = append(out, attribute.Int64(k, x))
		case float64:
			out = append(out, attribute.Float64(k, x))
		case bool:
			out = append(out, attribute.Bool(k, x))
		}
	}
	return out
}
