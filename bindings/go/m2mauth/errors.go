package m2mauth

import (
	"fmt"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// Error is a failure reported by the C library (or refused by this package before calling it).
// Code is the m2mauth_error_code (negative), Name its m2mauth_error_name() ("signature", "expired").
// Messages never contain keys, secrets or tokens.
//
// OAuth 2.0 failures (token endpoint errors, HTTP failures, malformed responses) carry the server's
// answer: OAuthError ("invalid_client", ...), OAuthErrorDescription, HTTPStatus; Transient() says whether
// retrying later may succeed (network, 5xx, 429) and RetryAfter() when (Retry-After or the token
// manager's backoff).
type Error struct {
	Code                  int
	Name                  string
	Message               string
	HTTPStatus            int    // of the response that failed, 0 if none
	OAuthError            string // RFC 6749 section 5.2 "error"
	OAuthErrorDescription string
	OAuthErrorURI         string
	VendorCode            int64 // a vendor API's own code, 0 if none
	RetryAfterMillis      int64 // 0 if not known
	transient             bool
}

// Transient reports whether retrying later may succeed (network failures, timeouts, HTTP 5xx and 429,
// a token manager still backing off).
func (e *Error) Transient() bool { return e != nil && e.transient }

// Temporary is Transient, for code that tests errors with the interface{ Temporary() bool } convention.
func (e *Error) Temporary() bool { return e.Transient() }

// RetryAfter is how long to wait before retrying (0 if not known).
func (e *Error) RetryAfter() time.Duration {
	if e == nil {
		return 0
	}
	return time.Duration(e.RetryAfterMillis) * time.Millisecond
}

// IsOAuth reports whether the server answered with an RFC 6749 section 5.2 error (OAuthError is set).
func (e *Error) IsOAuth() bool { return e != nil && e.OAuthError != "" }

func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("m2mauth: %s (%d)", e.Name, e.Code)
	}
	return fmt.Sprintf("m2mauth: %s (%d): %s", e.Name, e.Code, e.Message)
}

// Category is the name of the code's category (m2mauth_error_category_name), e.g. "verification".
func (e *Error) Category() string {
	if e == nil {
		return ""
	}
	return categoryName(e.Code)
}

// categoryName is the name of code's category (m2mauth_error_category_name).
func categoryName(code int) string {
	return raw.M2mauth_error_category_name(raw.M2mauth_error_category(code))
}

// Family is the sentinel of the code's family (one per category; see familyByCategory), for errors.Is;
// nil for a sentinel without a code.
func (e *Error) Family() *Error {
	if e == nil || e.Code == 0 {
		return nil
	}
	if f, ok := familyByCategory[e.Category()]; ok {
		return f
	}
	return ErrInternal
}

// Is matches family sentinels (ErrInvalidToken, ErrInvalidKey, ErrInvalidInput, ErrInternal, and the
// sentinels of one-code categories such as ErrTimeout) by the code's category, the other sentinels by
// code. ErrClosed matches only itself (errors.Is compares it by identity), not every ESTATE error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok || t == ErrClosed {
		return false
	}
	if isFamily[t] {
		return e.Family() == t
	}
	return t.Code == e.Code && t.Code != 0
}

func sentinel(code raw.Enum_SS_m2mauth_error_code) *Error {
	return &Error{Code: int(code), Name: raw.M2mauth_error_name(int(code))}
}

