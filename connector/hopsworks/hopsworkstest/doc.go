// Package hopsworkstest is an in-process, Hopsworks-compatible server for
// tests: the REST API of a Hopsworks backend over an embedded store (the
// connector/local layout), served over HTTPS on 127.0.0.1 with a
// certificate from the server's own certificate authority.
//
// It follows the protocol reference (hopsworks-protocol.md), not any
// client: the paths under /hopsworks-api/api, API-key authentication with
// scopes, the backend's JSON conventions (camelCase keys, nulls omitted,
// items absent from an empty collection) and error bodies
// ({errorCode, errorMsg, usrMsg} with the backend's codes and statuses),
// and a query constructor that writes SQL the way the backend does.
//
// Every project of the warehouse is a Hopsworks project with a feature
// store; Config.Shares says which stores are shared with which projects.
// Projects, stores and feature groups get deterministic ids in sorted
// order. Each project has a member user "<project>_user"; "admin" is a
// member of every project. NewAPIKey makes keys for them.
//
// Faults injects failures and logs the requests received. The Flight
// server (the Hopsworks Query Service) is not implemented yet: its port is
// reserved and connections to it are closed at once.
package hopsworkstest
