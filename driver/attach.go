package driver

import (
	"fmt"

	"github.com/hopsql/hopsql/catalog"
	"github.com/hopsql/hopsql/connector/local"
)

// attachOptions returns the catalog options that attach the embedded store
// of Config.Attach, if any.
func attachOptions(c Config) ([]catalog.Option, error) {
	if c.Attach == "" {
		return nil, nil
	}
	wh, err := local.Open(c.Attach)
	if err != nil {
		return nil, fmt.Errorf("hopsql: attaching the embedded store %s: %w", c.Attach, err)
	}
	return []catalog.Option{catalog.WithAttached(wh)}, nil
}
