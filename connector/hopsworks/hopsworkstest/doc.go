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
// The Flight server is the Hopsworks Query Service (protocol reference
// §5): Arrow Flight over mutual TLS on 127.0.0.1, with a certificate for
// flyingduck.service.<domain> and client certificates required from the
// server's CA, the project user certificates /credentials hands out. The
// certificate's subject, "<project>__<user>", decides what a call may
// read. It offers the actions healthcheck, get-version (unless
// Config.FlightNoVersion), register-client-certificates and
// create-training-dataset (refused), and GetFlightInfo and DoGet for the
// JSON query payloads of every client generation and for path
// descriptors. DoGet checks the hopsworks-signature header of a payload
// the REST side signed, or else the x-certificates-json header (or, for
// Config.FlightNoVersion, a prior register-client-certificates). The
// payload's DuckDB-dialect query is rewritten into hopsql SQL and run by
// hopsql's own planner and engine; the result streams in batches of
// exactly FlightBatchRows rows but the last. Point-in-time queries with
// ASOF joins are refused: hopsql's engine has no as-of join.
//
// On the wire the result has the Arrow types hopsql's engine gives the
// store's offline types, which are those DuckDB exports (§7): bigint
// int64, int int32, double float64, boolean bool, string utf8 (never
// large_utf8 or string_view), date date32, timestamp timestamp[us]
// without time zone, decimal(p,s) decimal128(p,s).
//
// Faults injects failures (REST statuses and delays, Flight errors and
// delays, streams cut or stalled mid-way) and logs the REST requests, with
// the query models the query constructor received, and the Flight calls
// with the status they ended with. Config.ExpiredCredentials hands out
// client certificates that have expired.
package hopsworkstest
