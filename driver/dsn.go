package driver

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow/memory"
)

// JoinPushdown says whether joins may be pushed down to the source.
type JoinPushdown string

// The join_pushdown settings. The zero value means JoinPushdownAuto.
const (
	JoinPushdownAuto JoinPushdown = "auto"
	JoinPushdownOff  JoinPushdown = "off"
)

// Config says which store a connector opens and how its sessions run. It is
// the parsed form of a DSN (see ParseDSN and the package documentation).
// Exactly one of Demo, Host (a Hopsworks cluster) and Warehouse selects the
// store.
type Config struct {
	// Warehouse is the directory of an embedded store (a file: DSN).
	Warehouse string
	// Demo selects the demo store (a demo: DSN), generated on first use
	// into the user cache directory.
	Demo bool
	// Project is the project sessions are bound to. Empty means "fraud" for
	// the demo store; it is required otherwise.
	Project string
	// Attach is the directory of an embedded store whose projects sessions
	// read besides the store above, read-only: local feature groups (labels,
	// say) joined with Hopsworks ones. Its project names must differ from
	// the stores the session reads otherwise.
	Attach string

	// Host and Port address a Hopsworks cluster (a hopsworks:// DSN).
	// Port 0 means the default, 443.
	Host string
	Port int
	// APIKeyValue is a Hopsworks API key. It is never shown by String or
	// in errors; prefer APIKeyFile or SecretsStore.
	APIKeyValue string
	// APIKeyFile is a file holding the API key.
	APIKeyFile string
	// SecretsStore is where the API key is kept: "parameterstore",
	// "secretsmanager" or "local"; empty means not used.
	SecretsStore string
	// Region is the cloud region of SecretsStore.
	Region string
	// HostnameVerification checks the cluster's certificate against Host.
	// ParseDSN sets it to true unless the DSN says hostname_verification=false.
	HostnameVerification bool
	// TrustStorePath is a trust store for the cluster's certificate.
	TrustStorePath string
	// CertFolder is where the client keeps the certificates it downloads.
	CertFolder string

	// MemoryLimit bounds, in bytes, the memory a query's pipeline breakers
	// hold at once. Zero means the engine's default; -1 means no limit.
	MemoryLimit int64
	// JoinPushdown says whether joins may be pushed down to the source
	// (Hopsworks only; the embedded store always joins in the engine).
	JoinPushdown JoinPushdown
	// MetadataTTL is how long a Hopsworks connection keeps the lists of
	// feature stores and feature groups before asking again. Zero means
	// the connector's default (30s); negative means never cache.
	MetadataTTL time.Duration
	// ConnectTimeout bounds opening the store. Zero means no bound.
	ConnectTimeout time.Duration
	// QueryTimeout bounds each query. Zero means no bound.
	QueryTimeout time.Duration

	// Mem allocates the Arrow memory of every query. It is not part of the
	// DSN. Nil means memory.DefaultAllocator.
	Mem memory.Allocator

	// hostnameVerificationSet records that the DSN gave
	// hostname_verification, which the environment then does not override.
	hostnameVerificationSet bool
}

// NewConfig returns a Config with the defaults ParseDSN starts from.
func NewConfig() *Config {
	return &Config{HostnameVerification: true}
}

// DSNError reports what is wrong with a DSN. It never holds the API key.
type DSNError struct {
	Part string // the part of the DSN at fault, such as "scheme" or "option memory_limit"
	Msg  string
}

func (e *DSNError) Error() string {
	return "hopsql: bad DSN: " + e.Part + ": " + e.Msg
}

func dsnErr(part, format string, args ...any) error {
	return &DSNError{Part: part, Msg: fmt.Sprintf(format, args...)}
}

// Option names of the DSN.
const (
	optProject        = "project"
	optMemoryLimit    = "memory_limit"
	optJoinPushdown   = "join_pushdown"
	optConnectTimeout = "connect_timeout"
	optQueryTimeout   = "query_timeout"
	optMetadataTTL    = "metadata_ttl"
	optAttach         = "attach"
	optAPIKeyValue    = "api_key_value"
	optAPIKeyFile     = "api_key_file"
	optSecretsStore   = "secrets_store"
	optRegion         = "region"
	optHostnameVerif  = "hostname_verification"
	optTrustStorePath = "trust_store_path"
	optCertFolder     = "cert_folder"
)

