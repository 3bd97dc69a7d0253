package m2mauth

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"
)

// decodeRegistered fills c from verified claims JSON (an object the library has validated) the way
// json.Unmarshal(js, c) would, without reflection and, for values c already holds, without allocating. It
// handles the common shape only: names and string values without escapes, integral dates within int64,
// "aud" a string or an array of strings. On anything else (escapes, fractions, null, a wrong type, a name
// matching a registered one only case-insensitively, as encoding/json would accept) it leaves c unchanged
// and returns false, and the caller runs encoding/json, which decides.
func decodeRegistered(js []byte, c *RegisteredClaims) bool {
	s := claimScanner{b: js}
	out := *c
	s.ws()
	if !s.eat('{') {
		return false
	}
	s.ws()
	if s.eat('}') {
		return s.end(c, &out)
	}
	for {
		s.ws()
		name, ok := s.plainString()
		if !ok {
			return false
		}
		s.ws()
		if !s.eat(':') {
			return false
		}
		s.ws()
		switch string(name) {
		case "iss":
			ok = s.text(&out.Issuer)
		case "sub":
			ok = s.text(&out.Subject)
		case "jti":
			ok = s.text(&out.ID)
		case "aud":
			ok = s.audience()
		case "exp":
			ok = s.date(&out.ExpiresAt)
		case "nbf":
			ok = s.date(&out.NotBefore)
		case "iat":
			ok = s.date(&out.IssuedAt)
		default:
			ok = !foldsToRegistered(name) && s.skipValue()
		}
		if !ok {
			return false
		}
		s.ws()
		if s.eat('}') {
			return s.end(c, &out)
		}
		if !s.eat(',') {
			return false
		}
	}
}

var registeredNames = [...][]byte{[]byte("iss"), []byte("sub"), []byte("aud"), []byte("exp"), []byte("nbf"),
	[]byte("iat"), []byte("jti")}

// foldsToRegistered: encoding/json also fills a field from a name equal to its tag under Unicode case
// folding ("ISS", "ſub"). Such a name (at most 3 characters of at most 3 bytes each) sends the claims to
// encoding/json.
func foldsToRegistered(name []byte) bool {
	if len(name) > 9 {
		return false
	}
	for _, r := range registeredNames {
		if bytes.EqualFold(name, r) {
			return true
		}
	}
	return false
}

type claimScanner struct {
	b   []byte
	i   int
	aud [2]int // where "aud"'s value is, when there is one
}

// end accepts the object's end (only whitespace after it) and stores what was decoded.
func (s *claimScanner) end(c, out *RegisteredClaims) bool {
	s.ws()
	if s.i != len(s.b) {
		return false
	}
	if s.aud[1] != 0 {
		s.storeAudience(&out.Audience)
	}
	*c = *out
	return true
}

