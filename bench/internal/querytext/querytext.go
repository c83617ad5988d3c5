// Package querytext reads the query files of hopsql's differential corpus
// and TPC-H suite, and translates hopsql's table names into DuckDB's.
//
// A query file is SQL in hopsql's dialect, preceded by comment lines:
//
//	-- project: fraud           the session's project (default fraud)
//	-- ordered                  ORDER BY makes row order part of the answer
//	-- duckdb: SELECT ...       DuckDB's spelling, when hopsql's text is not
//	-- duckdb: ...              valid DuckDB (one or more lines)
//
// Other leading comment lines are descriptions.
package querytext

import (
	"fmt"
	"strings"
)

// DefaultProject is the session project of a query file that names none.
const DefaultProject = "fraud"

// File is a parsed query file.
type File struct {
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

// Parse reads a query file.
func Parse(text string) (*File, error) {
	f := &File{Project: DefaultProject}
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
			f.Project = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(c, "project:")))
			if f.Project == "" {
				return nil, fmt.Errorf("line %d: -- project: names no project", i+1)
			}
		case c == "ordered":
			f.Ordered = true
		case strings.HasPrefix(c, "duckdb:"):
			duck = append(duck, strings.TrimPrefix(strings.TrimPrefix(c, "duckdb:"), " "))
		}
	}
	f.SQL = trimStatement(strings.Join(lines[i:], "\n"))
	if f.SQL == "" {
		return nil, fmt.Errorf("the file holds no query after its header")
	}
	f.DuckDB = trimStatement(strings.Join(duck, "\n"))
	return f, nil
}

func trimStatement(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, ";")
	return strings.TrimSpace(s)
}

// ToDuckDB translates the names of a hopsql query into DuckDB's, where
// every project is a schema holding one view per feature group table and
// one per feature group name (its latest version), and
// <project>_featurestore is another schema with the same views:
//
//	project::fg_1, `project::fg_1`   → project.fg_1
//	`name`                            → "name"
//	"text" (a MySQL string)           → 'text'
//
// Strings, comments and everything else are left as written. It fails on
// an unterminated string, quoted name or comment.
func ToDuckDB(sql string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == '\'':
			j, err := endQuoted(sql, i, '\'')
			if err != nil {
				return "", err
			}
			b.WriteString(sql[i:j])
			i = j
		case c == '"':
			j, err := endQuoted(sql, i, '"')
			if err != nil {
				return "", err
			}
			body := strings.ReplaceAll(sql[i+1:j-1], `""`, `"`)
			b.WriteString("'" + strings.ReplaceAll(body, "'", "''") + "'")
			i = j
		case c == '`':
			j, err := endQuoted(sql, i, '`')
			if err != nil {
				return "", err
			}
			name := strings.ReplaceAll(sql[i+1:j-1], "``", "`")
			b.WriteString(duckName(name))
			i = j
		case c == '-' && strings.HasPrefix(sql[i:], "--"), c == '#':
			j := strings.IndexByte(sql[i:], '\n')
			if j < 0 {
				j = len(sql) - i
			}
			b.WriteString("--" + strings.TrimLeft(sql[i:i+j], "-#"))
			i += j
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			j := strings.Index(sql[i+2:], "*/")
			if j < 0 {
				return "", fmt.Errorf("unterminated comment at offset %d", i)
			}
			b.WriteString(sql[i : i+2+j+2])
			i += 2 + j + 2
		case c == ':' && strings.HasPrefix(sql[i:], "::"):
			b.WriteByte('.')
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), nil
}

// endQuoted returns the offset just past the quoted text starting at
// sql[i], where a doubled quote stands for itself and, in strings, a
// backslash escapes the next byte.
func endQuoted(sql string, i int, q byte) (int, error) {
	for j := i + 1; j < len(sql); j++ {
		switch sql[j] {
		case '\\':
			if q != '`' {
				j++
			}
		case q:
			if j+1 < len(sql) && sql[j+1] == q {
				j++
				continue
			}
			return j + 1, nil
		}
	}
	return 0, fmt.Errorf("unterminated %c at offset %d", q, i)
}

// duckName turns the text of a backquoted name into DuckDB's: a
// project::table name into project.table, anything else into a
// double-quoted identifier.
func duckName(name string) string {
	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	if p, t, ok := strings.Cut(name, "::"); ok {
		return quote(strings.ToLower(p)) + "." + quote(strings.ToLower(t))
	}
	return quote(name)
}
