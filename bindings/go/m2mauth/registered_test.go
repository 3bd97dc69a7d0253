package m2mauth

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The scanner must give exactly what encoding/json gives, or leave the claims to it: every case is
// decoded both ways, from the same starting value, and compared (value, and error or none).
func TestRegisteredClaimsScannerAgreesWithEncodingJSON(t *testing.T) {
	cases := []string{
		`{}`,
		` { "iss" : "a" , "sub":"b","aud":"c","exp":1700000000,"nbf":-5,"iat":0,"jti":"x-1"} `,
		`{"aud":["a","b","c"],"exp":4102444800}`,
		`{"aud":[]}`,
		`{"aud":[ "a" ]}`,
		`{"aud":null}`,
		`{"iss":null}`,
		`{"aud":["a",1]}`,
		`{"aud":7}`,
		`{"iss":"caf\u00e9"}`,
		`{"iss":"café","sub":"\ud83d\ude00"}`,
		`{"iss":"https:\/\/as.example.com"}`,
		`{"iss":"a\"b"}`,
		`{"ISS":"upper","iss":"lower"}`,
		`{"iss":"lower","Iss":"mixed"}`,
		"{\"\u017fub\":\"long s folds to s\"}",
		`{"exp":1.5}`,
		`{"exp":-1.9}`,
		`{"exp":1e3}`,
		`{"exp":99999999999999999999}`,
		`{"exp":"1700000000"}`,
		`{"exp":true}`,
		`{"iat":123456789012345678}`,
		`{"iat":-123456789012345678}`,
		`{"scope":"read write","cnf":{"jkt":"abc","x":[1,{"y":"}"}]},"n":-1.5e3,"b":false,"z":null,"iss":"after"}`,
		`{"s":"quote \" and brace } inside","iss":"i"}`,
		`{"iss":123}`,
		`{"jti":["x"]}`,
		`{"sub":{"a":1}}`,
	}
	// Long strings, with an escape, a control character or a non-ASCII character at every position (the
	// scanner reads 8 bytes at a time).
	long := "0123456789abcdefghijklmnopqrstuvwxyz"
	for i := 0; i <= len(long); i++ {
		for _, odd := range []string{`\"`, `\n`, `\u00e9`, "\u0001", "é", "\u007f", "\uffff", "\xff", "\xc3", "~", " "} {
			cases = append(cases, `{"iss":"`+long[:i]+odd+long[i:]+`","aud":["`+long[i:]+odd+`"]}`)
		}
	}
	starts := []RegisteredClaims{{}, {Issuer: "old", Audience: Audience{"keep", "two"}, ExpiresAt: 9}}
	for _, js := range cases {
		for _, start := range starts {
			want, got := cloneRegistered(start), cloneRegistered(start)
			wantErr := json.Unmarshal([]byte(js), &want)
			var gotErr error
			if !decodeRegistered([]byte(js), &got) {
				if !reflect.DeepEqual(got, start) {
					t.Fatalf("%s: a refused shape changed the claims: %+v", js, got)
				}
				gotErr = json.Unmarshal([]byte(js), &got)
			}
			if (wantErr == nil) != (gotErr == nil) || !reflect.DeepEqual(normalAudience(want), normalAudience(got)) {
				t.Fatalf("%s from %+v:\nencoding/json %+v (%v)\nscanner       %+v (%v)", js, start, want, wantErr, got, gotErr)
			}
		}
	}
}

func cloneRegistered(c RegisteredClaims) RegisteredClaims {
	c.Audience = append(Audience(nil), c.Audience...)
	return c
}

// An empty list and no list are the same audience.
func normalAudience(c RegisteredClaims) RegisteredClaims {
	if len(c.Audience) == 0 {
		c.Audience = nil
	}
	return c
}

