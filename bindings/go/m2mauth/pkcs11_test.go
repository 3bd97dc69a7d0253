package m2mauth_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/m2mauth/m2mauth/bindings/go/m2mauth"
)

// TestPKCS11KeysInSoftHSM makes a SoftHSM2 token in a temporary folder, generates an EC P-256 key in
// it with pkcs11-tool, signs a JWT through the token and verifies it with the public key.
func TestPKCS11KeysInSoftHSM(t *testing.T) {
	module := ""
	for _, m := range []string{"/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"} {
		if _, err := os.Stat(m); err == nil {
			module = m
			break
		}
	}
	util, err1 := exec.LookPath("softhsm2-util")
	tool, err2 := exec.LookPath("pkcs11-tool")
	if module == "" || err1 != nil || err2 != nil {
		t.Skip("SoftHSM2 (softhsm2) or pkcs11-tool (opensc) is not installed")
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.Mkdir(filepath.Join(dir, "tokens"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte("directories.tokendir = "+dir+"/tokens\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOFTHSM2_CONF", conf) // the module reads it when the process first loads it
	const pin = "97531"
	for _, args := range [][]string{
		{util, "--init-token", "--free", "--label", "go-test", "--pin", pin, "--so-pin", "86420864"},
		{tool, "--module", module, "--token-label", "go-test", "--login", "--pin", pin, "--keypairgen", "--key-type",
			"EC:prime256v1", "--label", "ec1", "--id", "02"},
	} {
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args[:2], err, out)
		}
	}
	uri := "pkcs11:token=go-test;object=ec1;type=private?module-path=" + module
	// A wrong PIN first: once a key is loaded the token stays logged in for the process (PKCS#11).
	_, err := m2mauth.KeyFromPKCS11(uri, []byte("000000"))
	if !errors.Is(err, m2mauth.ErrKey) || strings.Contains(err.Error(), "000000") {
		t.Fatal("wrong PIN:", err)
	}
	key, err := m2mauth.KeyFromPKCS11(uri, []byte(pin))
	if err != nil {
		t.Fatal(err)
	}
	defer key.Close()
	token, err := m2mauth.SignJWT(key, map[string]any{"sub": "svc"}, m2mauth.WithAlgorithm(m2mauth.ES256))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := key.Public()
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	if _, err := m2mauth.VerifyJWT(token, pub, m2mauth.WithAllowedAlgorithms(m2mauth.ES256)); err != nil {
		t.Fatal(err)
	}
	if _, err := key.PrivatePEM(nil); !errors.Is(err, m2mauth.ErrNoPrivateKey) {
		t.Fatal("export:", err)
	}
}
