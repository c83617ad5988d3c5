package hopsworkstest

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// APIPath is the root of the REST API: context root /hopsworks-api,
// JAX-RS application path api.
const APIPath = "/hopsworks-api/api"

// route is one REST resource method.
type route struct {
	method string
	// pattern holds the path segments after APIPath; "{name}" matches any
	// segment, "{name:kind}" a segment of that kind (see segmentMatches).
	pattern []string
	// scopes are the API key scopes the resource accepts.
	scopes []string
	handle func(s *Server, c *call) (any, *apiError)
}

// call is a request being handled.
type call struct {
	r      *http.Request
	params map[string]string
	user   string   // the API key's user
	proj   *project // the project named by {projectId} or {projectName}
}

// restRoutes lists the resources in the order JAX-RS prefers them: literal
// segments before templates.
func restRoutes() []route {
	return []route{
		{http.MethodGet, split("project/getProjectInfo/{projectName}"), []string{ScopeProject}, (*Server).getProjectInfo},
		{http.MethodGet, split("project"), []string{ScopeProject}, (*Server).listProjects},
		{http.MethodGet, split("project/{projectId}/credentials"), []string{ScopeProject}, (*Server).getCredentials},
		{http.MethodGet, split("variables/{name}"), []string{ScopeProject}, (*Server).getVariable},
		{http.MethodGet, split("project/{projectId}/featurestores"), []string{ScopeFeatureStore, ScopeKafka}, (*Server).listFeatureStores},
		{http.MethodPut, split("project/{projectId}/featurestores/query"), []string{ScopeFeatureStore}, (*Server).constructQuery},
		{http.MethodGet, split("project/{projectId}/featurestores/{fs:id}"), []string{ScopeFeatureStore}, (*Server).getFeatureStore},
		{http.MethodGet, split("project/{projectId}/featurestores/{fs:storeName}"), []string{ScopeFeatureStore}, (*Server).getFeatureStore},
		{http.MethodGet, split("project/{projectId}/featurestores/{fs:id}/featuregroups"), []string{ScopeFeatureStore}, (*Server).listFeatureGroups},
		{http.MethodGet, split("project/{projectId}/featurestores/{fs:id}/featuregroups/{fg:id}"), []string{ScopeFeatureStore}, (*Server).getFeatureGroupByID},
		{http.MethodGet, split("project/{projectId}/featurestores/{fs:id}/featuregroups/{fg:groupName}"), []string{ScopeFeatureStore}, (*Server).getFeatureGroupByName},
	}
}

func split(pattern string) []string { return strings.Split(pattern, "/") }

// route finds the resource for r, authenticates the caller and checks the
// project the path names, as the backend's filters do, then handles it.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	segs, ok := apiSegments(r.URL)
	if !ok {
		writeError(w, webError(http.StatusNotFound))
		return
	}
	// As in JAX-RS, the most specific path template that matches wins,
	// and only then is the method matched: a method the template does not
	// have is 405, even if a less specific template has it.
	var found *route
	var params map[string]string
	status := http.StatusNotFound
	routes := s.routes
	for i := range routes {
		p, ok := match(routes[i].pattern, segs)
		if !ok {
			continue
		}
		status = http.StatusMethodNotAllowed
		for j := range routes {
			if slices.Equal(routes[j].pattern, routes[i].pattern) && routes[j].method == r.Method {
				found, params = &routes[j], p
			}
		}
		break
	}
	if found == nil {
		writeError(w, webError(status))
		return
	}
	key, aerr := s.keys.authenticate(r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	if !key.allows(found.scopes) {
		writeError(w, &apiError{code: errKeyScope})
		return
	}
	c := &call{r: r, params: params, user: key.username}
	if aerr := s.projectFilter(c); aerr != nil {
		writeError(w, aerr)
		return
	}
	body, aerr := found.handle(s, c)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// projectFilter resolves the project named by the path and checks that the
// caller is a member, as the backend's ProjectAuthFilter does.
func (s *Server) projectFilter(c *call) *apiError {
	id, hasID := c.params["projectId"]
	name, hasName := c.params["projectName"]
	if !hasID && !hasName {
		return nil
	}
	var p *project
	if hasID {
		if n, err := strconv.Atoi(id); err == nil {
			p = s.cat.projectByID(n)
		}
	} else {
		p = s.cat.projectByName(name)
	}
	if p == nil {
		return &apiError{code: errProjectNotFound}
	}
	if _, ok := p.members[c.user]; !ok {
		return &apiError{code: errNoRoleFound}
	}
	c.proj = p
	return nil
}

// apiSegments returns the decoded path segments of u after APIPath.
func apiSegments(u *url.URL) ([]string, bool) {
	rest, ok := strings.CutPrefix(u.EscapedPath(), APIPath+"/")
	if !ok {
		return nil, false
	}
	segs := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	for i, seg := range segs {
		dec, err := url.PathUnescape(seg)
		if err != nil {
			return nil, false
		}
		segs[i] = dec
	}
	return segs, true
}

// match matches path segments against a pattern and returns the template
// values.
func match(pattern, segs []string) (map[string]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	params := make(map[string]string)
	for i, p := range pattern {
		name, isTemplate := strings.CutPrefix(p, "{")
		if !isTemplate {
			if p != segs[i] {
				return nil, false
			}
			continue
		}
		name, kind, _ := strings.Cut(strings.TrimSuffix(name, "}"), ":")
		if !segmentMatches(kind, segs[i]) {
			return nil, false
		}
		params[name] = segs[i]
	}
	return params, true
}

// segmentMatches reports whether seg matches a template of the given kind:
//
//	""          any non-empty segment
//	"id"        [0-9]+
//	"storeName" [a-z0-9_]*(?=[a-z])[a-z0-9_]+ (the backend's feature store name regex)
//	"groupName" [a-zA-Z0-9_]*(?=[a-zA-Z])[a-zA-Z0-9_]+ (its feature group name regex)
func segmentMatches(kind, seg string) bool {
	if seg == "" {
		return false
	}
	digits, lower, upper, other := 0, 0, 0, 0
	for _, c := range seg {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'a' && c <= 'z':
			lower++
		case c >= 'A' && c <= 'Z':
			upper++
		case c == '_':
		default:
			other++
		}
	}
	switch kind {
	case "id":
		return digits == len(seg)
	case "storeName":
		return other == 0 && upper == 0 && lower > 0
	case "groupName":
		return other == 0 && lower+upper > 0
	}
	return true
}
