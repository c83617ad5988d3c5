package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/hopsql/hopsql/driver"
)

// configFile is the config file: named connections, and the one used when
// the command line names none.
//
//	default = "prod"
//
//	[connections.prod]
//	host = "c.app.hopsworks.ai"
//	project = "fraud"
//	api_key_file = "~/.hopsworks/api-key"
//
//	[connections.local]
//	dsn = "file:///data/warehouse?project=fraud"
type configFile struct {
	Default     string                      `toml:"default"`
	Connections map[string]connectionConfig `toml:"connections"`
}

// connectionConfig is one named connection: a DSN, or its parts.
type connectionConfig struct {
	DSN                  string `toml:"dsn"`
	Demo                 bool   `toml:"demo"`
	Warehouse            string `toml:"warehouse"`
	Project              string `toml:"project"`
	Host                 string `toml:"host"`
	Port                 int    `toml:"port"`
	APIKeyFile           string `toml:"api_key_file"`
	SecretsStore         string `toml:"secrets_store"`
	Region               string `toml:"region"`
	HostnameVerification *bool  `toml:"hostname_verification"`
	TrustStorePath       string `toml:"trust_store_path"`
	CertFolder           string `toml:"cert_folder"`
	MemoryLimit          string `toml:"memory_limit"`
	Attach               string `toml:"attach"`
}

// defaultConfigPath is $XDG_CONFIG_HOME/hopsql/config.toml, or the
// platform's equivalent.
func (env *environment) defaultConfigPath() string {
	if p := env.getenv("HOPSQL_CONFIG"); p != "" {
		return p
	}
	dir := env.getenv("XDG_CONFIG_HOME")
	if dir == "" {
		d, err := os.UserConfigDir()
		if err != nil {
			return ""
		}
		dir = d
	}
	return filepath.Join(dir, "hopsql", "config.toml")
}

// loadConfig reads the config file; a missing default file is no error.
func loadConfig(path string, explicit bool) (*configFile, error) {
	var cf configFile
	md, err := toml.DecodeFile(path, &cf)
	if err != nil {
		if !explicit && errors.Is(err, os.ErrNotExist) {
			return &cf, nil
		}
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("config file %s: line %d: %s", path, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("config file: %w", err)
	}
	for _, k := range md.Undecoded() {
		key := k.String()
		if strings.HasSuffix(key, ".api_key_value") {
			return nil, fmt.Errorf("config file %s: %s: API keys are not kept in the config file; use api_key_file, a secrets_store or HOPSWORKS_API_KEY", path, key)
		}
		return nil, fmt.Errorf("config file %s: unknown setting %s", path, key)
	}
	return &cf, nil
}

// config turns a named connection into a driver Config.
func (cc connectionConfig) config(name string, home string) (*driver.Config, error) {
	if cc.DSN != "" {
		c, err := driver.ParseDSN(cc.DSN)
		if err != nil {
			return nil, fmt.Errorf("connection %s: %w", name, err)
		}
		return c, nil
	}
	c := driver.NewConfig()
	c.Demo, c.Warehouse, c.Project = cc.Demo, expandHome(cc.Warehouse, home), cc.Project
	c.Attach = expandHome(cc.Attach, home)
	c.Host, c.Port = cc.Host, cc.Port
	c.APIKeyFile = expandHome(cc.APIKeyFile, home)
	c.SecretsStore, c.Region = cc.SecretsStore, cc.Region
	if cc.HostnameVerification != nil {
		c.HostnameVerification = *cc.HostnameVerification
	}
	c.TrustStorePath, c.CertFolder = expandHome(cc.TrustStorePath, home), expandHome(cc.CertFolder, home)
	if cc.MemoryLimit != "" {
		// Parse it the way a DSN does.
		mc, err := driver.ParseDSN("demo:?memory_limit=" + cc.MemoryLimit)
		if err != nil {
			return nil, fmt.Errorf("connection %s: memory_limit %q is not a size such as 2GiB", name, cc.MemoryLimit)
		}
		c.MemoryLimit = mc.MemoryLimit
	}
	// A round trip through the DSN checks the parts as a DSN's are checked.
	if _, err := driver.ParseDSN(c.FormatDSN()); err != nil {
		return nil, fmt.Errorf("connection %s: %w", name, err)
	}
	return c, nil
}

func expandHome(p, home string) string {
	if home != "" && (p == "~" || strings.HasPrefix(p, "~/")) {
		return filepath.Join(home, p[1:])
	}
	return p
}

// connectionConfig picks the connection the command line asks for, from the
// flags, the config file or the HOPSWORKS_* variables, in that order.
func (env *environment) connectionConfig(o *options) (*driver.Config, error) {
	chosen := 0
	for _, set := range []bool{o.demo, o.warehouse != "", o.dsn != "", o.connection != ""} {
		if set {
			chosen++
		}
	}
	if chosen > 1 {
		return nil, errors.New("use one of --demo, --warehouse, --dsn and --connection")
	}
	var c *driver.Config
	switch {
	case o.dsn != "":
		cfg, err := driver.ParseDSN(o.dsn)
		if err != nil {
			return nil, err
		}
		c = cfg
	case o.demo:
		c = driver.NewConfig()
		c.Demo = true
	case o.warehouse != "":
		if o.project == "" {
			return nil, errors.New("--warehouse needs --project NAME: the project whose session runs the queries")
		}
		c = driver.NewConfig()
		c.Warehouse = o.warehouse
	default:
		path, explicit := o.configFile, o.configFile != ""
		if !explicit {
			path = env.defaultConfigPath()
		}
		cf := &configFile{}
		if path != "" {
			var err error
			if cf, err = loadConfig(path, explicit); err != nil {
				return nil, err
			}
		}
		name := o.connection
		if name == "" && env.getenv(driver.EnvHost) == "" {
			name = cf.Default
		}
		if name != "" {
			cc, ok := cf.Connections[name]
			if !ok {
				return nil, fmt.Errorf("no connection %q in %s", name, path)
			}
			home, _ := os.UserHomeDir()
			cfg, err := cc.config(name, home)
			if err != nil {
				return nil, err
			}
			c = cfg
			break
		}
		if env.getenv(driver.EnvHost) == "" {
			return nil, errors.New("no feature store: use --demo, --warehouse DIR --project NAME, --dsn DSN, --connection NAME, or set HOPSWORKS_HOST, HOPSWORKS_PROJECT and HOPSWORKS_API_KEY")
		}
		cfg, err := driver.ConfigFromEnv(env.getenv)
		if err != nil {
			return nil, err
		}
		c = cfg
	}
	if o.project != "" {
		c.Project = o.project
	}
	if o.attach != "" {
		c.Attach = o.attach
	}
	if err := c.ApplyEnv(env.getenv); err != nil {
		return nil, err
	}
	return c, nil
}

// connect opens the connection the options name and one session on it.
func (env *environment) connect(ctx context.Context, o *options) (*sql.DB, *sql.Conn, error) {
	cfg, err := env.connectionConfig(o)
	if err != nil {
		return nil, nil, usageError{err}
	}
	if cfg.Demo {
		if dir, err := driver.DemoCacheDir(driver.DefaultDemoScale); err == nil {
			if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
				fmt.Fprintf(env.stderr, "generating the demo store into %s ...\n", dir)
			}
		}
	}
	connector, err := driver.NewConnector(cfg)
	if err != nil {
		return nil, nil, usageError{err}
	}
	db := sql.OpenDB(connector)
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, nil, usageError{err}
	}
	return db, conn, nil
}
