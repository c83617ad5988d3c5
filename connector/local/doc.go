// Package local is hopsql's embedded feature store: projects, their feature
// stores and the stores' sharing, kept on disk as Parquet files and JSON
// metadata that a person can also write by hand.
//
// The layout of a warehouse directory:
//
//	<warehouse>/
//	  <project>/
//	    project.json              {"name": "bank", "shared_with": ["fraud"]}  (optional)
//	    <fg>_<version>/
//	      featuregroup.json       {"name", "version", "description", "primary_key": [..],
//	                               "event_time": "ts" | null,
//	                               "features": [{"name", "type", "description"}]}
//	      *.parquet               the rows (any number of files, one schema)
//
// A Warehouse implements connector.Source over such a directory.
package local
