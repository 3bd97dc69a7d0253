package m2mauth

import (
	"context"
	"runtime"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// HTTPOptions configures the transport. The zero value is the library's defaults: TLS verified against
// the system CAs, plain http:// only to loopback hosts, no redirects, connect timeout 10 s, whole
// request 30 s, responses up to 4 MiB, no proxy (environment variables are ignored).
type HTTPOptions struct {
	CAFile string // CA bundle (PEM)
	CADir  string // hashed CA directory

	// Mutual TLS: ClientCert is a file path or PEM text, ClientKey the same ("" = inside ClientCert).
	// With PKCS12, ClientCert is a PKCS#12 file and ClientKeyPassphrase its password.
	ClientCert          string
	ClientKey           string
	ClientKeyPassphrase []byte // copied; the caller may wipe it once NewHTTP returns
	PKCS12              bool

	// Limits: nil keeps the C library's default (m2mauth_http_options_init); a value that is set means
	// what the C library says, 0 included. The library checks the ranges (ErrInvalidArgument).
	Proxy            string         // proxy URL
	ConnectTimeout   *time.Duration // default 10 s; 0: libcurl's own (300 s)
	Timeout          *time.Duration // the whole request; default 30 s; 0: no limit
	MaxResponseBytes *int64         // default 4 MiB; 0: no limit

	// InsecureSkipVerify turns off TLS certificate and host name checks. Tests only.
	InsecureSkipVerify bool
	// AllowPlainHTTP allows http:// to hosts that are not loopback (discouraged).
	AllowPlainHTTP bool
	UserAgent      string // "" = "m2mauth/<version>"

	// Overrides: other settings for URLs starting with a prefix (the longest prefix wins). Their own
	// Overrides are ignored.
	Overrides []HTTPOverride
}

// HTTPOverride applies Options to URLs that start with URLPrefix.
type HTTPOverride struct {
	URLPrefix string
	Options   HTTPOptions
}

// HTTP is the library's transport (libcurl): it keeps connections alive across requests and goroutines,
// and is what token clients send through. Safe for concurrent use. Objects made with it keep what they
// need alive, so it may be closed once they are built.
type HTTP struct {
	h handle
}

func httpHandle(p uintptr) raw.HttpHandle { return raw.SwigcptrHttpHandle(p) }

// NewHTTP makes a transport.
func NewHTTP(opts HTTPOptions) (*HTTP, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	o, err := nativeHTTPOptions(&opts)
	if err != nil {
		return nil, err
	}
	defer raw.DeleteHttpOptionsStruct(o)
	var p uintptr
	if err := call(func() int { return raw.M2mauth_http_new(&p, o) }); err != nil {
		return nil, err
	}
	c := &HTTP{}
	c.h.set(p, func(p uintptr) { raw.DeleteHttpHandle(httpHandle(p)) })
	runtime.SetFinalizer(c, (*HTTP).Close)
	for _, ov := range opts.Overrides {
		if err := c.addOverride(ov); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

func (c *HTTP) addOverride(ov HTTPOverride) error {
	if err := text("URL prefix", ov.URLPrefix); err != nil {
		return err
	}
	o, err := nativeHTTPOptions(&ov.Options)
	if err != nil {
		return err
	}
	defer raw.DeleteHttpOptionsStruct(o)
	return c.use(func(h raw.HttpHandle) int { return raw.M2mauth_http_add_override(h, ov.URLPrefix, o) })
}

// millis is d in whole milliseconds for the C options; a duration that is not 0 never becomes 0
// (which has a meaning of its own): under a millisecond it becomes 1 (or -1, refused like any negative).
func millis(d time.Duration) int64 {
	ms := int64(d / time.Millisecond)
	if ms == 0 && d > 0 {
		return 1
	}
	if ms == 0 && d < 0 {
		return -1
	}
	return ms
}

func nativeHTTPOptions(opts *HTTPOptions) (raw.HttpOptionsStruct, error) {
	if err := texts("HTTP option", []string{opts.CAFile, opts.CADir, opts.ClientCert, opts.ClientKey, opts.Proxy,
		opts.UserAgent}); err != nil {
		return nil, err
	}
	if opts.MaxResponseBytes != nil && *opts.MaxResponseBytes < 0 {
		return nil, argError("maximum response size must not be negative (0: no limit)")
	}
	o := raw.NewHttpOptionsStruct() // the C defaults
	if o == nil || o.Swigcptr() == 0 {
		return nil, &Error{Code: int(raw.M2MAUTH_ENOMEM), Name: raw.M2mauth_error_name(int(raw.M2MAUTH_ENOMEM))}
	}
	set := func(v string, setter func(string)) {
		if v != "" {
			setter(v)
		}
	}
	set(opts.CAFile, o.SetCa_file)
	set(opts.CADir, o.SetCa_dir)
	set(opts.ClientCert, o.SetClient_cert)
	set(opts.ClientKey, o.SetClient_key)
	set(opts.Proxy, o.SetProxy)
	set(opts.UserAgent, o.SetUser_agent)
	if opts.PKCS12 {
		o.SetClient_cert_type("P12")
	}
	if opts.InsecureSkipVerify {
		o.SetInsecure_skip_verify(1)
	}
	if opts.AllowPlainHTTP {
		o.SetAllow_plain_http(1)
	}
	if opts.ConnectTimeout != nil {
		o.SetConnect_timeout_ms(millis(*opts.ConnectTimeout))
	}
	if opts.Timeout != nil {
		o.SetTimeout_ms(millis(*opts.Timeout))
	}
	if opts.MaxResponseBytes != nil {
		o.SetMax_response_bytes(*opts.MaxResponseBytes)
	}
	if opts.ClientKeyPassphrase != nil {
		if err := call(func() int { return raw.M2mauth_glue_http_options_set_passphrase(o, opts.ClientKeyPassphrase) }); err != nil {
			raw.DeleteHttpOptionsStruct(o)
			return nil, err
		}
	}
	return o, nil
}

// Describe is the configuration NewHTTP(opts) would use (its Overrides aside), as the C library renders
// it (m2mauth_http_options_describe): compact JSON with the C member names, durations in milliseconds,
// the passphrase, PEM text and proxy credentials "<redacted>". ErrInvalidArgument for a value out of range.
func (opts HTTPOptions) Describe() (string, error) {
	n, err := nativeHTTPOptions(&opts)
	if err != nil {
		return "", err
	}
	defer raw.DeleteHttpOptionsStruct(n)
	var out []byte
	if err := call(func() int { return raw.M2mauth_http_options_describe(&out, n) }); err != nil {
		return "", err
	}
	return string(out), nil
}

func (c *HTTP) use(f func(h raw.HttpHandle) int) error {
	if c == nil {
		return ErrClosed
	}
	err := c.h.use(func(p uintptr) error { return call(func() int { return f(httpHandle(p)) }) })
	runtime.KeepAlive(c)
	return err
}

// Send sends req and returns the response whatever its status. Network failures, timeouts, TLS
// failures and plain http:// to a host that is not loopback are errors (ErrNetwork, ErrTimeout, ErrTLS,
// ErrInsecure). ctx bounds the request itself: its deadline is the request's timeout (besides the
// Timeout option) and its end stops the transfer in progress; the error is then ctx.Err().
func (c *HTTP) Send(ctx context.Context, req *Request) (*Response, error) {
	return nativeCall(ctx, func(timeoutMs int64, cancel raw.CancelHandle) (*Response, error) {
		var resp *Response
		err := withNativeRequest(req, func(r raw.RequestHandle) error {
			var p uintptr
			if err := c.use(func(h raw.HttpHandle) int {
				return raw.M2mauth_glue_http_send_with(&p, h, r, timeoutMs, 0, cancel)
			}); err != nil {
				return err
			}
			resp = takeResponse(p)
			return nil
		})
		return resp, err
	})
}

// Close releases the transport (objects built with it keep what they need). Later calls return
// ErrClosed; Close waits for calls in flight.
func (c *HTTP) Close() error {
	if c != nil {
		c.h.close()
	}
	return nil
}

// String never shows settings (they may name key files or hold PEM text).
func (c *HTTP) String() string {
	if c == nil || c.h.closed() {
		return "HTTP(closed)"
	}
	return "HTTP"
}