// ParseDSN parses a data source name (see the package documentation). Its
// errors are *DSNError values naming the part of the DSN at fault.
func ParseDSN(dsn string) (*Config, error) {
	c := NewConfig()
	head, query, _ := strings.Cut(dsn, "?")
	if strings.Contains(head, "#") || strings.Contains(query, "#") {
		return nil, dsnErr("fragment", "a DSN has no fragment; escape '#' as %%23")
	}
	scheme, rest, ok := strings.Cut(head, ":")
	if !ok {
		return nil, dsnErr("scheme", "missing; use file:, demo: or hopsworks://")
	}
	opts, err := parseOptions(query)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(scheme) {
	case "file":
		dir, err := parseFilePath(rest)
		if err != nil {
			return nil, err
		}
		c.Warehouse = dir
	case "demo":
		if rest != "" {
			return nil, dsnErr("path", "demo: takes no path (use demo: or demo:?project=bank)")
		}
		c.Demo = true
	case "hopsworks":
		if err := parseHopsworks(c, rest); err != nil {
			return nil, err
		}
	default:
		return nil, dsnErr("scheme", "%q is not file:, demo: or hopsworks://", scheme)
	}
	for _, o := range opts {
		if err := c.setOption(o.key, o.value); err != nil {
			return nil, err
		}
	}
	if c.Warehouse != "" && c.Project == "" {
		return nil, dsnErr("option project", "a file: DSN needs ?project=NAME")
	}
	return c, nil
}

type option struct{ key, value string }

// parseOptions splits the query of a DSN into options. It never quotes a
// value, which may be a secret.
func parseOptions(query string) ([]option, error) {
	var opts []option
	seen := map[string]bool{}
	for query != "" {
		var kv string
		kv, query, _ = strings.Cut(query, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, dsnErr("options", "an option name has a bad %%-escape")
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			return nil, dsnErr("option "+safeName(key), "the value has a bad %%-escape")
		}
		if seen[key] {
			return nil, dsnErr("option "+safeName(key), "given twice")
		}
		seen[key] = true
		if val == "" {
			return nil, dsnErr("option "+safeName(key), "no value")
		}
		opts = append(opts, option{key, val})
	}
	return opts, nil
}

// safeName quotes an option name for an error when it looks like one
// (lower-case letters and _), so that a secret pasted in place of a name is
// never echoed.
func safeName(key string) string {
	if len(key) == 0 || len(key) > 32 {
		return "(unnamed)"
	}
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r == '_') {
			return "(unnamed)"
		}
	}
	return strconv.Quote(key)
}

func parseFilePath(rest string) (string, error) {
	var dir string
	switch {
	case strings.HasPrefix(rest, "//"):
		hostPath := rest[2:]
		host, path, _ := strings.Cut(hostPath, "/")
		if host != "" && host != "localhost" {
			return "", dsnErr("host", "file: DSNs name no host; use file:///absolute/path")
		}
		p, err := url.PathUnescape("/" + path)
		if err != nil {
			return "", dsnErr("path", "bad %%-escape")
		}
		if hostPath == host {
			p = ""
		}
		dir = p
	default:
		p, err := url.PathUnescape(rest)
		if err != nil {
			return "", dsnErr("path", "bad %%-escape")
		}
		dir = p
	}
	if dir == "" || dir == "/" && !strings.HasPrefix(rest, "///") {
		return "", dsnErr("path", "no warehouse directory; use file:///path/to/warehouse")
	}
	return dir, nil
}

