package hopsworks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/hopsql/hopsql/connector"
)

// Connect connects to the Hopsworks cluster o describes, as the Hopsworks
// client does for an external client: it resolves the API key, looks the
// project up (GET /project/getProjectInfo/{project}), finds the user the
// key belongs to (GET /project) and downloads the project user's
// certificates (GET /project/{id}/credentials) into a directory of its own
// inside o.CertFolder, with mode 0600.
//
// Errors wrap ErrUnauthorized for a key the cluster rejects, ErrForbidden
// for a key without the PROJECT scope or a user who is not a member of the
// project, and connector.ErrNotFound for an unknown project. (A key without
// the FEATURESTORE scope connects; metadata calls then fail with
// ErrForbidden.) The client must be closed.
func Connect(ctx context.Context, o Options) (*Client, error) {
	o, err := o.validate()
	if err != nil {
		return nil, err
	}
	key, err := resolveAPIKey(ctx, o)
	if err != nil {
		return nil, err
	}
	c, err := newClient(o, key)
	if err != nil {
		return nil, err
	}
	if err := c.bind(ctx); err != nil {
		c.shutdown()
		c.http.CloseIdleConnections()
		return nil, err
	}
	c.logf("hopsworks: connected to %s as %s, project %s (id %d); certificates in %s", c.addr(), c.user, c.project.ProjectName, c.project.ProjectID, c.certs.dir)
	return c, nil
}

// bind runs the connect sequence for the project of c.opts.
func (c *Client) bind(ctx context.Context) error {
	name := c.opts.Project
	if err := c.get(ctx, &c.project, nil, "project", "getProjectInfo", name); err != nil {
		if errors.Is(err, connector.ErrNotFound) {
			return fmt.Errorf("hopsworks: project %q %w on %s: %w", name, connector.ErrNotFound, c.addr(), err)
		}
		return c.connectError(err)
	}
	if c.project.ProjectID == 0 {
		return c.connectError(fmt.Errorf("the answer to the lookup of project %q holds no projectId", name))
	}
	if c.project.ProjectName == "" {
		c.project.ProjectName = name
	}
	var teams []projectTeamDTO
	if err := c.get(ctx, &teams, nil, "project"); err != nil {
		return c.connectError(err)
	}
	for _, t := range teams {
		if c.user == "" || t.Project.ID == c.project.ProjectID {
			c.user = t.User.Username
		}
	}
	var cred credentialsDTO
	if err := c.get(ctx, &cred, nil, "project", c.projectID(), "credentials"); err != nil {
		return c.connectError(err)
	}
	certs, err := materializeCerts(c.opts.CertFolder, &cred)
	if err != nil {
		return err
	}
	c.certs = certs
	return nil
}

// connectError adds where the client was connecting to err, and a hint
// for certificates the client rejected.
func (c *Client) connectError(err error) error {
	hint := ""
	if isTLSRejection(err) {
		hint = " (if the cluster's certificate is issued by its own CA, give that CA as a PEM trust store; hostname verification can also be turned off, at the price of not authenticating the cluster)"
	}
	return fmt.Errorf("hopsworks: connecting to %s, project %q: %w%s", c.addr(), c.opts.Project, err, hint)
}

// addr returns host:port of the cluster.
func (c *Client) addr() string { return net.JoinHostPort(c.opts.Host, strconv.Itoa(c.opts.Port)) }

// projectID returns the connected project's id as a path segment.
func (c *Client) projectID() string { return strconv.FormatInt(c.project.ProjectID, 10) }

// Project returns the connected project's name as the cluster spells it.
func (c *Client) Project() string { return c.project.ProjectName }

// User returns the name of the user the API key belongs to.
func (c *Client) User() string { return c.user }

// Refresh forgets the cached metadata, so that the next calls see changes
// made on the cluster since.
func (c *Client) Refresh() {
	c.projects.reset()
	c.stores.reset()
	c.groups.reset()
}

// Close ends the client: calls under way and later fail with ErrClosed or
// a cancelled context, the connection to the Hopsworks Query Service is
// closed (ending reads under way), and the downloaded certificates are
// removed. Close
// may be called more than once; Connect with the same options works again
// afterwards.
func (c *Client) Close() error {
	c.closing.Do(func() {
		c.shutdown()
		c.http.CloseIdleConnections()
		var errs []error
		if err := c.hqs.close(); err != nil {
			errs = append(errs, fmt.Errorf("hopsworks: closing the connection to the Hopsworks Query Service: %w", err))
		}
		if c.certs != nil {
			errs = append(errs, c.certs.remove())
		}
		c.closeErr = errors.Join(errs...)
	})
	return c.closeErr
}

// String describes the client without secrets.
func (c *Client) String() string {
	return fmt.Sprintf("hopsworks.Client{%s, project %s, user %s}", c.addr(), c.project.ProjectName, c.user)
}
