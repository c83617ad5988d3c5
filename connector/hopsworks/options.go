package hopsworks

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Defaults of Options.
const (
	// DefaultPort is the port of the Hopsworks REST API.
	DefaultPort = 443
	// DefaultMetadataTTL is how long metadata is cached when
	// Options.MetadataTTL is zero.
	DefaultMetadataTTL = 30 * time.Second
	// DefaultRequestTimeout bounds each attempt of a REST call when
	// Options.RequestTimeout is zero.
	DefaultRequestTimeout = 30 * time.Second
)

// Secret stores of Options.SecretsStore, as the Hopsworks client names them.
const (
	SecretsStoreParameterStore = "parameterstore" // AWS Systems Manager Parameter Store
	SecretsStoreSecretsManager = "secretsmanager" // AWS Secrets Manager
	SecretsStoreLocal          = "local"          // the file APIKeyFile
)

// Options says how Connect reaches a Hopsworks cluster. The names follow
// the Hopsworks client's connection arguments (host, port, project,
// api_key_value, api_key_file, secrets_store, region_name,
// hostname_verification, trust_store_path, cert_folder).
//
// The API key comes from, in this order: APIKeyValue; APIKeyFile (its first
// line, trimmed); the AWS secret store SecretsStore names.
//
// Options formats with APIKeyValue redacted, whatever the fmt verb, and
// its JSON form leaves APIKeyValue out. fmt cannot call Format on a value
// in an unexported struct field, though: keep Options there by pointer.
type Options struct {
	// Host is the cluster's host name or IP address, without scheme or
	// port. Required.
	Host string
	// Port is the REST API's port. 0 means DefaultPort.
	Port int
	// Project is the project to connect to. Required.
	Project string

	// APIKeyValue is the API key itself.
	APIKeyValue string `json:"-"`
	// APIKeyFile is a file whose first line is the API key.
	APIKeyFile string
	// SecretsStore is where the API key is kept when neither APIKeyValue
	// nor APIKeyFile gives it. For the AWS role <ROLE> the process runs as
	// (the assumed role of sts:GetCallerIdentity),
	// SecretsStoreParameterStore reads the SecureString parameter
	// /hopsworks/role/<ROLE>/type/api-key and SecretsStoreSecretsManager
	// the key "api-key" of the JSON secret hopsworks/role/<ROLE>.
	// SecretsStoreLocal requires APIKeyFile. Empty means no secret store.
	SecretsStore string
	// Region is the AWS region of SecretsStore. Empty or "default" means
	// the AWS SDK's default chain (AWS_REGION, the shared config, ...).
	Region string
	// AWSConfig, when set, is the AWS configuration the secret store
	// lookups start from (tests point it at an emulator); nil means the
	// SDK's default configuration. Region, if set, overrides its region.
	AWSConfig *aws.Config `json:"-"`

	// HostnameVerification verifies the cluster's certificate: its chain
	// against the system's roots and TrustStorePath, and its name against
	// Host. Callers should default it to true. When false, the name is not
	// checked, and neither is the chain unless TrustStorePath is set: the
	// connection is then encrypted but not authenticated.
	HostnameVerification bool
	// TrustStorePath is a PEM file of CA certificates to trust in addition
	// to the system's roots.
	TrustStorePath string
	// CertFolder is the directory in which Connect keeps the project's
	// certificates, each client in a subdirectory of its own that Close
	// removes. Empty means os.TempDir().
	CertFolder string

	// MetadataTTL is how long feature stores and feature groups are
	// cached. 0 means DefaultMetadataTTL; a negative value disables the
	// cache (concurrent callers still share one REST call).
	MetadataTTL time.Duration
	// RequestTimeout bounds each attempt of each REST call, and of each
	// short call to the Hopsworks Query Service (health check, version,
	// GetFlightInfo). 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// FlightTimeout bounds how long a read from the Hopsworks Query
	// Service waits for its next batch, the first included (which comes
	// once the query has run). 0 means DefaultFlightTimeout.
	FlightTimeout time.Duration

	// Logf, if set, receives debug messages: requests, retries, skipped
	// feature groups. It never receives the API key.
	Logf func(format string, args ...any) `json:"-"`
}