func parseHopsworks(c *Config, rest string) error {
	if !strings.HasPrefix(rest, "//") {
		return dsnErr("host", "use hopsworks://host[:port]/project")
	}
	authority, path, _ := strings.Cut(rest[2:], "/")
	if strings.Contains(authority, "@") {
		return dsnErr("host", "user information is not supported; give the API key with api_key_file or api_key_value")
	}
	host, port := authority, ""
	if strings.HasPrefix(authority, "[") {
		i := strings.Index(authority, "]")
		if i < 0 {
			return dsnErr("host", "unclosed '['")
		}
		host, port = authority[1:i], authority[i+1:]
		if ip := net.ParseIP(host); ip == nil || !strings.Contains(host, ":") {
			return dsnErr("host", "%q is not an IPv6 address", host)
		}
		if port != "" {
			if port[0] != ':' {
				return dsnErr("host", "unexpected text after ']'")
			}
			port = port[1:]
			if port == "" {
				return dsnErr("port", "empty")
			}
		}
	} else {
		var hasPort bool
		host, port, hasPort = strings.Cut(authority, ":")
		if hasPort && port == "" {
			return dsnErr("port", "empty")
		}
		if !validHostname(host) {
			return dsnErr("host", "%q is not a host name", host)
		}
	}
	c.Host = host
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] == '+' {
			return dsnErr("port", "%q is not a port number (1-65535)", port)
		}
		c.Port = n
	}
	if path != "" {
		if !validProject(path) {
			return dsnErr("project", "%q is not a project name (letters, digits and _)", path)
		}
		c.Project = path
	}
	return nil
}

func validHostname(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_') {
			return false
		}
	}
	return true
}

