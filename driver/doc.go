// Package driver is hopsql's database/sql driver and its Arrow API.
//
// Importing the package registers the driver as "hopsql":
//
//	db, err := sql.Open("hopsql", "file:///data/warehouse?project=fraud")
//
// or, with a Config,
//
//	c, err := driver.NewConnector(&driver.Config{Warehouse: dir, Project: "fraud"})
//	db := sql.OpenDB(c)
//
// # Data source names
//
//	file:///path/to/warehouse?project=fraud     an embedded store (package connector/local)
//	file:relative/dir?project=fraud             the same, relative to the working directory
//	demo:  demo:?project=bank                   the demo store, generated on first use into
//	                                            os.UserCacheDir()/hopsql/demo-scale1
//	hopsworks://host[:port]/project?api_key_file=...
//	                                            a Hopsworks cluster (package connector/hopsworks):
//	                                            its own feature store and those shared with it
//
// attach=DIR (any form) also makes the projects of the embedded store in
// DIR readable, read-only, under their own names (labels::fraud_labels_1):
// local feature groups can then be joined with the session's, the joins
// running in the engine. Their names must differ from the stores the
// session reads otherwise.
//
// Options common to all forms: memory_limit (bytes, with an optional KB, MB,
// GB, KiB, MiB, GiB or TiB suffix, or "none"), join_pushdown (auto or off),
// connect_timeout and query_timeout (Go durations). Hopsworks options follow
// the Hopsworks client: api_key_value, api_key_file, secrets_store
// (parameterstore, secretsmanager or local), region, hostname_verification
// (default true), trust_store_path and cert_folder, and metadata_ttl (how
// long lists of feature stores and groups are cached; default 30s). See
// Config.
//
// The environment variables of the Hopsworks client fill what a
// hopsworks:// DSN opened with sql.Open leaves unset: HOPSWORKS_PORT,
// HOPSWORKS_PROJECT, HOPSWORKS_API_KEY (only when the DSN names no other
// source of the key), HOPSWORKS_HOSTNAME_VERIFICATION, HOPSWORKS_TRUST_STORE_PATH
// and HOPSWORKS_CERT_FOLDER. What the DSN says always wins. An empty DSN
// takes the whole connection, HOPSWORKS_HOST included, from the environment
// (see ConfigFromEnv). NewConnector never reads the environment; call
// Config.ApplyEnv to opt in.
//
// # Sessions and statements
//
// The store is read-only. Query runs one SQL statement, with ? placeholders
// bound to the arguments. Exec accepts SET statements (SET memory_limit =
// '1GiB' bounds the memory the pipeline breakers of later queries on the same
// connection may hold; SET join_pushdown = 'off' stops offering joins to
// the source, so that each feature group is read on its own and joined in
// the engine, and 'auto' restores it; SET name = DEFAULT restores the DSN's
// value) and runs queries for their side effects only; statements that change data
// fail with an error wrapping ErrReadOnly. Session settings last until the
// connection returns to the pool: use sql.DB.Conn to keep one. Read-only
// transactions (sql.TxOptions{ReadOnly: true}) are accepted as no-ops; other
// transactions fail.
//
// Prepared statements are read (split, parsed) once, and planned on each
// execution with that execution's arguments, like PostgreSQL's custom
// plans: the values of the placeholders decide which row groups a scan
// skips and which filters go to the store, and each execution sees the
// store's metadata as it is then.
//
// query_timeout bounds each query from its start until its rows are closed
// or its Arrow reader released. WithProgress attaches a Progress to a
// query's context, which counts the rows and bytes the query has read while
// it runs.
//
// # Types
//
// Columns scan into their natural Go types: integers into int64, floats
// into float64, booleans into bool, strings into string, decimals into string
// (with their scale, "12.50"), dates into time.Time at midnight UTC,
// timestamps into time.Time in UTC, binary into []byte; the sql.Null* types
// take NULLs. Column types report the Hopsworks offline type names in upper
// case (BIGINT, DECIMAL, TIMESTAMP, ...).
//
// # Join pushdown
//
// With join_pushdown=auto (the default), joins of feature groups of one
// Hopsworks cluster, own and shared stores together, run in Hopsworks when
// its query model can say them exactly: equi-joins on features whose keys
// all refer to one feature group, with filters of comparisons, IN, LIKE and
// NULL tests. Only the joined, filtered result crosses Arrow Flight; the rest
// of the query runs in the engine. EXPLAIN shows a RemoteJoin with the query
// sent and the SQL Hopsworks built.
//
// # Arrow
//
// QueryArrow runs a query on a *sql.Conn and returns the engine's Arrow
// batches as they are produced, without converting them to rows.
package driver
