"""m2mauth.otel against OpenTelemetry's own SDK (in-memory span exporter and metric reader) and the test
double: the span of a token request and of a managed request, its parent and the traceparent the server
received, errors, the duration histograms, the observed counters and gauges, and uninstrument."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any, Dict, Iterator, List

import pytest

pytest.importorskip("opentelemetry.sdk")

from opentelemetry.sdk.metrics import MeterProvider  # noqa: E402
from opentelemetry.sdk.metrics.export import InMemoryMetricReader  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter  # noqa: E402
from opentelemetry.trace import SpanKind, StatusCode  # noqa: E402

import m2mauth  # noqa: E402
import m2mauth.otel  # noqa: E402
from m2mauth._native import native  # noqa: E402
from m2mauth.testing import TokenServer  # noqa: E402

SECRET = "s3cret-s3cret-s3cret-s3cret-s3cret!"


class Otel:
    def __init__(self) -> None:
        self.spans = InMemorySpanExporter()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.spans))
        self.reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.reader])
        self.inst = m2mauth.otel.instrument(tracer_provider=self.tracer_provider, meter_provider=self.meter_provider)

    def finished(self) -> List[Any]:
        return [s for s in self.spans.get_finished_spans() if s.instrumentation_scope.name == "io.m2mauth"]

    def points(self, name: str) -> List[Any]:
        data = self.reader.get_metrics_data()
        out: List[Any] = []
        for rm in data.resource_metrics if data else []:
            for sm in rm.scope_metrics:
                for m in sm.metrics:
                    if m.name == name:
                        out.extend(m.data.data_points)
        return out


@pytest.fixture
def otel() -> Iterator[Otel]:
    o = Otel()
    try:
        yield o
    finally:
        o.inst.uninstrument()


@pytest.fixture
def server() -> Iterator[TokenServer]:
    with TokenServer() as s:
        s.add_client("svc-otel", SECRET, scopes=["read"])
        yield s


def attrs(span: Any) -> Dict[str, Any]:
    return dict(span.attributes or {})


def test_token_request_span_is_a_child_and_carries_its_trace(otel: Otel, server: TokenServer) -> None:
    client = m2mauth.OAuth2Client(server.token_url, "svc-otel", client_secret=SECRET, scope="read")
    user_tracer = otel.tracer_provider.get_tracer("my.service")
    with user_tracer.start_as_current_span("handle request") as parent:
        token = client.token()
        client.token()  # served from the cache: no span
    spans = otel.finished()
    assert len(spans) == 1
    span = spans[0]
    assert span.name == "POST"
    assert span.kind == SpanKind.CLIENT
    assert span.parent is not None and span.parent.span_id == parent.get_span_context().span_id
    assert span.context.trace_id == parent.get_span_context().trace_id
    a = attrs(span)
    assert a["http.request.method"] == "POST"
    assert a["url.full"] == server.token_url
    assert a["server.address"] == "127.0.0.1"
    assert a["server.port"] == int(server.url.rsplit(":", 1)[1])
    assert a["m2mauth.operation"] == "token_request"
    assert a["m2mauth.client_id"] == "svc-otel"
    assert a["m2mauth.scope"] == "read"
    assert a["m2mauth.token.source"] == "fetched"
    assert a["http.response.status_code"] == 200
    assert span.status.status_code != StatusCode.ERROR
    assert server.requests("traced") == 1
    for value in a.values():  # never a secret
        assert SECRET not in str(value) and token.access_token not in str(value)


def test_failures_set_error_status_and_type(otel: Otel, server: TokenServer) -> None:
    client = m2mauth.OAuth2Client(server.token_url, "svc-otel", client_secret=SECRET)
    server.fail_next(1, status=503, error="temporarily_unavailable")
    with pytest.raises(m2mauth.Error):
        client.fetch()
    span = otel.finished()[-1]
    assert span.status.status_code == StatusCode.ERROR
    assert attrs(span)["error.type"] == "503"
    assert attrs(span)["http.response.status_code"] == 503


def test_managed_request_span_and_histograms(otel: Otel, server: TokenServer) -> None:
    client = m2mauth.OAuth2Client(server.token_url, "svc-otel", client_secret=SECRET)
    resp = client.request("GET", server.url + "/api/items?page=2")
    assert resp.status == 404  # the test double serves no API
    spans = otel.finished()
    assert [s.name for s in spans] == ["POST", "GET"]
    api = spans[1]
    assert attrs(api)["m2mauth.operation"] == "request"
    assert attrs(api)["url.full"] == server.url + "/api/items"  # no query string
    assert attrs(api)["error.type"] == "404"
    token_points = otel.points("m2mauth.token.request.duration")
    assert len(token_points) == 1 and token_points[0].count == 1
    # The library's bucket advice, not the SDK's default (0, 5, 10 ... seconds).
    assert list(token_points[0].explicit_bounds)[:3] == [0.005, 0.01, 0.025]
    assert dict(token_points[0].attributes)["m2mauth.client_id"] == "svc-otel"
    assert "url.full" not in dict(token_points[0].attributes)
    request_points = otel.points("m2mauth.request.duration")
    assert sum(p.count for p in request_points) == 1


def test_observed_counters_and_gauges(otel: Otel, server: TokenServer) -> None:
    client = m2mauth.OAuth2Client(server.token_url, "svc-otel", client_secret=SECRET, scope="read")
    for _ in range(3):
        client.token()
    requests = {dict(p.attributes)["m2mauth.outcome"]: p.value for p in otel.points("m2mauth.token.requests")
                if dict(p.attributes).get("m2mauth.client_id") == "svc-otel"}
    assert requests == {"ok": 1, "transient": 0, "permanent": 0}
    expiry = [p for p in otel.points("m2mauth.token.time_to_expiry")
              if dict(p.attributes).get("m2mauth.client_id") == "svc-otel"]
    assert len(expiry) == 1
    assert dict(expiry[0].attributes)["m2mauth.token.source"] == "fetched"
    assert 0 < expiry[0].value <= 3600
    client.close()
    # A closed client's series are no longer observed (the SDK may keep exporting their last values).
    assert "svc-otel" not in native.telemetry_metrics_json()


def test_uninstrument_stops_spans_and_traceparent(server: TokenServer) -> None:
    o = Otel()
    o.inst.uninstrument()
    client = m2mauth.OAuth2Client(server.token_url, "svc-otel", client_secret=SECRET)
    client.fetch()
    assert o.finished() == []
    assert server.requests("traced") == 0
    assert o.points("m2mauth.token.requests") == []


def test_refresh_belongs_to_the_read_that_started_it(otel: Otel) -> None:
    with TokenServer(token_lifetime=2) as short:
        short.add_client("short", SECRET)
        client = m2mauth.OAuth2Client(short.token_url, "short", client_secret=SECRET)
        user_tracer = otel.tracer_provider.get_tracer("my.service")
        with user_tracer.start_as_current_span("startup") as startup:
            client.token()  # the client's own thread fetches while this caller waits
        for expected in (2, 3):
            time.sleep(1.3)  # the 2 s token is due for refresh: the next read starts one
            if expected == 2:
                client.token()  # outside any span
            else:
                with user_tracer.start_as_current_span("later") as later:
                    client.token()
            deadline = time.monotonic() + 10
            while short.requests("token") < expected and time.monotonic() < deadline:
                time.sleep(0.02)
        time.sleep(0.2)
        client.close()
    spans = [s for s in otel.finished() if attrs(s).get("m2mauth.client_id") == "short"]
    assert len(spans) == 3
    assert spans[0].parent is not None and spans[0].parent.span_id == startup.get_span_context().span_id
    assert attrs(spans[0])["m2mauth.token.source"] == "fetched"
    assert spans[1].parent is None  # read outside any span: a trace of its own
    assert attrs(spans[1])["m2mauth.token.source"] == "refreshed"
    assert spans[2].parent is not None and spans[2].parent.span_id == later.get_span_context().span_id
    assert short.requests("traced") == 3


def test_import_m2mauth_does_not_import_opentelemetry() -> None:
    code = "import sys, m2mauth; c = m2mauth.OAuth2Client; print(any(m.startswith('opentelemetry') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_without_opentelemetry_the_import_says_what_to_install() -> None:
    # A blocker on sys.meta_path plays an environment without the opentelemetry packages.
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'opentelemetry' or name.startswith('opentelemetry.'):\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "try:\n"
        "    import m2mauth.otel\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'm2mauth[otel]'" in out.stdout
