package m2mauth

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"time"
)

// RegisteredClaims are the claims RFC 7519 registers, the type to pass to Verifier.VerifyInto when an
// application reads only those (as golang-jwt's RegisteredClaims and go-jose's jwt.Claims). Other claims
// are ignored. encoding/json fills it too, and it can be embedded in an application's claims struct.
// VerifyInto decodes it with a scanner of its own that gives what encoding/json gives, without reflection.
type RegisteredClaims struct {
	Issuer    string      `json:"iss,omitempty"`
	Subject   string      `json:"sub,omitempty"`
	Audience  Audience    `json:"aud,omitempty"`
	ExpiresAt NumericDate `json:"exp,omitempty"`
	NotBefore NumericDate `json:"nbf,omitempty"`
	IssuedAt  NumericDate `json:"iat,omitempty"`
	ID        string      `json:"jti,omitempty"`
}

// Audience is "aud": one string or an array of strings in the token, a list here.
type Audience []string

// UnmarshalJSON accepts a string or an array of strings; null leaves the list as it was.
func (a *Audience) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = append((*a)[:0], s)
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	*a = append((*a)[:0], list...)
	return nil
}

// NumericDate is a JWT time (RFC 7519 section 2): whole seconds since the Unix epoch (a fractional value
// is truncated toward zero).
type NumericDate int64

// Time is the date as a time.Time.
func (d NumericDate) Time() time.Time { return time.Unix(int64(d), 0) }

// UnmarshalJSON accepts a JSON number within int64's range; null leaves the date as it was.
func (d *NumericDate) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		*d = NumericDate(n)
		return nil
	}
	if len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')) {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f > math.MinInt64 && f < math.MaxInt64 {
			*d = NumericDate(math.Trunc(f))
			return nil
		}
		return &json.UnmarshalTypeError{Value: "number", Type: reflect.TypeOf(*d)} // no token bytes in messages
	}
	return &json.UnmarshalTypeError{Value: jsonKind(b), Type: reflect.TypeOf(*d)}
}

func jsonKind(b []byte) string {
	if len(b) > 0 {
		switch b[0] {
		case '"':
			return "string"
		case '{':
			return "object"
		case '[':
			return "array"
		case 't', 'f':
			return "bool"
		}
	}
	return "value"
}