func TestVerifyIntoRegisteredClaims(t *testing.T) {
	k := keyFor(t, HS256)
	exp := time.Now().Add(time.Minute).Unix()
	v := must(NewVerifier(k, WithAllowedAlgorithms(HS256), WithIssuer("issuer"), WithAudience("api")))(t)
	defer v.Close()
	token := must(SignJWT(k, Claims{"iss": "issuer", "sub": "svc", "aud": []string{"api", "other"}, "exp": exp,
		"iat": exp - 60, "jti": "id-1", "scope": "read"}, WithAlgorithm(HS256)))(t)
	var c RegisteredClaims
	if err := v.VerifyInto(token, &c); err != nil {
		t.Fatal(err)
	}
	want := RegisteredClaims{Issuer: "issuer", Subject: "svc", Audience: Audience{"api", "other"}, ExpiresAt: NumericDate(exp),
		IssuedAt: NumericDate(exp - 60), ID: "id-1"}
	if !reflect.DeepEqual(c, want) || c.ExpiresAt.Time().Unix() != exp {
		t.Fatalf("claims: %+v", c)
	}
	// A second token into the same value: what changed is replaced, what it lacks stays (encoding/json's rule).
	second := must(SignJWT(k, Claims{"iss": "issuer", "aud": "api", "exp": exp, "jti": "id-2"}, WithAlgorithm(HS256)))(t)
	if err := v.VerifyInto(second, &c); err != nil {
		t.Fatal(err)
	}
	if c.ID != "id-2" || !reflect.DeepEqual(c.Audience, Audience{"api"}) || c.Subject != "svc" {
		t.Fatalf("second: %+v", c)
	}
	// A fractional date (RFC 7519 allows one) goes through encoding/json and NumericDate.
	frac := must(SignJWT(k, Claims{"iss": "issuer", "aud": "api", "exp": json.Number("4102444800.75")}, WithAlgorithm(HS256)))(t)
	if err := v.VerifyInto(frac, &c); err != nil || c.ExpiresAt != 4102444800 {
		t.Fatalf("fractional exp: %v %+v", err, c)
	}
	// A claim of the wrong type is named by field and type, never by value.
	bad := must(SignJWT(k, Claims{"iss": "issuer", "aud": "api", "exp": exp, "sub": 424242}, WithAlgorithm(HS256)))(t)
	err := v.VerifyInto(bad, &c)
	if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "sub") || strings.Contains(err.Error(), "424242") {
		t.Fatalf("wrong type: %v", err)
	}
	if err := v.VerifyInto(token, (*RegisteredClaims)(nil)); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("nil destination: %v", err)
	}
}

// Claims longer than the token's own text still arrive whole (the buffer grows and the call is made again).
func TestVerifyIntoLargeClaims(t *testing.T) {
	k := keyFor(t, HS256)
	v := must(NewVerifier(k, WithAllowedAlgorithms(HS256)))(t)
	defer v.Close()
	big := strings.Repeat("x", 20000)
	token := must(SignJWT(k, Claims{"iss": big, "exp": time.Now().Add(time.Minute).Unix()}, WithAlgorithm(HS256)))(t)
	for i := 0; i < 3; i++ {
		var c RegisteredClaims
		if err := v.VerifyInto(token, &c); err != nil || c.Issuer != big {
			t.Fatalf("large claims: %v (%d bytes)", err, len(c.Issuer))
		}
	}
}

// No allocation per verification into RegisteredClaims once the values repeat (the token's own text
// aside, which the caller holds).
func TestVerifyIntoRegisteredAllocations(t *testing.T) {
	k := keyFor(t, HS256)
	v := must(NewVerifier(k, WithAllowedAlgorithms(HS256), WithAudience("api")))(t)
	defer v.Close()
	token := must(SignJWT(k, Claims{"iss": "issuer", "aud": "api", "exp": time.Now().Add(time.Hour).Unix(), "jti": "j"},
		WithAlgorithm(HS256)))(t)
	var c RegisteredClaims
	if err := v.VerifyInto(token, &c); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(200, func() { _ = v.VerifyInto(token, &c) }); n > 0 {
		t.Fatalf("%.1f allocations per VerifyInto", n)
	}
}
