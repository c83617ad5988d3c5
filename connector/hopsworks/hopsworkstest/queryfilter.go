package hopsworkstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// rlogic is a resolved FilterLogicDTO: AND or OR of two sides, each a
// filter or a logic, or SINGLE with only a left filter.
type rlogic struct {
	typ           string
	leftF, rightF *rfilter
	leftL, rightL *rlogic
}

// rfilter is a resolved FilterDTO.
type rfilter struct {
	feature *qfeature
	cond    string
	value   filterValue
}

// filterValue is what a filter compares with.
type filterValue struct {
	kind valueKind
	text string      // valueLiteral: the value as sent, a string
	ref  *qfeature   // valueFeature
	list []listValue // valueList (IN)
}

type valueKind int

const (
	valueNull    valueKind = iota // JSON null: IS NULL
	valueLiteral                  // a literal, rendered by the feature's type
	valueFeature                  // another feature: a feature-to-feature comparison
	valueList                     // the elements of an IN list
)

// listValue is one element of an IN list.
type listValue struct {
	null bool
	text string
	json json.RawMessage // the element as sent, for the HQS payload
}

// sqlOperator returns the SQL operator of one of the backend's
// SqlFilterCondition values, or "" if cond is none.
func sqlOperator(cond string) string {
	switch cond {
	case "LESS_THAN":
		return "<"
	case "GREATER_THAN":
		return ">"
	case "LESS_THAN_OR_EQUAL":
		return "<="
	case "GREATER_THAN_OR_EQUAL":
		return ">="
	case "EQUALS":
		return "="
	case "NOT_EQUALS":
		return "<>"
	case "IN", "LIKE", "IS":
		return cond
	}
	return ""
}

// convertLogic resolves and validates a filter tree as the backend's
// FilterController does.
func (r *resolver) convertLogic(l *logicDTO) (*rlogic, *apiError) {
	malformed := newError(errIllegalFilter, "The provided filters for the Query are malformed, please do not access "+
		"private attributes, contact maintainers with reproducible example.")
	switch l.Type {
	case "SINGLE":
		if l.LeftFilter == nil || l.LeftLogic != nil || l.RightFilter != nil || l.RightLogic != nil {
			return nil, malformed
		}
	case "AND", "OR":
		if (l.LeftFilter == nil) == (l.LeftLogic == nil) || (l.RightFilter == nil) == (l.RightLogic == nil) {
			return nil, malformed
		}
	default:
		return nil, newError(errIllegalArgument, "Filter logic type %q is not one of AND, OR, SINGLE", l.Type)
	}
	out := &rlogic{typ: l.Type}
	var aerr *apiError
	if l.LeftFilter != nil {
		if out.leftF, aerr = r.convertFilter(l.LeftFilter); aerr != nil {
			return nil, aerr
		}
	}
	if l.RightFilter != nil {
		if out.rightF, aerr = r.convertFilter(l.RightFilter); aerr != nil {
			return nil, aerr
		}
	}
	if l.LeftLogic != nil {
		if out.leftL, aerr = r.convertLogic(l.LeftLogic); aerr != nil {
			return nil, aerr
		}
	}
	if l.RightLogic != nil {
		if out.rightL, aerr = r.convertLogic(l.RightLogic); aerr != nil {
			return nil, aerr
		}
	}
	return out, nil
}

// convertFilter resolves the filtered feature and interprets the value.
func (r *resolver) convertFilter(f *filterDTO) (*rfilter, *apiError) {
	if sqlOperator(f.Condition) == "" {
		return nil, newError(errIllegalArgument, "Filter condition %q is not known", f.Condition)
	}
	if f.Feature == nil {
		return nil, newError(errIllegalFilter, "A filter has no feature")
	}
	feat, aerr := r.findFilteredFeature(f.Feature)
	if aerr != nil {
		return nil, aerr
	}
	out := &rfilter{feature: feat, cond: f.Condition}
	if out.value, aerr = r.interpretValue(feat, f.Condition, f.Value); aerr != nil {
		return nil, aerr
	}
	return out, nil
}

