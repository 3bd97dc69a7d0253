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

// ready reports whether the loaded library agrees with the headers: same major version and not older.
// Checked once, before the first object is made.
func ready() error {
	versionOnce.Do(func() {
		loaded := VersionNumber()
		compiled := BindingVersionNumber()
		if loaded/10000 != compiled/10000 || loaded < compiled {
			versionErr = &Error{Code: int(raw.M2MAUTH_EUNSUPPORTED), Name: "version",
				Message: fmt.Sprintf("m2mauth: built for libm2mauth %d, loaded %d", compiled, loaded)}
		}
	})
	return versionErr
}
