package hopsworkstest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
)

func TestFailHTTP(t *testing.T) {
	s := start(t, Config{})
	key := s.NewAPIKey("fraud_user")
	pid := projectID(t, s, key, "fraud")
	creds := fmt.Sprintf("project/%d/credentials", pid)

	s.Faults().FailHTTP(http.MethodGet, "/credentials", http.StatusServiceUnavailable, 2)
	for i := 0; i < 2; i++ {
		body := get(t, s, key, creds).requireError(t, http.StatusServiceUnavailable, 120000)
		assert.Equal(t, "A generic error occurred.", body["errorMsg"])
		assert.Contains(t, body["usrMsg"], "fault injected")
	}
	assert.Equal(t, http.StatusOK, get(t, s, key, creds).status, "the fault is spent after 2 requests")

	t.Run("method and suffix must match", func(t *testing.T) {
		s.Faults().FailHTTP(http.MethodPut, "/credentials", http.StatusInternalServerError, 1)
		assert.Equal(t, http.StatusOK, get(t, s, key, creds).status, "GET is not PUT")
		s.Faults().Clear()
		s.Faults().FailHTTP("", "/nosuch", http.StatusInternalServerError, 1)
		assert.Equal(t, http.StatusOK, get(t, s, key, creds).status)
		s.Faults().Clear()
	})
	t.Run("any method, unlimited", func(t *testing.T) {
		s.Faults().FailHTTP("", "/credentials", http.StatusBadGateway, 0)
		for i := 0; i < 3; i++ {
			get(t, s, key, creds).requireError(t, http.StatusBadGateway, 120000)
		}
		s.Faults().Clear()
		assert.Equal(t, http.StatusOK, get(t, s, key, creds).status)
	})
	t.Run("before authentication", func(t *testing.T) {
		s.Faults().FailHTTP("", "/credentials", http.StatusServiceUnavailable, 1)
		get(t, s, "", creds).requireError(t, http.StatusServiceUnavailable, 120000)
	})
	t.Run("first added applies first", func(t *testing.T) {
		s.Faults().FailHTTP("", "/credentials", http.StatusServiceUnavailable, 1)
		s.Faults().FailHTTP("", "/credentials", http.StatusBadGateway, 1)
		assert.Equal(t, http.StatusServiceUnavailable, get(t, s, key, creds).status)
		assert.Equal(t, http.StatusBadGateway, get(t, s, key, creds).status)
		assert.Equal(t, http.StatusOK, get(t, s, key, creds).status)
	})
}

// TestRequestLogQueryModel checks that the log of REST requests keeps the
// query model of the query constructor's requests and no other body.
func TestRequestLogQueryModel(t *testing.T) {
	d := newDemoSession(t, Config{})
	d.s.Faults().ResetRequests()
	query := obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id")}
	r := do(t, d.s, d.key, http.MethodPut, fmt.Sprintf("project/%d/featurestores/query", d.pid), query)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	get(t, d.s, d.key, fmt.Sprintf("project/%d/credentials", d.pid))
	reqs := d.s.Faults().Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, http.MethodPut, reqs[0].Method)
	assert.Equal(t, http.StatusOK, reqs[0].Status)
	want, err := json.Marshal(query)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), reqs[0].Body, "the query model, as sent")
	assert.Empty(t, reqs[1].Body)
	for _, req := range reqs {
		assert.NotContains(t, req.Body, d.key)
	}
}

func TestDelayHTTP(t *testing.T) {
	s := start(t, Config{})
	key := s.NewAPIKey("fraud_user")
	const delay = 300 * time.Millisecond
	s.Faults().DelayHTTP(http.MethodGet, "/variables/versions", delay, 1)

	begin := time.Now()
	r := get(t, s, key, "variables/versions")
	assert.Equal(t, http.StatusOK, r.status)
	assert.GreaterOrEqual(t, time.Since(begin), delay)

	begin = time.Now()
	assert.Equal(t, http.StatusOK, get(t, s, key, "variables/versions").status)
	assert.Less(t, time.Since(begin), delay, "the delay is spent")

	t.Run("client gives up", func(t *testing.T) {
		s.Faults().DelayHTTP("", "/variables/versions", time.Hour, 1)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+APIPath+"/variables/versions", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "ApiKey "+key)
		_, err = client(t, s).Do(req)
		require.Error(t, err)
		assert.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
		// The server stops waiting once the client is gone: the request
		// shows up in the log long before the hour is over.
		require.Eventually(t, func() bool { return logged(s, "/variables/versions", 3) }, 10*time.Second, 5*time.Millisecond,
			"the delayed request was never finished")
	})
}

