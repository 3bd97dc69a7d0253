package m2mauth

import (
	"runtime"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// Config is the configuration every m2mauth language reads the same way (README, "Configuration"): a
// JSON file and/or M2MAUTH_<SECTION>_<KEY> environment variables (which override the file key by key),
// with sections "http", "oauth2" and "senhasegura". The C library parses and checks it (unknown keys,
// wrong types and out-of-range values are errors naming the key, ErrConfig); secrets are given as X,
// X_file or X_env and are read when the configuration is loaded. A Config is immutable and safe for
// concurrent use; it never shows a secret (Describe redacts them, Get refuses them).
//
//	cfg, err := m2mauth.LoadConfig("", true)      // $M2MAUTH_CONFIG and the environment
//	tokens, err := cfg.NewTokenManager(nil, nil)   // transport from the "http" section
//	a2a, err := senhasegura.NewClientFromConfig(cfg, nil)
type Config struct {
	h handle
}

func configHandle(p uintptr) raw.ConfigHandle { return raw.SwigcptrConfigHandle(p) }

func useEnvFlag(useEnv bool) int {
	if useEnv {
		return 1
	}
	return 0
}

func newConfig(load func(p *uintptr) int) (*Config, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	var p uintptr
	if err := call(func() int { return load(&p) }); err != nil {
		return nil, err
	}
	c := &Config{}
	c.h.set(p, func(p uintptr) { raw.DeleteConfigHandle(configHandle(p)) })
	runtime.SetFinalizer(c, (*Config).Close)
	return c, nil
}

// LoadConfig reads the JSON file at path ("" = the file named by $M2MAUTH_CONFIG, or none if it is
// unset) and, with useEnv, applies the M2MAUTH_<SECTION>_<KEY> variables over it. Secret files and
// variables are read and keys parsed now: ErrIO for an unreadable file, ErrConfig for content that is
// not valid (the key named), ErrKey / ErrPassphrase for a key that does not load.
func LoadConfig(path string, useEnv bool) (*Config, error) {
	if err := text("configuration path", path); err != nil {
		return nil, err
	}
	return newConfig(func(p *uintptr) int { return raw.M2mauth_config_load(p, optional(path), useEnvFlag(useEnv)) })
}

// ConfigFromEnvironment is LoadConfig("", true): the file named by $M2MAUTH_CONFIG (if set) and the
// M2MAUTH_* variables, the way a deployed service is configured.
func ConfigFromEnvironment() (*Config, error) { return LoadConfig("", true) }

// ConfigFromJSON is LoadConfig from JSON text instead of a file. The text may hold secrets: it is
// copied, and the caller may wipe it once ConfigFromJSON returns.
func ConfigFromJSON(json []byte, useEnv bool) (*Config, error) {
	if json == nil {
		json = []byte{}
	}
	for _, b := range json {
		if b == 0 {
			return nil, argError("configuration JSON contains a NUL byte")
		}
	}
	return newConfig(func(p *uintptr) int {
		// The native side wants a non-NULL pointer even for "" (then refuses it as JSON).
		buf := json
		if len(buf) == 0 {
			buf = []byte{' '}
		}
		return raw.M2mauth_config_from_json(p, buf, useEnvFlag(useEnv))
	})
}

func (c *Config) use(f func(h raw.ConfigHandle) int) error {
	if c == nil {
		return ErrClosed
	}
	err := c.h.use(func(p uintptr) error { return call(func() int { return f(configHandle(p)) }) })
	runtime.KeepAlive(c)
	return err
}

// Describe is the effective configuration (after the environment and the profile) as JSON, every
// secret "<redacted>" (X_file / X_env name where it came from) and "_sources" listing the file read and
// the environment variables used: safe to log.
func (c *Config) Describe() (string, error) {
	var out []byte
	if err := c.use(func(h raw.ConfigHandle) int { return raw.M2mauth_config_describe(&out, h) }); err != nil {
		return "", err
	}
	return string(out), nil
}

// Get is a non-secret value by "section.key" as text: numbers in decimal, booleans "true"/"false",
// lists and objects as JSON; for X_file / X_env, the file or variable name. ErrNotFound if it is not
// set, ErrInvalidArgument for an unknown name or a secret.
func (c *Config) Get(name string) (string, error) {
	if err := text("configuration name", name); err != nil {
		return "", err
	}
	var out []byte
	if err := c.use(func(h raw.ConfigHandle) int { return raw.M2mauth_config_get(&out, h, name) }); err != nil {
		return "", err
	}
	return string(out), nil
}

// Has reports whether "section" has any key set, or "section.key" is set (false for unknown names).
func (c *Config) Has(name string) bool {
	if text("configuration name", name) != nil {
		return false
	}
	has := false
	_ = c.use(func(h raw.ConfigHandle) int {
		has = raw.M2mauth_config_has(h, name) == 1
		return 0
	})
	return has
}

// NewHTTP makes a transport from the "http" section (the defaults when there is none).
func (c *Config) NewHTTP() (*HTTP, error) {
	var p uintptr
	if err := c.use(func(h raw.ConfigHandle) int { return raw.M2mauth_http_new_from_config(&p, h) }); err != nil {
		return nil, err
	}
	t := &HTTP{}
	t.h.set(p, func(p uintptr) { raw.DeleteHttpHandle(httpHandle(p)) })
	runtime.SetFinalizer(t, (*HTTP).Close)
	return t, nil
}

// build runs f with the configuration's handle and http's (NULL when http is nil: the library then
// makes a transport from the "http" section) under one status gate.
func (c *Config) build(http *HTTP, f func(ch raw.ConfigHandle, hh raw.HttpHandle) int) error {
	if c == nil {
		return ErrClosed
	}
	err := c.h.use(func(cp uintptr) error {
		if http == nil {
			return call(func() int { return f(configHandle(cp), raw.SwigcptrHttpHandle(0)) })
		}
		return http.h.use(func(hp uintptr) error {
			return call(func() int { return f(configHandle(cp), httpHandle(hp)) })
		})
	})
	runtime.KeepAlive(c)
	runtime.KeepAlive(http)
	return err
}

// NewTokenClient makes a token client from the "oauth2" section, sending through http (nil: a new
// transport from the "http" section). With "issuer" the token endpoint is discovered now.
func (c *Config) NewTokenClient(http *HTTP) (*TokenClient, error) {
	clientID, _ := c.Get("oauth2.client_id")
	var p uintptr
	err := c.build(http, func(ch raw.ConfigHandle, hh raw.HttpHandle) int {
		return raw.M2mauth_token_client_new_from_config(&p, ch, hh)
	})
	if err != nil {
		return nil, err
	}
	t := &TokenClient{clientID: clientID}
	t.h.set(p, func(p uintptr) { raw.DeleteTokenClientHandle(tokenClientHandle(p)) })
	runtime.SetFinalizer(t, (*TokenClient).Close)
	return t, nil
}

// NewTokenManager makes a token manager (and its client) from the "oauth2" section: its tuning and
// idempotency header come from there too. onEvent (nil: none) receives the manager's events as
// ManagerOptions.OnEvent does; they are logged to slog.Default() (TokenManager.SetLogger changes it).
func (c *Config) NewTokenManager(http *HTTP, onEvent func(TokenEvent)) (*TokenManager, error) {
	clientID, _ := c.Get("oauth2.client_id")
	var p uintptr
	err := c.build(http, func(ch raw.ConfigHandle, hh raw.HttpHandle) int {
		return raw.M2mauth_token_manager_new_from_config(&p, ch, hh)
	})
	if err != nil {
		return nil, err
	}
	header, _ := c.Get("oauth2.idempotency_header") // for Transport; the native manager has it already
	return adoptManager(p, clientID, events{onEvent: onEvent}, header)
}

// Close releases the configuration and wipes its secrets. Objects built from it keep working.
func (c *Config) Close() error {
	if c != nil {
		c.h.close()
	}
	return nil
}

// String names the sections that are set, never a value.
func (c *Config) String() string {
	if c == nil || c.h.closed() {
		return "Config(closed)"
	}
	s := "Config("
	sep := ""
	for _, section := range []string{"http", "oauth2", "senhasegura", "cache"} {
		if c.Has(section) {
			s += sep + section
			sep = ", "
		}
	}
	return s + ")"
}
