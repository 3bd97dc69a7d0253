package m2mauth

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

func TestJWTRoundTripEveryAlgorithm(t *testing.T) {
	for _, alg := range Algorithms {
		t.Run(alg.String(), func(t *testing.T) {
			k := keyFor(t, alg)
			pub := verifierKey(t, k)
			now := time.Now()
			claims := Claims{"iss": "m2mauth-client", "sub": "svc", "aud": "https://api.example.com",
				"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": "id-1", "scope": "read write"}
			token := must(SignJWT(k, claims, WithAlgorithm(alg)))(t)
			tok := must(VerifyJWT(token, pub, WithAllowedAlgorithms(alg), WithIssuer("m2mauth-client"),
				WithAudience("https://api.example.com"), WithRequiredClaims("exp", "jti")))(t)
			if tok.Claims.Subject() != "svc" || tok.Claims.String("scope") != "read write" {
				t.Fatalf("claims: %v", tok.ClaimsJSON)
			}
			if exp, ok := tok.Claims.ExpiresAt(); !ok || exp.Unix() != now.Add(5*time.Minute).Unix() {
				t.Fatalf("exp: %v", tok.ClaimsJSON)
			}
			if tok.Header["alg"] != alg.String() || tok.Header["typ"] != "JWT" {
				t.Fatalf("header: %s", tok.HeaderJSON)
			}
		})
	}
}

func TestJWSRoundTripEveryAlgorithm(t *testing.T) {
	payload := []byte("payload \u00e9\u20ac\U0001F600 \x00 binary")
	for _, alg := range Algorithms {
		t.Run(alg.String(), func(t *testing.T) {
			k := keyFor(t, alg)
			pub := verifierKey(t, k)
			token := must(SignJWS(k, payload, WithAlgorithm(alg), WithKeyID("k1"), WithContentType("text/plain")))(t)
			got := must(VerifyJWS(token, pub, alg))(t)
			if !bytes.Equal(got, payload) {
				t.Fatalf("payload %q", got)
			}
			empty := must(SignJWS(k, nil, WithAlgorithm(alg)))(t)
			if got := must(VerifyJWS(empty, pub, alg))(t); len(got) != 0 || got == nil {
				t.Fatalf("empty payload came back as %#v", got)
			}
		})
	}
}

func TestDefaultAlgorithmAndStructClaims(t *testing.T) {
	k := keyFor(t, ES384)
	if k.DefaultAlgorithm() != ES384 {
		t.Fatalf("default %v", k.DefaultAlgorithm())
	}
	type claims struct {
		Sub string   `json:"sub"`
		Aud []string `json:"aud"`
		N   int64    `json:"n"`
	}
	token := must(SignJWT(k, claims{Sub: "x\u00e9", Aud: []string{"a", "b"}, N: 1 << 60}))(t)
	tok := must(VerifyJWT(token, k, WithAudience("b")))(t)
	if n, ok := tok.Claims.Int64("n"); !ok || n != 1<<60 {
		t.Fatalf("n: %s", tok.ClaimsJSON)
	}
	if got := tok.Claims.Audience(); len(got) != 2 || got[1] != "b" {
		t.Fatalf("aud %v", got)
	}
	if tok.ClaimsJSON != `{"sub":"xé","aud":["a","b"],"n":1152921504606846976}` {
		t.Fatalf("claims JSON %s", tok.ClaimsJSON)
	}
}

func TestKeyExportImport(t *testing.T) {
	pass := []byte("correct horse \u00e9")
	for _, alg := range []Algorithm{RS256, ES384, EdDSA} {
		k := keyFor(t, alg)
		token := must(SignJWS(k, []byte("x")))(t)
		thumb := must(k.Thumbprint())(t)
		pubPEM := must(k.PublicPEM())(t)
		privPEM := must(k.PrivatePEM(nil))(t)
		encPEM := must(k.PrivatePEM(pass))(t)
		pubJWK := must(k.PublicJWK())(t)
		privJWK := must(k.PrivateJWK())(t)
		der := must(k.PublicDER())(t)
		forms := []func() (*Key, error){
			func() (*Key, error) { return KeyFromPEM([]byte(pubPEM), nil) },
			func() (*Key, error) { return KeyFromPEM([]byte(privPEM), nil) },
			func() (*Key, error) { return KeyFromPEM([]byte(encPEM), pass) },
			func() (*Key, error) { return KeyFromJWK(pubJWK) },
			func() (*Key, error) { return KeyFromJWK(privJWK) },
			func() (*Key, error) { return KeyFromDER(der, nil) },
		}
		for i, f := range forms {
			k2 := must(f())(t)
			if got := must(VerifyJWS(token, k2, alg))(t); string(got) != "x" {
				t.Fatalf("%v form %d: payload %q", alg, i, got)
			}
			if must(k2.Thumbprint())(t) != thumb || k2.Type() != k.Type() {
				t.Fatalf("%v form %d: different key", alg, i)
			}
			k2.Close()
		}
		if !strings.HasPrefix(encPEM, "-----BEGIN ENCRYPTED PRIVATE KEY-----") {
			t.Fatalf("encrypted PEM header: %.40s", encPEM)
		}
	}
}