// String describes the options with the API key redacted.
func (o Options) String() string {
	key := ""
	if o.APIKeyValue != "" {
		key = redacted
	}
	return fmt.Sprintf("hopsworks.Options{Host:%q Port:%d Project:%q APIKeyValue:%q APIKeyFile:%q SecretsStore:%q Region:%q HostnameVerification:%t TrustStorePath:%q CertFolder:%q MetadataTTL:%v RequestTimeout:%v FlightTimeout:%v}",
		o.Host, o.Port, o.Project, key, o.APIKeyFile, o.SecretsStore, o.Region, o.HostnameVerification, o.TrustStorePath, o.CertFolder, o.MetadataTTL, o.RequestTimeout, o.FlightTimeout)
}

// Format formats the options as String does, whatever the verb, so that no
// verb prints the API key.
func (o Options) Format(f fmt.State, verb rune) { fmt.Fprint(f, o.String()) }

// validate checks the options that need no I/O and returns them with the
// defaults filled in.
func (o Options) validate() (Options, error) {
	if err := validHost(o.Host); err != nil {
		return o, err
	}
	if ip := strings.Trim(o.Host, "[]"); ip != o.Host && net.ParseIP(ip) != nil {
		o.Host = ip // net.JoinHostPort adds the brackets again
	}
	switch {
	case o.Port == 0:
		o.Port = DefaultPort
	case o.Port < 0 || o.Port > 65535:
		return o, fmt.Errorf("hopsworks: port %d is not between 1 and 65535", o.Port)
	}
	if strings.TrimSpace(o.Project) == "" {
		return o, errors.New("hopsworks: no project given; name the project to connect to")
	}
	switch o.SecretsStore {
	case "", SecretsStoreParameterStore, SecretsStoreSecretsManager:
	case SecretsStoreLocal:
		if o.APIKeyValue == "" && o.APIKeyFile == "" {
			return o, errors.New("hopsworks: secrets store local reads the API key from a file, but no API key file was given")
		}
	default:
		return o, fmt.Errorf("hopsworks: unknown secrets store %q; use parameterstore, secretsmanager or local", o.SecretsStore)
	}
	if o.APIKeyValue == "" && o.APIKeyFile == "" && (o.SecretsStore == "" || o.SecretsStore == SecretsStoreLocal) {
		return o, errors.New("hopsworks: no API key given; give an API key value, an API key file or a secrets store (parameterstore or secretsmanager)")
	}
	if o.RequestTimeout < 0 {
		return o, fmt.Errorf("hopsworks: request timeout %v is negative", o.RequestTimeout)
	}
	if o.RequestTimeout == 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.FlightTimeout < 0 {
		return o, fmt.Errorf("hopsworks: Flight timeout %v is negative", o.FlightTimeout)
	}
	if o.FlightTimeout == 0 {
		o.FlightTimeout = DefaultFlightTimeout
	}
	if o.MetadataTTL == 0 {
		o.MetadataTTL = DefaultMetadataTTL
	}
	return o, nil
}

// validHost checks that host is a bare host name or IP address.
func validHost(host string) error {
	switch {
	case host == "":
		return errors.New("hopsworks: no host given; name the Hopsworks cluster's host")
	case strings.Contains(host, "://"):
		return fmt.Errorf("hopsworks: host %q holds a scheme; give the host name only, such as %q", host, hostOf(host))
	case strings.ContainsAny(host, "/?#@ \t\r\n"):
		return fmt.Errorf("hopsworks: host %q is not a host name or IP address", host)
	}
	if strings.Contains(host, ":") && net.ParseIP(strings.Trim(host, "[]")) == nil {
		if h, p, err := net.SplitHostPort(host); err == nil {
			if _, err := strconv.Atoi(p); err == nil {
				return fmt.Errorf("hopsworks: host %q holds a port; give the host %q and the port %s separately", host, h, p)
			}
		}
		return fmt.Errorf("hopsworks: host %q is not a host name or IP address", host)
	}
	return nil
}

// hostOf returns the host part of a URL-like string, for suggestions.
func hostOf(s string) string {
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if h, _, err := net.SplitHostPort(s); err == nil {
		return h
	}
	return s
}

// redacted stands for a secret in printed values.
const redacted = "[REDACTED]"

// secret is a string that never formats as itself: every fmt verb prints
// redacted, so it can sit in structs that end up in logs or errors.
type secret string

// Format prints redacted for every verb.
func (secret) Format(f fmt.State, verb rune) { fmt.Fprint(f, redacted) }

// String returns redacted.
func (secret) String() string { return redacted }

// GoString returns redacted.
func (secret) GoString() string { return redacted }

// MarshalText returns redacted, so that encoders do not write the secret.
func (secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
