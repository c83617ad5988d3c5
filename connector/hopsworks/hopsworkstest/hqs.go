package hopsworkstest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// The Hopsworks Query Service payload a backend of version 4.7 or later
// builds for ?hqs=true. Its schema is not public; the server builds the
// Generation-C object the 4.6 Python client builds itself (protocol
// reference §5.3): the DuckDB-dialect query, every feature of every
// feature group of the query with its offline type, the filters with typed
// values, and a connector per feature group.
type hqsPayloadDTO struct {
	QueryString string                  `json:"query_string"`
	Features    map[string][]hqsFeature `json:"features"`
	Filters     *hqsLogic               `json:"filters"`
	Connectors  map[string]hqsConnector `json:"connectors"`
}

type hqsFeature struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type hqsConnector struct {
	FeatureGroupID int    `json:"feature_group_id"`
	TimeTravelType string `json:"time_travel_type"`
}

// hqsLogic is a FilterExpr logic node (snake_case, unlike the REST
// filters). A side is an *hqsLogic, an *hqsFilter or nil.
type hqsLogic struct {
	Type        string `json:"type"`
	LogicType   string `json:"logic_type"`
	LeftFilter  any    `json:"left_filter"`
	RightFilter any    `json:"right_filter"`
}

type hqsFilter struct {
	Type      string `json:"type"`
	Condition string `json:"condition"`
	Value     any    `json:"value"`
	Feature   string `json:"feature"`
}

// hqsPayload builds the payload of q as an ASCII JSON string (the Python
// client encodes it with str.encode("ascii")). The query is the
// point-in-time ASOF query when pit, else the plain one.
func hqsPayload(q *rquery, pit bool) (string, error) {
	p := hqsPayloadDTO{
		Features:   make(map[string][]hqsFeature),
		Connectors: make(map[string]hqsConnector),
	}
	if pit {
		p.QueryString = renderAsofQuery(q, duckTables, quoteDouble)
	} else {
		p.QueryString = renderQuery(q, duckTables, quoteDouble)
	}
	var walk func(q *rquery)
	walk = func(q *rquery) {
		key := duckTableName(q.fg)
		feats := make([]hqsFeature, len(q.fg.meta.Features))
		for i, f := range q.fg.meta.Features {
			feats[i] = hqsFeature{Name: f.Name, Type: f.Type}
		}
		p.Features[key] = feats
		p.Connectors[key] = hqsConnector{FeatureGroupID: q.fg.id, TimeTravelType: "hudi"}
		for _, j := range q.joins {
			walk(j.right)
		}
	}
	walk(q)
	if q.filter != nil {
		p.Filters = hqsLogicOf(q.filter)
	}
	for _, j := range q.joins {
		if j.right.filter == nil {
			continue
		}
		right := hqsLogicOf(j.right.filter)
		if p.Filters == nil {
			p.Filters = right
		} else {
			p.Filters = &hqsLogic{Type: "logic", LogicType: "AND", LeftFilter: p.Filters, RightFilter: right}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return "", fmt.Errorf("encoding the HQS payload: %w", err)
	}
	return asciiJSON(strings.TrimSuffix(buf.String(), "\n")), nil
}

// hqsLogicOf converts a filter tree to a FilterExpr with fully qualified
// feature names, "<project>.<fg>_<version>.<feature>".
func hqsLogicOf(l *rlogic) *hqsLogic {
	out := &hqsLogic{Type: "logic", LogicType: l.typ}
	side := func(f *rfilter, sub *rlogic) any {
		switch {
		case f != nil:
			return hqsFilterOf(f)
		case sub != nil:
			return hqsLogicOf(sub)
		}
		return nil
	}
	out.LeftFilter = side(l.leftF, l.leftL)
	out.RightFilter = side(l.rightF, l.rightL)
	return out
}

func hqsFilterOf(f *rfilter) *hqsFilter {
	out := &hqsFilter{Type: "filter", Condition: f.cond, Feature: qualifiedFeature(f.feature)}
	switch f.value.kind {
	case valueLiteral:
		out.Value = typedValue(f.feature.typ, f.value.text)
	case valueFeature:
		out.Value = qualifiedFeature(f.value.ref)
	case valueList:
		list := make([]any, len(f.value.list))
		for i, v := range f.value.list {
			if !v.null {
				list[i] = typedValue(f.feature.typ, v.text)
			}
		}
		out.Value = list
	}
	return out
}

func qualifiedFeature(f *qfeature) string { return duckTableName(f.fg) + "." + f.name }

// typedValue gives a filter value the JSON type of the feature: numbers
// for numeric features, booleans for boolean ones, timestamps as
// "yyyy-MM-dd HH:mm:ss", anything else (or a value that does not parse)
// as the string sent.
func typedValue(typ, text string) any {
	typ = strings.ToLower(typ)
	switch {
	case typ == "int" || typ == "bigint" || typ == "smallint" || typ == "tinyint":
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n
		}
	case typ == "float" || typ == "double" || strings.HasPrefix(typ, "decimal"):
		if _, err := strconv.ParseFloat(text, 64); err == nil {
			return json.Number(text)
		}
	case typ == "boolean":
		if b, err := strconv.ParseBool(strings.ToLower(text)); err == nil {
			return b
		}
	case typ == "timestamp":
		if t, err := parseTimestamp(text); err == nil {
			return t.Format("2006-01-02 15:04:05")
		}
	}
	return text
}

// asciiJSON escapes every non-ASCII character of a JSON text as \uXXXX
// (two escapes, a surrogate pair, beyond the Basic Multilingual Plane).
// Outside strings JSON is ASCII, so the result is equivalent JSON.
func asciiJSON(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 {
			b.WriteRune(r)
			continue
		}
		if r1, r2 := utf16.EncodeRune(r); r1 != '\uFFFD' {
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

// signPayload signs an HQS payload for the hopsworks-signature header. The
// backend's algorithm is not public; the test server uses HMAC-SHA256 with
// a secret made at Start, base64-encoded, which validSignature checks.
func (s *Server) signPayload(payload string) string {
	mac := hmac.New(sha256.New, s.hqsKey)
	mac.Write([]byte(payload))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// validSignature reports whether sig is the signature of payload, as the
// Flight server is to check the hopsworks-signature header.
func (s *Server) validSignature(payload, sig string) bool {
	want, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, s.hqsKey)
	mac.Write([]byte(payload))
	return hmac.Equal(mac.Sum(nil), want)
}