// Sentinels for errors.Is, one per m2mauth_error_code.
var (
	ErrGeneric         = sentinel(raw.M2MAUTH_ERROR)
	ErrInvalidArgument = sentinel(raw.M2MAUTH_EINVAL)
	ErrNoMemory        = sentinel(raw.M2MAUTH_ENOMEM)
	ErrUnsupported     = sentinel(raw.M2MAUTH_EUNSUPPORTED)
	ErrTooLarge        = sentinel(raw.M2MAUTH_ETOOLARGE)
	ErrNotFound        = sentinel(raw.M2MAUTH_ENOTFOUND)
	ErrState           = sentinel(raw.M2MAUTH_ESTATE)
	ErrIO              = sentinel(raw.M2MAUTH_EIO)
	ErrConfig          = sentinel(raw.M2MAUTH_ECONFIG)
	ErrKey             = sentinel(raw.M2MAUTH_EKEY)
	ErrKeyType         = sentinel(raw.M2MAUTH_EKEYTYPE)
	ErrPassphrase      = sentinel(raw.M2MAUTH_EPASSPHRASE)
	ErrNoPrivateKey    = sentinel(raw.M2MAUTH_ENOPRIVATE)
	ErrSigner          = sentinel(raw.M2MAUTH_ESIGNER)
	ErrMalformed       = sentinel(raw.M2MAUTH_EMALFORMED)
	ErrSignature       = sentinel(raw.M2MAUTH_ESIGNATURE)
	ErrAlgorithm       = sentinel(raw.M2MAUTH_EALGORITHM)
	ErrExpired         = sentinel(raw.M2MAUTH_EEXPIRED)
	ErrNotYetValid     = sentinel(raw.M2MAUTH_ENOTYETVALID)
	ErrIssuedInFuture  = sentinel(raw.M2MAUTH_EIAT)
	ErrClaim           = sentinel(raw.M2MAUTH_ECLAIM)
	ErrMissingClaim    = sentinel(raw.M2MAUTH_EMISSINGCLAIM)
	ErrNetwork         = sentinel(raw.M2MAUTH_ENETWORK)
	ErrTimeout         = sentinel(raw.M2MAUTH_ETIMEOUT)
	ErrTLS             = sentinel(raw.M2MAUTH_ETLS)
	ErrInsecure        = sentinel(raw.M2MAUTH_EINSECURE)
	ErrHTTP            = sentinel(raw.M2MAUTH_EHTTP)
	ErrOAuth           = sentinel(raw.M2MAUTH_EOAUTH)
	ErrProtocol        = sentinel(raw.M2MAUTH_EPROTOCOL)
	ErrVendor          = sentinel(raw.M2MAUTH_EVENDOR)
	ErrUnauthorized    = sentinel(raw.M2MAUTH_EUNAUTHORIZED)
	ErrCancelled       = sentinel(raw.M2MAUTH_ECANCELLED)
	ErrBackoff         = sentinel(raw.M2MAUTH_EBACKOFF)
)

// Family sentinels of categories with more than one code.
var (
	// ErrInvalidToken matches every reason a token is refused: malformed, signature, algorithm, time
	// claims and claim checks (category verification).
	ErrInvalidToken = &Error{Name: "invalid_token"}
	// ErrInvalidKey matches every reason a key cannot be used (category key): ErrKey, ErrKeyType,
	// ErrPassphrase, ErrNoPrivateKey, ErrSigner.
	ErrInvalidKey = &Error{Name: "invalid_key"}
	// ErrInvalidInput matches invalid arguments and inputs over a size limit (category input).
	ErrInvalidInput = &Error{Name: "invalid_input"}
	// ErrInternal matches failures of the library or the system (category internal): ErrGeneric,
	// ErrNoMemory, and codes this package does not know.
	ErrInternal = &Error{Name: "internal"}
)

// ErrClosed is returned by every method of an object (Key, Certificate, Verifier, HTTP, TokenClient,
// TokenManager, OAuth1Signer) after Close. It is a state error (errors.Is(ErrClosed, ErrState)), but
// other state errors are not ErrClosed.
var ErrClosed = &Error{Code: int(raw.M2MAUTH_ESTATE), Name: raw.M2mauth_error_name(int(raw.M2MAUTH_ESTATE)),
	Message: "use after Close"}

// familyByCategory is the one table: each category (m2mauth_error_category_name) to its family sentinel.
var familyByCategory = map[string]*Error{
	"internal":           ErrInternal,
	"input":              ErrInvalidInput,
	"unsupported":        ErrUnsupported,
	"not_found":          ErrNotFound,
	"state":              ErrState,
	"io":                 ErrIO,
	"config":             ErrConfig,
	"key":                ErrInvalidKey,
	"verification":       ErrInvalidToken,
	"network":            ErrNetwork,
	"timeout":            ErrTimeout,
	"tls":                ErrTLS,
	"insecure_transport": ErrInsecure,
	"http":               ErrHTTP,
	"protocol":           ErrProtocol,
	"oauth_refusal":      ErrOAuth,
	"vendor":             ErrVendor,
	"unauthorized":       ErrUnauthorized,
	"cancelled":          ErrCancelled,
	"backoff":            ErrBackoff,
}

var isFamily = func() map[*Error]bool {
	m := make(map[*Error]bool, len(familyByCategory))
	for _, f := range familyByCategory {
		m[f] = true
	}
	return m
}()
