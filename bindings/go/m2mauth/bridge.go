package m2mauth

import (
	"context"
	"runtime"

	"github.com/m2mauth/m2mauth/bindings/go/internal/bridge"
	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// The sub-packages of the binding (senhasegura) reach this package's handles through internal/bridge,
// so that none of it becomes public API.
func init() {
	bridge.Call = call
	bridge.Ready = ready
	bridge.Native = func(ctx context.Context, f func(timeoutMs int64, cancel raw.CancelHandle) error) error {
		_, err := nativeCall(ctx, func(timeoutMs int64, cancel raw.CancelHandle) (struct{}, error) {
			return struct{}{}, f(timeoutMs, cancel)
		})
		return err
	}
	bridge.WithHTTP = func(x any, f func(raw.HttpHandle) error) error {
		t, _ := x.(*HTTP)
		if t == nil {
			return ErrClosed
		}
		err := t.h.use(func(p uintptr) error { return f(httpHandle(p)) })
		runtime.KeepAlive(t)
		return err
	}
	bridge.WithKey = func(x any, f func(raw.KeyHandle) error) error {
		k, _ := x.(*Key)
		if k == nil {
			return ErrClosed
		}
		err := k.h.use(func(p uintptr) error { return f(keyHandle(p)) })
		runtime.KeepAlive(k)
		return err
	}
	bridge.WithCert = func(x any, f func(raw.CertHandle) error) error {
		c, _ := x.(*Certificate)
		if c == nil {
			return ErrClosed
		}
		err := c.h.use(func(p uintptr) error { return f(certHandle(p)) })
		runtime.KeepAlive(c)
		return err
	}
	bridge.WithConfig = func(x any, f func(raw.ConfigHandle) error) error {
		c, _ := x.(*Config)
		if c == nil {
			return ErrClosed
		}
		err := c.h.use(func(p uintptr) error { return f(configHandle(p)) })
		runtime.KeepAlive(c)
		return err
	}
	bridge.ManagerOptions = func(x any) (raw.TokenManagerOptionsStruct, error) {
		o, _ := x.(*ManagerOptions)
		if o == nil {
			o = &ManagerOptions{}
		}
		return nativeManagerOptions(o)
	}
	bridge.Error = func(code int, message string) error {
		return &Error{Code: code, Name: raw.M2mauth_error_name(code), Message: message}
	}
}
