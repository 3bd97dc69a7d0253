package m2mauth

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// optionsCase is one case of tests/vectors/m2mauth/options.json.
type optionsCase struct {
	Name      string                 `json:"name"`
	Struct    string                 `json:"struct"`
	Given     map[string]interface{} `json:"given"`
	Effective map[string]interface{} `json:"effective"`
	Error     string                 `json:"error"`
}

func optionsCases(t *testing.T) []optionsCase {
	b, err := os.ReadFile(filepath.Join(repoRoot, "tests", "vectors", "m2mauth", "options.json"))
	if err != nil {
		t.Skipf("options vectors not present: %v", err)
	}
	var doc struct {
		Cases []optionsCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Cases
}

func msOf(v interface{}) *time.Duration { return Ptr(time.Duration(v.(float64)) * time.Millisecond) }

func managerOptionsOf(t *testing.T, given map[string]interface{}) ManagerOptions {
	var o ManagerOptions
	for k, v := range given {
		switch k {
		case "refresh_fraction":
			o.RefreshFraction = Ptr(v.(float64))
		case "jitter_fraction":
			o.JitterFraction = Ptr(v.(float64))
		case "refresh_margin_ms":
			o.RefreshMargin = msOf(v)
		case "expiry_skew_ms":
			o.ExpirySkew = msOf(v)
		case "wait_timeout_ms":
			o.WaitTimeout = msOf(v)
		case "backoff_base_ms":
			o.BackoffBase = msOf(v)
		case "backoff_max_ms":
			o.BackoffMax = msOf(v)
		case "permanent_backoff_ms":
			o.PermanentBackoff = msOf(v)
		case "min_fetch_interval_ms":
			o.MinFetchInterval = msOf(v)
		case "max_keys":
			o.MaxKeys = Ptr(int(v.(float64)))
		case "caller_refresh":
			o.CallerRefresh = v.(float64) != 0
		case "report_cache_hits":
			o.ReportCacheHits = v.(float64) != 0
		default:
			t.Fatalf("unknown token manager field %q", k)
		}
	}
	return o
}

func httpOptionsOf(t *testing.T, given map[string]interface{}) HTTPOptions {
	var o HTTPOptions
	for k, v := range given {
		switch k {
		case "insecure_skip_verify":
			o.InsecureSkipVerify = v.(float64) != 0
		case "allow_plain_http":
			o.AllowPlainHTTP = v.(float64) != 0
		case "ca_file":
			o.CAFile = v.(string)
		case "ca_dir":
			o.CADir = v.(string)
		case "client_cert":
			o.ClientCert = v.(string)
		case "client_key":
			o.ClientKey = v.(string)
		case "client_key_passphrase":
			o.ClientKeyPassphrase = []byte(v.(string))
		case "client_cert_type":
			o.PKCS12 = v.(string) == "P12"
		case "proxy":
			o.Proxy = v.(string)
		case "user_agent":
			o.UserAgent = v.(string)
		case "connect_timeout_ms":
			o.ConnectTimeout = msOf(v)
		case "timeout_ms":
			o.Timeout = msOf(v)
		case "max_response_bytes":
			o.MaxResponseBytes = Ptr(int64(v.(float64)))
		default:
			t.Fatalf("unknown HTTP field %q", k)
		}
	}
	return o
}

// The options built from each case's given values describe the effective configuration of the case,
// or fail with its error, exactly as the C structs do (cases with a "version" are C only).
func TestOptionsVectors(t *testing.T) {
	counts := map[string]int{}
	for _, c := range optionsCases(t) {
		if _, ok := c.Given["version"]; ok {
			continue
		}
		counts[c.Struct]++
		var got string
		var err error
		if c.Struct == "token_manager" {
			got, err = managerOptionsOf(t, c.Given).Describe()
		} else {
			got, err = httpOptionsOf(t, c.Given).Describe()
		}
		name := c.Struct + ": " + c.Name
		if c.Error != "" {
			var e *Error
			if !errors.Is(err, ErrInvalidArgument) || !errors.As(err, &e) || e.Name != c.Error {
				t.Errorf("%s: want %s, got %q, %v", name, c.Error, got, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var eff map[string]interface{}
		if err := json.Unmarshal([]byte(got), &eff); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(eff, c.Effective) {
			t.Errorf("%s:\n got  %s\n want %v", name, got, c.Effective)
		}
	}
	if counts["token_manager"] < 30 || counts["http"] < 15 {
		t.Errorf("cases read: %v", counts)
	}
}

func TestOptionsZeroValueIsTheLibraryDefaults(t *testing.T) {
	d, err := ManagerOptions{}.Describe()
	if err != nil || !strings.Contains(d, `"jitter_fraction":0.1`) {
		t.Fatalf("%s %v", d, err)
	}
	none, err := ManagerOptions{JitterFraction: Ptr(0.0)}.Describe()
	if err != nil || !strings.Contains(none, `"jitter_fraction":0`) {
		t.Fatalf("%s %v", none, err)
	}
	h, err := HTTPOptions{ClientKeyPassphrase: []byte("hunter2-pass")}.Describe()
	if err != nil || strings.Contains(h, "hunter2") || !strings.Contains(h, `"max_response_bytes":4194304`) {
		t.Fatalf("%s %v", h, err)
	}
	if _, err := (HTTPOptions{MaxResponseBytes: Ptr(int64(-1))}).Describe(); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("negative size: %v", err)
	}
}
