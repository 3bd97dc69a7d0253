// Command installcheck signs and verifies a JWT through an installed libm2mauth and prints the library's
// version and the file it was loaded from (tests/install/run.sh checks that this is the installed one).
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/m2mauth"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "installcheck:", err)
		os.Exit(1)
	}
}

func run() error {
	key, err := m2mauth.GenerateHMAC(32)
	if err != nil {
		return err
	}
	defer key.Close()
	token, err := m2mauth.SignJWT(key, m2mauth.Claims{"iss": "installcheck", "exp": time.Now().Add(time.Minute).Unix()},
		m2mauth.WithAlgorithm(m2mauth.HS256))
	if err != nil {
		return err
	}
	if _, err := m2mauth.VerifyJWT(token, key, m2mauth.WithAllowedAlgorithms(m2mauth.HS256),
		m2mauth.WithIssuer("installcheck")); err != nil {
		return err
	}
	fmt.Println("go: m2mauth", m2mauth.Version(), "signed and verified")
	fmt.Println("loaded:", loaded("libm2mauth.so"))
	return nil
}

// loaded is the path of the mapped file whose name contains name ("" if none).
func loaded(name string) string {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return ""
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if i := strings.Index(s.Text(), "/"); i >= 0 && strings.Contains(s.Text()[i:], name) {
			return s.Text()[i:]
		}
	}
	return ""
}
