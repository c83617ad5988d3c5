package hopsworks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/hopsql/hopsql/connector"
)

// Payload generations of a Flight read (protocol reference §5.3).
const (
	// generationC is the payload the client builds from the query
	// constructor's SQL (Hopsworks client 4.6).
	generationC = "C"
	// generationD is the payload the backend builds and signs, hqsPayload
	// (Hopsworks 4.7 and later).
	generationD = "D"
)

// flightQuery is the Flight command of a client-built payload: DuckDB SQL
// over tables named "<project>.<fg>_<version>", every feature of every
// feature group of the query with its offline type, the filter in the
// Query Service's snake_case model, and how to read each feature group.
type flightQuery struct {
	QueryString string                     `json:"query_string"`
	Features    map[string][]flightFeature `json:"features"`
	Filters     *flightLogic               `json:"filters"`
	Connectors  map[string]any             `json:"connectors"`
}

// flightFeature is a feature of a flightQuery.
type flightFeature struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// hudiConnector says how to read a cached or stream feature group kept
// in Hudi.
type hudiConnector struct {
	FeatureGroupID int64  `json:"feature_group_id"`
	TimeTravelType string `json:"time_travel_type"`
}

// deltaConnector says how to read a feature group kept in Delta Lake; its
// filters name features without qualification.
type deltaConnector struct {
	FeatureGroupID int64             `json:"feature_group_id"`
	TimeTravelType string            `json:"time_travel_type"`
	Type           string            `json:"type"`
	Options        map[string]string `json:"options"`
	Query          string            `json:"query"`
	Filters        *flightLogic      `json:"filters"`
}

// flightLogic is a node of the Query Service's filter model.
type flightLogic struct {
	Type        string `json:"type"` // "logic"
	LogicType   string `json:"logic_type"`
	LeftFilter  any    `json:"left_filter"`  // *flightLogic, *flightFilter or nil
	RightFilter any    `json:"right_filter"` // likewise
}

// flightFilter is a condition of the Query Service's filter model. Value
// keeps its JSON type: numbers are numbers, timestamps strings.
type flightFilter struct {
	Type      string `json:"type"` // "filter"
	Condition string `json:"condition"`
	Value     any    `json:"value"`
	Feature   string `json:"feature"`
}

// flightTable returns the name the Query Service knows the feature group
// by, "<project>.<fg>_<version>", the project being the owner's: its
// store's name without the suffix.
func flightTable(storeName string, fg *connector.FeatureGroup) string {
	return strings.TrimSuffix(strings.ToLower(storeName), connector.StoreSuffix) + "." + fg.TableName()
}

// duckDBQuery translates the query constructor's Hive SQL into the Query
// Service's DuckDB dialect as the Hopsworks client does: the database and
// table of each feature group's store become one identifier,
// `<store>`.`<table>` becoming `<project>.<table>`, and then every
// backtick becomes a double quote. storeNames are the stores of the
// query's feature groups.
func duckDBQuery(sql string, storeNames ...string) string {
	for _, storeName := range storeNames {
		project := strings.TrimSuffix(storeName, connector.StoreSuffix)
		sql = strings.ReplaceAll(sql, "`"+storeName+"`.`", "`"+project+".")
	}
	return strings.ReplaceAll(sql, "`", `"`)
}

// clientPayload builds the Flight command of a read of g, in store
// storeName, from the query constructor's answer res and the filter sent
// with the query (may be nil).
func clientPayload(g *groupInfo, storeName string, res *fsQueryDTO, filter *filterNode) ([]byte, error) {
	table := flightTable(storeName, g.fg)
	features := flightFeatures(g)
	q := flightQuery{
		QueryString: duckDBQuery(res.sql(), storeName),
		Features:    map[string][]flightFeature{table: features},
		Filters:     filter.flightLogic(table + "."),
		Connectors:  map[string]any{table: flightConnector(g, filter)},
	}
	b, err := asciiJSON(q)
	if err != nil {
		return nil, fmt.Errorf("hopsworks: encoding the Flight payload: %w", err)
	}
	return b, nil
}

// flightFeatures lists every feature of g with its offline type, as a
// client-built payload does.
func flightFeatures(g *groupInfo) []flightFeature {
	features := make([]flightFeature, len(g.fg.Features))
	for i, f := range g.fg.Features {
		features[i] = flightFeature{Name: f.Name, Type: f.Type}
	}
	return features
}

// flightConnector says how the Query Service reads g, whose (sub-)query
// has filter (may be nil).
func flightConnector(g *groupInfo, filter *filterNode) any {
	if strings.EqualFold(g.dto.TimeTravelFormat, "DELTA") {
		return deltaConnector{
			FeatureGroupID: g.dto.ID,
			TimeTravelType: "delta",
			Type:           g.dto.connectorType(),
			Options:        map[string]string{},
			Filters:        filter.flightLogic(""),
		}
	}
	return hudiConnector{FeatureGroupID: g.dto.ID, TimeTravelType: "hudi"}
}

// flightLogic returns the tree in the Query Service's filter model, the
// root as a logic node, naming features with prefix; nil for a nil tree.
func (n *filterNode) flightLogic(prefix string) *flightLogic {
	switch {
	case n == nil:
		return nil
	case n.leaf != nil:
		return &flightLogic{Type: "logic", LogicType: logicSingle, LeftFilter: n.leaf.flight(prefix)}
	}
	return &flightLogic{Type: "logic", LogicType: n.logic, LeftFilter: n.left.flightSide(prefix), RightFilter: n.right.flightSide(prefix)}
}

// flightSide returns a child of a logic node: a filter or a logic node.
func (n *filterNode) flightSide(prefix string) any {
	if n.leaf != nil {
		return n.leaf.flight(prefix)
	}
	return n.flightLogic(prefix)
}

// flight returns the condition in the Query Service's model.
func (l *filterLeaf) flight(prefix string) *flightFilter {
	f := &flightFilter{Type: "filter", Condition: l.cond, Feature: prefix + l.feature.Name}
	if !l.value.null {
		f.Value = l.value.json
	}
	return f
}

// asciiJSON encodes v as JSON in ASCII, every other character escaped as
// \uXXXX, as Python's json.dumps writes it (the Hopsworks client encodes
// the payload as ASCII). HTML characters are not escaped.
func asciiJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if !hasNonASCII(b) {
		return b, nil
	}
	out := make([]byte, 0, len(b)+16)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		if r < utf8.RuneSelf {
			out = append(out, byte(r))
			continue
		}
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			out = appendUnicodeEscape(out, r1)
			r = r2
		}
		out = appendUnicodeEscape(out, r)
	}
	return out, nil
}

func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

func appendUnicodeEscape(out []byte, r rune) []byte {
	s := strconv.FormatInt(int64(r), 16)
	out = append(out, `\u`...)
	out = append(out, strings.Repeat("0", 4-len(s))...)
	return append(out, s...)
}
