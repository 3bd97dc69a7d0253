package m2mauthotel

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/metric"

	"github.com/m2mauth/m2mauth/bindings/go/m2mauth"
)

// recorder records one duration (seconds) into a histogram.
type recorder func(ctx context.Context, seconds float64, opts ...metric.RecordOption)

// histograms creates the library's histograms (kind "histogram"), by name, with its units and
// descriptions; spans' ends record into them.
func histograms(meter metric.Meter, instruments []m2mauth.Instrument) (map[string]recorder, error) {
	out := map[string]recorder{}
	for _, in := range instruments {
		if in.Kind != "histogram" {
			continue
		}
		// The library's bucket advice (none: the SDK's default buckets).
		advice := len(in.BucketBoundaries) > 0
		if in.ValueType == "int" {
			opts := []metric.Int64HistogramOption{metric.WithUnit(in.Unit), metric.WithDescription(in.Description)}
			if advice {
				opts = append(opts, metric.WithExplicitBucketBoundaries(in.BucketBoundaries...))
			}
			h, err := meter.Int64Histogram(in.Name, opts...)
			if err != nil {
				return nil, err
			}
			out[in.Name] = func(ctx context.Context, v float64, opts ...metric.RecordOption) { h.Record(ctx, int64(v), opts...) }
			continue
		}
		opts := []metric.Float64HistogramOption{metric.WithUnit(in.Unit), metric.WithDescription(in.Description)}
		if advice {
			opts = append(opts, metric.WithExplicitBucketBoundaries(in.BucketBoundaries...))
		}
		h, err := meter.Float64Histogram(in.Name, opts...)
		if err != nil {
			return nil, err
		}
		out[in.Name] = h.Record
	}
	return out, nil
}

// observable is one counter or gauge, observed from the library's metrics.
type observable struct {
	intObs   metric.Int64Observable
	floatObs metric.Float64Observable
}

// observe creates an observable instrument for every counter and gauge, and one callback that reads
// the library's metrics once per collection and reports every point.
func observe(meter metric.Meter, instruments []m2mauth.Instrument) (metric.Registration, error) {
	byName := map[string]observable{}
	var all []metric.Observable
	for _, in := range instruments {
		var o observable
		var err error
		unit, desc := metric.WithUnit(in.Unit), metric.WithDescription(in.Description)
		switch {
		case in.Kind == "counter" && in.ValueType == "int":
			o.intObs, err = meter.Int64ObservableCounter(in.Name, unit, desc)
		case in.Kind == "counter":
			o.floatObs, err = meter.Float64ObservableCounter(in.Name, unit, desc)
		case in.Kind == "gauge" && in.ValueType == "int":
			o.intObs, err = meter.Int64ObservableGauge(in.Name, unit, desc)
		case in.Kind == "gauge":
			o.floatObs, err = meter.Float64ObservableGauge(in.Name, unit, desc)
		default:
			continue // histograms: recorded at each span's end
		}
		if err != nil {
			return nil, fmt.Errorf("m2mauthotel: instrument %s: %w", in.Name, err)
		}
		byName[in.Name] = o
		if o.intObs != nil {
			all = append(all, o.intObs)
		} else {
			all = append(all, o.floatObs)
		}
	}
	return meter.RegisterCallback(func(_ context.Context, obs metric.Observer) error {
		now, err := m2mauth.TelemetryMetrics()
		if err != nil {
			return err
		}
		for _, in := range now.Instruments {
			o, ok := byName[in.Name]
			if !ok {
				continue
			}
			for _, p := range in.Points {
				attrs := metric.WithAttributes(attributes(p.Attributes)...)
				if o.intObs != nil {
					obs.ObserveInt64(o.intObs, int64(p.Value), attrs)
				} else {
					obs.ObserveFloat64(o.floatObs, p.Value, attrs)
				}
			}
		}
		return nil
	}, all...)
}
