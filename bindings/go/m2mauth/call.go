package m2mauth

import (
	"runtime"
	"strings"
	"unsafe"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// call is the status gate: it runs one raw call returning an m2mauth_status and, if it failed, reads the
// error record. The record is thread-local in C, and Go may move a goroutine to another OS thread
// between two cgo calls, so the goroutine stays locked to its thread across both.
func call(f func() int) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if st := f(); st < 0 {
		return lastError(st)
	}
	return nil
}

func lastError(status int) *Error {
	e := &Error{Code: status, Name: raw.M2mauth_error_name(status)}
	rec := raw.M2mauth_error_last()
	if rec.GetCode() != status {
		e.transient = raw.M2mauth_error_code_is_transient(status) != 0
		return e
	}
	e.Message = rec.GetMessage()
	e.transient = raw.M2mauth_error_is_transient(rec) != 0
	e.HTTPStatus = rec.GetHttp_status()
	e.OAuthError = rec.GetOauth_error()
	e.OAuthErrorDescription = rec.GetOauth_error_description()
	e.OAuthErrorURI = rec.GetOauth_error_uri()
	e.VendorCode = rec.GetVendor_code()
	e.RetryAfterMillis = rec.GetRetry_after_ms()
	return e
}

// text refuses strings with NUL bytes, which C would read only up to the NUL (an issuer "a\x00b" must
// never be checked as "a").
func text(what string, s string) error {
	if strings.IndexByte(s, 0) >= 0 {
		return argError(what + " contains a NUL byte")
	}
	return nil
}

func texts(what string, ss []string) error {
	for _, s := range ss {
		if err := text(what, s); err != nil {
			return err
		}
	}
	return nil
}

func argError(msg string) *Error {
	return &Error{Code: int(raw.M2MAUTH_EINVAL), Name: raw.M2mauth_error_name(int(raw.M2MAUTH_EINVAL)), Message: msg}
}

// optional is nil for "" (C NULL) and the bytes of s otherwise.
func optional(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}

// str views b as a string without copying. Only for buffers just filled by a raw call, which nothing
// else references or changes.
func str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}