// logged reports whether the log holds n requests to paths ending with
// suffix.
func logged(s *Server, suffix string, n int) bool {
	count := 0
	for _, r := range s.Faults().Requests() {
		if strings.HasSuffix(r.Path, suffix) {
			count++
		}
	}
	return count >= n
}

func TestRequestLog(t *testing.T) {
	s := start(t, Config{})
	key := s.NewAPIKey("fraud_user")
	s.Faults().ResetRequests()
	get(t, s, key, "project/getProjectInfo/fraud")
	get(t, s, key, "project/getProjectInfo/nosuch")
	get(t, s, "", "project")
	do(t, s, key, http.MethodPut, "project/120/featurestores/query?hqs=False", obj{})
	get(t, s, key, "project/120/featurestores/68/featuregroups?offset=1&limit=2")

	reqs := s.Faults().Requests()
	require.Len(t, reqs, 5)
	assert.Equal(t, Request{Method: "GET", Path: APIPath + "/project/getProjectInfo/fraud", Status: 200}, reqs[0])
	assert.Equal(t, 404, reqs[1].Status)
	assert.Equal(t, 401, reqs[2].Status)
	assert.Equal(t, Request{Method: "PUT", Path: APIPath + "/project/120/featurestores/query", Query: "hqs=False", Status: 422, Body: "{}"}, reqs[3])
	assert.Equal(t, "offset=1&limit=2", reqs[4].Query)
	_, secret, _ := strings.Cut(key, ".")
	assert.NotContains(t, fmt.Sprintf("%+v", reqs), secret, "the log never holds the API key")

	s.Faults().ResetRequests()
	assert.Empty(t, s.Faults().Requests())
}

func TestFaultsConcurrent(t *testing.T) {
	s := start(t, Config{})
	key := s.NewAPIKey("fraud_user")
	const n = 20
	s.Faults().FailHTTP("", "/variables/versions", http.StatusServiceUnavailable, n/2)
	var wg sync.WaitGroup
	statuses := make(chan int, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- get(t, s, key, "variables/versions").status
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for st := range statuses {
		count[st]++
	}
	assert.Equal(t, map[int]int{http.StatusServiceUnavailable: n / 2, http.StatusOK: n / 2}, count)
}

func TestFlightFaultBookkeeping(t *testing.T) {
	var f Faults
	f.FailFlight("DoGet", codes.Unavailable, "no free slot available for query", 2)
	f.FailFlight("DoAction:healthcheck", codes.Internal, "down", 1)
	f.FailFlight("ListActions", codes.OK, "not a failure", 1)
	f.DelayFlight("GetFlightInfo", time.Second, 1)
	for i := 0; i < 2; i++ {
		fault := f.takeFlight("DoGet")
		require.NotNil(t, fault)
		assert.Equal(t, codes.Unavailable, fault.code)
		assert.Equal(t, "no free slot available for query", fault.msg)
	}
	assert.Nil(t, f.takeFlight("DoGet"), "spent after 2 calls")
	assert.Nil(t, f.takeFlight("ListActions"), "codes.OK is no fault")
	fault := f.takeFlight("GetFlightInfo")
	require.NotNil(t, fault)
	assert.Equal(t, time.Second, fault.delay)
	assert.Equal(t, codes.OK, fault.code)
	assert.Nil(t, f.takeFlight("GetFlightInfo"))
	fault = f.takeFlight("DoAction:healthcheck")
	require.NotNil(t, fault)
	assert.Equal(t, codes.Internal, fault.code)

	f.CutStream(3, 1)
	f.StallStream(2, 1)
	cut := f.takeCut()
	require.NotNil(t, cut)
	assert.Equal(t, 3, cut.afterBatches)
	assert.False(t, cut.stall)
	cut = f.takeCut()
	require.NotNil(t, cut)
	assert.Equal(t, 2, cut.afterBatches)
	assert.True(t, cut.stall, "the stall comes after the cut, in the order added")
	assert.Nil(t, f.takeCut())
}
