package m2mauth

import (
	"bufio"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// oauth1Case is one case of tests/vectors/oauth1/oauth1_vectors.txt.
type oauth1Case map[string]string

func oauth1Vectors(t *testing.T) []oauth1Case {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot, "tests", "vectors", "oauth1", "oauth1_vectors.txt"))
	if err != nil {
		t.Skipf("OAuth 1.0 vectors not present: %v", err)
	}
	defer f.Close()
	var cases []oauth1Case
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "":
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			cases = append(cases, oauth1Case{"name": line[1 : len(line)-1]})
		default:
			k, v, ok := strings.Cut(line, " = ")
			if !ok {
				k, v = strings.TrimSuffix(line, " ="), ""
			}
			cases[len(cases)-1][k] = v
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

func vectorSigner(t *testing.T, c oauth1Case) *OAuth1Signer {
	t.Helper()
	cfg := OAuth1Config{
		ConsumerKey:    c["consumer_key"],
		ConsumerSecret: []byte(c["consumer_secret"]),
		Token:          c["token"],
		TokenSecret:    []byte(c["token_secret"]),
		Realm:          c["realm"],
		Callback:       c["callback"],
		Verifier:       c["verifier"],
		OmitVersion:    c["version"] == "no",
		FixedNonce:     c["nonce"],
	}
	if m := c["signature_method"]; m != "" {
		for _, cand := range []OAuth1Method{OAuth1HMACSHA1, OAuth1HMACSHA256, OAuth1RSASHA1, OAuth1RSASHA256, OAuth1Plaintext} {
			if cand.String() == m {
				cfg.Method = cand
			}
		}
	}
	if ts := c["timestamp"]; ts != "" {
		var err error
		if cfg.FixedTimestamp, err = parseInt(ts); err != nil {
			t.Fatal(err)
		}
	}
	s, err := NewOAuth1Signer(cfg)
	if err != nil {
		t.Fatalf("%s: %v", c["name"], err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func parseInt(s string) (int64, error) {
	var n int64
	err := json.Unmarshal([]byte(s), &n)
	return n, err
}

func vectorRequest(c oauth1Case) *Request {
	req := NewRequest(c["method"], c["url"], nil)
	if ct := c["content_type"]; ct != "" {
		req.Header.Set("Content-Type", ct)
		req.Body = []byte(c["body"])
	}
	return req
}

// authParams parses "OAuth k="v", ..." into decoded parameters.
func authParams(t *testing.T, header string) map[string]string {
	t.Helper()
	if !strings.HasPrefix(header, "OAuth ") {
		t.Fatalf("not an OAuth header: %q", header)
	}
	out := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(header, "OAuth "), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			t.Fatalf("bad parameter %q", part)
		}
		dec, err := url.PathUnescape(strings.Trim(v, `"`))
		if err != nil {
			t.Fatal(err)
		}
		out[k] = dec
	}
	return out
}

// TestOAuth1Vectors: every case of the vector file with a request and an expected artefact, among them
// RFC 5849 section 1.2 without oauth_version (MdpQcU8iPSUjWoN/UDMsK2sui9I=) and OAuth Core 1.0
// Appendix A.5 with it (tR3+Ty81lMeYAr/Fid0kMTYa/WM=).
func TestOAuth1Vectors(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range oauth1Vectors(t) {
		if c["method"] == "" {
			continue // base string URI cases: no request to sign
		}
		t.Run(c["name"], func(t *testing.T) {
			s := vectorSigner(t, c)
			req := vectorRequest(c)
			if want := c["base_string"]; want != "" {
				got, err := s.BaseString(req, c["nonce"], mustInt(t, c["timestamp"]))
				if err != nil || got != want {
					t.Fatalf("base string %q, %v\nwant %q", got, err, want)
				}
			}
			want := c["signature"]
			if want == "" {
				return
			}
			got, err := s.Signature(req, c["nonce"], mustInt(t, c["timestamp"]))
			if err != nil || got != want {
				t.Fatalf("signature %q, %v; want %q", got, err, want)
			}
			signed := req.Clone()
			if err := s.Sign(signed); err != nil {
				t.Fatal(err)
			}
			p := authParams(t, signed.Header.Get("Authorization"))
			if p["oauth_signature"] != want || p["oauth_nonce"] != c["nonce"] || p["oauth_timestamp"] != c["timestamp"] {
				t.Fatalf("header %v", p)
			}
			if _, has := p["oauth_version"]; has != (c["version"] == "yes") {
				t.Fatalf("oauth_version present=%v for version=%s", has, c["version"])
			}
			if c["realm"] != "" && p["realm"] != c["realm"] {
				t.Fatalf("realm %q", p["realm"])
			}
			if req.Header.Get("Authorization") != "" {
				t.Fatal("signing the clone changed the original")
			}
			seen[want] = true
		})
	}
	for _, sig := range []string{"MdpQcU8iPSUjWoN/UDMsK2sui9I=", "tR3+Ty81lMeYAr/Fid0kMTYa/WM="} {
		if !seen[sig] {
			t.Errorf("vector %s not checked", sig)
		}
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := parseInt(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func a2aSigner(t *testing.T, mutate func(*OAuth1Config)) *OAuth1Signer {
	t.Helper()
	cred := clients(t).A2A.OAuth1[0]
	cfg := OAuth1Config{
		ConsumerKey:    cred.ConsumerKey,
		ConsumerSecret: []byte(cred.ConsumerSecret),
		Token:          cred.Token,
		TokenSecret:    []byte(cred.TokenSecret),
	}
	if mutate != nil {
		mutate(&cfg)
	}
	s, err := NewOAuth1Signer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestOAuth1AcceptedByA2AEmulator: requests signed here are checked by oauthlib in the A2A emulator.
func TestOAuth1AcceptedByA2AEmulator(t *testing.T) {
	s := servers(t)
	base := s.field(t, "a2a", "base_url")
	h := loopbackHTTP(t)
	send := func(req *Request) *Response {
		t.Helper()
		resp, err := h.Send(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	// Header placement, with oauth_version (default) and without.
	for _, omit := range []bool{false, true} {
		signer := a2aSigner(t, func(c *OAuth1Config) { c.OmitVersion = omit })
		req := NewRequest("GET", base+"/pam/credential/5", nil)
		if err := signer.Sign(req); err != nil {
			t.Fatal(err)
		}
		if resp := send(req); resp.StatusCode != 200 || !strings.Contains(string(resp.Body), "credential") {
			t.Fatalf("omit version %v: %v %s", omit, resp, resp.Body)
		}
		// The same signed request again: the emulator refuses a replayed nonce.
		if resp := send(req); resp.StatusCode != 401 {
			t.Fatalf("replay accepted: %v", resp)
		}
	}
	// A signed form body (body parameters are signed) and the query placement.
	bodySigner := a2aSigner(t, nil)
	form := NewRequest("POST", base+"/pam/info", []byte("content=hello+world&tag=a%26b"))
	form.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := bodySigner.Sign(form); err != nil {
		t.Fatal(err)
	}
	if resp := send(form); resp.StatusCode != 201 {
		t.Fatalf("form: %v %s", resp, resp.Body)
	}
	querySigner := a2aSigner(t, func(c *OAuth1Config) { c.Placement = OAuth1InQuery })
	q := NewRequest("GET", base+"/pam/device/1", nil)
	if err := querySigner.Sign(q); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(q.URL, "oauth_signature=") || q.Header.Get("Authorization") != "" {
		t.Fatalf("query placement: %v", q.URL)
	}
	if resp := send(q); resp.StatusCode != 200 {
		t.Fatalf("query: %v %s", resp, resp.Body)
	}
	// A wrong secret is refused.
	bad := a2aSigner(t, func(c *OAuth1Config) { c.ConsumerSecret = []byte("not-the-secret") })
	req := NewRequest("GET", base+"/pam/credential/5", nil)
	if err := bad.Sign(req); err != nil {
		t.Fatal(err)
	}
	if resp := send(req); resp.StatusCode != 401 {
		t.Fatalf("wrong secret accepted: %v", resp)
	}
}

func TestOAuth1ClockAndSecrets(t *testing.T) {
	fixed := time.Unix(1700000000, 0)
	cred := clients(t).A2A.OAuth1[0]
	s := a2aSigner(t, func(c *OAuth1Config) { c.Clock = func() time.Time { return fixed } })
	req := NewRequest("GET", "https://api.example.test/x", nil)
	if err := s.Sign(req); err != nil {
		t.Fatal(err)
	}
	p := authParams(t, req.Header.Get("Authorization"))
	if p["oauth_timestamp"] != "1700000000" || p["oauth_consumer_key"] != cred.ConsumerKey || len(p["oauth_nonce"]) < 8 {
		t.Fatalf("params %v", p)
	}
	for _, text := range []string{s.String(), req.String()} {
		if strings.Contains(text, cred.ConsumerSecret) || strings.Contains(text, cred.TokenSecret) ||
			strings.Contains(text, p["oauth_signature"]) {
			t.Fatalf("secret shown: %s", text)
		}
	}
	// RSA methods need an RSA key.
	if _, err := NewOAuth1Signer(OAuth1Config{ConsumerKey: "k", Method: OAuth1RSASHA256, RSAKey: keyFor(t, ES256)}); err == nil {
		t.Fatal("an EC key was accepted for RSA-SHA256")
	}
	rsa := a2aSigner(t, func(c *OAuth1Config) { c.Method = OAuth1RSASHA256; c.RSAKey = keyFor(t, RS256) })
	if err := rsa.Sign(NewRequest("GET", "https://api.example.test/x", nil)); err != nil {
		t.Fatal(err)
	}
}
