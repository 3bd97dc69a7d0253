// Command senhasegura_credential reads a credential from senhasegura's A2A API
// (https://HOST/iso/pam/credential/ID) with the method the configuration names (OAuth 2.0, OAuth 1.0
// or the query token), optionally over mTLS and with encrypted values decrypted. The password is used,
// never printed.
//
// Run (from examples/go; pkg-config must find m2mauth.pc, e.g. PKG_CONFIG_PATH=<build>/pkgconfig):
//
//	M2MAUTH_CONFIG=a2a.json go run ./senhasegura_credential 5      # or username@hostname
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/m2mauth"
	"github.com/m2mauth/m2mauth/bindings/go/m2mauth/senhasegura"
)

func main() {
	id := "5"
	if len(os.Args) > 1 {
		id = os.Args[1]
	}
	cfg, err := m2mauth.ConfigFromEnvironment()
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: configuration: %v\n", err)
		os.Exit(1)
	}
	defer cfg.Close()
	h, err := cfg.NewHTTP()
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: transport: %v\n", err)
		os.Exit(1)
	}
	defer h.Close()
	vault, err := senhasegura.NewClientFromConfig(cfg, h)
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: configuration: %v\n", err)
		os.Exit(1)
	}
	defer vault.Close()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cred, err := vault.Credential(ctx, id)
	if err != nil {
		var e *m2mauth.Error
		if errors.As(err, &e) {
			fmt.Fprintf(os.Stderr, "error: credential %s: %s (%s, vendor code %d, HTTP %d)\n", id, e.Message, e.Name,
				e.VendorCode, e.HTTPStatus)
		} else {
			fmt.Fprintf(os.Stderr, "error: credential %s: %v\n", id, err)
		}
		os.Exit(1)
	}
	defer cred.Wipe() // overwrites the password and content
	// ... use cred.Password (a senhasegura.Secret, []byte) to connect to the database, ...
	fmt.Printf("   credential %s: %s@%s, password of %d bytes (not shown)\n", id, cred.Username, cred.Hostname,
		len(cred.Password))
}
