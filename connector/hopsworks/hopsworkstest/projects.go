package hopsworkstest

import (
	"crypto/rand"
	"encoding/base64"
	"strconv"
	"time"
)

// timeLayout is the backend's date format (Jackson with a DateFormat).
const timeLayout = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// projectDTO is the backend's ProjectDTO, as getProjectInfo returns it.
type projectDTO struct {
	ProjectID                 int      `json:"projectId"`
	ProjectName               string   `json:"projectName"`
	Owner                     string   `json:"owner"`
	Description               string   `json:"description,omitempty"`
	Created                   string   `json:"created"`
	DockerImage               string   `json:"dockerImage"`
	IsPreinstalledDockerImage bool     `json:"isPreinstalledDockerImage"`
	IsOldDockerImage          bool     `json:"isOldDockerImage"`
	Services                  []string `json:"services"`
	CreationStatus            string   `json:"creationStatus"`
}

// getProjectInfo serves GET project/getProjectInfo/{projectName}.
func (s *Server) getProjectInfo(c *call) (any, *apiError) {
	p := c.proj
	return projectDTO{
		ProjectID:                 p.id,
		ProjectName:               p.name,
		Owner:                     p.owner.email(),
		Description:               p.description,
		Created:                   formatTime(createdBase),
		DockerImage:               "python311:" + s.version,
		IsPreinstalledDockerImage: true,
		Services:                  []string{"JOBS", "JUPYTER", "HIVE", "KAFKA", "SERVING", "FEATURESTORE"},
		CreationStatus:            "CREATED",
	}, nil
}

// userDTO is the part of the backend's Users entity a project team entry
// shows.
type userDTO struct {
	UID      int    `json:"uid"`
	Username string `json:"username"`
	Email    string `json:"email"`
	Fname    string `json:"fname"`
	Lname    string `json:"lname"`
	Status   int    `json:"status"`
}

func newUserDTO(u *user) userDTO {
	return userDTO{UID: u.uid, Username: u.username, Email: u.email(), Fname: u.username, Lname: "Hopsworks", Status: 2}
}

// teamEntryDTO is one element of GET project: the backend's ProjectTeam
// entity.
type teamEntryDTO struct {
	Project       teamProjectDTO `json:"project"`
	User          userDTO        `json:"user"`
	TeamRole      string         `json:"teamRole"`
	Timestamp     string         `json:"timestamp"`
	ProjectTeamPK teamPKDTO      `json:"projectTeamPK"`
}

type teamProjectDTO struct {
	ID          int     `json:"id"`
	Name        string  `json:"name"`
	Owner       userDTO `json:"owner"`
	Created     string  `json:"created"`
	Description string  `json:"description,omitempty"`
}

type teamPKDTO struct {
	ProjectID  int    `json:"projectId"`
	TeamMember string `json:"teamMember"`
}

// listProjects serves GET project: the projects the caller is a member of.
func (s *Server) listProjects(c *call) (any, *apiError) {
	out := []teamEntryDTO{}
	u := s.cat.userByName(c.user)
	if u == nil {
		return out, nil
	}
	for _, p := range s.cat.membership(u.username) {
		out = append(out, teamEntryDTO{
			Project: teamProjectDTO{ID: p.id, Name: p.name, Owner: newUserDTO(p.owner),
				Created: formatTime(createdBase), Description: p.description},
			User:          newUserDTO(u),
			TeamRole:      p.members[u.username],
			Timestamp:     formatTime(createdBase),
			ProjectTeamPK: teamPKDTO{ProjectID: p.id, TeamMember: u.email()},
		})
	}
	return out, nil
}

// credentialsDTO is the backend's AccessCredentialsDTO: the material of one
// project user, issued once and handed out again on every call, as the
// backend keeps it.
type credentialsDTO struct {
	FileExtension string `json:"fileExtension"`
	KStore        string `json:"kStore"`
	TStore        string `json:"tStore"`
	Password      string `json:"password"`
	CaChain       string `json:"caChain"`
	ClientCert    string `json:"clientCert"`
	ClientKey     string `json:"clientKey"`
}

// Placeholders sent as kStore and tStore: the test server makes no Java
// keystores (that would need a JKS encoder). Clients of Hopsworks 4.x read
// the PEM fields; the placeholders decode as base64 so that a client
// writing keyStore.jks and trustStore.jks still works, but the files are
// not keystores.
var (
	keyStorePlaceholder   = base64.StdEncoding.EncodeToString([]byte("hopsworkstest placeholder: not a JKS keystore; use clientCert and clientKey"))
	trustStorePlaceholder = base64.StdEncoding.EncodeToString([]byte("hopsworkstest placeholder: not a JKS truststore; use caChain"))
)

// getCredentials serves GET project/{projectId}/credentials: a client
// certificate for the project user "<project>__<username>" signed by the
// server's CA (expired an hour ago with Config.ExpiredCredentials).
func (s *Server) getCredentials(c *call) (any, *apiError) {
	cn := c.proj.name + "__" + c.user
	s.credMu.Lock()
	defer s.credMu.Unlock()
	if cr, ok := s.creds[cn]; ok {
		return cr, nil
	}
	notAfter := time.Now().Add(certValidity)
	if s.cfg.ExpiredCredentials {
		notAfter = time.Now().Add(-time.Hour)
	}
	cert, err := s.ca.issueUntil(cn, false, nil, nil, notAfter)
	if err != nil {
		return nil, newError(errUnknown, "issuing the certificate of %s: %v", cn, err)
	}
	cr := credentialsDTO{
		FileExtension: "jks",
		KStore:        keyStorePlaceholder,
		TStore:        trustStorePlaceholder,
		Password:      rand.Text(),
		CaChain:       string(s.ca.certPEM),
		ClientCert:    string(cert.certPEM),
		ClientKey:     string(cert.keyPEM),
	}
	s.creds[cn] = cr
	return cr, nil
}

// variableDTO is the backend's answer to GET variables/{name}.
type variableDTO struct {
	SuccessMessage string `json:"successMessage"`
}

// versionDTO is one element of GET variables/versions.
type versionDTO struct {
	Software string `json:"software"`
	Version  string `json:"version"`
}

// flightDefaultPort is the port clients assume for the Flight server when
// loadbalancer_external_domain_feature_query names only a host.
const flightDefaultPort = 5005

// getVariable serves GET variables/{name}.
func (s *Server) getVariable(c *call) (any, *apiError) {
	name := c.params["name"]
	switch name {
	case "versions":
		return []versionDTO{{"hopsworks", s.version}, {"hive2", "3.0.0.13"}, {"flyingduck", s.version}}, nil
	case "enable_flyingduck":
		return variableDTO{"true"}, nil
	case "service_discovery_domain":
		return variableDTO{s.cfg.Domain}, nil
	case "loadbalancer_external_domain_feature_query":
		return variableDTO{flightLocation(s.flightPort())}, nil
	case "enable_data_science_profile":
		return variableDTO{"false"}, nil
	case "featurestore_online_tablespace":
		return variableDTO{""}, nil
	}
	return nil, newError(errVariableNotFound, "Variable: %s", name)
}

// flightLocation is the value of loadbalancer_external_domain_feature_query
// for a Flight server on port: the host alone for the default port, which
// clients append, else "host:port".
func flightLocation(port int) string {
	if port == flightDefaultPort {
		return Host
	}
	return Host + ":" + strconv.Itoa(port)
}
