package senhasegura

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/m2mauth/m2mauth/bindings/go/internal/bridge"
	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// Secret is a secret value (a password, a key, a DSM secret) as UTF-8 bytes. It never prints (%v, %s,
// %+v and %#v show its length only); Wipe overwrites it. string(s) gives the text when needed.
type Secret []byte

// String hides the value.
func (s Secret) String() string { return "Secret(" + strconv.Itoa(len(s)) + " bytes)" }

// GoString hides the value.
func (s Secret) GoString() string { return s.String() }

// Format hides the value for every verb (%x and %q included).
func (s Secret) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(s.String())) }

// Wipe overwrites the value with zeros.
func (s Secret) Wipe() { wipe(s) }

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}

// Credential is a PAM credential (GET /iso/pam/credential/...). Field names follow the vendor's
// example (the senhasegura WebService A2A documentation); Fields holds every non-secret member as sent.
type Credential struct {
	ID, Identifier, Username, Hostname, IP, Port, Domain, Additional, Model, ExpirationTime string

	Password Secret
	Content  Secret
	Fields   map[string]any
}

// Wipe overwrites the secrets.
func (c *Credential) Wipe() {
	if c != nil {
		c.Password.Wipe()
		c.Content.Wipe()
	}
}

// String shows the account, never the password.
func (c Credential) String() string {
	return fmt.Sprintf("Credential(%s %s@%s, password %d bytes)", c.ID, c.Username, c.Hostname, len(c.Password))
}

// GoString is String.
func (c Credential) GoString() string { return c.String() }

// Info is protected information (GET /iso/pam/info/{id}); Content is the secret.
type Info struct {
	ID, Identifier, Name, Type string

	Content Secret
	Fields  map[string]any
}

// Wipe overwrites the secret.
func (i *Info) Wipe() {
	if i != nil {
		i.Content.Wipe()
	}
}

// String never shows the content.
func (i Info) String() string {
	return fmt.Sprintf("Info(%s %q, content %d bytes)", i.ID, i.Name, len(i.Content))
}

// GoString is String.
func (i Info) GoString() string { return i.String() }

// SSHKey is an SSH key (GET /iso/pam/key/{id}); PrivateKey and Passphrase are secrets.
type SSHKey struct {
	ID, Username, Hostname, IP, Port, Type, PublicKey string

	PrivateKey Secret
	Passphrase Secret
	Fields     map[string]any
}

// Wipe overwrites the secrets.
func (k *SSHKey) Wipe() {
	if k != nil {
		k.PrivateKey.Wipe()
		k.Passphrase.Wipe()
	}
}

// String never shows the private key.
func (k SSHKey) String() string {
	return fmt.Sprintf("SSHKey(%s %s@%s %s, private key %d bytes)", k.ID, k.Username, k.Hostname, k.Type, len(k.PrivateKey))
}

// GoString is String.
func (k SSHKey) GoString() string { return k.String() }

// Application is the DevOps Secret Manager application of an authorization (GET /iso/dapp/application).
type Application struct {
	Name, Description, System, Environment string

	Secrets []DSMSecret
	Fields  map[string]any // members other than "secrets"
}

// Wipe overwrites every secret value.
func (a *Application) Wipe() {
	if a != nil {
		for i := range a.Secrets {
			a.Secrets[i].Wipe()
		}
	}
}

// String never shows a value.
func (a Application) String() string {
	return fmt.Sprintf("Application(%q, %d secrets)", a.Name, len(a.Secrets))
}

// GoString is String.
func (a Application) GoString() string { return a.String() }

// DSMSecret is one secret of an application: its name/value pairs in Data, in the server's order.
type DSMSecret struct {
	SecretID, SecretName, Identity, Version, ExpirationDate, Engine string

	Data   []DSMValue
	Fields map[string]any // members other than "data"
}

// DSMValue is one name/value pair of a DSM secret.
type DSMValue struct {
	Name  string
	Value Secret
}

// Value is the value named name (nil, false if there is none).
func (s *DSMSecret) Value(name string) (Secret, bool) {
	for _, v := range s.Data {
		if v.Name == name {
			return v.Value, true
		}
	}
	return nil, false
}

// Wipe overwrites the values.
func (s *DSMSecret) Wipe() {
	for _, v := range s.Data {
		v.Value.Wipe()
	}
}