func validProject(p string) bool {
	if p == "" || len(p) > 63 {
		return false
	}
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func (c *Config) setOption(key, val string) error {
	part := "option " + key
	hopsworksOnly := func() error {
		if c.Host == "" {
			return dsnErr(part, "only hopsworks:// DSNs take it")
		}
		return nil
	}
	switch key {
	case optProject:
		if c.Host != "" {
			return dsnErr(part, "a hopsworks:// DSN names its project in the path: hopsworks://host/project")
		}
		if !validProject(val) {
			return dsnErr(part, "%q is not a project name (letters, digits and _)", val)
		}
		c.Project = val
	case optMemoryLimit:
		n, err := parseSize(val)
		if err != nil {
			return dsnErr(part, "%v", err)
		}
		c.MemoryLimit = n
	case optJoinPushdown:
		switch JoinPushdown(val) {
		case JoinPushdownAuto, JoinPushdownOff:
			c.JoinPushdown = JoinPushdown(val)
		default:
			return dsnErr(part, "%q is not auto or off", val)
		}
	case optConnectTimeout, optQueryTimeout:
		d, err := time.ParseDuration(val)
		if err != nil || d < 0 {
			return dsnErr(part, "%q is not a duration such as 30s", val)
		}
		if key == optConnectTimeout {
			c.ConnectTimeout = d
		} else {
			c.QueryTimeout = d
		}
	case optAttach:
		c.Attach = val
	case optMetadataTTL:
		if err := hopsworksOnly(); err != nil {
			return err
		}
		d, err := time.ParseDuration(val)
		if err != nil {
			return dsnErr(part, "%q is not a duration such as 30s", val)
		}
		c.MetadataTTL = d
	case optAPIKeyValue:
		if err := hopsworksOnly(); err != nil {
			return err
		}
		c.APIKeyValue = val
	case optAPIKeyFile:
		if err := hopsworksOnly(); err != nil {
			return err
		}
		c.APIKeyFile = val
	case optSecretsStore:
		if err := hopsworksOnly(); err != nil {
			return err
		}
		switch val {
		case "parameterstore", "secretsmanager", "local":
			c.SecretsStore = val
		default:
			return dsnErr(part, "%q is not parameterstore, secretsmanager or local", val)
		}
	case optRegion:
		if err := hopsworksOnly(); err != nil {
			return err
		}
		c.Region = val
	case optHostnameVerif:
		if err := hopsworksOnly(); err != nil {
			return err
		}
		b, err := strconv.ParseBool(val)
		if err != nil {
			return dsnErr(part, "%q is not true or false", val)
		}
		c.HostnameVerification = b
		c.hostnameVerificationSet = true
	case optTrustStorePath:
		if err := hopsworksOnly(); err != nil {
			return err
		}
		c.TrustStorePath = val
	case optCertFolder:
		if err := hopsworksOnly(); err != nil {
			return err
		}
		c.CertFolder = val
	default:
		return dsnErr("option "+safeName(key), "unknown option")
	}
	return nil
}

var sizeUnits = []struct {
	suffix string
	n      int64
}{
	{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10},
	{"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1},
}

// parseSize parses a byte count such as 512MiB, 4GB or 1048576; "none"
// means no limit (-1).
func parseSize(s string) (int64, error) {
	if strings.EqualFold(s, "none") {
		return -1, nil
	}
	num, mult := strings.TrimSpace(s), int64(1)
	for _, u := range sizeUnits {
		if len(num) > len(u.suffix) && strings.EqualFold(num[len(num)-len(u.suffix):], u.suffix) {
			num, mult = strings.TrimSpace(num[:len(num)-len(u.suffix)]), u.n
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || num[0] == '+' || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("%q is not a size such as 512MiB, 4GB or none", s)
	}
	return n * mult, nil
}

// formatSize is the inverse of parseSize.
func formatSize(n int64) string {
	if n < 0 {
		return "none"
	}
	for _, u := range sizeUnits[:4] {
		if n != 0 && n%u.n == 0 {
			return strconv.FormatInt(n/u.n, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

// FormatDSN returns the DSN of c, which ParseDSN turns back into c (but for
// Mem, which has no DSN form).
func (c *Config) FormatDSN() string {
	return c.format(false)
}

// String returns the DSN of c with the API key redacted.
func (c Config) String() string {
	return c.format(true)
}

// GoString is String, so that %#v does not show the API key either.
func (c Config) GoString() string {
	return "driver.Config(" + strconv.Quote(c.format(true)) + ")"
}

func (c *Config) format(redact bool) string {
	var b strings.Builder
	var opts []option
	switch {
	case c.Host != "":
		b.WriteString("hopsworks://")
		if strings.Contains(c.Host, ":") {
			b.WriteString("[" + c.Host + "]")
		} else {
			b.WriteString(c.Host)
		}
		if c.Port != 0 {
			b.WriteString(":" + strconv.Itoa(c.Port))
		}
		if c.Project != "" {
			b.WriteString("/" + c.Project)
		}
	case c.Demo:
		b.WriteString("demo:")
	default:
		b.WriteString("file:")
		if strings.HasPrefix(c.Warehouse, "/") {
			b.WriteString("//")
		}
		b.WriteString(escapePath(c.Warehouse))
	}
	if c.Host == "" && c.Project != "" {
		opts = append(opts, option{optProject, c.Project})
	}
	if c.Attach != "" {
		opts = append(opts, option{optAttach, c.Attach})
	}
	if c.MemoryLimit != 0 {
		opts = append(opts, option{optMemoryLimit, formatSize(c.MemoryLimit)})
	}
	if c.JoinPushdown != "" {
		opts = append(opts, option{optJoinPushdown, string(c.JoinPushdown)})
	}
	if c.ConnectTimeout != 0 {
		opts = append(opts, option{optConnectTimeout, c.ConnectTimeout.String()})
	}
	if c.QueryTimeout != 0 {
		opts = append(opts, option{optQueryTimeout, c.QueryTimeout.String()})
	}
	if c.Host != "" {
		if c.APIKeyValue != "" {
			v := c.APIKeyValue
			if redact {
				v = "REDACTED"
			}
			opts = append(opts, option{optAPIKeyValue, v})
		}
		for _, o := range []option{
			{optAPIKeyFile, c.APIKeyFile},
			{optSecretsStore, c.SecretsStore},
			{optRegion, c.Region},
			{optTrustStorePath, c.TrustStorePath},
			{optCertFolder, c.CertFolder},
		} {
			if o.value != "" {
				opts = append(opts, o)
			}
		}
		if !c.HostnameVerification {
			opts = append(opts, option{optHostnameVerif, "false"})
		}
		if c.MetadataTTL != 0 {
			opts = append(opts, option{optMetadataTTL, c.MetadataTTL.String()})
		}
	}
	for i, o := range opts {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(o.key + "=" + url.QueryEscape(o.value))
	}
	return b.String()
}

// escapePath escapes each segment of a path for a file: DSN.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// errNoStore is returned when a Config selects no store.
var errNoStore = errors.New("hopsql: the config names no store: set Warehouse, Demo or Host")
