package m2mauth

import "github.com/m2mauth/m2mauth/bindings/go/internal/raw"

// Algorithm is a JWS algorithm (RFC 7518, RFC 8037). "none" does not exist here.
type Algorithm int

// The JWS algorithms, with the values of m2mauth_alg (jws.h; explicit, never reordered or reused:
// TestAlgorithmValuesMatchHeader checks them against the generated layer).
const (
	HS256 Algorithm = 1
	HS384 Algorithm = 2
	HS512 Algorithm = 3
	RS256 Algorithm = 4
	RS384 Algorithm = 5
	RS512 Algorithm = 6
	PS256 Algorithm = 7
	PS384 Algorithm = 8
	PS512 Algorithm = 9
	ES256 Algorithm = 10
	ES384 Algorithm = 11
	ES512 Algorithm = 12
	EdDSA Algorithm = 13
)

// Algorithms lists every algorithm.
var Algorithms = []Algorithm{HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA}

// String is the JOSE "alg" name, or "" for an unknown value.
func (a Algorithm) String() string { return raw.M2mauth_alg_name(int(a)) }

// ParseAlgorithm is the algorithm of a JOSE name ("RS256"); ErrAlgorithm for unknown names and "none".
func ParseAlgorithm(name string) (Algorithm, error) {
	if err := text("algorithm name", name); err != nil {
		return 0, err
	}
	if err := ready(); err != nil {
		return 0, err
	}
	var id int32
	if err := call(func() int { return raw.M2mauth_alg_from_name(&id, name) }); err != nil {
		return 0, err
	}
	return Algorithm(id), nil
}

func algBits(algs []Algorithm) (uint, error) {
	var bits uint
	for _, a := range algs {
		b := raw.M2mauth_alg_bit(int(a))
		if b == 0 {
			return 0, argError("unknown algorithm in the allow-list")
		}
		bits |= b
	}
	if bits == 0 {
		return 0, argError("the algorithm allow-list is empty")
	}
	return bits, nil
}
