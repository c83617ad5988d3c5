// Command testserver runs the Hopsworks test server on loopback for manual
// use, over an embedded store:
//
//	go run ./connector/hopsworks/hopsworkstest/testserver --warehouse DIR
//	go run ./connector/hopsworks/hopsworkstest/testserver --demo
//
// It prints the host, the REST port, the project, an API key for the
// project's user, the path of the server's CA certificate and the address
// of the Flight server (the Hopsworks Query Service, mutual TLS, server
// name flyingduck.service.<domain>), then serves until interrupted. Printing the key is its purpose: it is a test tool,
// and the key is valid only while the server runs.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/hopsql/hopsql/connector/hopsworks/hopsworkstest"
	"github.com/hopsql/hopsql/connector/local/demo"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "testserver:", err)
		os.Exit(1)
	}
}

func run() error {
	warehouse := flag.String("warehouse", "", "directory of the embedded store to serve")
	demoStore := flag.Bool("demo", false, "generate the demo store (scale 1) in a temporary directory and serve it")
	project := flag.String("project", "fraud", "project to print an API key for")
	user := flag.String("user", "", `user the API key belongs to (default "<project>_user")`)
	domain := flag.String("domain", "", `service_discovery_domain (default "consul")`)
	flightPort := flag.Int("flight-port", 0, "Flight port on 127.0.0.1 (default any free port)")
	hqs := flag.Bool("hqs", false, "behave like a backend >= 4.7: return hqsPayload for ?hqs=true")
	noVersion := flag.Bool("flight-no-version", false, "behave like a Query Service without get-version (clients register certificates)")
	flag.Parse()
	if (*warehouse == "") == !*demoStore {
		return fmt.Errorf("give exactly one of --warehouse DIR and --demo")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	tmp, err := os.MkdirTemp("", "hopsworkstest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if *demoStore {
		*warehouse = filepath.Join(tmp, "warehouse")
		fmt.Fprintln(os.Stderr, "generating the demo store in", *warehouse)
		if err := demo.Generate(ctx, *warehouse, demo.DefaultScale); err != nil {
			return err
		}
	}
	srv, err := hopsworkstest.Start(ctx, hopsworkstest.Config{
		Warehouse: *warehouse, Domain: *domain, FlightPort: *flightPort, HQSPayload: *hqs,
		FlightNoVersion: *noVersion,
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	caPath := filepath.Join(tmp, "ca_chain.pem")
	if err := os.WriteFile(caPath, srv.CACertPEM(), 0o600); err != nil {
		return err
	}
	if *user == "" {
		*user = *project + hopsworkstest.UserSuffix
	}
	fmt.Printf("host:    %s\n", srv.Host())
	fmt.Printf("port:    %d\n", srv.Port())
	fmt.Printf("project: %s\n", *project)
	fmt.Printf("user:    %s\n", *user)
	fmt.Printf("api key: %s\n", srv.NewAPIKey(*user))
	fmt.Printf("ca:      %s\n", caPath)
	fmt.Printf("flight:  %s (server name %s)\n", srv.FlightAddr(), hopsworkstest.FlightServerName(*domain))
	fmt.Fprintln(os.Stderr, "serving; interrupt to stop")
	<-ctx.Done()
	return nil
}
