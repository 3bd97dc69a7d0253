/**
 * OpenTelemetry for m2mauth: {@link io.m2mauth.otel.M2mauthOpenTelemetry#install} hands the library's
 * spans and metrics ({@link io.m2mauth.Telemetry}) to an {@code io.opentelemetry.api.OpenTelemetry}.
 *
 * <pre>{@code
 * try (M2mauthOpenTelemetry otel = M2mauthOpenTelemetry.install(GlobalOpenTelemetry.get())) {
 *   // every token request and managed request is a CLIENT span, child of Context.current(), and carries
 *   // its traceparent; the token managers' stats are observable instruments of the meter "io.m2mauth"
 * }
 * }</pre>
 *
 * <p>{@code io.opentelemetry:opentelemetry-api} is an optional dependency of m2mauth: an application that
 * uses this package declares it (1.68.0 is the version tested; any later 1.x works). Nothing else in
 * m2mauth refers to this package, so without it no OpenTelemetry class is ever loaded.
 */
package io.m2mauth.otel;
