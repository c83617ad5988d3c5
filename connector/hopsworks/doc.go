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
// Feature groups are read the way Hopsworks serves them: PlanScan turns a
// scan into a query of the Hopsworks query model, with the filters the
// model can express, and the query constructor turns it into SQL (and, on
// backends of version 4.7 and later, into a signed Flight payload; for
// older ones the client builds the payload from the SQL). Reading streams
// the result as Arrow record batches from the Hopsworks Query Service over
// Arrow Flight, with mutual TLS and the project user's certificates, on
// one connection per Client. Reads that the service turns away before
// their first batch (UNAVAILABLE, a full queue) are retried with backoff.
//
// The API key is never part of an error, a log line or the string form of
// any value of this package, and neither are the certificates' passwords.
package hopsworks
