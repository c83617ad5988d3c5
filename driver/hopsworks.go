package driver

import (
	"context"
	"fmt"

	"github.com/hopsql/hopsql/catalog"
	"github.com/hopsql/hopsql/connector/hopsworks"
	"github.com/hopsql/hopsql/planner"
)

// openHopsworks connects to the Hopsworks cluster of c.
func openHopsworks(ctx context.Context, c Config) (*Connector, error) {
	if c.Project == "" {
		return nil, fmt.Errorf("hopsql: opening %s: no project (hopsworks://host/project, or HOPSWORKS_PROJECT)", c.String())
	}
	client, err := hopsworks.Connect(ctx, hopsworks.Options{
		Host:                 c.Host,
		Port:                 c.Port,
		Project:              c.Project,
		APIKeyValue:          c.APIKeyValue,
		APIKeyFile:           c.APIKeyFile,
		SecretsStore:         c.SecretsStore,
		Region:               c.Region,
		HostnameVerification: c.HostnameVerification,
		TrustStorePath:       c.TrustStorePath,
		CertFolder:           c.CertFolder,
		MetadataTTL:          c.MetadataTTL,
	})
	if err != nil {
		return nil, fmt.Errorf("hopsql: connecting to %s: %w", c.String(), err)
	}
	attach, err := attachOptions(c)
	if err != nil {
		client.Close()
		return nil, err
	}
	// The client caches metadata for MetadataTTL itself.
	cat, err := catalog.New(ctx, client, c.Project, attach...)
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("hopsql: opening project %s: %w", c.Project, err)
	}
	return &Connector{cfg: c, planner: planner.New(cat), source: client}, nil
}
