package main

import (
	"slices"
	"strings"
)

// sqlKeywords are the keywords and functions completion offers.
var sqlKeywords = []string{
	"ALL", "AND", "AS", "ASC", "BETWEEN", "BY", "CASE", "CAST", "CROSS", "DESC", "DESCRIBE",
	"DISTINCT", "ELSE", "END", "EXCEPT", "EXISTS", "EXPLAIN", "ANALYZE", "FALSE", "FROM", "FULL",
	"GROUP", "HAVING", "IN", "INNER", "INTERSECT", "INTERVAL", "IS", "JOIN", "LEFT", "LIKE",
	"LIMIT", "NATURAL", "NOT", "NULL", "OFFSET", "ON", "OR", "ORDER", "OUTER", "RIGHT", "SELECT", "SET",
	"SHOW", "TABLES", "COLUMNS", "DATABASES", "THEN", "TRUE", "UNION", "USING", "WHEN", "WHERE",
	"WITH", "AVG", "COALESCE", "COUNT", "DATE_TRUNC", "LOWER", "MAX", "MIN", "ROUND", "SUM", "UPPER",
}

// metaCommandNames are the meta-commands completion offers.
var metaCommandNames = []string{`\d`, `\e`, `\format`, `\i`, `\o`, `\q`, `\timing`, `\x`, `\?`}

// completion is what Tab offers at a place in the buffer: the text before
// the cursor that a candidate replaces, and the candidates.
type completion struct {
	word       string
	candidates []string
}

