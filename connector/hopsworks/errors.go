package hopsworks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/hopsql/hopsql/connector"
)

// ErrUnauthorized is reported, through errors.Is, by errors of requests the
// cluster rejected for their credentials: a missing, malformed, unknown or
// wrong API key (HTTP 401).
var ErrUnauthorized = errors.New("unauthorized")

// ErrForbidden is reported, through errors.Is, by errors of requests the
// cluster refused to the authenticated user: an API key without the scope
// the endpoint needs, or a user without the role it needs (HTTP 403).
var ErrForbidden = errors.New("forbidden")

// ErrNotShared is reported, through errors.Is, by errors about a feature
// store that exists but is neither the connected project's own store nor
// shared with it.
var ErrNotShared = errors.New("not shared")

// ErrClosed is reported by calls on a Client after Close.
var ErrClosed = errors.New("hopsworks: client is closed")

// Error codes of the Hopsworks backend (RESTCodes) that the client
// interprets. A code is a range (featurestore 270000, api key 320000, ...)
// plus a number.
const (
	codeAuthHeader         = 200003 // no or malformed Authorization header
	codeRESTAccessControl  = 200014 // admin-only resource
	codeKeyRoleControl     = 320003 // user role not allowed
	codeKeyScopeControl    = 320004 // API key lacks a scope
	codeKeyInvalid         = 320012 // malformed key or wrong secret
	codeKeyNotFound        = 320013 // unknown key prefix
	codeProjectNotFound    = 150004
	codeProjectRoleDenied  = 150068
	codeNoRoleFound        = 160000 // not a member of the project
	codeVariableNotFound   = 100050
	codeStoreNotFound      = 270008 // store unknown or not accessible from the project
	codeGroupNotFound      = 270009
	codeFeatureViewMissing = 270181
)

// APIError is an error response of the Hopsworks REST API. The backend's
// error body, {"errorCode": 270009, "errorMsg": "...", "usrMsg": "..."},
// fills Code, Msg and UserMsg; responses without such a body leave them
// empty or hold a short excerpt of the body in Msg.
//
// errors.Is matches ErrUnauthorized for HTTP 401, ErrForbidden for HTTP 403
// and connector.ErrNotFound for HTTP 404, and each also for the backend's
// codes of that kind whatever their status (a missing feature group may
// come as HTTP 400).
type APIError struct {
	Status  int    // HTTP status code
	Code    int    // the backend's errorCode, 0 if none
	Msg     string // errorMsg: the fixed message of Code
	UserMsg string // usrMsg: details, such as the name that was not found
	Method  string // request method
	Path    string // request path, without host and query
}

// Error describes the request and the backend's answer.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: HTTP %d", e.Method, e.Path, e.Status)
	if t := http.StatusText(e.Status); t != "" {
		b.WriteString(" " + t)
	}
	if e.Msg != "" {
		b.WriteString(": " + e.Msg)
	}
	if e.Code != 0 {
		fmt.Fprintf(&b, " (error %d)", e.Code)
	}
	if e.UserMsg != "" {
		b.WriteString(": " + e.UserMsg)
	}
	return b.String()
}

// Is reports whether the error is of the kind target names: ErrUnauthorized,
// ErrForbidden or connector.ErrNotFound.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		switch e.Code {
		case codeAuthHeader, codeKeyInvalid, codeKeyNotFound:
			return true
		}
		return e.Status == http.StatusUnauthorized
	case ErrForbidden:
		switch e.Code {
		case codeKeyRoleControl, codeKeyScopeControl, codeNoRoleFound, codeProjectRoleDenied, codeRESTAccessControl:
			return true
		}
		return e.Status == http.StatusForbidden
	case connector.ErrNotFound:
		if e.Status == http.StatusNotFound {
			return true
		}
		switch e.Code {
		case codeProjectNotFound, codeStoreNotFound, codeGroupNotFound, codeFeatureViewMissing, codeVariableNotFound:
			return true
		}
	}
	return false
}

// errorBody is the JSON error body of the backend (RESTException).
type errorBody struct {
	ErrorCode int    `json:"errorCode"`
	ErrorMsg  string `json:"errorMsg"`
	UsrMsg    string `json:"usrMsg"`
}

// maxExcerpt bounds the part of a body that is not a backend error object
// that an APIError quotes.
const maxExcerpt = 200

// newAPIError builds the error for a response with a non-2xx status from
// its body. A body that is a bare JSON string is the error message, as the
// Hopsworks client treats it; any other body is quoted, shortened, as the
// message.
func newAPIError(method, path string, status int, body []byte) *APIError {
	e := &APIError{Status: status, Method: method, Path: path}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return e
	}
	var eb errorBody
	if body[0] == '{' && json.Unmarshal(body, &eb) == nil && (eb.ErrorCode != 0 || eb.ErrorMsg != "" || eb.UsrMsg != "") {
		e.Code, e.Msg, e.UserMsg = eb.ErrorCode, strings.TrimSpace(eb.ErrorMsg), strings.TrimSpace(eb.UsrMsg)
		return e
	}
	var s string
	if body[0] == '"' && json.Unmarshal(body, &s) == nil {
		e.Msg = excerpt(s)
		return e
	}
	e.Msg = excerpt(string(body))
	return e
}

// excerpt shortens s to at most maxExcerpt bytes on a rune boundary, folding
// runs of white space so that an HTML error page stays on one line.
func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= maxExcerpt {
		return s
	}
	cut := maxExcerpt
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
