package driver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hopsql/hopsql/catalog"
	"github.com/hopsql/hopsql/connector/local"
	"github.com/hopsql/hopsql/planner"
)

func init() {
	sql.Register("hopsql", &Driver{})
}

// ErrReadOnly is wrapped by the errors of statements and transactions that
// would change data.
var ErrReadOnly = errors.New("hopsql is read-only")

// DemoProject is the project of a demo: DSN that names none.
const DemoProject = "fraud"

// Driver is hopsql's database/sql driver, registered as "hopsql".
type Driver struct{}

// Open opens a connection to the store of dsn. database/sql uses
// OpenConnector instead, which opens the store once.
func (d *Driver) Open(dsn string) (driver.Conn, error) {
	c, err := d.OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	return c.Connect(context.Background())
}

// OpenConnector parses dsn and opens its store (see NewConnector). The
// HOPSWORKS_* environment variables fill what a hopsworks:// DSN leaves
// unset (see Config.ApplyEnv), and describe the whole connection when dsn is
// empty (see ConfigFromEnv).
func (d *Driver) OpenConnector(dsn string) (driver.Connector, error) {
	var cfg *Config
	var err error
	if strings.TrimSpace(dsn) == "" {
		cfg, err = ConfigFromEnv(os.Getenv)
	} else if cfg, err = ParseDSN(dsn); err == nil {
		err = cfg.ApplyEnv(os.Getenv)
	}
	if err != nil {
		return nil, err
	}
	c, err := NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Connector opens the store of a Config once and hands out connections to
// it. It is safe for concurrent use. Pass it to sql.OpenDB.
type Connector struct {
	cfg     Config
	planner *planner.Planner
	// source is closed with the connector: the Hopsworks client (its
	// certificates, its connections); nil for the embedded store.
	source io.Closer
}

// NewConnector opens the store cfg names and its catalog for cfg.Project:
// an embedded store, the demo store (generated on first use) or a Hopsworks
// cluster, which it connects to and authenticates with (package
// connector/hopsworks). Close the connector to release the cluster's
// connections and remove its certificates.
func NewConnector(cfg *Config) (*Connector, error) {
	c := *cfg
	ctx := context.Background()
	if c.ConnectTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.ConnectTimeout)
		defer cancel()
	}
	var dir string
	switch {
	case c.Host != "":
		return openHopsworks(ctx, c)
	case c.Demo:
		if c.Project == "" {
			c.Project = DemoProject
		}
		d, err := demoDir(ctx)
		if err != nil {
			return nil, err
		}
		dir = d
	case c.Warehouse != "":
		dir = c.Warehouse
	default:
		return nil, errNoStore
	}
	if c.Project == "" {
		return nil, fmt.Errorf("hopsql: opening %s: no project", dir)
	}
	wh, err := local.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("hopsql: opening the warehouse: %w", err)
	}
	attach, err := attachOptions(c)
	if err != nil {
		return nil, err
	}
	cat, err := catalog.New(ctx, wh, c.Project, attach...)
	if err != nil {
		return nil, fmt.Errorf("hopsql: opening project %s: %w", c.Project, err)
	}
	return &Connector{cfg: c, planner: planner.New(cat)}, nil
}

// Connect returns a new connection (a session) to the connector's store.
func (c *Connector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &conn{c: c, memoryLimit: c.cfg.MemoryLimit, joinPushdown: joinPushdownOn(c.cfg.JoinPushdown)}, nil
}

// Driver returns the hopsql Driver.
func (c *Connector) Driver() driver.Driver { return &Driver{} }

// Close releases the connector: a Hopsworks connection and its
// certificates. The embedded store holds nothing between queries.
func (c *Connector) Close() error {
	if c.source != nil {
		return c.source.Close()
	}
	return nil
}

// demoDir returns the cached demo store (scale 1), generating it on first
// use. A store is complete once its directory exists: it is generated
// beside it and renamed into place.
func demoDir(ctx context.Context) (string, error) {
	dir, err := DemoCacheDir(DefaultDemoScale)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("hopsql: the demo store: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", fmt.Errorf("hopsql: the demo store: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".demo-*")
	if err != nil {
		return "", fmt.Errorf("hopsql: the demo store: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := GenerateDemo(ctx, tmp, DefaultDemoScale); err != nil {
		return "", fmt.Errorf("hopsql: generating the demo store: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(dir); serr == nil {
			return dir, nil // another process finished first
		}
		return "", fmt.Errorf("hopsql: the demo store: %w", err)
	}
	return dir, nil
}
