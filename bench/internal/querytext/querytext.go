// Package querytext translates the names of hopsql's query files into
// DuckDB's, for the bench module's DuckDB oracle. Reading a query file's
// header comments is plantest.ParseQuery, in the main module.
package querytext

import (
	"fmt"
	"strings"
)

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
