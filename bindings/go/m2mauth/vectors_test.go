package m2mauth

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The cross-language vectors, tests/vectors/m2mauth/jose.json (format described in tests/vectors/README.md).
// M2MAUTH_VECTORS overrides the directory.

type vectorKey map[string]any

type jwsCase struct {
	Name          string          `json:"name"`
	Alg           string          `json:"alg"`
	Key           string          `json:"key"`
	JWK           json.RawMessage `json:"jwk"`
	Deterministic bool            `json:"deterministic"`
	Protected     string          `json:"protected"`
	Payload       string          `json:"payload"`
	ProtectedB64  string          `json:"protected_b64"`
	PayloadB64    string          `json:"payload_b64"`
	SigningInput  string          `json:"signing_input"`
	SignatureB64  string          `json:"signature_b64"`
	Token         string          `json:"token"`
}

type vectorFile struct {
	Format       string                    `json:"format"`
	Keys         map[string]vectorKey      `json:"keys"`
	Certificates map[string]map[string]any `json:"certificates"`
	JWS          []jwsCase                 `json:"jws"`
	RFC          []jwsCase                 `json:"rfc"`
	Thumbprints  []struct {
		Name       string          `json:"name"`
		JWK        json.RawMessage `json:"jwk"`
		Thumbprint string          `json:"thumbprint"`
	} `json:"thumbprints"`
	MustFail []struct {
		Name    string   `json:"name"`
		Token   string   `json:"token"`
		Key     string   `json:"key"`
		Allowed []string `json:"allowed"`
		Error   string   `json:"error"`
	} `json:"must_fail"`
	JWT []struct {
		Name     string   `json:"name"`
		Token    string   `json:"token"`
		Key      string   `json:"key"`
		Allowed  []string `json:"allowed"`
		Verifier struct {
			Now      int64    `json:"now"`
			Leeway   *int64   `json:"leeway"`
			Issuer   *string  `json:"issuer"`
			Subject  *string  `json:"subject"`
			Audience []string `json:"audience"`
			Require  []string `json:"require"`
			Typ      *string  `json:"typ"`
			MaxSize  *int     `json:"max_size"`
		} `json:"verifier"`
		Error *string `json:"error"`
	} `json:"jwt"`
}

func loadVectors(t *testing.T) *vectorFile {
	t.Helper()
	dir := os.Getenv("M2MAUTH_VECTORS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "tests", "vectors")
	}
	data, err := os.ReadFile(filepath.Join(dir, "m2mauth", "jose.json"))
	if err != nil {
		t.Skipf("shared vectors not present: %v", err)
	}
	var v vectorFile
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("jose.json: %v", err)
	}
	if !strings.HasPrefix(v.Format, "m2mauth JOSE vectors v1,") {
		t.Fatalf("jose.json format %q, this test reads v1", v.Format)
	}
	return &v
}

func (k vectorKey) str(name string) string {
	s, _ := k[name].(string)
	return s
}

func (k vectorKey) jwk(name string) string {
	b, _ := json.Marshal(k[name])
	return string(b)
}

