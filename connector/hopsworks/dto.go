package hopsworks

import "encoding/json"

// The JSON bodies of the Hopsworks REST API that the client reads, with the
// backend's camelCase keys. Only the fields the client uses are declared;
// the backend omits null fields and the client ignores unknown ones.

// projectDTO is the answer of GET /project/getProjectInfo/{name}.
type projectDTO struct {
	ProjectID   int64  `json:"projectId"`
	ProjectName string `json:"projectName"`
	Description string `json:"description"`
}

// projectTeamDTO is one entry of GET /project: a project the user belongs
// to and the user.
type projectTeamDTO struct {
	Project struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"project"`
	User struct {
		UID      int64  `json:"uid"`
		Username string `json:"username"`
	} `json:"user"`
	TeamRole string `json:"teamRole"`
}

// credentialsDTO is the answer of GET /project/{id}/credentials. Note the
// backend's keys kStore and tStore.
type credentialsDTO struct {
	FileExtension string `json:"fileExtension"`
	KStore        string `json:"kStore"`
	TStore        string `json:"tStore"`
	Password      secret `json:"password"`
	CAChain       string `json:"caChain"`
	ClientCert    string `json:"clientCert"`
	ClientKey     string `json:"clientKey"`
}

// featureStoreDTO is a feature store (FeaturestoreDTO). ProjectName and
// ProjectID are those of the owning project, which for a shared store is
// not the asking one.
type featureStoreDTO struct {
	FeaturestoreID         int64  `json:"featurestoreId"`
	FeaturestoreName       string `json:"featurestoreName"`
	OnlineFeaturestoreName string `json:"onlineFeaturestoreName"`
	OnlineEnabled          bool   `json:"onlineEnabled"`
	ProjectName            string `json:"projectName"`
	ProjectID              int64  `json:"projectId"`
	NumFeatureGroups       int    `json:"numFeatureGroups"`
	// Description is a legacy key of older backends.
	Description string `json:"featurestoreDescription"`
}

// Values of featureGroupDTO.Type, the backend's polymorphic discriminator.
const (
	typeCachedFeatureGroup   = "cachedFeaturegroupDTO"
	typeStreamFeatureGroup   = "streamFeatureGroupDTO"
	typeOnDemandFeatureGroup = "onDemandFeaturegroupDTO" // external feature groups and spine groups
)

// featureGroupDTO is a feature group of any type (FeaturegroupDTO and its
// cached, stream and on-demand subtypes).
type featureGroupDTO struct {
	Type             string       `json:"type"`
	ID               int64        `json:"id"`
	Name             string       `json:"name"`
	Version          int          `json:"version"`
	FeaturestoreID   int64        `json:"featurestoreId"`
	FeaturestoreName string       `json:"featurestoreName"`
	Description      string       `json:"description"`
	EventTime        string       `json:"eventTime"`
	Features         []featureDTO `json:"features"`
	OnlineEnabled    bool         `json:"onlineEnabled"`
	Location         string       `json:"location"`
	// TimeTravelFormat is HUDI, DELTA, ICEBERG or NONE (cached and stream
	// feature groups only).
	TimeTravelFormat string `json:"timeTravelFormat"`
	// Spine marks an on-demand feature group that is a spine group.
	Spine bool `json:"spine"`
	// StorageConnector is the external source of on-demand feature groups
	// of older backends; newer ones nest it in DataSource.
	StorageConnector *storageConnectorDTO `json:"storageConnector"`
	DataSource       *dataSourceDTO       `json:"dataSource"`
}

// connectorType returns the storage connector type of an on-demand
// feature group (SNOWFLAKE, JDBC, ...), from either layout, or "".
func (fg *featureGroupDTO) connectorType() string {
	switch {
	case fg.StorageConnector != nil:
		return fg.StorageConnector.StorageConnectorType
	case fg.DataSource != nil && fg.DataSource.StorageConnector != nil:
		return fg.DataSource.StorageConnector.StorageConnectorType
	}
	return ""
}

// featureDTO is one feature of a feature group (FeatureGroupFeatureDTO).
type featureDTO struct {
	Name         string          `json:"name"`
	Type         string          `json:"type"`
	OnlineType   string          `json:"onlineType"`
	Description  string          `json:"description"`
	Primary      bool            `json:"primary"`
	Partition    bool            `json:"partition"`
	DefaultValue json.RawMessage `json:"defaultValue"`
}

// storageConnectorDTO is the part of a storage connector the client
// reports.
type storageConnectorDTO struct {
	ID                   int64  `json:"id"`
	Name                 string `json:"name"`
	StorageConnectorType string `json:"storageConnectorType"`
}

// dataSourceDTO is the external source of an on-demand feature group on
// newer backends.
type dataSourceDTO struct {
	Query            string               `json:"query"`
	Path             string               `json:"path"`
	StorageConnector *storageConnectorDTO `json:"storageConnector"`
}

// collectionDTO is a collection answer (RestDTO): the items of one page
// and the total count. The backend omits items when the collection is
// empty, which decodes as a nil slice.
type collectionDTO[T any] struct {
	Href  string `json:"href"`
	Items []T    `json:"items"`
	Count int64  `json:"count"`
}
