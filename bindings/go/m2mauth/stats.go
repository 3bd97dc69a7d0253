package m2mauth

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// LatencyBounds are the upper bounds of the token request latency buckets of TokenStats.RefreshLatency,
// which has one more bucket for the slower requests.
var LatencyBounds = []time.Duration{5 * time.Millisecond, 10 * time.Millisecond, 25 * time.Millisecond,
	50 * time.Millisecond, 100 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond, time.Second,
	2500 * time.Millisecond, 5 * time.Second, 10 * time.Second}

// TokenStats is what a TokenManager observed for one token key (m2mauth_token_manager_stats_json),
// counted by the C library without a lock on the cached read. Never a secret. Times are zero when
// there is none; LastError* describe the last failed token request, kept after later successes.
type TokenStats struct {
	Scope             string
	Audience          string
	Resources         []string
	Configured        bool // the manager's configured key
	Exchange          bool // an RFC 8693 exchange's key
	CacheHits         uint64
	RequestsOK        uint64
	RequestsTransient uint64
	RequestsPermanent uint64
	Waits             uint64 // reads that waited for a token request
	// The time those reads spent waiting, in total, each from the call until its token or error
	// (timeout and cancel included); the C library's wait_ms_total, which counts asynchronous reads too.
	WaitTimeTotal     time.Duration
	RefreshLatency    []uint64 // see LatencyBounds
	HasToken          bool
	Source            string // "fetched", "refreshed" or "none"
	ExpiresAt         time.Time
	ExpiresIn         time.Duration
	RefreshAt         time.Time
	LastErrorCode     int
	LastErrorCategory string
	LastHTTPStatus    int
	LastOAuthError    string
	LastVendorCode    int64
	// ClockOffset is the token server's clock minus this client's, as the last token response showed it
	// (its JWT access token's iat, else its Date header; 0 within the noise; clamped to +-1 h), when
	// HasClockOffset.
	HasClockOffset bool
	ClockOffset    time.Duration
}

type statsJSON struct {
	ClientID string `json:"client_id"`
	Keys     []struct {
		Scope             string   `json:"scope"`
		Audience          string   `json:"audience"`
		Resources         []string `json:"resources"`
		Exchange          bool     `json:"exchange"`
		Configured        bool     `json:"configured"`
		CacheHits         uint64   `json:"cache_hits"`
		RequestsOK        uint64   `json:"requests_ok"`
		RequestsTransient uint64   `json:"requests_transient"`
		RequestsPermanent uint64   `json:"requests_permanent"`
		Waits             uint64   `json:"waits"`
		WaitMsTotal       int64    `json:"wait_ms_total"`
		RefreshLatency    []uint64 `json:"refresh_latency"`
		HasToken          bool     `json:"has_token"`
		Source            string   `json:"source"`
		ExpiresAtMs       int64    `json:"expires_at_ms"`
		ExpiresInMs       int64    `json:"expires_in_ms"`
		RefreshAtMs       int64    `json:"refresh_at_ms"`
		LastErrorCode     int      `json:"last_error_code"`
		LastErrorCategory string   `json:"last_error_category"`
		LastHTTPStatus    int      `json:"last_http_status"`
		LastOAuthError    string   `json:"last_oauth_error"`
		LastVendorCode    int64    `json:"last_vendor_code"`
		HasClockOffset    bool     `json:"has_clock_offset"`
		ClockOffsetMs     int64    `json:"clock_offset_ms"`
	} `json:"keys"`
}

func unixMs(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// StatsAll returns the stats of every key this manager read, the configured key first.
func (m *TokenManager) StatsAll() ([]TokenStats, error) {
	var out []byte
	if err := m.use(func(h raw.TokenManagerHandle) int { return raw.M2mauth_token_manager_stats_json(&out, h) }); err != nil {
		return nil, err
	}
	return statsOf(out)
}

// StatsFor returns the stats of key, looked up by the library as TokenFor reads it (without adding
// it); an error with ErrNotFound for a key this manager never read.
func (m *TokenManager) StatsFor(key TokenScope) (TokenStats, error) {
	if err := texts("token key", []string{key.Scope, key.Audience, key.Resource}); err != nil {
		return TokenStats{}, err
	}
	var out []byte
	if err := m.use(func(h raw.TokenManagerHandle) int {
		return raw.M2mauth_token_manager_stats_for_json(&out, h, optional(key.Scope), optional(key.Audience),
			optional(key.Resource))
	}); err != nil {
		return TokenStats{}, err
	}
	stats, err := statsOf(out)
	if err != nil {
		return TokenStats{}, err
	}
	if len(stats) != 1 {
		return TokenStats{}, errors.New("m2mauth: the library's stats of one key hold " + strconv.Itoa(len(stats)))
	}
	return stats[0], nil
}

// statsOf reads the library's stats JSON (m2mauth_token_manager_stats_json's form).
func statsOf(out []byte) ([]TokenStats, error) {
	var doc statsJSON
	if err := json.Unmarshal(out, &doc); err != nil {
		return nil, err
	}
	stats := make([]TokenStats, 0, len(doc.Keys))
	for _, k := range doc.Keys {
		stats = append(stats, TokenStats{Scope: k.Scope, Audience: k.Audience, Resources: k.Resources,
			Configured: k.Configured, Exchange: k.Exchange, CacheHits: k.CacheHits, RequestsOK: k.RequestsOK,
			RequestsTransient: k.RequestsTransient, RequestsPermanent: k.RequestsPermanent, Waits: k.Waits,
			WaitTimeTotal: time.Duration(k.WaitMsTotal) * time.Millisecond, RefreshLatency: k.RefreshLatency,
			HasToken: k.HasToken, Source: k.Source, ExpiresAt: unixMs(k.ExpiresAtMs),
			ExpiresIn: time.Duration(k.ExpiresInMs) * time.Millisecond, RefreshAt: unixMs(k.RefreshAtMs),
			LastErrorCode: k.LastErrorCode, LastErrorCategory: k.LastErrorCategory, LastHTTPStatus: k.LastHTTPStatus,
			LastOAuthError: k.LastOAuthError, LastVendorCode: k.LastVendorCode, HasClockOffset: k.HasClockOffset,
			ClockOffset: time.Duration(k.ClockOffsetMs) * time.Millisecond})
	}
	return stats, nil
}

// Stats returns what this manager observed for its configured key.
func (m *TokenManager) Stats() (TokenStats, error) {
	all, err := m.StatsAll()
	if err != nil {
		return TokenStats{}, err
	}
	for _, s := range all {
		if s.Configured {
			return s, nil
		}
	}
	return TokenStats{}, errors.New("m2mauth: no configured key in the stats")
}
