package hopsworks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net/http"
	"time"
)

// retryPolicy says how often and how patiently a REST call is retried.
// Only idempotent GET requests are retried, and only after a server error
// (HTTP 5xx) or a failure to get an answer at all; see retryable.
type retryPolicy struct {
	attempts int           // attempts in all, at least 1
	base     time.Duration // delay before the second attempt; it doubles with each retry
	max      time.Duration // upper bound of a delay
}

// defaultRetry returns the policy of a Client: up to four attempts, with
// waits of about 0.2 s, 0.4 s and 0.8 s in between.
func defaultRetry() retryPolicy {
	return retryPolicy{attempts: 4, base: 200 * time.Millisecond, max: 5 * time.Second}
}

// defaultFlightRetry returns the policy of retried calls to the Hopsworks
// Query Service: up to four attempts, with waits of about 1 s, 2 s and
// 4 s in between (the Hopsworks client waits 2 s and 4 s between three).
func defaultFlightRetry() retryPolicy {
	return retryPolicy{attempts: 4, base: time.Second, max: 8 * time.Second}
}

// delay returns the wait before retry number n (1 for the second attempt):
// exponential backoff with "equal jitter", a random duration between half
// and all of base·2^(n-1), capped at max. Jitter keeps clients that failed
// together from retrying together.
func (p retryPolicy) delay(n int) time.Duration {
	d := p.base
	for i := 1; i < n && d < p.max; i++ {
		d *= 2
	}
	d = min(d, p.max)
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// retryable reports whether a failed attempt of a request with method may
// be retried: only GET, which the backend implements without side effects,
// and only if the server answered with a 5xx status or no answer came
// (err != nil) for a reason other than the caller's context ending, the
// TLS handshake rejecting a certificate or a refused redirect, which
// another attempt would not change. status is 0 when err is set.
func retryable(ctx context.Context, method string, status int, err error) bool {
	if method != http.MethodGet || ctx.Err() != nil {
		return false
	}
	if err == nil {
		return status >= 500 && status <= 599
	}
	return !isTLSRejection(err) && !errors.Is(err, errInsecureRedirect)
}

// isTLSRejection reports whether err is a TLS handshake failure about
// certificates or protocol, as opposed to a network failure.
func isTLSRejection(err error) bool {
	var (
		verify    *tls.CertificateVerificationError
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		record    tls.RecordHeaderError
		alert     tls.AlertError
	)
	return errors.As(err, &verify) || errors.As(err, &unknownCA) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &record) || errors.As(err, &alert)
}