// complete returns the completion of buf, the whole text being edited, at
// byte offset cursor, using the names of cat (which may be nil).
//
// Inside a string, quoted name or comment there is none. A meta-command
// completes its name and its argument. In SQL, a word after "project::"
// completes the tables of that project; after "x." the columns of the
// table or alias x, or the tables of the project x; after FROM or JOIN the
// tables of the session's project and the readable projects; elsewhere the
// columns of the tables the statement names, keywords and functions,
// tables and projects. Candidates match the word case-insensitively and
// come sorted; keywords follow the word's case.
func complete(buf string, cursor int, cat *catalogNames) completion {
	cursor = max(0, min(cursor, len(buf)))
	if strings.HasPrefix(strings.TrimLeft(buf, " \t\r\n"), `\`) {
		return completeMeta(buf, cursor, cat)
	}
	toks := lexSQL(buf)
	for _, t := range toks {
		if t.kind != tokName && t.kind != tokPunct && t.start < cursor && (cursor < t.end || t.open) {
			return completion{} // inside a string, quoted name or comment
		}
	}
	start := cursor
	for start > 0 && (isNameByte(buf[start-1]) || buf[start-1] == '.' || buf[start-1] == ':') {
		start--
	}
	word := buf[start:cursor]
	stmt := statementAt(toks, cursor)
	var cands []string
	switch i := strings.LastIndex(word, "::"); {
	case i >= 0:
		if p := cat.projectOf(word[:i]); p != "" {
			for _, t := range cat.tablesOf(p) {
				cands = append(cands, word[:i+2]+t.name)
			}
		}
	case strings.Contains(word, "."):
		j := strings.LastIndexByte(word, '.')
		q := word[:j]
		if t := tableInScope(stmt, q, cat); t != nil {
			for _, c := range t.columns {
				cands = append(cands, q+"."+c.name)
			}
		} else if p := cat.projectOf(q); p != "" {
			for _, t := range cat.tablesOf(p) {
				cands = append(cands, q+"."+t.name)
			}
		}
	default:
		wantsTable := false
		if prev := previousToken(stmt, start); prev != nil && prev.kind == tokName {
			switch strings.ToUpper(prev.text) {
			case "FROM", "JOIN", "DESCRIBE", "DESC", "TABLE":
				wantsTable = true
			}
		}
		if !wantsTable {
			for _, t := range statementTables(stmt, cat) {
				for _, c := range t.table.columns {
					cands = append(cands, c.name)
				}
			}
			lower := word != "" && strings.ToLower(word) == word
			for _, k := range sqlKeywords {
				if lower {
					k = strings.ToLower(k)
				}
				cands = append(cands, k)
			}
		}
		cands = append(cands, tableCandidates(cat)...)
	}
	return completion{word: word, candidates: matching(cands, word)}
}

// tableCandidates are the tables of the session's project, the readable
// projects followed by "::", and information_schema.
func tableCandidates(cat *catalogNames) []string {
	if cat == nil {
		return nil
	}
	var cands []string
	for _, t := range cat.tablesOf(cat.project) {
		cands = append(cands, t.name)
	}
	for _, p := range cat.projects {
		cands = append(cands, p+"::")
	}
	return append(cands, infoSchema+".")
}

// completeMeta completes a meta-command: its name, then its argument.
func completeMeta(buf string, cursor int, cat *catalogNames) completion {
	before := strings.TrimLeft(buf[:cursor], " \t\r\n")
	name, arg, hasArg := strings.Cut(before, " ")
	if !hasArg {
		return completion{word: name, candidates: matching(metaCommandNames, name)}
	}
	arg = strings.TrimLeft(arg, " ")
	if strings.Contains(arg, " ") {
		return completion{}
	}
	var cands []string
	switch name {
	case `\d`:
		if cat != nil {
			for _, t := range cat.tables {
				cands = append(cands, cat.sqlName(t))
			}
		}
	case `\format`:
		cands = []string{"table", "csv", "tsv", "json", "jsonl", "markdown", "arrow", "parquet"}
	case `\x`:
		cands = []string{"on", "off", "auto"}
	case `\timing`:
		cands = []string{"on", "off"}
	}
	return completion{word: arg, candidates: matching(cands, arg)}
}

// matching returns the distinct candidates that start with word, in any
// case, sorted.
func matching(cands []string, word string) []string {
	var out []string
	w := strings.ToLower(word)
	for _, c := range cands {
		if strings.HasPrefix(strings.ToLower(c), w) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// statementAt returns the tokens of the statement around offset: those
// between the semicolons before and after it.
func statementAt(toks []sqlToken, offset int) []sqlToken {
	from, to := 0, len(toks)
	for i, t := range toks {
		if t.kind != tokPunct || t.text != ";" {
			continue
		}
		if t.end <= offset {
			from = i + 1
		} else {
			to = i
			break
		}
	}
	return toks[from:to]
}

// previousToken returns the last token of stmt that is not a comment and
// ends at or before offset, or nil.
func previousToken(stmt []sqlToken, offset int) *sqlToken {
	for i := len(stmt) - 1; i >= 0; i-- {
		if stmt[i].end <= offset && stmt[i].kind != tokComment {
			return &stmt[i]
		}
	}
	return nil
}

// tableRef is a table a statement names, and the alias it gives it.
type tableRef struct {
	table *catalogTable
	name  string // as written
	alias string
}

// statementTables returns the tables of the catalog that the statement's
// names refer to, with their aliases (table [AS] alias).
func statementTables(stmt []sqlToken, cat *catalogNames) []tableRef {
	var refs []tableRef
	for i := 0; i < len(stmt); i++ {
		t := stmt[i]
		if t.kind != tokName && t.kind != tokQuoted {
			continue
		}
		name := t.text
		// A quoted project before ::, as in `bank`::fg_1.
		if t.kind == tokQuoted && i+3 < len(stmt) && stmt[i+1].text == ":" && stmt[i+2].text == ":" && stmt[i+3].kind == tokName {
			name = t.text + "::" + stmt[i+3].text
			i += 3
		}
		tbl := cat.resolve(name)
		if tbl == nil {
			continue
		}
		ref := tableRef{table: tbl, name: name}
		j := i + 1
		if j < len(stmt) && stmt[j].kind == tokName && strings.EqualFold(stmt[j].text, "AS") {
			j++
		}
		if j < len(stmt) && stmt[j].kind == tokName && !isKeyword(stmt[j].text) && !strings.ContainsAny(stmt[j].text, ".:") {
			ref.alias = stmt[j].text
		}
		refs = append(refs, ref)
	}
	return refs
}

// tableInScope returns the table that q, a qualifier before a column,
// names in the statement: an alias, or a table's name as written, or nil.
func tableInScope(stmt []sqlToken, q string, cat *catalogNames) *catalogTable {
	for _, r := range statementTables(stmt, cat) {
		if strings.EqualFold(r.alias, q) || strings.EqualFold(r.name, q) {
			return r.table
		}
	}
	return nil
}

// isKeyword reports whether word is one of sqlKeywords, in any case.
func isKeyword(word string) bool {
	return slices.ContainsFunc(sqlKeywords, func(k string) bool { return strings.EqualFold(k, word) })
}
