// Package hopsworks is hopsql's client for a Hopsworks cluster: it connects
// and authenticates the way the Hopsworks client does, lists the feature
// stores a project may read (its own and those shared with it) and the
// feature groups in them, and implements connector.Source over them.
//
// Connect follows the Hopsworks client's connect sequence: it resolves the
// API key (from a value, a file or an AWS secret store), looks the project
// up, and downloads the project user's certificates into a private folder
// that Close removes again. Every REST call runs under a timeout; idempotent
// GET requests are retried with backoff on server errors (5xx) and
// connection failures, nothing else is.
//
// Metadata is cached for Options.MetadataTTL, and concurrent callers asking
// for the same metadata share a single REST round trip.
//
// The API key is never part of an error, a log line or the string form of
// any value of this package.
//
// Reading feature groups (the Hopsworks Query Service over Arrow Flight)
// comes in a later phase: PlanScan reports errors.ErrUnsupported for now.
package hopsworks
