package m2mauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

func TestErrorMapping(t *testing.T) {
	hmac := keyFor(t, HS256)
	other := keyFor(t, HS256)
	rsa := keyFor(t, RS256)
	now := time.Now()
	expired := must(SignJWT(hmac, Claims{"exp": now.Add(-time.Hour).Unix()}))(t)
	future := must(SignJWT(hmac, Claims{"nbf": now.Add(time.Hour).Unix()}))(t)
	good := must(SignJWT(hmac, Claims{"iss": "a", "exp": now.Add(time.Hour).Unix()}))(t)

	cases := []struct {
		name     string
		err      error
		sentinel *Error
		code     int
		errName  string
	}{
		{"expired", second(VerifyJWT(expired, hmac)), ErrExpired, -23, "expired"},
		{"not yet valid", second(VerifyJWT(future, hmac)), ErrNotYetValid, -24, "not_yet_valid"},
		{"signature", second(VerifyJWT(good, other)), ErrSignature, -21, "signature"},
		{"algorithm", second(VerifyJWT(good, hmac, WithAllowedAlgorithms(HS512))), ErrAlgorithm, -22, "algorithm"},
		{"issuer", second(VerifyJWT(good, hmac, WithIssuer("b"))), ErrClaim, -26, "claim"},
		{"missing", second(VerifyJWT(good, hmac, WithRequiredClaims("jti"))), ErrMissingClaim, -27, "missing_claim"},
		{"malformed", second(VerifyJWT("not.a.token", hmac)), ErrMalformed, -20, "malformed"},
		{"key type", second(VerifyJWS(good, rsa, HS256)), ErrKeyType, -11, "key_type"},
		{"key format", second(KeyFromPEM([]byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), nil)), ErrKey, -10, "key"},
		{"unsupported", second(GenerateEC("P-192")), ErrUnsupported, -4, "unsupported"},
		{"not found", second(KeyFromJWKS(`{"keys":[]}`, "nope")), ErrNotFound, -6, "not_found"},
		{"hmac has no public jwk", second(hmac.PublicJWK()), ErrKeyType, -11, "key_type"},
		// Hostile input (README "Hostile input (JSON and JOSE)"): the core's rules reach Go unchanged.
		{"private member in a verification set", second(NewVerifierJWKS(`{"keys":[{"kty":"EC","crv":"P-256",`+
			`"x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",`+
			`"d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}]}`, WithAllowedAlgorithms(ES256))), ErrKey, -10, "key"},
		{"U+0000 in a JWK", second(KeyFromJWK(`{"kty":"oct\u0000x","k":"AAAA"}`)), ErrMalformed, -20, "malformed"},
	}
	for _, c := range cases {
		var e *Error
		if !errors.As(c.err, &e) {
			t.Errorf("%s: %v is not an *Error", c.name, c.err)
			continue
		}
		if e.Code != c.code || e.Name != c.errName || !errors.Is(c.err, c.sentinel) {
			t.Errorf("%s: got code %d name %q (%v)", c.name, e.Code, e.Name, c.err)
		}
		if e.Message == "" {
			t.Errorf("%s: no message", c.name)
		}
	}
	for _, c := range cases[:7] {
		if !errors.Is(c.err, ErrInvalidToken) {
			t.Errorf("%s: not an ErrInvalidToken", c.name)
		}
	}
	if errors.Is(cases[7].err, ErrInvalidToken) || errors.Is(cases[0].err, ErrSignature) {
		t.Error("families overlap")
	}
}

func second[T any](_ T, err error) error { return err }

func TestWrongPassphrase(t *testing.T) {
	k := keyFor(t, ES256)
	enc := must(k.PrivatePEM([]byte("Tr0ub4dor-kept")))(t)
	_, err := KeyFromPEM([]byte(enc), []byte("Tr0ub4dor-guess"))
	if !errors.Is(err, ErrPassphrase) {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(err.Error(), "Tr0ub4dor") {
		t.Fatalf("passphrase in the error: %v", err)
	}
	if _, err := KeyFromPEM([]byte(enc), nil); !errors.Is(err, ErrPassphrase) {
		t.Fatalf("missing passphrase: %v", err)
	}
}

func TestNULBytesRefused(t *testing.T) {
	k := keyFor(t, HS256)
	token := must(SignJWT(k, Claims{"iss": "a"}))(t)
	if _, err := VerifyJWT(token, k, WithIssuer("a\x00evil")); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("issuer with NUL: %v", err)
	}
	if _, err := SignJWT(k, "{\"a\":\"\x00\"}"); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("claims with NUL: %v", err)
	}
	if _, err := VerifyJWS(token, k); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyJWT(token, k, WithAllowedAlgorithms()); err != nil {
		t.Fatalf("an empty option list keeps the default: %v", err)
	}
	if _, err := NewVerifierJWKS(`{"keys":[]}`); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("JWKS verifier without algorithms: %v", err)
	}
}

