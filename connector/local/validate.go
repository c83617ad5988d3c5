package local

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/hopsql/hopsql/connector"
)

// maxNameLen is the longest feature group or feature name Hopsworks accepts.
const maxNameLen = 63

// validName reports whether a lower-case name follows Hopsworks' rule for
// feature group and feature names, ^[a-z][a-z0-9_]*$ with at most 63
// characters.
func validName(s string) bool {
	if s == "" || len(s) > maxNameLen || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if c != '_' && (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

const nameRule = "names start with a letter and hold only letters, digits and underscores, at most 63 characters"

// decodeStrict decodes the single JSON value in data into v, rejecting
// unknown fields and trailing data. Errors carry the line and column of the
// problem and how to fix it; known lists the fields the file may hold.
func decodeStrict(path string, data []byte, v any, known string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			line, col := lineColumn(data, dec.InputOffset())
			return fmt.Errorf("local: %s: line %d, column %d: unexpected data after the JSON object; a metadata file holds one JSON object", path, line, col)
		}
		return nil
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return fmt.Errorf("local: %s: the file is empty; it must hold a JSON object (%s)", path, known)
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := lineColumn(data, int64(len(data)))
		return fmt.Errorf("local: %s: line %d, column %d: malformed JSON: unexpected end of the file; close every brace and bracket", path, line, col)
	case errors.As(err, &syntax):
		// Offset counts the offending byte.
		line, col := lineColumn(data, syntax.Offset-1)
		return fmt.Errorf("local: %s: line %d, column %d: malformed JSON: %w", path, line, col, err)
	case errors.As(err, &typ):
		line, col := lineColumn(data, typ.Offset)
		field := typ.Field
		if field == "" {
			return fmt.Errorf("local: %s: line %d, column %d: expected a JSON object, found a JSON %s (%w)", path, line, col, typ.Value, err)
		}
		return fmt.Errorf("local: %s: line %d, column %d: %q must be %s, found a JSON %s (%w)", path, line, col, field, jsonKind(typ.Type), typ.Value, err)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		line, col := lineColumn(data, dec.InputOffset())
		field := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return fmt.Errorf("local: %s: line %d, column %d: unknown field %s; the file may hold %s", path, line, col, field, known)
	}
	return fmt.Errorf("local: %s: malformed JSON: %w", path, err)
}

// jsonKind describes the JSON value that decodes into a Go type.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem()) + " or null"
	}
	return "a " + t.Kind().String()
}

// lineColumn converts a byte offset in data to a 1-based line and column.
func lineColumn(data []byte, offset int64) (line, col int) {
	if offset < 0 {
		offset = 0
	}
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}

const featureGroupFields = `"name", "version", "description", "primary_key", "event_time" and "features", each feature "name", "type" and "description"`