func TestKeyInspectionAndCertificate(t *testing.T) {
	ec := keyFor(t, ES256)
	if ec.Curve() != "P-256" || ec.Bits() != 256 || !ec.HasPrivate() || ec.Type() != KeyEC {
		t.Fatalf("inspection: %v %d %v %v", ec.Curve(), ec.Bits(), ec.HasPrivate(), ec.Type())
	}
	withKid := must(ec.WithKID("my-kid"))(t)
	defer withKid.Close()
	if withKid.KID() != "my-kid" || !strings.Contains(must(withKid.PublicJWKWith(ES256, "sig"))(t), `"use":"sig"`) {
		t.Fatalf("kid/jwk")
	}
	cert := must(SelfSignedCertificate(ec, "client", 30))(t)
	defer cert.Close()
	if s := must(cert.Subject())(t); s != "CN=client" {
		t.Fatalf("subject %q", s)
	}
	if na := must(cert.NotAfter())(t); na.Before(time.Now().Add(29 * 24 * time.Hour)) {
		t.Fatalf("notAfter %v", na)
	}
	again := must(CertificateFromPEM([]byte(must(cert.PEM())(t))))(t)
	defer again.Close()
	if must(again.Fingerprint(SHA256, Hex))(t) != must(cert.Fingerprint(SHA256, Hex))(t) {
		t.Fatal("fingerprints differ")
	}
	token := must(SignJWS(ec, []byte("x"), WithCertificate(cert, X5TS256, X5C)))(t)
	hdr, _ := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[0])
	x5t := must(cert.Fingerprint(SHA256, Base64URL))(t)
	if !strings.Contains(string(hdr), `"x5t#S256":"`+x5t+`"`) || !strings.Contains(string(hdr), `"x5c":[`) {
		t.Fatalf("header %s", hdr)
	}
	pub := must(cert.PublicKey())(t)
	defer pub.Close()
	if must(pub.Thumbprint())(t) != must(ec.Thumbprint())(t) {
		t.Fatal("certificate key differs")
	}
}

