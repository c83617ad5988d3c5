package catalog

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hopsql/hopsql/connector"
)

// Name is a table reference from SQL, parsed.
type Name struct {
	// Project is the project whose feature store holds the table,
	// lower-case; "" means the session's project.
	Project string
	// Table is a table name such as "fg_1" or a feature group name such
	// as "fg", lower-case.
	Table string
}

// String returns the name as hopsql writes it: "project::table", or
// "table" when Project is empty.
func (n Name) String() string {
	if n.Project == "" {
		return n.Table
	}
	return n.Project + "::" + n.Table
}

// ParseName interprets a table reference as the SQL parser delivers it:
// qualifier is the part before a dot, "" if there is none, and name the
// part after it. It accepts
//
//	name "fg_1" or "fg"                       in the session's project
//	name "project::fg_1"                      the planner's front end turns an
//	                                          unquoted project::fg_1 into one
//	                                          identifier containing "::"
//	qualifier "project_featurestore", name    Hopsworks' offline SQL name
//	qualifier "project", name                 the schema-style spelling
//
// and returns the parts lower-cased. A qualifier ending in "_featurestore"
// (in any case) always names a feature store, so the suffix is removed to
// get the project. It fails if a part is empty, if name
// has more than one "::", if "::" is combined with a qualifier, or if a part
// holds a character other than an ASCII letter, digit or underscore, which
// no project, feature store or table name can contain.
func ParseName(qualifier, name string) (Name, error) {
	written := name
	if qualifier != "" {
		written = qualifier + "." + name
	}
	invalid := func(format string, args ...any) (Name, error) {
		return Name{}, fmt.Errorf("invalid table name %q: %s", written, fmt.Sprintf(format, args...))
	}

	var project, table string
	switch i := strings.Index(name, "::"); {
	case i >= 0 && qualifier != "":
		return invalid(`a name with a qualifier cannot also contain "::"`)
	case i >= 0:
		if strings.Count(name, "::") > 1 {
			return invalid(`more than one "::"`)
		}
		project, table = name[:i], name[i+2:]
		if project == "" {
			return invalid(`the project before "::" is empty`)
		}
		if table == "" {
			return invalid(`the table after "::" is empty`)
		}
	case qualifier != "":
		project, table = qualifier, name
		if p, ok := cutSuffixFold(qualifier, connector.StoreSuffix); ok {
			if p == "" {
				return invalid("the feature store %q names no project", qualifier)
			}
			project = p
		}
		if table == "" {
			return invalid("the table after %q is empty", qualifier+".")
		}
	default:
		if name == "" {
			return Name{}, fmt.Errorf("invalid table name: the name is empty")
		}
		table = name
	}
	if msg := checkIdent(project); msg != "" {
		return invalid("%s in project %q", msg, project)
	}
	if msg := checkIdent(table); msg != "" {
		return invalid("%s", msg)
	}
	return Name{Project: strings.ToLower(project), Table: strings.ToLower(table)}, nil
}

// checkIdent returns "" if s is made of ASCII letters, digits and
// underscores only, and otherwise says which character is not allowed.
func checkIdent(s string) string {
	for i, r := range s {
		if r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
			continue
		}
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return fmt.Sprintf("byte %#x is not valid UTF-8", s[i])
			}
		}
		msg := fmt.Sprintf("character %q is not allowed (names use letters, digits and _)", r)
		if r == ':' {
			msg += `; a project is separated from its table by "::"`
		}
		return msg
	}
	return ""
}

// cutSuffixFold is strings.CutSuffix with the suffix matched without regard
// to ASCII case.
func cutSuffixFold(s, suffix string) (string, bool) {
	if len(s) < len(suffix) || !strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		return s, false
	}
	return s[:len(s)-len(suffix)], true
}

// ParseProject interprets a project reference as SQL gives it, for
// statements such as SHOW TABLES FROM bank: a project name ("bank") or the
// name of its feature store ("bank_featurestore"), in any case. It returns
// the project, lower-cased, and fails if the name is empty, names no
// project, or holds a character other than an ASCII letter, digit or
// underscore.
func ParseProject(name string) (string, error) {
	project := name
	if p, ok := cutSuffixFold(name, connector.StoreSuffix); ok {
		if p == "" {
			return "", fmt.Errorf("invalid project name %q: the feature store names no project", name)
		}
		project = p
	}
	if project == "" {
		return "", fmt.Errorf("invalid project name: the name is empty")
	}
	if msg := checkIdent(project); msg != "" {
		return "", fmt.Errorf("invalid project name %q: %s", name, msg)
	}
	return strings.ToLower(project), nil
}
