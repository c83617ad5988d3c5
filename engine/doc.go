// Package engine runs physical query plans over Arrow record batches.
//
// A plan is a tree of Operators. Opening an Operator with a context and an
// Exec yields a Stream that pulls batches from the streams below it: nothing
// is read before the first call to Next, and a batch is handed to the caller
// as soon as it is ready, so results stream. Pipeline breakers (the build
// side of a hash join) hold only what they must.
//
// Expressions (Expr) are evaluated a batch at a time with Arrow compute
// kernels or hand-written loops over typed arrays; nothing on a hot path
// boxes values one row at a time.
//
// The engine knows Arrow and nothing else: scans read from Partitions, an
// interface any connector's partitions satisfy.
package engine
