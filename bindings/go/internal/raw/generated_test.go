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
//
// Outside CI it skips when SWIG is absent or is another version than the one that wrote the committed
// files (a developer's machine). In CI (CI=true, as .ci/test and hosted runners set it) a present SWIG
// is always run and any difference fails the test, a version mismatch included: CI must install the
// SWIG that generated the committed files, or the files must be regenerated with CI's SWIG.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	committed, err := os.ReadFile("raw.go")
	if err != nil {
		t.Fatal(err)
	}
	inCI := os.Getenv("CI") == "true"
	want := regexp.MustCompile(`Version (\d+\.\d+\.\d+)`).FindSubmatch(committed)
	if want == nil {
		t.Fatal("raw.go does not name the SWIG version that generated it")
	}
	out, err := exec.Command("swig", "-version").CombinedOutput()
	if err != nil {
		t.Skip("swig not installed: the generated code is not checked")
	}
	have := regexp.MustCompile(`SWIG Version (\d+\.\d+\.\d+)`).FindSubmatch(out)
	if have == nil {
		t.Fatalf("cannot read the version from `swig -version`:\n%s", out)
	}
	versionsDiffer := !bytes.Equal(want[1], have[1])
	if versionsDiffer && !inCI {
		t.Skipf("committed files come from SWIG %s, this machine has %s (CI=true turns this into a check)", want[1], have[1])
	}
	dir := t.TempDir()
	if out, err := exec.Command("sh", "generate.sh", dir).CombinedOutput(); err != nil {
		t.Fatalf("generate.sh: %v\n%s", err, out)
	}
	for _, name := range []string{"raw.go", "raw_wrap.c"} {
		a, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			if versionsDiffer {
				t.Errorf("%s differs: committed from SWIG %s, regenerated with SWIG %s; regenerate with `go generate ./internal/raw` in bindings/go and commit", name, want[1], have[1])
			} else {
				t.Errorf("%s is stale: run `go generate ./internal/raw` in bindings/go and commit the result", name)
			}
		}
	}
}
