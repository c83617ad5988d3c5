package hopsworkstest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/flight"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sqlcatalog "github.com/hopsql/hopsql/catalog"
	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/local"
	"github.com/hopsql/hopsql/planner"
)

// GetFlightInfo plans the query of a CMD descriptor (a JSON query
// payload) or the read of a PATH descriptor (a feature group's offline
// table or one of its Parquet files) and answers with its schema and one
// endpoint whose ticket DoGet redeems.
func (f *flightService) GetFlightInfo(ctx context.Context, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	var info *flight.FlightInfo
	err := f.serve(ctx, "GetFlightInfo", func(c *caller) error {
		q, schema, err := f.prepare(ctx, c, desc)
		if err != nil {
			return err
		}
		info = &flight.FlightInfo{
			Schema:           flight.SerializeSchema(schema, memory.DefaultAllocator),
			FlightDescriptor: desc,
			Endpoint:         []*flight.FlightEndpoint{{Ticket: &flight.Ticket{Ticket: f.addPending(q)}}},
			TotalRecords:     -1,
			TotalBytes:       -1,
		}
		return nil
	})
	return info, err
}

// DoGet streams the result of a ticket GetFlightInfo handed out to the
// same caller, in batches of 65,536 rows.
func (f *flightService) DoGet(t *flight.Ticket, stream flight.FlightService_DoGetServer) error {
	ctx := stream.Context()
	return f.serve(ctx, "DoGet", func(c *caller) error {
		q, err := f.redeem(c, t.GetTicket())
		if err != nil {
			return err
		}
		if err := f.authorizeRead(ctx, c, q); err != nil {
			return err
		}
		return f.stream(ctx, c, q, stream)
	})
}

// prepare plans a descriptor for c and returns the pending query and its
// result's schema.
func (f *flightService) prepare(ctx context.Context, c *caller, desc *flight.FlightDescriptor) (*pendingQuery, *arrow.Schema, error) {
	switch desc.GetType() {
	case flight.DescriptorCMD:
		cmd, err := parseCommand(desc.GetCmd())
		if err != nil {
			return nil, nil, err
		}
		if err := f.s.checkTables(c, cmd); err != nil {
			return nil, nil, err
		}
		sql, err := rewriteDuckSQL(cmd.QueryString, cmd.tables())
		if err != nil {
			return nil, nil, unknownError("%v", err)
		}
		plan, err := f.plan(ctx, c, sql)
		if err != nil {
			return nil, nil, err
		}
		return &pendingQuery{subject: c.subject, command: desc.GetCmd(), sql: sql, plan: plan}, plan.Schema(), nil
	case flight.DescriptorPATH:
		return f.preparePath(ctx, c, desc.GetPath())
	}
	return nil, nil, status.Errorf(codes.InvalidArgument, "descriptor type %v: the Hopsworks Query Service takes CMD (a query payload) and PATH descriptors", desc.GetType())
}

// plan plans hopsql SQL in the caller's project.
func (f *flightService) plan(ctx context.Context, c *caller, sql string) (*planner.Plan, error) {
	cat, err := sqlcatalog.New(ctx, &sharedSource{Warehouse: f.wh, cat: f.s.cat}, c.proj.name)
	if err != nil {
		return nil, queryError(ctx, err)
	}
	plan, err := planner.New(cat).Plan(ctx, sql)
	if err != nil {
		return nil, queryError(ctx, err)
	}
	return plan, nil
}

// queryError turns an error of planning or running a query into a gRPC
// status: PERMISSION_DENIED for a store not shared with the caller,
// NOT_FOUND for a missing table, the context's status when the call was
// cancelled, and UNKNOWN (the service's own errors) otherwise.
func queryError(ctx context.Context, err error) error {
	if _, ok := status.FromError(err); ok {
		return err
	}
	if ctx.Err() != nil {
		return status.FromContextError(ctx.Err()).Err()
	}
	switch {
	case errors.Is(err, sqlcatalog.ErrNotShared):
		return status.Error(codes.PermissionDenied, err.Error())
	case errors.Is(err, sqlcatalog.ErrNotFound):
		return status.Error(codes.NotFound, "No data found: "+err.Error())
	}
	return unknownError("%v", err)
}

// sharedSource is the embedded store as the server's metadata shares it:
// a project reads its own store and the stores Config.Shares shares with
// it (the warehouse's own shared_with lists are not used, as on the REST
// side).
type sharedSource struct {
	*local.Warehouse
	cat *catalog
}

// Stores lists the stores project may read: its own first, then the
// stores shared with it.
func (s *sharedSource) Stores(_ context.Context, project string) ([]connector.Store, error) {
	p := s.cat.projectByName(strings.ToLower(project))
	if p == nil {
		return nil, fmt.Errorf("project %q: %w", project, connector.ErrNotFound)
	}
	var out []connector.Store
	for _, st := range s.cat.readableStores(p) {
		out = append(out, connector.Store{Project: st.project.name, Shared: st != p.store, Description: st.project.description})
	}
	return out, nil
}

// offlinePath matches the HopsFS path of a feature group's offline table,
// optionally followed by one file name:
// [hopsfs://<namenode>]/apps/hive/warehouse/<project>_featurestore.db/<fg>_<version>[/<file>].
var offlinePath = regexp.MustCompile(`^(?:hopsfs://[^/]*)?/apps/hive/warehouse/([a-z0-9_]+)_featurestore\.db/([a-z0-9_]+_[0-9]+)(?:/([^/]+))?/?$`)

// preparePath plans the read of a PATH descriptor (protocol reference
// §5.4): the offline table of a feature group, read as a whole, or one
// Parquet file of it. Any other path is answered as HopsFS would: no such
// file or directory.
func (f *flightService) preparePath(ctx context.Context, c *caller, path []string) (*pendingQuery, *arrow.Schema, error) {
	if len(path) != 1 {
		return nil, nil, status.Errorf(codes.InvalidArgument, "a path descriptor has one element, not %d", len(path))
	}
	m := offlinePath.FindStringSubmatch(path[0])
	if m == nil {
		return nil, nil, noSuchFile(path[0])
	}
	fg, err := f.s.cat.featureGroupByDuckName(m[1] + "." + m[2])
	if err != nil {
		return nil, nil, noSuchFile(path[0])
	}
	if !canRead(c.proj, fg.store) {
		return nil, nil, status.Errorf(codes.PermissionDenied, "%s is in feature store %s, which is not shared with project %s",
			path[0], fg.store.name(), c.proj.name)
	}
	q := &pendingQuery{subject: c.subject}
	if m[3] == "" {
		q.sql = "SELECT * FROM " + backquote(fg.meta.QualifiedName())
		plan, err := f.plan(ctx, c, q.sql)
		if err != nil {
			return nil, nil, err
		}
		q.plan = plan
		return q, plan.Schema(), nil
	}
	q.file = filepath.Join(f.wh.Dir(), m[1], m[2], m[3])
	if !strings.HasSuffix(m[3], ".parquet") {
		return nil, nil, unknownError("%s: only Parquet files are read over Flight", path[0])
	}
	if _, err := os.Stat(q.file); err != nil {
		return nil, nil, noSuchFile(path[0])
	}
	rr, err := openParquet(ctx, q.file, memory.DefaultAllocator)
	if err != nil {
		return nil, nil, unknownError("%s: %v", path[0], err)
	}
	defer rr.Release()
	return q, rr.Schema(), nil
}

func noSuchFile(path string) error {
	return status.Errorf(codes.NotFound, "No such file or directory: %s", path)
}
