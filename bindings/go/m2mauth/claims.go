package m2mauth

import (
	"bytes"
	"encoding/json"
	"time"
)

// Claims is a JWT claims set. Decoded numbers are json.Number, so integers stay exact.
type Claims map[string]any

func parseObject(s string) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, &Error{Code: int(ErrMalformed.Code), Name: ErrMalformed.Name, Message: "claims are not a JSON object"}
	}
	return m, nil
}

// String returns a string claim, "" if absent or not a string.
func (c Claims) String(name string) string {
	s, _ := c[name].(string)
	return s
}

// Int64 returns an integral number claim and whether it was one.
func (c Claims) Int64(name string) (int64, bool) {
	switch v := c[name].(type) {
	case json.Number:
		n, err := v.Int64()
		return n, err == nil
	case int64:
		return v, true
	case int:
		return int64(v), true
	}
	return 0, false
}

// Issuer is "iss".
func (c Claims) Issuer() string { return c.String("iss") }

// Subject is "sub".
func (c Claims) Subject() string { return c.String("sub") }

// ID is "jti".
func (c Claims) ID() string { return c.String("jti") }

// Audience is "aud" as a list (a single string is a one-element list).
func (c Claims) Audience() []string {
	switch v := c["aud"].(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, a := range v {
			if s, ok := a.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return v
	}
	return nil
}

func (c Claims) time(name string) (time.Time, bool) {
	n, ok := c.Int64(name)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

// ExpiresAt is "exp".
func (c Claims) ExpiresAt() (time.Time, bool) { return c.time("exp") }

// NotBefore is "nbf".
func (c Claims) NotBefore() (time.Time, bool) { return c.time("nbf") }

// IssuedAt is "iat".
func (c Claims) IssuedAt() (time.Time, bool) { return c.time("iat") }

// Token is a verified JWT: its claims and protected header, decoded and as the library returned them.
type Token struct {
	Claims     Claims
	Header     map[string]any
	ClaimsJSON string
	HeaderJSON string
}

// claimsJSON accepts JSON text (string, []byte, json.RawMessage) as is and marshals anything else.
func claimsJSON(claims any) (string, error) {
	switch v := claims.(type) {
	case string:
		return v, nil
	case []byte:
		return string(v), nil
	case json.RawMessage:
		return string(v), nil
	}
	b, err := json.Marshal(claims)
	if err != nil {
		return "", argError("claims cannot be marshalled to JSON: " + err.Error())
	}
	return string(b), nil
}
