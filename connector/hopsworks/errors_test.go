package hopsworks

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hopsql/hopsql/connector"
)

// The error bodies are those the protocol reference quotes from the
// backend (RESTException.buildJsonResponse, ApiKeyFilter) with the code's
// fixed message; see hopsworks-protocol.md §1.4.
func TestNewAPIError(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   APIError
	}{
		{
			name:   "feature group not found",
			status: 404,
			body:   `{"errorCode": 270009, "errorMsg": "Featuregroup wasn't found.", "usrMsg": "feature group name: fg feature group version: 2"}`,
			want:   APIError{Status: 404, Code: 270009, Msg: "Featuregroup wasn't found.", UserMsg: "feature group name: fg feature group version: 2"},
		},
		{
			name:   "no authorization header",
			status: 401,
			body:   `{"errorCode":200003,"errorMsg":"Authorization header not set."}`,
			want:   APIError{Status: 401, Code: 200003, Msg: "Authorization header not set."},
		},
		{
			name:   "dev level extras are ignored",
			status: 400,
			body:   `{"errorCode":270082,"errorMsg":"Feature does not exist","usrMsg":"x","devMsg":"d","trace":"t"}`,
			want:   APIError{Status: 400, Code: 270082, Msg: "Feature does not exist", UserMsg: "x"},
		},
		{
			name:   "bare JSON string",
			status: 500,
			body:   `"Something went wrong"`,
			want:   APIError{Status: 500, Msg: "Something went wrong"},
		},
		{
			name:   "HTML page of a proxy",
			status: 502,
			body:   "<html>\n<head><title>502 Bad Gateway</title></head>\n</html>\n",
			want:   APIError{Status: 502, Msg: "<html> <head><title>502 Bad Gateway</title></head> </html>"},
		},
		{
			name:   "empty",
			status: 503,
			body:   "",
			want:   APIError{Status: 503},
		},
		{
			name:   "JSON without error fields",
			status: 500,
			body:   `{"x": 1}`,
			want:   APIError{Status: 500, Msg: `{"x": 1}`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := newAPIError("GET", "/hopsworks-api/api/x", tt.status, []byte(tt.body))
			tt.want.Method, tt.want.Path = "GET", "/hopsworks-api/api/x"
			assert.Equal(t, tt.want, *got)
		})
	}
}

func TestAPIErrorExcerpt(t *testing.T) {
	long := strings.Repeat("é", maxExcerpt) // two bytes each
	got := newAPIError("GET", "/p", 500, []byte(long))
	assert.LessOrEqual(t, len(got.Msg), maxExcerpt+len("..."))
	assert.True(t, strings.HasSuffix(got.Msg, "..."))
	assert.True(t, strings.HasPrefix(long, strings.TrimSuffix(got.Msg, "...")), "cut on a rune boundary")
}

func TestAPIErrorIs(t *testing.T) {
	tests := []struct {
		status, code int
		unauthorized bool
		forbidden    bool
		notFound     bool
	}{
		{401, 320012, true, false, false},  // KEY_INVALID
		{401, 320013, true, false, false},  // KEY_NOT_FOUND_IN_DATABASE
		{401, 200003, true, false, false},  // no Authorization header
		{401, 0, true, false, false},       // any 401
		{403, 320004, false, true, false},  // KEY_SCOPE_CONTROL_EXCEPTION
		{403, 160000, false, true, false},  // NO_ROLE_FOUND
		{403, 0, false, true, false},       // any 403
		{404, 150004, false, false, true},  // PROJECT_NOT_FOUND
		{404, 270008, false, false, true},  // FEATURESTORE_NOT_FOUND
		{400, 270009, false, false, true},  // FEATUREGROUP_NOT_FOUND as 400
		{404, 100050, false, false, true},  // VARIABLE_NOT_FOUND
		{404, 120004, false, false, true},  // no such resource
		{422, 120001, false, false, false}, // ILLEGAL_ARGUMENT
		{500, 0, false, false, false},      // server error
		{400, 270139, false, false, false}, // ILLEGAL_FILTER_ARGUMENTS
		{400, codeKeyScopeControl, false, true, false},
	}
	for _, tt := range tests {
		e := &APIError{Status: tt.status, Code: tt.code}
		var err error = e
		wrapped := errors.Join(errors.New("context"), err)
		for _, target := range []struct {
			sentinel error
			want     bool
		}{{ErrUnauthorized, tt.unauthorized}, {ErrForbidden, tt.forbidden}, {connector.ErrNotFound, tt.notFound}, {ErrNotShared, false}} {
			assert.Equal(t, target.want, errors.Is(wrapped, target.sentinel), "HTTP %d code %d is %v", tt.status, tt.code, target.sentinel)
		}
		var as *APIError
		assert.True(t, errors.As(wrapped, &as))
		assert.Equal(t, tt.code, as.Code)
	}
}

func TestAPIErrorMessage(t *testing.T) {
	e := newAPIError("GET", "/hopsworks-api/api/project/getProjectInfo/nope", 404,
		[]byte(`{"errorCode":150004,"errorMsg":"Project wasn't found.","usrMsg":"project: nope"}`))
	assert.Equal(t, "GET /hopsworks-api/api/project/getProjectInfo/nope: HTTP 404 Not Found: Project wasn't found. (error 150004): project: nope", e.Error())
}