// key loads a vector key by name; "name:public" is its public form.
func (v *vectorFile) key(t *testing.T, name string) *Key {
	t.Helper()
	base, public := strings.CutSuffix(name, ":public")
	vk, ok := v.Keys[base]
	if !ok {
		t.Fatalf("no vector key %q", base)
	}
	var k *Key
	var err error
	switch {
	case public && vk.str("spki_pem") != "":
		k, err = KeyFromPEM([]byte(vk.str("spki_pem")), nil)
	default:
		k, err = KeyFromJWK(vk.jwk("private_jwk"))
	}
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

func algNames(t *testing.T, names []string) []Algorithm {
	out := make([]Algorithm, 0, len(names))
	for _, n := range names {
		out = append(out, must(ParseAlgorithm(n))(t))
	}
	return out
}

func TestVectorKeysEveryForm(t *testing.T) {
	v := loadVectors(t)
	for name, vk := range v.Keys {
		pass := []byte(vk.str("passphrase"))
		forms := map[string]func() (*Key, error){
			"private_jwk": func() (*Key, error) { return KeyFromJWK(vk.jwk("private_jwk")) },
		}
		for _, f := range []string{"pkcs8_pem", "spki_pem", "pkcs1_pem", "pkcs1_public_pem", "sec1_pem", "sec1_with_params_pem"} {
			if s := vk.str(f); s != "" {
				forms[f] = func() (*Key, error) { return KeyFromPEM([]byte(s), nil) }
			}
		}
		for _, f := range []string{"pkcs8_encrypted_pem", "pkcs1_encrypted_pem"} {
			if s := vk.str(f); s != "" {
				forms[f] = func() (*Key, error) { return KeyFromPEM([]byte(s), pass) }
			}
		}
		for _, f := range []string{"pkcs8_der_b64", "spki_der_b64", "pkcs1_der_b64", "pkcs1_public_der_b64", "sec1_der_b64", "pkcs8_encrypted_der_b64"} {
			if s := vk.str(f); s != "" {
				der, err := base64.StdEncoding.DecodeString(s)
				if err != nil {
					t.Fatalf("%s %s: %v", name, f, err)
				}
				p := pass
				if f != "pkcs8_encrypted_der_b64" {
					p = nil
				}
				forms[f] = func() (*Key, error) { return KeyFromDER(der, p) }
			}
		}
		if vk["public_jwk"] != nil {
			forms["public_jwk"] = func() (*Key, error) { return KeyFromJWK(vk.jwk("public_jwk")) }
		}
		if s := vk.str("secret_b64url"); s != "" {
			secret, _ := base64.RawURLEncoding.DecodeString(s)
			forms["secret"] = func() (*Key, error) { return KeyFromSecret(secret) }
		}
		for form, load := range forms {
			k, err := load()
			if err != nil {
				t.Errorf("%s %s: %v", name, form, err)
				continue
			}
			if tp, err := k.Thumbprint(); err != nil {
				t.Errorf("%s %s: thumbprint: %v", name, form, err)
			} else if tp != vk.str("thumbprint") {
				t.Errorf("%s %s: thumbprint %s, want %s", name, form, tp, vk.str("thumbprint"))
			}
			k.Close()
		}
	}
}

func checkJWSCase(t *testing.T, c jwsCase, key, pub *Key) {
	t.Helper()
	if c.ProtectedB64+"."+c.PayloadB64 != c.SigningInput || c.SigningInput+"."+c.SignatureB64 != c.Token {
		t.Fatalf("%s: the vector's own steps disagree", c.Name)
	}
	alg := must(ParseAlgorithm(c.Alg))(t)
	if c.Deterministic {
		got := must(SignJWSProtected(key, []byte(c.Protected), []byte(c.Payload)))(t)
		if got != c.Token {
			parts := strings.Split(got, ".")
			t.Errorf("%s: token differs; protected %v, payload %v, signature %v", c.Name,
				parts[0] == c.ProtectedB64, parts[1] == c.PayloadB64, parts[2] == c.SignatureB64)
		}
	}
	payload, err := VerifyJWS(c.Token, pub, alg)
	if err != nil || string(payload) != c.Payload {
		t.Errorf("%s: verify: %v, payload %q", c.Name, err, payload)
	}
}

func TestVectorJWS(t *testing.T) {
	v := loadVectors(t)
	for _, c := range v.JWS {
		key := v.key(t, c.Key)
		pub := key
		if _, ok := v.Keys[c.Key]["spki_pem"]; ok {
			pub = v.key(t, c.Key+":public")
		}
		checkJWSCase(t, c, key, pub)
		if strings.HasPrefix(c.Name, "jwt-") && c.Deterministic {
			// The same token through the JWT API: header {"alg","typ":"JWT","kid":<key name>}.
			withKid := must(key.WithKID(c.Key))(t)
			got := must(SignJWT(withKid, c.Payload, WithAlgorithm(must(ParseAlgorithm(c.Alg))(t))))(t)
			withKid.Close()
			if got != c.Token {
				t.Errorf("%s: SignJWT gave %s", c.Name, got)
			}
		}
	}
}

func TestVectorRFC(t *testing.T) {
	v := loadVectors(t)
	for _, c := range v.RFC {
		key := must(KeyFromJWK(string(c.JWK)))(t)
		checkJWSCase(t, c, key, key)
		key.Close()
	}
}

func TestVectorThumbprints(t *testing.T) {
	v := loadVectors(t)
	for _, c := range v.Thumbprints {
		k := must(KeyFromJWK(string(c.JWK)))(t)
		if tp := must(k.Thumbprint())(t); tp != c.Thumbprint {
			t.Errorf("%s: %s, want %s", c.Name, tp, c.Thumbprint)
		}
		k.Close()
	}
}

func TestVectorMustFail(t *testing.T) {
	v := loadVectors(t)
	for _, c := range v.MustFail {
		key := v.key(t, c.Key)
		_, err := VerifyJWS(c.Token, key, algNames(t, c.Allowed)...)
		e, ok := err.(*Error)
		if !ok || e.Name != c.Error {
			t.Errorf("%s: got %v, want %s", c.Name, err, c.Error)
		}
	}
}

func TestVectorJWT(t *testing.T) {
	v := loadVectors(t)
	for _, c := range v.JWT {
		key := v.key(t, c.Key)
		opts := []VerifyOption{WithAllowedAlgorithms(algNames(t, c.Allowed)...), WithTime(time.Unix(c.Verifier.Now, 0))}
		vc := c.Verifier
		if vc.Leeway != nil {
			opts = append(opts, WithLeeway(time.Duration(*vc.Leeway)*time.Second))
		}
		if vc.Issuer != nil {
			opts = append(opts, WithIssuer(*vc.Issuer))
		}
		if vc.Subject != nil {
			opts = append(opts, WithSubject(*vc.Subject))
		}
		if len(vc.Audience) > 0 {
			opts = append(opts, WithAudience(vc.Audience...))
		}
		if len(vc.Require) > 0 {
			opts = append(opts, WithRequiredClaims(vc.Require...))
		}
		if vc.Typ != nil {
			opts = append(opts, WithExpectedType(*vc.Typ))
		}
		if vc.MaxSize != nil {
			opts = append(opts, WithMaxSize(*vc.MaxSize))
		}
		_, err := VerifyJWT(c.Token, key, opts...)
		switch {
		case c.Error == nil && err != nil:
			t.Errorf("%s: %v", c.Name, err)
		case c.Error != nil:
			if e, ok := err.(*Error); !ok || e.Name != *c.Error {
				t.Errorf("%s: got %v, want %s", c.Name, err, *c.Error)
			}
		}
	}
}

func TestVectorCertificates(t *testing.T) {
	v := loadVectors(t)
	for name, c := range v.Certificates {
		s := func(k string) string { x, _ := c[k].(string); return x }
		cert := must(CertificateFromPEM([]byte(s("pem"))))(t)
		der, _ := base64.StdEncoding.DecodeString(s("der_b64"))
		fromDER := must(CertificateFromDER(der))(t)
		checks := []struct {
			hash   Hash
			format FingerprintFormat
			want   string
		}{
			{SHA1, HexColons, s("openssl_sha1_fingerprint")},
			{SHA256, HexColons, s("openssl_sha256_fingerprint")},
			{SHA1, Hex, s("sha1_hex")},
			{SHA256, Hex, s("sha256_hex")},
			{SHA1, Base64URL, s("x5t")},
			{SHA256, Base64URL, s("x5t#S256")},
		}
		for _, ch := range checks {
			for _, cc := range []*Certificate{cert, fromDER} {
				got := must(cc.Fingerprint(ch.hash, ch.format))(t)
				if got != ch.want {
					t.Errorf("%s: fingerprint %v/%v = %s, want %s", name, ch.hash, ch.format, got, ch.want)
				}
			}
		}
		if got := must(cert.Subject())(t); got != s("subject_rfc2253") {
			t.Errorf("%s: subject %s", name, got)
		}
		if na, _ := c["not_after"].(float64); must(cert.NotAfter())(t).Unix() != int64(na) {
			t.Errorf("%s: notAfter", name)
		}
		pub := must(cert.PublicKey())(t)
		if must(pub.Thumbprint())(t) != v.Keys[s("key")].str("thumbprint") {
			t.Errorf("%s: public key thumbprint", name)
		}
		pub.Close()
		cert.Close()
		fromDER.Close()
	}
}
