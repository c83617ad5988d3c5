package hopsworkstest

import (
	"fmt"
	"net/http"
)

// errorCode is one of the backend's REST error codes (RESTCodes.java): the
// code itself, the fixed errorMsg that goes with it and the HTTP status it
// is answered with.
type errorCode struct {
	code   int
	msg    string
	status int
}

// The error codes the test server answers with. Codes are range + number as
// in the backend; messages are the backend's, word for word.
var (
	errUnknown = errorCode{120000, "A generic error occurred.", http.StatusInternalServerError}
	// errIllegalArgument is what the backend answers for any
	// IllegalArgumentException, with status 422.
	errIllegalArgument = errorCode{120001, "An argument was not provided or it was malformed.", http.StatusUnprocessableEntity}
	// errWebApplication carries the status of a JAX-RS exception, such as a
	// path that matches no resource or an unparsable query parameter.
	errWebApplication = errorCode{120004, "Web application exception occurred", http.StatusNotFound}

	errProjectNotFound = errorCode{150004, "Project wasn't found.", http.StatusNotFound}
	errNoRoleFound     = errorCode{160000, "No valid role found for this user", http.StatusForbidden}
	// errEJBAccessLocal is the API key filter's answer to a missing or
	// non-ApiKey Authorization header; the filter sets its own errorMsg.
	errEJBAccessLocal = errorCode{200003, "Unauthorized invocation", http.StatusUnauthorized}

	errKeyScope    = errorCode{320004, "No valid scope found for this invocation", http.StatusForbidden}
	errKeyInvalid  = errorCode{320012, "Invalid or incorrect API key.", http.StatusUnauthorized}
	errKeyNotFound = errorCode{320013, "API key not found in the database", http.StatusUnauthorized}

	errVariableNotFound = errorCode{100050, "Requested variable not found", http.StatusNotFound}

	errFeatureStoreNotFound = errorCode{270008, "Featurestore wasn't found.", http.StatusNotFound}
	errFeatureGroupNotFound = errorCode{270009, "Featuregroup wasn't found.", http.StatusNotFound}
	errFeatureDoesNotExist  = errorCode{270082, "Feature does not exist", http.StatusBadRequest}
	errNoPKJoiningKeys      = errorCode{270096, "Could not find any matching feature to join", http.StatusBadRequest}
	errLeftRightOnSizes     = errorCode{270097, "LeftOn and RightOn have different sizes", http.StatusBadRequest}
	errIllegalFilter        = errorCode{270139, "Malformed filter conditions for Query", http.StatusBadRequest}
)

// apiError is an error the server answers with a backend error body.
type apiError struct {
	code errorCode
	// errorMsg overrides code.msg when not empty, as some backend filters
	// do.
	errorMsg string
	// usrMsg is the detail the backend adds at its default log level.
	usrMsg string
	// status overrides code.status when not zero (WEBAPPLICATION errors
	// carry the status of the JAX-RS exception).
	status int
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.code.code, e.message(), e.usrMsg)
}

func (e *apiError) message() string {
	if e.errorMsg != "" {
		return e.errorMsg
	}
	return e.code.msg
}

func (e *apiError) httpStatus() int {
	if e.status != 0 {
		return e.status
	}
	return e.code.status
}

// newError returns an apiError of code with a formatted usrMsg.
func newError(code errorCode, format string, args ...any) *apiError {
	return &apiError{code: code, usrMsg: fmt.Sprintf(format, args...)}
}

// webError returns the WEBAPPLICATION error the backend answers with when
// JAX-RS itself rejects a request with status, for example 404 for a path
// that matches no resource.
func webError(status int) *apiError {
	return &apiError{code: errWebApplication, status: status,
		usrMsg: fmt.Sprintf("HTTP %d %s", status, http.StatusText(status))}
}

// errorBody is the backend's JSON error body (RESTApiJsonResponse).
type errorBody struct {
	ErrorCode int    `json:"errorCode"`
	ErrorMsg  string `json:"errorMsg"`
	UsrMsg    string `json:"usrMsg,omitempty"`
}

// wwwAuthenticate is the WWW-Authenticate header the backend's
// authentication filters send with a 401.
const wwwAuthenticate = `Bearer realm="Cauth Realm"`

// writeError answers a request with e's status and body.
func writeError(w http.ResponseWriter, e *apiError) {
	status := e.httpStatus()
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", wwwAuthenticate)
	}
	writeJSON(w, status, errorBody{ErrorCode: e.code.code, ErrorMsg: e.message(), UsrMsg: e.usrMsg})
}
