package m2mauth

import (
	"fmt"
	"sync"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// BindingVersionNumber is M2MAUTH_VERSION_NUMBER of the C headers this package was compiled against
// (a constant compiled into internal/raw's C wrapper).
func BindingVersionNumber() int { return raw.M2MAUTH_VERSION_NUMBER }

// Version is the loaded C library's version, "MAJOR.MINOR.PATCH".
func Version() string { return raw.M2mauth_version_string() }

// VersionNumber is MAJOR*10000 + MINOR*100 + PATCH of the loaded C library.
func VersionNumber() int { return raw.M2mauth_version_number() }

// VersionDetails names the OpenSSL and libcurl versions the library runs with.
func VersionDetails() string { return raw.M2mauth_version_details() }

var (
	versionOnce sync.Once
	versionErr  error
)

// ready reports whether the loaded library accepts the headers this package was compiled against, by
// the library's own rule (m2mauth_version_compatible: while 0.x the minor must match; from 1.0 the
// major must match and the library must not be older). Checked once, before the first object is made.
func ready() error {
	versionOnce.Do(func() {
		compiled := BindingVersionNumber()
		versionErr = versionError(raw.M2mauth_version_compatible(compiled) != 0, VersionNumber(), compiled)
	})
	return versionErr
}

// versionError is the refusal of an incompatible library, naming both versions (nil if compatible).
func versionError(compatible bool, loaded, compiled int) error {
	if compatible {
		return nil
	}
	return &Error{Code: int(raw.M2MAUTH_EUNSUPPORTED), Name: raw.M2mauth_error_name(int(raw.M2MAUTH_EUNSUPPORTED)),
		Message: fmt.Sprintf("m2mauth: built for libm2mauth %s but loaded libm2mauth %s, which it cannot use",
			versionText(compiled), versionText(loaded))}
}

func versionText(n int) string { return fmt.Sprintf("%d.%d.%d", n/10000, n/100%100, n%100) }
