package m2mauth

import (
	"context"
	"log/slog"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/internal/nativeptr"
	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// ManagerOptions tune a TokenManager. The zero value is the library's defaults (those of the C
// library's m2mauth_token_manager_options_init): a nil field keeps its default, and a field that is set
// means what the C library says, 0 included (Ptr(0.0) jitter: none; Ptr(time.Duration(0)) wait: no limit
// but the call's own). The library checks the ranges (ErrInvalidArgument naming the field); Describe shows the result.
type ManagerOptions struct {
	RefreshFraction  *float64       // refresh after this part of the lifetime, (0, 1] (default 0.75)...
	RefreshMargin    *time.Duration // ...or this long before expiry if earlier (default 5 min; 0: by fraction only)
	ExpirySkew       *time.Duration // stop using a token this long before expiry (default 30 s, at most lifetime/10; 0: until it expires)
	JitterFraction   *float64       // random early refresh, part of the lead time, 0 to 0.5 (default 0.1; 0: none)
	WaitTimeout      *time.Duration // how long a caller waits when no valid token exists (default 30 s; 0: no limit but ctx)
	BackoffBase      *time.Duration // first retry delay after a transient failure (default 1 s; at least 1 ms)
	BackoffMax       *time.Duration // default 1 min; at least BackoffBase
	PermanentBackoff *time.Duration // after a permanent error, before asking again (default 30 s; 0: at once)
	// MinFetchInterval: token requests for one key start at least this far apart, whatever lifetime
	// the server gives (default 1 s; 0: no floor).
	MinFetchInterval *time.Duration
	// MaxKeys: distinct scope / audience / resource keys (TokenScope) the manager holds tokens for, 1 to
	// 1000000 (default 64); a read for one more fails with ErrTooLarge.
	MaxKeys         *int
	CallerRefresh   bool // the first caller to see a due token refreshes it (no background thread)
	ReportCacheHits bool // an EventCacheHit for every read

	// IdempotencyHeader: Do adds this header with a fresh UUID v4 to every request that lacks it (the
	// 401 retry keeps the value). "" = none.
	IdempotencyHeader string

	// OnEvent receives what the manager does (never a secret), in order, on a goroutine of the
	// manager's own: it may block or call the manager without holding up token delivery. Events that
	// arrive while EventBuffer events wait are dropped and counted (DroppedEvents).
	OnEvent     func(TokenEvent)
	EventBuffer int // default 256

	// Logger receives the same events through log/slog (logging.go: fetched, refreshed and
	// invalidated at Debug, failed at Warn; never a secret). nil: slog.Default(), looked up per event.
	Logger *slog.Logger
}

// TokenEventKind says what happened.
type TokenEventKind int

// Token events (m2mauth_token_event_kind).
const (
	EventFetched     TokenEventKind = 1 // the first token for a scope
	EventRefreshed   TokenEventKind = 2 // a new token replaced a cached one
	EventFailed      TokenEventKind = 3 // a token request failed
	EventCacheHit    TokenEventKind = 4 // a cached token was served (ReportCacheHits)
	EventInvalidated TokenEventKind = 5 // a cached token was dropped (Invalidate, or a 401 in Do)
	EventClockOffset TokenEventKind = 6 // after a fetch: the server's clock is more than 5 s from the client's
	// The cache shared by processes (the configuration's cache section):
	EventSharedHit      TokenEventKind = 7 // a refresh served from the shared cache
	EventLeaseWait      TokenEventKind = 8 // a refresh waited for another process's
	EventSharedFallback TokenEventKind = 9 // the shared cache failed or was slow: fetched locally
)

// String is "fetched", "refreshed", "failed", "cache_hit", "invalidated", "shared_hit", "lease_wait"
// or "shared_fallback".
func (k TokenEventKind) String() string { return raw.M2mauth_token_event_name(int(k)) }

// TokenEvent is one thing a TokenManager did. It never carries a token or a secret.
type TokenEvent struct {
	Kind      TokenEventKind
	ClientID  string
	Scope     string
	ExpiresAt time.Time // of the token fetched, refreshed, served or invalidated

	// For EventFailed:
	ErrorCode  int // the m2mauth error code (ErrorName: its name)
	ErrorName  string
	HTTPStatus int
	Transient  bool
	RetryAfter time.Duration // when the next attempt may happen
	OAuthError string        // RFC 6749 "error", or ""

	// For EventFetched, EventRefreshed and EventFailed: how long getting the token took (monotonic
	// clock: the token request with its DPoP nonce retry, or the shared cache's answer).
	Duration time.Duration
}

// String summarises the event.
func (e TokenEvent) String() string {
	s := "TokenEvent(" + e.Kind.String() + " client=" + e.ClientID
	if e.Scope != "" {
		s += " scope=" + strconv.Quote(e.Scope)
	}
	if e.Kind == EventFailed {
		s += " error=" + e.ErrorName
		if e.OAuthError != "" {
			s += "/" + e.OAuthError
		}
		if e.HTTPStatus != 0 {
			s += " http=" + strconv.Itoa(e.HTTPStatus)
		}
		s += " transient=" + strconv.FormatBool(e.Transient) + " retry_after=" + e.RetryAfter.String()
	} else if !e.ExpiresAt.IsZero() {
		s += " expires=" + e.ExpiresAt.UTC().Format(time.RFC3339)
	}
	return s + ")"
}

// TokenManager caches a client's token for any number of goroutines: one token request at a time,
// refreshed ahead of expiry (by a thread of the library's own unless CallerRefresh), with backoff after
// failures. Safe for concurrent use; Close stops the refresh.
type TokenManager struct {
	h        handle
	gate     nativeptr.ReadGate // Token's and TokenFor's reads of the library's counters (fresh)
	pump     *eventPump
	logger   *managerLogger
	clientID string
	// idempotency is the header name Do and Transport add a UUID v4 under ("" = none).
	idempotency atomic.Pointer[string]
	last        atomic.Pointer[tokenSnapshot] // the configured key's token Token returned last
	keys        keySnapshots                  // the other keys' tokens TokenFor returned last
	dpop        atomic.Pointer[managerDPoP]   // the client's DPoP key, read once (dpopKey)
}

// eventPump carries events from the library's threads to the OnEvent goroutine.
type eventPump struct {
	ch      chan TokenEvent
	dropped atomic.Uint64
	done    chan struct{}
	logOnly bool // no OnEvent: events the logger never writes (cache hits) are not queued
}

func tokenManagerHandle(p uintptr) raw.TokenManagerHandle { return raw.SwigcptrTokenManagerHandle(p) }

func nativeManagerOptions(o *ManagerOptions) (raw.TokenManagerOptionsStruct, error) {
	if o.EventBuffer < 0 {
		return nil, argError("event buffer must not be negative")
	}
	n := raw.NewTokenManagerOptionsStruct() // the C defaults
	if n == nil || n.Swigcptr() == 0 {
		return nil, &Error{Code: int(raw.M2MAUTH_ENOMEM), Name: raw.M2mauth_error_name(int(raw.M2MAUTH_ENOMEM))}
	}
	durations := []struct {
		d   *time.Duration
		set func(raw.TokenManagerOptionsStruct, int64)
	}{
		{o.RefreshMargin, raw.TokenManagerOptionsStruct.SetRefresh_margin_ms},
		{o.ExpirySkew, raw.TokenManagerOptionsStruct.SetExpiry_skew_ms},
		{o.WaitTimeout, raw.TokenManagerOptionsStruct.SetWait_timeout_ms},
		{o.BackoffBase, raw.TokenManagerOptionsStruct.SetBackoff_base_ms},
		{o.BackoffMax, raw.TokenManagerOptionsStruct.SetBackoff_max_ms},
		{o.PermanentBackoff, raw.TokenManagerOptionsStruct.SetPermanent_backoff_ms},
		{o.MinFetchInterval, raw.TokenManagerOptionsStruct.SetMin_fetch_interval_ms},
	}
	for _, d := range durations {
		if d.d != nil {
			d.set(n, millis(*d.d))
		}
	}
	if o.RefreshFraction != nil {
		n.SetRefresh_fraction(*o.RefreshFraction)
	}
	if o.JitterFraction != nil {
		n.SetJitter_fraction(*o.JitterFraction)
	}
	if o.MaxKeys != nil {
		n.SetMax_keys(int64(*o.MaxKeys))
	}
	if o.CallerRefresh {
		n.SetCaller_refresh(1)
	}
	if o.ReportCacheHits {
		n.SetReport_cache_hits(1)
	}
	return n, nil
}

// Describe is the configuration a TokenManager made with o would use, as the C library renders it
// (m2mauth_token_manager_options_describe): compact JSON with the C member names, durations in
// milliseconds. ErrInvalidArgument for a value out of range.
func (o ManagerOptions) Describe() (string, error) {
	n, err := nativeManagerOptions(&o)
	if err != nil {
		return "", err
	}
	defer raw.DeleteTokenManagerOptionsStruct(n)
	var out []byte
	if err := call(func() int { return raw.M2mauth_token_manager_options_describe(&out, n) }); err != nil {
		return "", err
	}
	return string(out), nil
}

// NewTokenManager makes a manager over client (which it keeps working even if client is closed).
// Nothing is fetched before the first Token, Authorize or Do.
func NewTokenManager(client *TokenClient, opts ManagerOptions) (*TokenManager, error) {
	if err := text("idempotency header", opts.IdempotencyHeader); err != nil {
		return nil, err
	}
	o, err := nativeManagerOptions(&opts)
	if err != nil {
		return nil, err
	}
	defer raw.DeleteTokenManagerOptionsStruct(o)
	var p uintptr
	err = client.use(func(h raw.TokenClientHandle) int {
		return raw.M2mauth_token_manager_new(&p, h, o) // the native manager keeps the client's clock
	})
	if err != nil {
		return nil, err
	}
	return adoptManager(p, client.clientID, events{opts.OnEvent, opts.Logger, opts.EventBuffer}, opts.IdempotencyHeader)
}

// events is where a manager's events go: OnEvent, the logger, the queue size.
type events struct {
	onEvent func(TokenEvent)
	logger  *slog.Logger
	buffer  int
}

// adoptManager wraps a new native manager p (owning it) and installs the event delivery (always: the
// logger is on by default) and the idempotency header; on failure it frees everything.
func adoptManager(p uintptr, clientID string, ev events, idempotencyHeader string) (*TokenManager, error) {
	size := ev.buffer
	if size == 0 {
		size = 256
	}
	lg := &managerLogger{}
	lg.p.Store(ev.logger)
	pump := &eventPump{ch: make(chan TokenEvent, size), done: make(chan struct{}), logOnly: ev.onEvent == nil}
	go pump.run(ev.onEvent, lg)
	// The free function and the pump must not reference m (a cycle through m would keep its finalizer
	// from running).
	m := &TokenManager{pump: pump, logger: lg, clientID: clientID}
	m.idempotency.Store(&idempotencyHeader)
	m.h.set(p, func(p uintptr) {
		// Stops the refresh thread (no callback after this) and releases the event payload.
		raw.DeleteTokenManagerHandle(tokenManagerHandle(p))
		close(pump.ch)
	})
	runtime.SetFinalizer(m, (*TokenManager).Close)
	h := tokenManagerHandle(p)
	payload := raw.NewCallback(pump.deliver) // owned by the library from here on
	if err := call(func() int { return raw.M2mauth_glue_token_manager_set_events(h, payload) }); err != nil {
		m.Close()
		return nil, err
	}
	if idempotencyHeader != "" {
		if err := call(func() int {
			return raw.M2mauth_token_manager_set_idempotency_header(h, []byte(idempotencyHeader))
		}); err != nil {
			m.Close()
			return nil, err
		}
	}
	return m, nil
}

// deliver runs on the library's thread: it never blocks.
func (p *eventPump) deliver(ev raw.TokenEvent) {
	if _, logged := eventLevel(TokenEventKind(ev.Kind), 0); p.logOnly && !logged {
		return // nobody would see it, and it must not take a logged event's place in the queue
	}
	e := TokenEvent{
		Kind:       TokenEventKind(ev.Kind),
		ClientID:   ev.ClientID,
		Scope:      ev.Scope,
		ExpiresAt:  unixMillis(ev.ExpiresAtMs),
		ErrorCode:  ev.ErrorCode,
		HTTPStatus: ev.HTTPStatus,
		Transient:  ev.Transient,
		RetryAfter: time.Duration(ev.RetryAfterMs) * time.Millisecond,
		OAuthError: ev.OAuthError,
		Duration:   time.Duration(ev.DurationMs) * time.Millisecond,
	}
	if ev.ErrorCode != 0 {
		e.ErrorName = raw.M2mauth_error_name(ev.ErrorCode)
	}
	select {
	case p.ch <- e:
	default:
		p.dropped.Add(1)
	}
}

func (p *eventPump) run(f func(TokenEvent), lg *managerLogger) {
	defer close(p.done)
	for ev := range p.ch {
		func() {
			defer func() { _ = recover() }() // a panicking handler loses its event, not the manager
			logEvent(lg.get(), &ev)
			if f != nil {
				f(ev)
			}
		}()
	}
}

func (m *TokenManager) use(f func(h raw.TokenManagerHandle) int) error {
	if m == nil {
		return ErrClosed
	}
	err := m.h.use(func(p uintptr) error { return call(func() int { return f(tokenManagerHandle(p)) }) })
	runtime.KeepAlive(m)
	return err
}

// TokenScope names another token a TokenManager caches besides the client's configured one: the
// scope, audience and resource sent with its token request instead ("" = none). Each distinct key has
// its own cached token and refresh (at most ManagerOptions.MaxKeys keys per manager, default 64).
type TokenScope struct {
	Scope    string
	Audience string
	Resource string
}

// Token is the current token for the client's configured scope: the cached one, or the one being
// fetched (waiting at most WaitTimeout). Failures are *Error (OAuthError, HTTPStatus, Transient(),
// RetryAfter()); after a failure the same error is returned until its backoff ends. ctx bounds and
// cancels the wait for a refresh in flight (which goes on for other callers); the error is then
// ctx.Err().
//
// The result is shared with other callers and later reads: do not modify it (copy it to change it), as
// with x/oauth2's ReuseTokenSource. While the token returned before is still the library's current one
// for its key (the library's m2mauth_token_view says how long it stays fresh and exposes a counter that
// changes on every refresh or invalidation, from any goroutine or thread), it is returned again without
// any native call or allocation. Otherwise it reads the library's cached view (m2mauth_token_manager_get_with), copied into Go
// memory within the one native call that makes it, granted scope included. With ReportCacheHits every
// read is a native one (each emits its event).
func (m *TokenManager) Token(ctx context.Context) (*OAuthToken, error) {
	if m != nil && (ctx == nil || ctx.Err() == nil) {
		if s := m.last.Load(); m.fresh(s) {
			return &s.token, nil
		}
	}
	return nativeCall(ctx, func(timeoutMs int64, cancel raw.CancelHandle) (*OAuthToken, error) {
		return m.read(nil, timeoutMs, cancel)
	})
}

// TokenFor is Token for another key (scope, audience, resource), read through the library's cached
// view (m2mauth_token_manager_get_for_with). The result's Scope is key.Scope, the one asked for.
// TokenType is the scheme the manager uses ("Bearer", "DPoP"). Like Token, it returns the token it returned before for key (shared: do not modify it) without a
// native call while that is fresh.
func (m *TokenManager) TokenFor(ctx context.Context, key TokenScope) (*OAuthToken, error) {
	if m != nil && (ctx == nil || ctx.Err() == nil) {
		if s := m.keys.load(key); m.fresh(s) { // only keys read before: their text was checked then
			return &s.token, nil
		}
	}
	if err := texts("token key", []string{key.Scope, key.Audience, key.Resource}); err != nil {
		return nil, err
	}
	return nativeCall(ctx, func(timeoutMs int64, cancel raw.CancelHandle) (*OAuthToken, error) {
		return m.read(&key, timeoutMs, cancel)
	})
}

// viewBuffers hold a token view's scheme and access token for the moment between the native copy and
// the Go string; cleared before they go back.
var viewBuffers = sync.Pool{New: func() any { b := make([]byte, 2048); return &b }}

// read copies the token view of key (nil: the configured key) into Go memory in one native call
// (m2mauth_glue_token_manager_read), so no view outlives that call.
func (m *TokenManager) read(key *TokenScope, timeoutMs int64, cancel raw.CancelHandle) (*OAuthToken, error) {
	buf := viewBuffers.Get().(*[]byte)
	defer func() {
		clear(*buf)
		viewBuffers.Put(buf)
	}()
	// scheme length, access token length, expiry (Unix ms), fresh until (Unix ms), counter address, counter,
	// granted scope length, reuse-hit counters' address, count, stride
	sizes := make([]int64, 10)
	forKey := 0
	var scope, audience, resource []byte
	if key != nil {
		forKey = 1
		scope, audience, resource = optional(key.Scope), optional(key.Audience), optional(key.Resource)
	}
	for {
		if err := m.use(func(h raw.TokenManagerHandle) int {
			return raw.M2mauth_glue_token_manager_read(h, forKey, scope, audience, resource, timeoutMs, 0, cancel, *buf, sizes)
		}); err != nil {
			return nil, err
		}
		if n := sizes[0] + sizes[1] + sizes[6]; n > int64(len(*buf)) {
			clear(*buf)
			*buf = make([]byte, n) // nothing was copied: read again with room (a newer token is fine)
			continue
		}
		break
	}
	scheme, access := (*buf)[:sizes[0]], (*buf)[sizes[0]:sizes[0]+sizes[1]]
	if key != nil {
		tok := OAuthToken{AccessToken: string(access), TokenType: string(scheme), Scope: key.Scope,
			ExpiresAt: unixMillis(sizes[2])}
		s := newSnapshot(tok, sizes)
		m.keys.store(*key, s)
		return &s.token, nil
	}
	var tok OAuthToken
	if last := m.last.Load(); last != nil && last.token.ExpiresAt.UnixMilli() == sizes[2] &&
		string(access) == last.token.AccessToken {
		tok = last.token
	} else {
		// A token not returned before, with the granted scope, all from the one read.
		granted := (*buf)[sizes[0]+sizes[1] : sizes[0]+sizes[1]+sizes[6]]
		tok = OAuthToken{AccessToken: string(access), TokenType: string(scheme), Scope: string(granted),
			ExpiresAt: unixMillis(sizes[2])}
	}
	s := newSnapshot(tok, sizes)
	m.last.Store(s)
	return &s.token, nil
}

// Invalidate drops the cached token if it is still accessToken ("" drops whatever is cached), e.g.
// after an API answered 401 to it. The next Token fetches a new one.
func (m *TokenManager) Invalidate(accessToken string) error {
	if err := text("token", accessToken); err != nil {
		return err
	}
	return m.use(func(h raw.TokenManagerHandle) int {
		return raw.M2mauth_token_manager_invalidate(h, optional(accessToken))
	})
}

// Authorize sets "Authorization: <scheme> <token>" on req (in place), fetching a token if needed.
func (m *TokenManager) Authorize(req *Request) error {
	return withNativeRequest(req, func(r raw.RequestHandle) error {
		if err := m.use(func(h raw.TokenManagerHandle) int { return raw.M2mauth_token_manager_authorize(h, r) }); err != nil {
			return err
		}
		readRequest(r, req)
		return nil
	})
}

// Do authorizes req (a copy: req itself is not changed) and sends it through the client's transport;
// on 401 it invalidates that token and retries once with a new one. The response is returned whatever
// its status. ctx bounds the whole call (the wait for a token and the sends) and its end stops the
// native transfer or wait at once; the error is then ctx.Err().
func (m *TokenManager) Do(ctx context.Context, req *Request) (*Response, error) {
	return nativeCall(ctx, func(timeoutMs int64, cancel raw.CancelHandle) (*Response, error) {
		var resp *Response
		err := withNativeRequest(req, func(r raw.RequestHandle) error {
			var p uintptr
			if err := m.use(func(h raw.TokenManagerHandle) int {
				return raw.M2mauth_glue_token_manager_request_with(&p, h, r, timeoutMs, 0, cancel)
			}); err != nil {
				return err
			}
			resp = takeResponse(p)
			return nil
		})
		return resp, err
	})
}

// SetIdempotencyHeader makes Do add header name with a fresh UUID v4 to every request that lacks it
// ("" turns it off). Call it before the manager is shared (or use ManagerOptions.IdempotencyHeader).
func (m *TokenManager) SetIdempotencyHeader(name string) error {
	if err := text("idempotency header", name); err != nil {
		return err
	}
	err := m.use(func(h raw.TokenManagerHandle) int {
		return raw.M2mauth_token_manager_set_idempotency_header(h, optional(name))
	})
	if err == nil {
		m.idempotency.Store(&name)
	}
	return err
}

// DroppedEvents counts events not delivered because EventBuffer events were waiting.
func (m *TokenManager) DroppedEvents() uint64 {
	if m == nil || m.pump == nil {
		return 0
	}
	return m.pump.dropped.Load()
}

// Close stops the background refresh (cancelling a request in flight) and releases the manager. It
// waits for calls in flight; later calls return ErrClosed. Events already queued are still delivered.
func (m *TokenManager) Close() error {
	if m != nil {
		m.gate.Close() // no reader touches the library's counters past this
		m.h.close()
		if p := m.dpop.Load(); p != nil {
			p.key.Close()
		}
	}
	return nil
}

// String names the client id, never a token.
func (m *TokenManager) String() string {
	if m == nil || m.h.closed() {
		return "TokenManager(closed)"
	}
	return "TokenManager(" + m.clientID + ")"
}
