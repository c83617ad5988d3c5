package hopsworkstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// flightCommand is the JSON command of a CMD descriptor, in any of the
// generations of protocol reference §5.3: the 3.x client's (A), the 4.1-4.5
// client's (B), the 4.6 client's (C), the backend-built hqsPayload (D,
// the same object) and the backend preview's (nulls written out).
type flightCommand struct {
	QueryString string `json:"query_string"`
	// Features maps each table "<project>.<fg>_<version>" to its
	// features: names (A, B) or {"name", "type"} objects (C, D).
	Features map[string][]featureEntry `json:"features"`
	// Filters is the query's FilterExpr; the query string already holds
	// the same conditions, so it is only checked to be an object or null.
	Filters json.RawMessage `json:"filters"`
	// Connectors says how to read each table.
	Connectors map[string]*commandConnector `json:"connectors"`
}

// featureEntry is one element of a features list: a name or a
// {"name", "type"} object.
type featureEntry struct {
	Name string
	Type string // empty when only the name was sent
}

func (e *featureEntry) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte(`"`)) {
		return json.Unmarshal(b, &e.Name)
	}
	var obj struct {
		Name *string `json:"name"`
		Type string  `json:"type"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	if obj.Name == nil {
		return fmt.Errorf(`feature %s has no "name"`, b)
	}
	e.Name, e.Type = *obj.Name, obj.Type
	return nil
}

// commandConnector is one value of connectors: for a cached feature group
// {"type": "hudi"} (A, preview), {"time_travel_type": "hudi"} (B) or with
// "feature_group_id" (C, D); DELTA and external feature groups add type,
// options, query and filters.
type commandConnector struct {
	Type           *string `json:"type"`
	TimeTravelType *string `json:"time_travel_type"`
	FeatureGroupID *int    `json:"feature_group_id"`
}

// offline reports whether the connector reads a feature group's offline
// table (HUDI or DELTA), the only kind the test server has.
func (c *commandConnector) offline() bool {
	for _, v := range []*string{c.Type, c.TimeTravelType} {
		if v != nil && (strings.EqualFold(*v, "hudi") || strings.EqualFold(*v, "delta")) {
			return true
		}
	}
	return false
}

// parseCommand decodes a CMD descriptor's command.
func parseCommand(b []byte) (*flightCommand, error) {
	var cmd flightCommand
	if err := json.Unmarshal(b, &cmd); err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "the command is not a Hopsworks query payload (JSON with query_string, features, filters, connectors): %v", err)
	}
	if strings.TrimSpace(cmd.QueryString) == "" {
		return nil, status.Error(codes.InvalidArgument, "the query payload has no query_string")
	}
	if f := bytes.TrimSpace(cmd.Filters); len(f) > 0 && f[0] != '{' && !bytes.Equal(f, []byte("null")) {
		return nil, status.Errorf(codes.InvalidArgument, "the query payload's filters is neither a FilterExpr object nor null: %s", f)
	}
	for key, c := range cmd.Connectors {
		if c == nil || !c.offline() {
			return nil, status.Errorf(codes.Unimplemented,
				"connector of %s: only cached feature groups (type or time_travel_type hudi or delta) are supported by hopsworkstest, not external ones", key)
		}
	}
	return &cmd, nil
}

// tables returns the tables the command registers, by lower-case name:
// the keys of features and of connectors.
func (cmd *flightCommand) tables() map[string]bool {
	out := make(map[string]bool)
	for key := range cmd.Features {
		out[strings.ToLower(key)] = true
	}
	for key := range cmd.Connectors {
		out[strings.ToLower(key)] = true
	}
	return out
}

// checkTables checks every table the command registers against the
// server's metadata and the caller's rights: the table exists, the
// caller's project may read its store (its own or shared with it), the
// feature group id, when sent, is the table's, and the features sent
// exist with the types sent.
func (s *Server) checkTables(c *caller, cmd *flightCommand) error {
	keys := make([]string, 0, len(cmd.tables()))
	for key := range cmd.tables() {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		fg, err := s.cat.featureGroupByDuckName(key)
		if err != nil {
			return err
		}
		if !canRead(c.proj, fg.store) {
			return status.Errorf(codes.PermissionDenied, "%s is in feature store %s, which is not shared with project %s",
				key, fg.store.name(), c.proj.name)
		}
		if conn := lookupFold(cmd.Connectors, key); conn != nil && conn.FeatureGroupID != nil && *conn.FeatureGroupID != fg.id {
			return status.Errorf(codes.InvalidArgument, "connector of %s: feature_group_id %d is not the feature group's id %d",
				key, *conn.FeatureGroupID, fg.id)
		}
		for _, e := range lookupFold(cmd.Features, key) {
			f, ok := fg.meta.Feature(e.Name)
			if !ok {
				return unknownError("Binder Error: feature %q of the query payload is not a feature of %s", e.Name, key)
			}
			if e.Type != "" && !strings.EqualFold(e.Type, f.Type) {
				return status.Errorf(codes.InvalidArgument, "features of %s: %s has type %s, not %s", key, e.Name, f.Type, e.Type)
			}
		}
	}
	return nil
}

// lookupFold returns the value of m whose key equals key ignoring case.
func lookupFold[V any](m map[string]V, key string) V {
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	var zero V
	return zero
}

// featureGroupByDuckName finds the feature group a Flight table name
// "<project>.<fg>_<version>" denotes.
func (c *catalog) featureGroupByDuckName(name string) (*featureGroup, error) {
	projectName, table, ok := strings.Cut(strings.ToLower(name), ".")
	p := c.projectByName(projectName)
	if !ok || p == nil {
		return nil, unknownError("Catalog Error: Table with name %s does not exist!", name)
	}
	for _, fg := range p.store.groups {
		if fg.meta.TableName() == table {
			return fg, nil
		}
	}
	return nil, unknownError("No data found for featuregroup %s. Detail: no such feature group in project %s", name, projectName)
}
