// Package catalog resolves the table names of a SQL session to feature
// groups and says what the session may read.
//
// A Catalog is bound to one project. The project's own feature store and the
// stores other projects have shared with it are readable; every other store
// is not, and naming a table in it is an error (*NotSharedError) that names
// both projects and says what to do. The catalog only reads: it has no
// method that creates, changes or deletes anything, so the rule that shared
// stores are read-only holds by construction, and a connector.Source handed
// out in a Table is used by the planner to scan, never to write.
//
// # Names
//
// ParseName accepts these table references:
//
//	fg_1                          table fg_1 in the session's project
//	fg                            the latest version of feature group fg
//	project::fg_1, project::fg    the same in project's feature store
//	project_featurestore.fg_1     Hopsworks' own offline SQL name
//	project.fg_1                  the schema-style spelling of the same
//
// Names are case-insensitive and are kept lower-case. A name is resolved by
// Catalog.Resolve: a feature group whose table name (<name>_<version>)
// equals the name wins; otherwise the name is taken as a feature group name
// and resolves to its highest version, with Table.Latest set so that EXPLAIN
// can say which version was read.
//
// # information_schema
//
// information_schema.schemata, .tables and .columns describe what the
// session may read, with the column names BI tools look for. They resolve
// like tables (information_schema.tables, `information_schema`.`tables`)
// to an InfoSchema, a virtual connector.Source that lists the catalog when
// it is scanned. For tools, the three levels are: catalog "hopsql" (the
// connection), schema <project>_featurestore, table fg_version.
//
// # Metadata caching
//
// By default every call asks the source again, so a session sees feature
// groups as soon as they are written. WithMetadataTTL lets a catalog keep
// the list of stores and each store's feature groups for a while, which
// saves round trips to a remote Hopsworks.
package catalog
