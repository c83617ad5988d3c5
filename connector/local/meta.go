package local

// ProjectFileName is the optional file in a project directory that names the
// project and lists the projects its feature store is shared with.
const ProjectFileName = "project.json"

// FeatureGroupFileName is the file in a feature group directory that
// describes the feature group.
const FeatureGroupFileName = "featuregroup.json"

// ProjectFile is the JSON form of project.json:
//
//	{"name": "bank", "shared_with": ["fraud"]}
//
// Name defaults to the directory's name and must match it
// case-insensitively when given. SharedWith names the projects that may read
// this project's feature store.
type ProjectFile struct {
	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	SharedWith  []string `json:"shared_with,omitempty"`
}

// FeatureGroupFile is the JSON form of featuregroup.json, found in the
// directory <project>/<name>_<version>/ next to the Parquet files that hold
// the rows:
//
//	{"name": "customers", "version": 1, "description": "...",
//	 "primary_key": ["customer_id"], "event_time": null,
//	 "features": [{"name": "customer_id", "type": "bigint", "description": "..."}]}
type FeatureGroupFile struct {
	Name        string        `json:"name"`
	Version     int           `json:"version"`
	Description string        `json:"description"`
	PrimaryKey  []string      `json:"primary_key"`
	EventTime   *string       `json:"event_time"`
	Features    []FeatureFile `json:"features"`
}

// FeatureFile is one entry of FeatureGroupFile.Features. Type is a Hopsworks
// offline type (see connector.ParseType).
type FeatureFile struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
}
