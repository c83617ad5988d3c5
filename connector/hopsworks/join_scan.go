package hopsworks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hopsql/hopsql/connector"
)

// joinScan is a join the client took (connector.JoinScan): one Query
// Service stream of the joined result. Like the scan of a feature group it
// reports what its reads received through Stats.
type joinScan struct {
	scan
	exact [][]bool
}

// ExactFilters reports, per input and conjunct of its filter, whether
// Hopsworks applies it exactly: sent, and neither widened nor partly left
// out. The slices are the caller's.
func (s *joinScan) ExactFilters() [][]bool {
	out := make([][]bool, len(s.exact))
	for i, e := range s.exact {
		out[i] = append([]bool(nil), e...)
	}
	return out
}

// joinPayload builds the Flight command of a join from the query
// constructor's answer, as the Hopsworks client 4.6 does: the plain query
// in DuckDB's dialect (never a point-in-time one), every feature of every
// feature group, the root's filter ANDed with each sub-query's, each
// naming features "<project>.<fg>_<version>.<feature>", and a connector
// per feature group.
func joinPayload(parts []*joinPart, res *fsQueryDTO) ([]byte, error) {
	q := flightQuery{
		Features:   make(map[string][]flightFeature, len(parts)),
		Connectors: make(map[string]any, len(parts)),
	}
	stores := make([]string, len(parts))
	for i, p := range parts {
		stores[i], _ = groupStore(p.g, p.st)
		table := flightTable(stores[i], p.g.fg)
		q.Features[table] = flightFeatures(p.g)
		q.Connectors[table] = flightConnector(p.g, p.filter)
		f := p.filter.flightLogic(table + ".")
		switch {
		case f == nil:
		case q.Filters == nil:
			q.Filters = f
		default:
			q.Filters = &flightLogic{Type: "logic", LogicType: logicAnd, LeftFilter: q.Filters, RightFilter: f}
		}
	}
	q.QueryString = duckDBQuery(res.Query, stores...)
	b, err := asciiJSON(q)
	if err != nil {
		return nil, fmt.Errorf("hopsworks: encoding the Flight payload: %w", err)
	}
	return b, nil
}

// explainJoin describes a planned join for EXPLAIN, one fact per line: the
// feature groups and how each is joined, read and filtered, the query
// model sent and the SQL the backend made of it, the payload and the
// Query Service. It names no secret: the query model holds names, ids and
// filter values only, and neither the API key nor any certificate
// material goes near it.
func explainJoin(req connector.JoinRequest, parts []*joinPart, q *queryDTO, generation string, res *fsQueryDTO, ep *hqsEndpoint) []string {
	lines := []string{"Hopsworks join: " + req.String()}
	for i, p := range parts {
		role := "the query's root"
		if i > 0 {
			role = fmt.Sprintf("sub-query joined %s with prefix %s", p.typ, p.prefix)
		}
		read := featureNames(p.read)
		if len(p.in.Columns) == 0 {
			read += ", for the join only (not in the result)"
		}
		lines = append(lines, fmt.Sprintf("feature group %d: %s, %s; features read: %s", i+1, describeGroup(p.g), role, read))
		sent := "none"
		if p.filter != nil {
			sent = p.filter.String()
		}
		var local []string
		for j, ok := range p.exact {
			if !ok {
				local = append(local, p.in.Filter[j].String())
			}
		}
		line := fmt.Sprintf("filter of feature group %d sent to Hopsworks: %s", i+1, sent)
		if len(local) > 0 {
			line += "; applied again by hopsql: " + strings.Join(local, " AND ")
		}
		lines = append(lines, line)
	}
	lines = append(lines, "query model sent to Hopsworks: "+queryJSON(q))
	if generation == generationD {
		lines = append(lines, "Flight payload: generation D, built and signed by the backend (hqsPayload)")
	} else {
		lines = append(lines, "Flight payload: generation C, built by hopsql from the query constructor's SQL")
	}
	if sql := strings.Join(strings.Fields(res.Query), " "); sql != "" {
		lines = append(lines, "query constructor SQL: "+sql)
	}
	return append(lines,
		fmt.Sprintf("Hopsworks Query Service: %s (Arrow Flight, mutual TLS, server name %s)", ep.addr, ep.serverName),
		"partitions: 1 (the Query Service serves a query as one stream)",
	)
}

// queryJSON renders the query model as sent, on one line.
func queryJSON(q *queryDTO) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(q); err != nil {
		return fmt.Sprintf("(cannot be shown: %v)", err)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}
