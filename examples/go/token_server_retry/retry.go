// Package retry is the code under test of the test-double example: it fetches a token, retrying once
// when the failure is transient. retry_test.go tests it against m2mauthtest.NewTokenServer.
package retry

import (
	"context"
	"errors"

	"github.com/m2mauth/m2mauth/bindings/go/m2mauth"
)

// FetchWithOneRetry fetches a token, and once more when the first failure is transient.
func FetchWithOneRetry(ctx context.Context, c *m2mauth.TokenClient) (*m2mauth.OAuthToken, error) {
	t, err := c.Fetch(ctx)
	var e *m2mauth.Error
	if err != nil && errors.As(err, &e) && e.Transient() {
		return c.Fetch(ctx)
	}
	return t, err
}
