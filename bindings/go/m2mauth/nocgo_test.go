package m2mauth

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Without cgo the package does not build, and the go command's message says why (internal/raw/nocgo.go)
// instead of "build constraints exclude all Go files".
func TestBuildWithoutCgoSaysWhatIsMissing(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	cmd := exec.Command(goTool, "build", "-o", os.DevNull, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("built with CGO_ENABLED=0:\n%s", out)
	}
	msg := string(out)
	for _, want := range []string{"m2mauth needs cgo and the C library libm2mauth", "CGO_ENABLED=1", "pkg-config"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q not in:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "build constraints exclude all Go files") {
		t.Errorf("the go command's own message:\n%s", msg)
	}
}