// String never shows a value.
func (s DSMSecret) String() string {
	names := make([]string, len(s.Data))
	for i, v := range s.Data {
		names[i] = v.Name
	}
	return fmt.Sprintf("DSMSecret(%s %q, names %v)", s.SecretID, s.SecretName, names)
}

// GoString is String.
func (s DSMSecret) GoString() string { return s.String() }

// ---- parsing: secrets go from the JSON text into []byte, never through a Go string ----------------

func protocolError(what string, err error) error {
	msg := "A2A " + what + ": not the expected JSON"
	if err != nil {
		msg += " (" + err.Error() + ")"
	}
	return bridge.Error(int(raw.M2MAUTH_EPROTOCOL), msg)
}

// members splits a JSON object into its members: non-secret ones decoded into fields, the raw text
// of the names in secret kept (the caller wipes what it takes with wipeMembers).
type object struct {
	fields  map[string]any
	secrets map[string]json.RawMessage
	raw     map[string]json.RawMessage
}

func splitObject(what string, text []byte, secret ...string) (*object, error) {
	o := &object{fields: map[string]any{}, secrets: map[string]json.RawMessage{}}
	if err := json.Unmarshal(text, &o.raw); err != nil || o.raw == nil {
		o.wipe()
		return nil, protocolError(what, err)
	}
	isSecret := map[string]bool{}
	for _, s := range secret {
		isSecret[s] = true
	}
	for name, v := range o.raw {
		if isSecret[name] {
			o.secrets[name] = v
			continue
		}
		var x any
		if err := json.Unmarshal(v, &x); err != nil {
			o.wipe()
			return nil, protocolError(what, err)
		}
		o.fields[name] = x
	}
	return o, nil
}

func (o *object) wipe() {
	for _, v := range o.raw {
		wipe(v)
	}
}

// text is a non-secret member as text ("" when absent; numbers and booleans as JSON writes them).
func (o *object) text(name string) string {
	switch v := o.fields[name].(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return fmt.Sprint(v)
	}
}

// secret decodes a secret member (a JSON string; absent or null: nil).
func (o *object) secret(what, name string) (Secret, error) {
	v, ok := o.secrets[name]
	if !ok || string(v) == "null" {
		return nil, nil
	}
	s, err := unquote(v)
	if err != nil {
		return nil, protocolError(what+" "+name, nil)
	}
	return s, nil
}

func parseCredential(text []byte) (*Credential, error) {
	o, err := splitObject("credential", text, "password", "content")
	if err != nil {
		return nil, err
	}
	defer o.wipe()
	c := &Credential{ID: o.text("id"), Identifier: o.text("identifier"), Username: o.text("username"),
		Hostname: o.text("hostname"), IP: o.text("ip"), Port: o.text("port"), Domain: o.text("domain"),
		Additional: o.text("additional"), Model: o.text("model"), ExpirationTime: o.text("expiration_time"),
		Fields: o.fields}
	if c.Password, err = o.secret("credential", "password"); err == nil {
		c.Content, err = o.secret("credential", "content")
	}
	if err != nil {
		c.Wipe()
		return nil, err
	}
	return c, nil
}

func parseInfo(text []byte) (*Info, error) {
	o, err := splitObject("information", text, "content")
	if err != nil {
		return nil, err
	}
	defer o.wipe()
	i := &Info{ID: o.text("id"), Identifier: o.text("identifier"), Name: o.text("name"), Type: o.text("type"),
		Fields: o.fields}
	if i.Content, err = o.secret("information", "content"); err != nil {
		return nil, err
	}
	return i, nil
}

func parseSSHKey(text []byte) (*SSHKey, error) {
	o, err := splitObject("SSH key", text, "private_key", "passphrase")
	if err != nil {
		return nil, err
	}
	defer o.wipe()
	k := &SSHKey{ID: o.text("id"), Username: o.text("username"), Hostname: o.text("hostname"), IP: o.text("ip"),
		Port: o.text("port"), Type: o.text("type"), PublicKey: o.text("public_key"), Fields: o.fields}
	if k.PrivateKey, err = o.secret("SSH key", "private_key"); err == nil {
		k.Passphrase, err = o.secret("SSH key", "passphrase")
	}
	if err != nil {
		k.Wipe()
		return nil, err
	}
	return k, nil
}

