package m2mauth

import (
	"errors"
	"strings"
	"testing"
	"time"
)

type serviceClaims struct {
	Issuer   string `json:"iss"`
	Subject  string `json:"sub"`
	Audience string `json:"aud"`
	Expires  int64  `json:"exp"`
	Scope    string `json:"scope"`
}

func TestVerifyIntoFillsTheCallersType(t *testing.T) {
	k := keyFor(t, ES256)
	exp := time.Now().Add(time.Minute).Unix()
	token := must(SignJWT(k, Claims{"iss": "issuer", "sub": "svc", "aud": "api", "exp": exp, "scope": "read"}))(t)
	v := must(NewVerifier(verifierKey(t, k), WithIssuer("issuer"), WithAudience("api")))(t)
	defer v.Close()

	var c serviceClaims
	if err := v.VerifyInto(token, &c); err != nil {
		t.Fatal(err)
	}
	if c != (serviceClaims{"issuer", "svc", "api", exp, "read"}) {
		t.Fatalf("claims: %+v", c)
	}
	var m map[string]any
	if err := v.VerifyInto(token, &m); err != nil || m["scope"] != "read" {
		t.Fatalf("map: %v %v", m, err)
	}
}

func TestVerifyIntoRefusesWhatVerifyRefuses(t *testing.T) {
	k := keyFor(t, ES256)
	v := must(NewVerifier(verifierKey(t, k), WithIssuer("issuer"), WithAudience("api")))(t)
	var c serviceClaims
	wrongIssuer := must(SignJWT(k, Claims{"iss": "other", "aud": "api", "exp": time.Now().Add(time.Minute).Unix()}))(t)
	if err := v.VerifyInto(wrongIssuer, &c); !errors.Is(err, ErrClaim) {
		t.Fatalf("wrong issuer: %v", err)
	}
	expired := must(SignJWT(k, Claims{"iss": "issuer", "aud": "api", "exp": time.Now().Add(-time.Hour).Unix()}))(t)
	if err := v.VerifyInto(expired, &c); !errors.Is(err, ErrExpired) {
		t.Fatalf("expired: %v", err)
	}
	forged := must(SignJWT(keyFor(t, ES256), Claims{"iss": "issuer", "aud": "api"}))(t)
	if err := v.VerifyInto(forged, &c); !errors.Is(err, ErrSignature) {
		t.Fatalf("other key: %v", err)
	}
	if c != (serviceClaims{}) {
		t.Fatalf("a refused token filled the destination: %+v", c)
	}
	v.Close()
	if err := v.VerifyInto(wrongIssuer, &c); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed: %v", err)
	}
}

func TestVerifyIntoDestinationErrorsNameTypesNotValues(t *testing.T) {
	k := keyFor(t, ES256)
	v := must(NewVerifier(verifierKey(t, k), WithAudience("api")))(t)
	defer v.Close()
	var c serviceClaims
	scopeAsNumber := must(SignJWT(k, Claims{"aud": "api", "scope": 424242}))(t)
	err := v.VerifyInto(scopeAsNumber, &c)
	if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "scope") || strings.Contains(err.Error(), "424242") {
		t.Fatalf("type mismatch: %v", err)
	}
	if err := v.VerifyInto(scopeAsNumber, c); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("non-pointer destination: %v", err)
	}
}
