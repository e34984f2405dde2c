// Package ddbtest is an in-process DynamoDB-compatible server for tests, in
// the spirit of net/http/httptest: it speaks DynamoDB's JSON 1.0 protocol,
// so the unmodified aws-sdk-go-v2 client (or boto3, the AWS CLI, the JS
// SDK, over loopback) works against it, and it keeps everything in memory.
//
// In a test, one line gives a ready client:
//
//	client := ddbtest.New(t) // server closed by t.Cleanup
//	_, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{...})
//	out, err := client.GetItem(ctx, &dynamodb.GetItemInput{...})
//
// NewTB returns the *Server instead, for tests that need its controlled
// clock (WithClock, SweepTTL) or fault injection (WithFaults, SetFaults);
// NewServer starts one listening on 127.0.0.1 for other processes.
//
// The server implements tables with local and global secondary indexes
// (including global secondary index keys of up to four partition and four
// sort attributes, DynamoDB's multi-attribute keys), item reads and writes with condition, projection and update expressions,
// Query and Scan with DynamoDB's ordering and pagination (including the
// 1 MB page limit and parallel scan segments), batches, transactions with
// idempotency tokens, TTL, tagging and consumed capacity. As in DynamoDB,
// each region (taken from the request's signature) has its own tables
// (WithSharedRegions makes them one namespace), and tables can pass
// through CREATING, UPDATING and DELETING (WithTableDelays). Items are stored in
// B-trees keyed by an order-preserving encoding of their keys, behind the
// Store interface; OpenBoltStore gives a durable one (Open reports a store
// that cannot be loaded as an error). DIFFERENCES.md lists where it departs
// from DynamoDB.
package ddbtest
