package m2mauth

import (
	"context"
	"strconv"
	"strings"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// Token type identifiers of RFC 8693 section 3 (any absolute URI is accepted as a type).
const (
	TokenTypeAccessToken  = "urn:ietf:params:oauth:token-type:access_token"
	TokenTypeRefreshToken = "urn:ietf:params:oauth:token-type:refresh_token"
	TokenTypeIDToken      = "urn:ietf:params:oauth:token-type:id_token"
	TokenTypeSAML1        = "urn:ietf:params:oauth:token-type:saml1"
	TokenTypeSAML2        = "urn:ietf:params:oauth:token-type:saml2"
	TokenTypeJWT          = "urn:ietf:params:oauth:token-type:jwt"
)

// TokenExchange is one RFC 8693 token exchange request. SubjectToken and SubjectTokenType are
// required; ActorToken and ActorTokenType go together; RequestedTokenType, when set, must equal the
// answer's issued_token_type. The tokens are secrets: String and GoString leave them out.
type TokenExchange struct {
	SubjectToken       string
	SubjectTokenType   string
	ActorToken         string
	ActorTokenType     string
	RequestedTokenType string
	Audiences          []string
	Resources          []string
	Scope              string // space-separated
}

// String shows everything but the tokens.
func (x TokenExchange) String() string {
	return "TokenExchange(subject " + x.SubjectTokenType + ", " + strconv.Itoa(len(x.SubjectToken)) + " bytes" +
		", actor " + strconv.FormatBool(x.ActorToken != "") + ", audiences " + strings.Join(x.Audiences, " ") +
		", resources " + strings.Join(x.Resources, " ") + ", scope " + strconv.Quote(x.Scope) + ")"
}

// GoString is String.
func (x TokenExchange) GoString() string { return x.String() }

// ExchangedToken is the answer to a token exchange: the token, and the type the server says it issued.
// TokenType is "N_A" for a token that is not an access token.
type ExchangedToken struct {
	OAuthToken
	IssuedTokenType string
}

// String shows everything but the access token.
func (t ExchangedToken) String() string {
	return t.OAuthToken.String() + " issued as " + t.IssuedTokenType
}

// GoString is String.
func (t ExchangedToken) GoString() string { return t.String() }

// native builds the library's request, checked there (InvalidArgument naming the field, never a token).
func (x *TokenExchange) native() (raw.TokenExchangeHandle, error) {
	for _, s := range []string{x.SubjectToken, x.SubjectTokenType, x.ActorToken, x.ActorTokenType,
		x.RequestedTokenType, x.Scope} {
		if err := text("token exchange parameter", s); err != nil {
			return nil, err
		}
	}
	if err := texts("audience", x.Audiences); err != nil {
		return nil, err
	}
	if err := texts("resource", x.Resources); err != nil {
		return nil, err
	}
	if (x.ActorToken == "") != (x.ActorTokenType == "") {
		return nil, argError("token exchange: ActorToken and ActorTokenType go together")
	}
	var p uintptr
	if err := call(func() int { return raw.M2mauth_token_exchange_new(&p, x.SubjectToken, x.SubjectTokenType) }); err != nil {
		return nil, err
	}
	h := raw.SwigcptrTokenExchangeHandle(p)
	steps := []func() int{}
	if x.ActorToken != "" {
		steps = append(steps, func() int { return raw.M2mauth_token_exchange_set_actor(h, x.ActorToken, x.ActorTokenType) })
	}
	if x.RequestedTokenType != "" {
		steps = append(steps, func() int { return raw.M2mauth_token_exchange_set_requested_type(h, optional(x.RequestedTokenType)) })
	}
	for _, a := range x.Audiences {
		a := a
		steps = append(steps, func() int { return raw.M2mauth_token_exchange_add_audience(h, a) })
	}
	for _, r := range x.Resources {
		r := r
		steps = append(steps, func() int { return raw.M2mauth_token_exchange_add_resource(h, r) })
	}
	if x.Scope != "" {
		steps = append(steps, func() int { return raw.M2mauth_token_exchange_set_scope(h, optional(x.Scope)) })
	}
	for _, s := range steps {
		if err := call(s); err != nil {
			raw.DeleteTokenExchangeHandle(h)
			return nil, err
		}
	}
	return h, nil
}

func takeExchanged(p uintptr) *ExchangedToken {
	h := raw.SwigcptrTokenHandle(p)
	issued := raw.M2mauth_token_issued_token_type(h)
	return &ExchangedToken{OAuthToken: *takeToken(p), IssuedTokenType: strings.Clone(issued)}
}

// exchangeWith builds x's native request and makes one exchange with it through send (the client's or
// the manager's call), bounded by ctx.
func exchangeWith(ctx context.Context, x TokenExchange,
	send func(p *uintptr, h raw.TokenExchangeHandle, timeoutMs int64, cancel raw.CancelHandle) error) (*ExchangedToken, error) {
	h, err := x.native()
	if err != nil {
		return nil, err
	}
	defer raw.DeleteTokenExchangeHandle(h)
	return nativeCall(ctx, func(timeoutMs int64, cancel raw.CancelHandle) (*ExchangedToken, error) {
		var p uintptr
		if err := send(&p, h, timeoutMs, cancel); err != nil {
			return nil, err
		}
		return takeExchanged(p), nil
	})
}

// Exchange makes one RFC 8693 token exchange with the client's authentication (no cache). Refusals are
// *Error: OAuthError ("invalid_request", "invalid_target" ...) for the server's, "protocol" for an answer
// without a valid issued_token_type or with another than RequestedTokenType, "expired" (no request made)
// for a JWT subject token past its exp. ctx bounds the request and its end stops the transfer.
func (c *TokenClient) Exchange(ctx context.Context, x TokenExchange) (*ExchangedToken, error) {
	return exchangeWith(ctx, x, func(p *uintptr, h raw.TokenExchangeHandle, timeoutMs int64, cancel raw.CancelHandle) error {
		return c.use(func(ch raw.TokenClientHandle) int {
			return raw.M2mauth_glue_token_client_exchange_with(p, ch, h, timeoutMs, 0, cancel)
		})
	})
}

// Exchange is TokenClient.Exchange through the manager's cache: one key per distinct exchange (the
// SHA-256 of the subject and actor tokens and every parameter; counted in MaxKeys), refreshed and backed
// off like any key, served no longer than the subject token's exp when it is a JWT.
func (m *TokenManager) Exchange(ctx context.Context, x TokenExchange) (*ExchangedToken, error) {
	return exchangeWith(ctx, x, func(p *uintptr, h raw.TokenExchangeHandle, timeoutMs int64, cancel raw.CancelHandle) error {
		return m.use(func(mh raw.TokenManagerHandle) int {
			return raw.M2mauth_glue_token_manager_exchange_with(p, mh, h, timeoutMs, 0, cancel)
		})
	})
}
