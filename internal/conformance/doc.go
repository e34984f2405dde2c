// Package conformance holds a differential test suite: it sends one corpus
// of raw DynamoDB JSON requests, valid and invalid, to the in-process
// ddbtest server and to dynalite, and compares the answers (items and
// their order, page boundaries, LastEvaluatedKey, ReturnValues attributes,
// consumed capacity and error types; error messages are reported
// separately).
//
// The package has no exported API; run it with
//
//	go test ./internal/conformance/
//
// It needs dynalite installed under the repository's node_modules (npm ci).
// Without it the suite is skipped, unless the CI environment variable is
// set, in which case it fails; go test then reports the package as
// "ok ... [no tests to run]", and -v prints the reason and the command
// that enables the suite. DIFFERENCES.md lists every difference the
// corpus allows, and why.
package conformance