// findFilteredFeature finds a feature by featureGroupId and name, or
// without an id in the first feature group (in lookupOrder) that has one of
// that name.
func (r *resolver) findFilteredFeature(ref *featureRefDTO) (*qfeature, *apiError) {
	if ref.FeatureGroupID != nil {
		if f := findFeature(r.available[*ref.FeatureGroupID], ref.Name); f != nil {
			return f, nil
		}
	} else {
		for _, id := range r.lookupOrder() {
			if f := findFeature(r.available[id], ref.Name); f != nil {
				return f, nil
			}
		}
	}
	return nil, newError(errFeatureDoesNotExist, "Filtered feature: `%s` not found in any of the feature groups.", ref.Name)
}

// interpretValue interprets the raw value of a filter on feat.
func (r *resolver) interpretValue(feat *qfeature, cond string, raw json.RawMessage) (filterValue, *apiError) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		switch cond {
		case "EQUALS", "IS", "NOT_EQUALS":
			return filterValue{kind: valueNull}, nil
		}
		return filterValue{}, newError(errIllegalFilter, "Condition %s on feature %s has no value", cond, feat.name)
	}
	text := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &text); err != nil {
			return filterValue{}, newError(errIllegalArgument, "Filter value %s: %v", raw, err)
		}
	}
	if cond == "IS" {
		return filterValue{}, newError(errIllegalFilter, "Condition IS takes no value, got %q", text)
	}
	if ref, ok, aerr := r.featureValue(text); aerr != nil || ok {
		return filterValue{kind: valueFeature, ref: ref}, aerr
	}
	if cond == "IN" {
		return inList(feat, text)
	}
	if aerr := checkLiteral(feat.typ, text); aerr != nil {
		return filterValue{}, aerr
	}
	return filterValue{kind: valueLiteral, text: text}, nil
}

// featureValue reports whether text is a feature (the JSON of a
// FeatureGroupFeatureDTO, which the Python client sends for fg.a == fg.b)
// and resolves it.
func (r *resolver) featureValue(text string) (*qfeature, bool, *apiError) {
	if !strings.HasPrefix(strings.TrimSpace(text), "{") {
		return nil, false, nil
	}
	var ref featureRefDTO
	if err := json.Unmarshal([]byte(text), &ref); err != nil || ref.Name == "" {
		return nil, false, nil
	}
	f, aerr := r.findFilteredFeature(&ref)
	return f, true, aerr
}

// inList interprets the value of an IN filter: a JSON array (the Python
// client sends json.dumps(list)); a value that is not an array is a list
// of one.
func inList(feat *qfeature, text string) (filterValue, *apiError) {
	var elems []json.RawMessage
	if err := json.Unmarshal([]byte(text), &elems); err != nil {
		elems = []json.RawMessage{mustJSON(text)}
	}
	if len(elems) == 0 {
		return filterValue{}, newError(errIllegalFilter, "IN filter on feature %s has an empty list", feat.name)
	}
	out := filterValue{kind: valueList}
	for _, e := range elems {
		e = bytes.TrimSpace(e)
		if bytes.Equal(e, []byte("null")) {
			out.list = append(out.list, listValue{null: true, json: e})
			continue
		}
		text := string(e)
		if e[0] == '"' {
			json.Unmarshal(e, &text) // e is valid JSON: it came out of the array
		}
		if aerr := checkLiteral(feat.typ, text); aerr != nil {
			return filterValue{}, aerr
		}
		out.list = append(out.list, listValue{text: text, json: e})
	}
	return out, nil
}

func mustJSON(s string) json.RawMessage {
	b, _ := json.Marshal(s) // marshalling a string cannot fail
	return b
}

// checkLiteral validates a literal of a date or timestamp feature, which
// the backend parses (Calcite's DateString, TimestampString); a bad one is
// an IllegalArgumentException, answered with 422.
func checkLiteral(typ, text string) *apiError {
	var err error
	switch strings.ToLower(typ) {
	case "date":
		_, err = time.Parse(time.DateOnly, text)
	case "timestamp":
		_, err = parseTimestamp(text)
	}
	if err != nil {
		return newError(errIllegalArgument, "Invalid %s literal %q: %v", typ, text, err)
	}
	return nil
}

// parseTimestamp parses "yyyy-MM-dd HH:mm:ss[.fff…]".
func parseTimestamp(text string) (time.Time, error) {
	t, err := time.Parse("2006-01-02 15:04:05.999999999", text)
	if err != nil {
		return time.Time{}, fmt.Errorf("want yyyy-MM-dd HH:mm:ss[.fff]: %w", err)
	}
	return t, nil
}
