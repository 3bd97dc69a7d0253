package m2mauth

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// Token events go to log/slog as well as to OnEvent: a token fetched, refreshed or invalidated at Debug,
// a failed token request at Warn with its category, error name, HTTP status and OAuth error. Records
// carry the client id, the scope and times, never a token or a secret. The logger is
// ManagerOptions.Logger or TokenManager.SetLogger's; nil means slog.Default() as it is when the event
// happens, so slog.SetDefault applies to managers made before it. A level the handler does not enable
// costs one Enabled call per event: no record or attribute is built. Turn logging off with a logger
// whose handler enables nothing (Go 1.24+: slog.New(slog.DiscardHandler)).

// managerLogger holds a TokenManager's logger (nil: slog.Default()).
type managerLogger struct {
	p atomic.Pointer[slog.Logger]
}

func (l *managerLogger) get() *slog.Logger {
	if lg := l.p.Load(); lg != nil {
		return lg
	}
	return slog.Default()
}

// eventLevel is the level an event is logged at; false for events that are not logged (cache hits,
// which ReportCacheHits asks for one per read, go to OnEvent only). A failure whose code is
// M2MAUTH_ECANCELLED is the manager being closed while a fetch was in flight (the application's own
// doing): Debug, like the other events, as in Python and Java.
func eventLevel(k TokenEventKind, errorCode int) (slog.Level, bool) {
	switch k {
	case EventFetched, EventRefreshed, EventInvalidated, EventSharedHit, EventLeaseWait, EventSharedFallback:
		return slog.LevelDebug, true
	case EventFailed:
		if errorCode == int(raw.M2MAUTH_ECANCELLED) {
			return slog.LevelDebug, true
		}
		return slog.LevelWarn, true
	}
	return 0, false
}

// logEvent writes ev to lg if lg enables its level.
func logEvent(lg *slog.Logger, ev *TokenEvent) {
	level, ok := eventLevel(ev.Kind, ev.ErrorCode)
	ctx := context.Background()
	if !ok || !lg.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs, slog.String("client_id", ev.ClientID))
	if ev.Scope != "" {
		attrs = append(attrs, slog.String("scope", ev.Scope))
	}
	msg := "m2mauth: token " + ev.Kind.String()
	if ev.Kind == EventFailed {
		msg = "m2mauth: token request failed"
		attrs = append(attrs,
			slog.String("category", categoryName(ev.ErrorCode)),
			slog.String("code", ev.ErrorName))
		if ev.HTTPStatus != 0 {
			attrs = append(attrs, slog.Int("http_status", ev.HTTPStatus))
		}
		if ev.OAuthError != "" {
			attrs = append(attrs, slog.String("oauth_error", ev.OAuthError))
		}
		attrs = append(attrs, slog.Bool("transient", ev.Transient), slog.Duration("retry_after", ev.RetryAfter))
	} else if !ev.ExpiresAt.IsZero() {
		attrs = append(attrs, slog.Time("expires_at", ev.ExpiresAt.UTC().Truncate(time.Second)))
	}
	lg.LogAttrs(ctx, level, msg, attrs...)
}

// SetLogger sets where the manager's token events are logged (nil: slog.Default()), e.g. for a manager
// made by Config.NewTokenManager. Safe to call at any time; events already queued use the new logger.
func (m *TokenManager) SetLogger(l *slog.Logger) {
	if m != nil && m.logger != nil {
		m.logger.p.Store(l)
	}
}
