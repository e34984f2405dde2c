package ddb

// Shared test harness: every ddb test talks to a real DynamoDB-compatible
// server over HTTP through the real aws-sdk-go-v2 client.
//
// Server choice, in order:
//   - DDB_ENDPOINT when set (dynalite, ddblocal, moto, ...);
//   - DDB_TEST_SERVER=dynalite: one dynalite process per test binary
//     (from node_modules, after npm ci), started on first use and killed
//     by TestMain;
//   - otherwise (the default) an in-process ddbtest server, so that
//     go test ./... needs no set-up.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/ddb-go/ddb/ddbtest"
	"github.com/ddb-go/ddb/internal/dynalite"
)

var (
	serverOnce sync.Once
	serverURL  string
	serverErr  error
	serverStop func()
)

func TestMain(m *testing.M) {
	code := m.Run()
	if serverStop != nil {
		serverStop()
	}
	os.Exit(code)
}

// newTestClient returns a client for the test server, with its options
// adjusted by optFns. Call it once per test: with the in-process server
// each call may get a server of its own.
func newTestClient(t testing.TB, optFns ...func(*dynamodb.Options)) Client {
	t.Helper()
	if ep := os.Getenv("DDB_ENDPOINT"); ep != "" {
		return sdkClient(ep, optFns...)
	}
	if os.Getenv("DDB_TEST_SERVER") != "dynalite" {
		return ddbtest.NewTB(t).Client(optFns...)
	}
	serverOnce.Do(func() { serverURL, serverStop, serverErr = dynalite.Start() })
	if serverErr != nil {
		t.Fatalf("test server: %v", serverErr)
	}
	return sdkClient(serverURL, optFns...)
}

// sdkClient returns an SDK client for endpoint with dummy credentials.
func sdkClient(endpoint string, optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "test", Source: "ddb tests"}, nil
		}),
	}, optFns...)
}

var badNameChars = regexp.MustCompile(`[^a-zA-Z0-9_.-]+`)

// testTableName returns a unique table name derived from t.Name().
func testTableName(t testing.TB) string {
	base := badNameChars.ReplaceAllString(t.Name(), ".")
	if len(base) > 200 {
		base = base[:200]
	}
	var r [4]byte
	_, _ = rand.Read(r[:])
	return base + "-" + hex.EncodeToString(r[:])
}

// createTestTable creates a uniquely named on-demand table with the given
// key, waits until it is active, deletes it when the test ends and returns
// its name.
func createTestTable(t testing.TB, c Client, pk KeyAttr, sk ...KeyAttr) string {
	t.Helper()
	s := &schema{pk: pk}
	if len(sk) > 0 {
		s.sk = sk[0]
	}
	return createTableFor(t, c, s)
}

// newTestTable creates a table for T (keys and indexes from T's schema, see
// createTestTable) and returns it, read and written through a counting
// wrapper of a real client.
func newTestTable[T any](t testing.TB, opts ...TableOption) (*Table[T], *countingClient) {
	t.Helper()
	cc := &countingClient{Client: newTestClient(t)}
	tbl, err := NewTable[T](cc, "placeholder", opts...)
	if err != nil {
		t.Fatalf("NewTable: %v", err)
	}
	tbl.name = createTableFor(t, cc.Client, tbl.schema)
	return tbl, cc
}

// createTableFor creates the table (with its indexes) described by s.
func createTableFor(t testing.TB, c Client, s *schema) string {
	t.Helper()
	name := testTableName(t)
	var defs []types.AttributeDefinition
	seen := map[string]bool{}
	def := func(a KeyAttr) {
		if a.Name != "" && !seen[a.Name] {
			seen[a.Name] = true
			defs = append(defs, types.AttributeDefinition{AttributeName: aws.String(a.Name), AttributeType: a.Type})
		}
	}
	keySchema := func(pk, sk []KeyAttr) []types.KeySchemaElement {
		for _, a := range append(slices.Clip(pk), sk...) {
			def(a)
		}
		return keySchema(pk, sk)
	}
	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: types.BillingModePayPerRequest,
		KeySchema:   keySchema([]KeyAttr{s.pk}, s.keyAttrs()[1:]),
	}
	all := &types.Projection{ProjectionType: types.ProjectionTypeAll}
	for _, ix := range s.indexes {
		if ix.Local {
			in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, types.LocalSecondaryIndex{
				IndexName: aws.String(ix.Name), KeySchema: keySchema(ix.PK, ix.SK), Projection: all})
		} else {
			in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
				IndexName: aws.String(ix.Name), KeySchema: keySchema(ix.PK, ix.SK), Projection: all})
		}
	}
	in.AttributeDefinitions = defs
	ctx := context.Background()
	if _, err := c.CreateTable(ctx, in); err != nil {
		t.Fatalf("CreateTable %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := c.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)}); err != nil {
			t.Logf("DeleteTable %s: %v", name, err)
		}
	})
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		if err != nil {
			t.Fatalf("DescribeTable %s: %v", name, err)
		}
		active := out.Table.TableStatus == types.TableStatusActive
		for _, g := range out.Table.GlobalSecondaryIndexes {
			active = active && g.IndexStatus == types.IndexStatusActive
		}
		if active {
			return name
		}
		if time.Now().After(deadline) {
			t.Fatalf("table %s not active after 30s", name)
		}
	}
}

// countingClient forwards to a real client and counts the data-plane
// requests, so tests can check how many requests an operation sent.
type countingClient struct {
	Client
	mu    sync.Mutex
	calls map[string]int
}

func (c *countingClient) count(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[op]++
}

// n returns how many op requests ("Query", "PutItem", ...) were sent.
func (c *countingClient) n(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[op]
}

// total returns the number of data-plane requests sent.
func (c *countingClient) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.calls {
		n += v
	}
	return n
}

func (c *countingClient) GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.count("GetItem")
	return c.Client.GetItem(ctx, in, optFns...)
}

func (c *countingClient) PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	c.count("PutItem")
	return c.Client.PutItem(ctx, in, optFns...)
}

func (c *countingClient) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	c.count("DeleteItem")
	return c.Client.DeleteItem(ctx, in, optFns...)
}

func (c *countingClient) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	c.count("UpdateItem")
	return c.Client.UpdateItem(ctx, in, optFns...)
}

func (c *countingClient) Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	c.count("Query")
	return c.Client.Query(ctx, in, optFns...)
}

func (c *countingClient) Scan(ctx context.Context, in *dynamodb.ScanInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	c.count("Scan")
	return c.Client.Scan(ctx, in, optFns...)
}

// putInput is a raw PutItem request, for storing items ddb would not write.
func putInput(table string, item map[string]types.AttributeValue) *dynamodb.PutItemInput {
	return &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}
}