func TestVersionAndConstants(t *testing.T) {
	if VersionNumber() != BindingVersionNumber() {
		t.Fatalf("library %d, headers %d", VersionNumber(), BindingVersionNumber())
	}
	// The rule is the library's: any patch of the same 0.x minor, never another minor.
	loaded := VersionNumber()
	if raw.M2mauth_version_compatible(loaded-loaded%100+99) != 1 || raw.M2mauth_version_compatible(loaded+100) != 0 {
		t.Fatal("m2mauth_version_compatible: patch releases must be accepted, another minor refused")
	}
	if err := versionError(false, 203, 100); err == nil || !strings.Contains(err.Error(), "built for libm2mauth 0.1.0 but loaded libm2mauth 0.2.3") {
		t.Fatalf("version refusal: %v", err)
	}
	if ready() != nil {
		t.Fatal(ready())
	}
	want := map[Algorithm]raw.Enum_SS_m2mauth_alg{HS256: raw.M2MAUTH_ALG_HS256, HS384: raw.M2MAUTH_ALG_HS384,
		HS512: raw.M2MAUTH_ALG_HS512, RS256: raw.M2MAUTH_ALG_RS256, RS384: raw.M2MAUTH_ALG_RS384,
		RS512: raw.M2MAUTH_ALG_RS512, PS256: raw.M2MAUTH_ALG_PS256, PS384: raw.M2MAUTH_ALG_PS384,
		PS512: raw.M2MAUTH_ALG_PS512, ES256: raw.M2MAUTH_ALG_ES256, ES384: raw.M2MAUTH_ALG_ES384,
		ES512: raw.M2MAUTH_ALG_ES512, EdDSA: raw.M2MAUTH_ALG_EDDSA}
	for a, r := range want {
		if int(a) != int(r) {
			t.Errorf("%v = %d, header says %d", a, a, r)
		}
		if p, err := ParseAlgorithm(a.String()); err != nil || p != a {
			t.Errorf("ParseAlgorithm(%v) = %v, %v", a, p, err)
		}
	}
	kinds := map[KeyType]raw.Enum_SS_m2mauth_key_type{KeyRSA: raw.M2MAUTH_KEY_RSA, KeyEC: raw.M2MAUTH_KEY_EC,
		KeyOKP: raw.M2MAUTH_KEY_OKP, KeyOct: raw.M2MAUTH_KEY_OCT}
	for k, r := range kinds {
		if int(k) != int(r) {
			t.Errorf("%v = %d, header says %d", k, k, r)
		}
	}
	if int(SHA1) != int(raw.M2MAUTH_HASH_SHA1) || int(SHA256) != int(raw.M2MAUTH_HASH_SHA256) ||
		int(HexColons) != int(raw.M2MAUTH_FP_HEX_COLONS) || int(Hex) != int(raw.M2MAUTH_FP_HEX) ||
		int(Base64URL) != int(raw.M2MAUTH_FP_BASE64URL) ||
		uint(X5T) != raw.M2MAUTH_HEADER_X5T || uint(X5TS256) != raw.M2MAUTH_HEADER_X5T_S256 || uint(X5C) != raw.M2MAUTH_HEADER_X5C {
		t.Error("certificate constants differ from the header")
	}
}

func TestJWKS(t *testing.T) {
	a := must(keyFor(t, RS256).WithKID("a"))(t)
	b := must(keyFor(t, EdDSA).WithKID("b"))(t)
	defer a.Close()
	defer b.Close()
	set := must(JWKS(a, b))(t)
	for _, k := range []*Key{a, b} {
		got := must(KeyFromJWKS(set, k.KID()))(t)
		if must(got.Thumbprint())(t) != must(k.Thumbprint())(t) || got.HasPrivate() {
			t.Fatalf("JWKS member %s", k.KID())
		}
		got.Close()
	}
	if _, err := JWKS(a, keyFor(t, HS256)); !errors.Is(err, ErrKeyType) {
		t.Fatalf("HMAC in a JWKS: %v", err)
	}
	if s := must(JWKS(a, a))(t); strings.Count(s, `"kid":"a"`) != 2 {
		t.Fatalf("same key twice: %s", s)
	}
	if s := must(JWKS())(t); s != `{"keys":[]}` {
		t.Fatalf("empty set %s", s)
	}
}

func TestJWKAlgBindsTheKey(t *testing.T) {
	rsa := must(GenerateRSA(2048))(t)
	defer rsa.Close()
	pub := must(rsa.PublicJWK())(t)
	bound := must(KeyFromJWK(strings.Replace(pub, "{", `{"alg":"PS256",`, 1)))(t)
	defer bound.Close()
	if bound.DefaultAlgorithm() != PS256 || !strings.Contains(must(bound.PublicJWK())(t), `"alg":"PS256"`) {
		t.Fatalf("the binding is not kept: %v", bound.DefaultAlgorithm())
	}
	rs256 := must(SignJWT(rsa, map[string]any{"sub": "x"}, WithAlgorithm(RS256)))(t)
	ps256 := must(SignJWT(rsa, map[string]any{"sub": "x"}, WithAlgorithm(PS256)))(t)
	if _, err := VerifyJWT(rs256, bound, WithAllowedAlgorithms(RS256, PS256)); !errors.Is(err, ErrAlgorithm) {
		t.Fatalf("an RS256 token under a PS256 JWK: %v", err)
	}
	must(VerifyJWT(ps256, bound, WithAllowedAlgorithms(RS256, PS256)))(t)
	if _, err := KeyFromJWK(strings.Replace(pub, "{", `{"alg":"RSA-OAEP",`, 1)); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("an encryption alg: %v", err)
	}
}
