package raw

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// TestGeneratedCodeIsCurrent regenerates raw.go and raw_wrap.c from bindings/swig and the C headers and
// compares them with the committed files, so a header or .i change cannot ship without regeneration.
// It needs the SWIG version that wrote the committed files; with another version (or none) it skips.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	committed, err := os.ReadFile("raw.go")
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`Version (\d+\.\d+\.\d+)`).FindSubmatch(committed)
	out, err := exec.Command("swig", "-version").CombinedOutput()
	if err != nil {
		t.Skip("swig not installed")
	}
	have := regexp.MustCompile(`SWIG Version (\d+\.\d+\.\d+)`).FindSubmatch(out)
	if want == nil || have == nil || !bytes.Equal(want[1], have[1]) {
		t.Skipf("committed files come from SWIG %s, this machine has %s", want[1], have)
	}
	dir := t.TempDir()
	if out, err := exec.Command("sh", "generate.sh", dir).CombinedOutput(); err != nil {
		t.Fatalf("generate.sh: %v\n%s", err, out)
	}
	for _, name := range []string{"raw.go", "raw_wrap.c"} {
		a, _ := os.ReadFile(name)
		b, _ := os.ReadFile(filepath.Join(dir, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s is stale: run `go generate ./internal/raw` in bindings/go and commit the result", name)
		}
	}
}
