package plantest

import (
	"errors"
	"fmt"
	"strings"
)

// A query file is SQL in hopsql's dialect, preceded by comment lines:
//
//	-- project: fraud           the session's project (default fraud)
//	-- ordered                  ORDER BY makes row order part of the answer
//	-- duckdb: SELECT ...       DuckDB's spelling, when hopsql's text is not
//	-- duckdb: ...              valid DuckDB (one or more lines)
//
// Other leading comment lines are descriptions.

// DefaultProject is the session project of a query file that names none.
const DefaultProject = "fraud"

// Query is a parsed query file.
type Query struct {
	// Project is the session's project.
	Project string
	// Ordered reports that the answer's row order is part of the answer.
	Ordered bool
	// DuckDB is DuckDB's spelling of the query, or "" when the hopsql text
	// is run in DuckDB with its names translated.
	DuckDB string
	// SQL is the query in hopsql's dialect, without the header comments
	// and without a trailing semicolon.
	SQL string
}

// ParseQuery reads a query file.
func ParseQuery(text string) (*Query, error) {
	q := &Query{Project: DefaultProject}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var duck []string
	i := 0
	for ; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line == "" {
			continue
		}
		c, ok := strings.CutPrefix(line, "--")
		if !ok {
			break
		}
		c = strings.TrimSpace(c)
		switch {
		case strings.HasPrefix(c, "project:"):
			q.Project = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(c, "project:")))
			if q.Project == "" {
				return nil, fmt.Errorf("line %d: -- project: names no project", i+1)
			}
		case c == "ordered":
			q.Ordered = true
		case strings.HasPrefix(c, "duckdb:"):
			duck = append(duck, strings.TrimPrefix(strings.TrimPrefix(c, "duckdb:"), " "))
		}
	}
	q.SQL = trimStatement(strings.Join(lines[i:], "\n"))
	if q.SQL == "" {
		return nil, errors.New("the file holds no query after its header")
	}
	q.DuckDB = trimStatement(strings.Join(duck, "\n"))
	return q, nil
}

func trimStatement(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, ";")
	return strings.TrimSpace(s)
}
