package hopsworks

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/hopsql/hopsql/connector/hopsworks/internal/pyenv"
)

// The AWS secret-store paths are tested against moto's server, a local
// emulator of the AWS APIs (pip install 'moto[server]'), started once for
// the test binary on a free loopback port. It is installed on first use
// into a virtual environment under the user cache directory (package
// pyenv; HOPSQL_PYTHON names the base interpreter). Tests that need it
// fail, not skip, when it cannot be started.

// motoServer is the running emulator, started on first use.
type motoServer struct {
	once     sync.Once
	cmd      *exec.Cmd
	endpoint string
	err      error
}

// moto is the emulator shared by the tests of this package; TestMain stops
// it.
var moto motoServer

// motoRequirement is the emulator's pinned version, installed into a
// virtual environment of its own on first use (package pyenv).
const motoRequirement = "moto[server]==5.1.4"

// motoInstallTimeout bounds installing the emulator on a fresh machine.
const motoInstallTimeout = 5 * time.Minute

// motoStartTimeout bounds the emulator's start.
const motoStartTimeout = 60 * time.Second

// motoListening matches werkzeug's start line, which names the bound
// address (moto is started with port 0, so the kernel picks it).
var motoListening = regexp.MustCompile(`Running on (http://127\.0\.0\.1:\d+)`)

// motoEndpoint returns the emulator's endpoint, starting it if needed.
func motoEndpoint(t *testing.T) string {
	t.Helper()
	moto.once.Do(moto.start)
	if moto.err != nil {
		t.Fatalf("the AWS emulator (moto) is needed for the AWS secret-store tests and did not start: %v; it is installed with pip from PyPI into a virtual environment on first use", moto.err)
	}
	return moto.endpoint
}

func (s *motoServer) start() {
	ctx, cancel := context.WithTimeout(context.Background(), motoInstallTimeout)
	defer cancel()
	python, err := pyenv.Python(ctx, motoRequirement)
	if err != nil {
		s.err = err
		return
	}
	cmd := exec.Command(python, "-m", "moto.server", "-H", "127.0.0.1", "-p", "0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		s.err = err
		return
	}
	cmd.Stdout = io.Discard
	killWithParent(cmd)
	if err := cmd.Start(); err != nil {
		s.err = err
		return
	}
	s.cmd = cmd
	found := make(chan string, 1)
	lines := make(chan string, 16)
	go func() {
		// Read until moto exits, so that its request log never fills
		// the pipe.
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			if m := motoListening.FindStringSubmatch(sc.Text()); m != nil && !sent {
				found <- m[1]
				sent = true
			}
			select {
			case lines <- sc.Text():
			default:
			}
		}
		close(lines)
	}()
	timer := time.NewTimer(motoStartTimeout)
	defer timer.Stop()
	var output []string
	for {
		select {
		case ep := <-found:
			s.endpoint = ep
			return
		case l, ok := <-lines:
			if !ok {
				s.err = fmt.Errorf("%s -m moto.server exited: %q", python, output)
				s.stop()
				return
			}
			output = append(output, l)
		case <-timer.C:
			s.err = fmt.Errorf("%s -m moto.server did not report its address within %v: %q", python, motoStartTimeout, output)
			s.stop()
			return
		}
	}
}

// stop ends the emulator this package started.
func (s *motoServer) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// motoConfig returns an AWS configuration that talks to the emulator with
// the given credentials.
func motoConfig(t *testing.T, accessKey, secretKey, sessionToken string) *aws.Config {
	return &aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(motoEndpoint(t)),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey, SessionToken: sessionToken, Source: "test"}, nil
		}),
	}
}
