"""OpenTelemetry for m2mauth (``pip install m2mauth[otel]``): a span around every token request and every
managed request, the W3C ``traceparent`` of that span carried on the request, and the token managers'
metrics.

::

    import m2mauth.otel
    m2mauth.otel.instrument()          # the global TracerProvider, MeterProvider and propagator

Nothing here is imported by ``import m2mauth``; without :func:`instrument` the library sends no span and
costs nothing. The span names, attributes, metric names and units are the library's own (listed in
docs/observability.md); this module only hands them to OpenTelemetry:

- Spans (kind CLIENT): a token fetched inside one of your spans is its child and carries its trace, also
  when the client's own thread makes the request while you wait. A refresh ahead of expiry, which nobody
  waits for, starts a trace of its own.
- ``m2mauth.token.request.duration`` and ``m2mauth.request.duration`` (histograms, seconds) are recorded as
  each send ends; the counters and gauges (cache hits, token requests by outcome, waits, time to expiry,
  clock offset) are observed from every live client's stats when the meter collects.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Dict, List, Optional, Tuple

try:
    from opentelemetry import context as otel_context
    from opentelemetry import metrics, trace
    from opentelemetry.metrics import CallbackOptions, Observation
    from opentelemetry.propagate import get_global_textmap
    from opentelemetry.trace import SpanKind, Status, StatusCode
except ImportError as e:  # pragma: no cover - checked by test_otel's subprocess test
    raise ImportError("m2mauth.otel needs the OpenTelemetry API: pip install 'm2mauth[otel]'") from e

from ._native import native

__all__ = ["instrument", "uninstrument", "Instrumentation"]

_lock = threading.Lock()
_active: Optional["Instrumentation"] = None


class _Snapshot:
    """The metrics JSON, read at most once per collection (every observable callback of one collection
    shares it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._at = -1.0
        self._points: Dict[str, List[Dict[str, Any]]] = {}

    def points(self, name: str) -> List[Dict[str, Any]]:
        with self._lock:
            now = time.monotonic()
            if now - self._at > 0.5:
                doc = json.loads(native.telemetry_metrics_json())
                self._points = {i["name"]: i["points"] for i in doc["instruments"]}
                self._at = now
            return self._points.get(name, [])


def _histogram(meter: Any, name: str, unit: str, description: str, buckets: Optional[List[float]]) -> Any:
    """A histogram with the library's bucket advice; an OpenTelemetry API older than 1.23 takes none."""
    if buckets:
        try:
            return meter.create_histogram(name, unit=unit, description=description,
                                          explicit_bucket_boundaries_advisory=buckets)
        except TypeError:
            pass
    return meter.create_histogram(name, unit=unit, description=description)


class Instrumentation:
    """What :func:`instrument` installed; :meth:`uninstrument` (or leaving a ``with`` block) removes it."""

    def __init__(self, tracer_provider: Any = None, meter_provider: Any = None, propagator: Any = None) -> None:
        from . import __version__

        doc = json.loads(native.telemetry_metrics_json())
        scope = doc["scope"]
        self._tracer = trace.get_tracer(scope, __version__, tracer_provider=tracer_provider)
        meter = metrics.get_meter(scope, __version__, meter_provider=meter_provider)
        self._propagator = propagator
        self._on = True
        self._snapshot = _Snapshot()
        self._histograms: Dict[str, Any] = {}
        for ins in doc["instruments"]:
            name, unit, description = ins["name"], ins["unit"], ins["description"]
            if ins["kind"] == "histogram":
                self._histograms[name] = _histogram(meter, name, unit, description, ins.get("bucket_boundaries"))
            elif ins["kind"] == "counter":
                meter.create_observable_counter(name, callbacks=[self._observer(name, ins["value_type"])], unit=unit,
                                                description=description)
            else:
                meter.create_observable_gauge(name, callbacks=[self._observer(name, ins["value_type"])], unit=unit,
                                              description=description)

    def _observer(self, name: str, value_type: str) -> Any:
        cast = int if value_type == "int" else float

        def observe(options: CallbackOptions) -> List[Observation]:
            if not self._on:
                return []
            return [Observation(cast(p["value"]), p["attributes"]) for p in self._snapshot.points(name)]

        return observe

    @staticmethod
    def _capture() -> Any:
        # The caller's context, for a token request the client's own thread makes while the caller waits.
        return otel_context.get_current()

    def _start(self, record_json: str, parent: Any) -> Tuple[Any, Optional[str]]:
        rec = json.loads(record_json)
        span = self._tracer.start_span(rec["name"], context=parent, kind=SpanKind.CLIENT, attributes=rec["attributes"])
        carrier: Dict[str, str] = {}
        propagator = self._propagator if self._propagator is not None else get_global_textmap()
        propagator.inject(carrier, context=trace.set_span_in_context(span))
        return span, carrier.get("traceparent")

    def _end(self, span: Any, record_json: str) -> None:
        rec = json.loads(record_json)
        histogram = self._histograms.get(rec["histogram"])
        if histogram is not None:
            histogram.record(rec["duration_s"], rec["metric_attributes"])
        if span is None:
            return
        span.set_attributes(rec["attributes"])
        if rec["error"]:
            span.set_status(Status(StatusCode.ERROR, rec["error_type"]))
        span.end()

    def uninstrument(self) -> None:
        """Removes the tracer (sends already started end their spans) and stops observing metrics."""
        global _active
        with _lock:
            if _active is self:
                native.set_tracer(None, None)
                _active = None
            self._on = False

    def __enter__(self) -> "Instrumentation":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.uninstrument()


def instrument(*, tracer_provider: Any = None, meter_provider: Any = None,
               propagator: Any = None) -> Instrumentation:
    """Installs m2mauth's spans and metrics for the whole process, replacing an earlier :func:`instrument`.

    Args:
        tracer_provider, meter_provider: OpenTelemetry's providers; None: the global ones.
        propagator: the ``TextMapPropagator`` that writes the request's ``traceparent``; None: the global one
            (W3C Trace Context by default). The library sends it only when it is a valid W3C traceparent.
    """
    global _active
    inst = Instrumentation(tracer_provider, meter_provider, propagator)
    with _lock:
        if _active is not None:
            _active._on = False
        native.set_tracer(inst._start, inst._end, inst._capture)
        _active = inst
    return inst


def uninstrument() -> None:
    """Removes what :func:`instrument` installed (nothing if it was not called)."""
    with _lock:
        current = _active
    if current is not None:
        current.uninstrument()