func parseApplication(text []byte) (*Application, error) {
	o, err := splitObject("application", text, "secrets")
	if err != nil {
		return nil, err
	}
	defer o.wipe()
	a := &Application{Name: o.text("name"), Description: o.text("description"), System: o.text("system"),
		Environment: o.text("environment"), Fields: o.fields}
	if v, ok := o.secrets["secrets"]; ok && string(v) != "null" {
		var items []json.RawMessage
		if err := json.Unmarshal(v, &items); err != nil {
			return nil, protocolError("application secrets", err)
		}
		defer func() {
			for _, it := range items {
				wipe(it)
			}
		}()
		for _, it := range items {
			s, err := parseDSMSecret(it)
			if err != nil {
				a.Wipe()
				return nil, err
			}
			a.Secrets = append(a.Secrets, *s)
		}
	}
	return a, nil
}

func parseDSMSecret(text []byte) (*DSMSecret, error) {
	o, err := splitObject("DSM secret", text, "data")
	if err != nil {
		return nil, err
	}
	defer o.wipe()
	s := &DSMSecret{SecretID: o.text("secret_id"), SecretName: o.text("secret_name"), Identity: o.text("identity"),
		Version: o.text("version"), ExpirationDate: o.text("expiration_date"), Engine: o.text("engine"),
		Fields: o.fields}
	v, ok := o.secrets["data"]
	if !ok || string(v) == "null" {
		return s, nil
	}
	// "data": [{"NAME": "value"}, ...] (a plain object is accepted too).
	var items []json.RawMessage
	if len(v) > 0 && v[0] == '{' {
		items = []json.RawMessage{append(json.RawMessage(nil), v...)}
	} else if err := json.Unmarshal(v, &items); err != nil {
		return nil, protocolError("DSM secret data", err)
	}
	defer func() {
		for _, it := range items {
			wipe(it)
		}
	}()
	for _, it := range items {
		var pairs map[string]json.RawMessage
		if err := json.Unmarshal(it, &pairs); err != nil {
			s.Wipe()
			return nil, protocolError("DSM secret data", err)
		}
		// Items keep the server's order; names within one item (one in practice) are sorted.
		names := make([]string, 0, len(pairs))
		for name := range pairs {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			raw := pairs[name]
			val, err := unquoteValue(raw)
			wipe(raw)
			if err != nil {
				s.Wipe()
				return nil, protocolError("DSM secret data", nil)
			}
			s.Data = append(s.Data, DSMValue{Name: name, Value: val})
		}
	}
	return s, nil
}

// unquoteValue is unquote for a string, and the JSON text itself for numbers and booleans (DSM values
// are strings in practice).
func unquoteValue(v json.RawMessage) (Secret, error) {
	if len(v) > 0 && v[0] == '"' {
		return unquote(v)
	}
	if string(v) == "null" {
		return Secret{}, nil
	}
	var x any
	if err := json.Unmarshal(v, &x); err != nil {
		return nil, err
	}
	if _, ok := x.(map[string]any); ok {
		return nil, fmt.Errorf("not a scalar")
	}
	if _, ok := x.([]any); ok {
		return nil, fmt.Errorf("not a scalar")
	}
	return Secret(append([]byte(nil), v...)), nil
}

// unquote decodes a JSON string literal into new bytes (escapes and surrogate pairs included) without
// making a Go string of it.
func unquote(q []byte) (Secret, error) {
	if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
		return nil, fmt.Errorf("not a JSON string")
	}
	in := q[1 : len(q)-1]
	out := make([]byte, 0, len(in))
	fail := func() (Secret, error) {
		wipe(out[:cap(out)])
		return nil, fmt.Errorf("bad JSON string")
	}
	hex4 := func(b []byte) (rune, bool) {
		if len(b) < 4 {
			return 0, false
		}
		var r rune
		for _, c := range b[:4] {
			r <<= 4
			switch {
			case c >= '0' && c <= '9':
				r |= rune(c - '0')
			case c >= 'a' && c <= 'f':
				r |= rune(c - 'a' + 10)
			case c >= 'A' && c <= 'F':
				r |= rune(c - 'A' + 10)
			default:
				return 0, false
			}
		}
		return r, true
	}
	for i := 0; i < len(in); {
		c := in[i]
		if c < 0x20 || c == '"' {
			return fail()
		}
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(in) {
			return fail()
		}
		e := in[i+1]
		i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(in[i:])
			if !ok {
				return fail()
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if i+1 < len(in) && in[i] == '\\' && in[i+1] == 'u' {
					if v, ok := hex4(in[i+2:]); ok {
						r2 = v
					}
				}
				if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
					r = d
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return fail()
		}
	}
	return Secret(out), nil
}
