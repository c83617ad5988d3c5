package catalog

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hopsql/hopsql/connector"
)

// ErrNotFound is reported, through errors.Is, by errors about a missing
// project or feature group. It is connector.ErrNotFound, so errors a source
// returns match it too.
var ErrNotFound = connector.ErrNotFound

// ErrNotShared is reported, through errors.Is, by errors about a feature
// store that exists but is not readable from the session's project.
var ErrNotShared = errors.New("not shared")

// NotFoundError reports a project or feature group that the session cannot
// find. errors.Is(err, ErrNotFound) reports true for it.
type NotFoundError struct {
	// Project is the missing project when Table is empty, and otherwise the
	// project that was searched for Table.
	Project string
	// Table is the missing table or feature group name, or empty when the
	// project itself is missing.
	Table string
	// Session is the session's project.
	Session string
	// MayExist reports that the source cannot list projects, so a missing
	// project may exist without being shared with Session.
	MayExist bool
	// Suggestions lists readable names close to the missing one, closest
	// first, written as the session would write them: "transactions_1" in
	// the session's own store, "bank::customers_1" in another one.
	Suggestions []string
}

// Error says what is missing and suggests what might have been meant.
func (e *NotFoundError) Error() string {
	var msg string
	switch {
	case e.Table != "":
		msg = fmt.Sprintf("feature group %q not found in project %q", e.Table, e.Project)
	case e.MayExist:
		msg = fmt.Sprintf("project %q does not exist or is not shared with project %q", e.Project, e.Session)
	default:
		msg = fmt.Sprintf("project %q not found", e.Project)
	}
	if len(e.Suggestions) > 0 {
		msg += ": did you mean " + orList(e.Suggestions) + "?"
	}
	return msg
}

// Unwrap returns ErrNotFound.
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// NotSharedError reports a feature store that exists but is neither the
// session project's own store nor shared with it. errors.Is(err,
// ErrNotShared) reports true for it.
type NotSharedError struct {
	// Owner is the project that owns the store.
	Owner string
	// Project is the session's project.
	Project string
}

// Error names both projects and says how to get access.
func (e *NotSharedError) Error() string {
	return fmt.Sprintf("feature store %q is not shared with project %q: ask the owners of %q to share it, or connect to project %q",
		e.Owner+connector.StoreSuffix, e.Project, e.Owner, e.Owner)
}

// Unwrap returns ErrNotShared.
func (e *NotSharedError) Unwrap() error { return ErrNotShared }

// orList joins names as "a", "a or b", "a, b or c".
func orList(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