func TestSecretsNotInStrings(t *testing.T) {
	secret := []byte("super-secret-hmac-key-0123456789")
	k := must(KeyFromSecret(secret))(t)
	defer k.Close()
	rsa := keyFor(t, RS256)
	jwk := must(rsa.PrivateJWK())(t)
	for _, s := range []string{k.String(), rsa.String()} {
		if strings.Contains(s, string(secret)) || strings.Contains(s, "c3VwZXI") || strings.Contains(s, `"d"`) ||
			strings.Contains(s, jwk[10:40]) {
			t.Fatalf("secret material in %q", s)
		}
	}
	if k.String() != "Key(oct, 256 bits, private)" {
		t.Fatalf("String %q", k.String())
	}
	_, err := VerifyJWT(string(secret)+".x.y", k)
	if err == nil || strings.Contains(err.Error(), string(secret)) {
		t.Fatalf("token text in error: %v", err)
	}
}

// TestErrorFamiliesVectors reads tests/vectors/m2mauth/errors.json, which the C, Python and Java suites
// read too: every code lands in the family the file names, through the one table (familyByCategory).
func TestErrorFamiliesVectors(t *testing.T) {
	var doc struct {
		Families map[string]map[string]string `json:"families"`
		Codes    []struct {
			Value     int     `json:"value"`
			Name      string  `json:"name"`
			Category  string  `json:"category"`
			Transient bool    `json:"transient"`
			Family    *string `json:"family"`
		} `json:"codes"`
		UnknownCodes []int `json:"unknown_codes"`
	}
	dir := os.Getenv("M2MAUTH_VECTORS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "tests", "vectors")
	}
	data, err := os.ReadFile(filepath.Join(dir, "m2mauth", "errors.json"))
	if err != nil {
		t.Skipf("shared vectors not present: %v", err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	sentinels := map[string]*Error{
		"ErrInternal": ErrInternal, "ErrInvalidInput": ErrInvalidInput, "ErrUnsupported": ErrUnsupported,
		"ErrNotFound": ErrNotFound, "ErrState": ErrState, "ErrIO": ErrIO, "ErrConfig": ErrConfig,
		"ErrInvalidKey": ErrInvalidKey, "ErrInvalidToken": ErrInvalidToken, "ErrNetwork": ErrNetwork,
		"ErrTimeout": ErrTimeout, "ErrTLS": ErrTLS, "ErrInsecure": ErrInsecure, "ErrHTTP": ErrHTTP,
		"ErrProtocol": ErrProtocol, "ErrOAuth": ErrOAuth, "ErrVendor": ErrVendor,
		"ErrUnauthorized": ErrUnauthorized, "ErrCancelled": ErrCancelled, "ErrBackoff": ErrBackoff,
	}
	if len(doc.Families) != len(familyByCategory) {
		t.Fatalf("%d families in errors.json, %d in familyByCategory", len(doc.Families), len(familyByCategory))
	}
	for family, names := range doc.Families {
		if s := sentinels[names["go"]]; s == nil || familyByCategory[family] != s {
			t.Errorf("family %s: errors.json names %s, the table has %v", family, names["go"], familyByCategory[family])
		}
	}
	for _, c := range doc.Codes {
		if got := raw.M2mauth_error_name(c.Value); got != c.Name {
			t.Errorf("code %d: name %q, errors.json %q", c.Value, got, c.Name)
		}
		if c.Family == nil {
			continue
		}
		runtime.LockOSThread()
		raw.M2mauth_error_clear()        // the record holds no earlier failure with this code
		err := error(lastError(c.Value)) // as a failed call builds it
		runtime.UnlockOSThread()
		var e *Error
		if !errors.As(err, &e) || e.Category() != c.Category || e.Transient() != c.Transient {
			t.Errorf("%s: category %q transient %v", c.Name, e.Category(), e.Transient())
		}
		want := sentinels[doc.Families[*c.Family]["go"]]
		matched := 0
		for _, f := range familyByCategory {
			if errors.Is(err, f) {
				matched++
			}
		}
		if !errors.Is(err, want) || matched != 1 || e.Family() != want {
			t.Errorf("%s: want family %s only, matched %d families", c.Name, doc.Families[*c.Family]["go"], matched)
		}
	}
	for _, code := range doc.UnknownCodes {
		if code < 0 && !errors.Is(lastError(code), ErrInternal) {
			t.Errorf("unknown code %d is not ErrInternal", code)
		}
	}
}

// TestErrClosedIsNotEveryStateError: a library ESTATE (a setter after first use) is ErrState, not
// ErrClosed; ErrClosed is both.
func TestErrClosedIsNotEveryStateError(t *testing.T) {
	state := error(lastError(int(raw.M2MAUTH_ESTATE)))
	if errors.Is(state, ErrClosed) {
		t.Error("an ESTATE error matched ErrClosed")
	}
	if !errors.Is(state, ErrState) || !errors.Is(ErrClosed, ErrState) || !errors.Is(ErrClosed, ErrClosed) {
		t.Error("ErrState / ErrClosed matching broke")
	}
	wrapped := fmt.Errorf("context: %w", ErrClosed)
	if !errors.Is(wrapped, ErrClosed) {
		t.Error("a wrapped ErrClosed is not ErrClosed")
	}
}