// parseFeatureGroup reads the featuregroup.json at path, which sits in the
// directory dirName of project, and validates it.
func parseFeatureGroup(path, project, dirName string, data []byte) (*connector.FeatureGroup, error) {
	var f FeatureGroupFile
	if err := decodeStrict(path, data, &f, featureGroupFields); err != nil {
		return nil, err
	}
	name := strings.ToLower(f.Name)
	switch {
	case name == "":
		return nil, fmt.Errorf(`local: %s: missing "name"; give the feature group's name, e.g. "name": %q`, path, trimVersion(dirName))
	case !validName(name):
		return nil, fmt.Errorf("local: %s: feature group name %q is not valid: %s", path, f.Name, nameRule)
	}
	if f.Version < 1 {
		if f.Version == 0 && !hasKey(data, "version") {
			return nil, fmt.Errorf(`local: %s: missing "version"; give the feature group's version, a whole number of 1 or more`, path)
		}
		return nil, fmt.Errorf("local: %s: version %d is not valid; versions start at 1", path, f.Version)
	}
	table := fmt.Sprintf("%s_%d", name, f.Version)
	if strings.ToLower(dirName) != table {
		return nil, fmt.Errorf(`local: %s: describes feature group %s version %d, but its directory is %q; rename the directory to %q or correct "name" and "version"`, path, name, f.Version, dirName, table)
	}
	if len(f.Features) == 0 {
		return nil, fmt.Errorf(`local: %s: no features; list the feature group's columns under "features", e.g. [{"name": "id", "type": "bigint"}]`, path)
	}
	fg := &connector.FeatureGroup{
		Project:     project,
		Name:        name,
		Version:     f.Version,
		Description: f.Description,
		Features:    make([]connector.Feature, 0, len(f.Features)),
	}
	index := make(map[string]int, len(f.Features))
	for i, ff := range f.Features {
		fname := strings.ToLower(ff.Name)
		switch {
		case fname == "":
			return nil, fmt.Errorf(`local: %s: feature %d has no "name"`, path, i+1)
		case !validName(fname):
			return nil, fmt.Errorf("local: %s: feature name %q is not valid: %s", path, ff.Name, nameRule)
		}
		if j, dup := index[fname]; dup {
			return nil, fmt.Errorf("local: %s: feature %q appears twice (features %d and %d); feature names are case-insensitive and must be unique", path, fname, j+1, i+1)
		}
		index[fname] = i
		if strings.TrimSpace(ff.Type) == "" {
			return nil, fmt.Errorf(`local: %s: feature %q has no "type"; give a Hopsworks offline type such as "bigint", "string" or "decimal(12,2)"`, path, fname)
		}
		dt, err := connector.ParseType(ff.Type)
		if err != nil {
			return nil, fmt.Errorf("local: %s: feature %q: %w", path, fname, err)
		}
		fg.Features = append(fg.Features, connector.Feature{
			Name:        fname,
			Type:        strings.ToLower(strings.TrimSpace(ff.Type)),
			DataType:    dt,
			Description: ff.Description,
		})
	}
	seen := make(map[string]bool, len(f.PrimaryKey))
	for _, k := range f.PrimaryKey {
		k = strings.ToLower(k)
		i, ok := index[k]
		if !ok {
			return nil, fmt.Errorf(`local: %s: "primary_key" names %q, which is not a feature; features are %s`, path, k, featureList(fg))
		}
		if seen[k] {
			return nil, fmt.Errorf(`local: %s: "primary_key" names %q twice`, path, k)
		}
		seen[k] = true
		fg.Features[i].Primary = true
		fg.PrimaryKey = append(fg.PrimaryKey, k)
	}
	if f.EventTime != nil && *f.EventTime != "" {
		et := strings.ToLower(*f.EventTime)
		i, ok := index[et]
		if !ok {
			return nil, fmt.Errorf(`local: %s: "event_time" names %q, which is not a feature; features are %s`, path, et, featureList(fg))
		}
		switch fg.Features[i].DataType.ID() {
		case arrow.TIMESTAMP, arrow.DATE32, arrow.INT64:
		default:
			return nil, fmt.Errorf(`local: %s: "event_time" feature %q has type %s; the event time must be a timestamp, date or bigint feature`, path, et, fg.Features[i].Type)
		}
		fg.EventTime = et
	}
	return fg, nil
}

// trimVersion returns a directory name without its "_<version>" suffix.
func trimVersion(dirName string) string {
	if i := strings.LastIndexByte(dirName, '_'); i > 0 {
		if _, err := strconv.Atoi(dirName[i+1:]); err == nil {
			return strings.ToLower(dirName[:i])
		}
	}
	return strings.ToLower(dirName)
}

// hasKey reports whether the JSON object in data has the top-level key.
func hasKey(data []byte, key string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return false
	}
	_, ok := m[key]
	return ok
}

// featureList renders the feature names of fg for error messages.
func featureList(fg *connector.FeatureGroup) string {
	names := make([]string, len(fg.Features))
	for i, f := range fg.Features {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

const projectFields = `"name", "description" and "shared_with"`

// projectInfo is a project as project.json describes it.
type projectInfo struct {
	name        string // lower-case directory name
	description string
	sharedWith  []string // lower-case
}

// parseProject validates the project.json at path, found in the project
// directory dirName.
func parseProject(path, dirName string, data []byte) (projectInfo, error) {
	var f ProjectFile
	if err := decodeStrict(path, data, &f, projectFields); err != nil {
		return projectInfo{}, err
	}
	name := strings.ToLower(dirName)
	if f.Name != "" && strings.ToLower(f.Name) != name {
		return projectInfo{}, fmt.Errorf(`local: %s: "name" is %q, but the project's directory is %q; a project is named after its directory (case-insensitive): rename the directory or correct "name"`, path, f.Name, dirName)
	}
	info := projectInfo{name: name, description: f.Description}
	for _, s := range f.SharedWith {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			info.sharedWith = append(info.sharedWith, s)
		}
	}
	return info, nil
}