func (s *claimScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *claimScanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// plainString reads a string without escapes or control characters, in valid UTF-8 (what encoding/json
// would copy as is), and returns its bytes (a view of the input).
func (s *claimScanner) plainString() ([]byte, bool) {
	if !s.eat('"') {
		return nil, false
	}
	n := bytes.IndexByte(s.b[s.i:], '"')
	if n < 0 {
		return nil, false
	}
	v := s.b[s.i : s.i+n]
	s.i += n + 1
	i := 0
	for ; i+8 <= len(v); i += 8 { // 8 bytes at a time while all are printable ASCII other than '\\'
		if !plain8(binary.LittleEndian.Uint64(v[i:])) {
			break
		}
	}
	for j, c := range v[i:] {
		if c-0x20 > 0x7f-0x20 { // outside printable ASCII (c is unsigned: below 0x20 wraps around)
			if c < 0x20 {
				return nil, false
			}
			rest := v[i+j:]
			return v, utf8.Valid(rest) && bytes.IndexByte(rest, '\\') < 0 && !hasControl(rest)
		}
		if c == '\\' {
			return nil, false // an escape (and the quote found may be an escaped one): encoding/json decides
		}
	}
	return v, true
}

// plain8 reports whether the 8 bytes of w are all in 0x20-0x7f and none is '\\' (word-at-a-time tests:
// a byte's high bit, a byte under 0x20, a byte equal to 0x5c).
func plain8(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	below20 := (w - 0x20*ones) & ^w & highs
	x := w ^ ('\\' * ones)
	backslash := (x - ones) & ^x & highs
	return (w&highs)|below20|backslash == 0
}

func hasControl(v []byte) bool {
	for _, c := range v {
		if c < 0x20 {
			return true
		}
	}
	return false
}

// text stores a string value, keeping dst's string when it holds the same text (no allocation).
func (s *claimScanner) text(dst *string) bool {
	v, ok := s.plainString()
	if !ok {
		return false
	}
	if *dst != string(v) {
		*dst = string(v)
	}
	return true
}

// audience checks a string or an array of strings and notes where it is: end() stores it, so that claims
// refused later leave the caller's list (whose array it reuses) as it was.
func (s *claimScanner) audience() bool {
	start := s.i
	if !s.audienceItems(nil) {
		return false
	}
	s.aud = [2]int{start, s.i}
	return true
}

// audienceItems passes over "aud"'s value, calling each (if not nil) with every string.
func (s *claimScanner) audienceItems(each func([]byte)) bool {
	if s.i < len(s.b) && s.b[s.i] == '"' {
		v, ok := s.plainString()
		if ok && each != nil {
			each(v)
		}
		return ok
	}
	if !s.eat('[') {
		return false
	}
	s.ws()
	if s.eat(']') {
		return true
	}
	for {
		s.ws()
		v, ok := s.plainString()
		if !ok {
			return false
		}
		if each != nil {
			each(v)
		}
		s.ws()
		if s.eat(']') {
			return true
		}
		if !s.eat(',') {
			return false
		}
	}
}

// storeAudience fills dst from the value audience() checked, reusing dst's array and the strings that match.
func (s *claimScanner) storeAudience(dst *Audience) {
	list := (*dst)[:0]
	s.i = s.aud[0]
	s.audienceItems(func(v []byte) {
		n := len(list)
		if n < cap(list) && list[:n+1][n] == string(v) {
			list = list[:n+1]
			return
		}
		list = append(list, string(v))
	})
	*dst = list
}

// date stores an integral number within int64's range.
func (s *claimScanner) date(dst *NumericDate) bool {
	neg := s.eat('-')
	start := s.i
	var n uint64
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		n = n*10 + uint64(s.b[s.i]-'0')
		s.i++
	}
	digits := s.i - start
	if digits == 0 || digits > 18 { // 18 digits cannot overflow
		return false
	}
	if s.i < len(s.b) {
		switch s.b[s.i] {
		case '.', 'e', 'E':
			return false // a fraction or an exponent: NumericDate.UnmarshalJSON decides
		}
	}
	if neg {
		*dst = NumericDate(-int64(n))
	} else {
		*dst = NumericDate(n)
	}
	return true
}

// skipValue passes over one JSON value of a claim c does not hold (the library validated the text).
func (s *claimScanner) skipValue() bool {
	depth := 0
	for s.i < len(s.b) {
		switch c := s.b[s.i]; c {
		case '"':
			s.i++
			for s.i < len(s.b) && s.b[s.i] != '"' {
				if s.b[s.i] == '\\' {
					s.i++
				}
				s.i++
			}
			if s.i >= len(s.b) {
				return false
			}
			s.i++
		case '{', '[':
			depth++
			s.i++
		case '}', ']':
			if depth == 0 {
				return true // the end of the enclosing object: a scalar just ended
			}
			depth--
			s.i++
		case ',':
			if depth == 0 {
				return true
			}
			s.i++
		default:
			s.i++
		}
		if depth == 0 && s.i > 0 {
			switch s.b[s.i-1] {
			case '"', '}', ']':
				return true
			}
		}
	}
	return depth == 0
}
