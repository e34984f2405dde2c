package ddbtest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddb-go/ddb/ddbtest"
)

func createTable(ctx context.Context, c *dynamodb.Client, name string) {
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		panic(err)
	}
}

func ExampleNewServer() {
	srv := ddbtest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	c := srv.Client() // or any SDK client with BaseEndpoint srv.URL
	createTable(ctx, c, "users")
	_, err := c.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String("users"),
		Item:      map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "ada"}},
	})
	fmt.Println(err)
	out, _ := c.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String("users"),
		Key:       map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "ada"}},
	})
	fmt.Println(out.Item["id"].(*types.AttributeValueMemberS).Value)
	// Output:
	// <nil>
	// ada
}

// exampleT stands in for the *testing.T of a test, which an example
// cannot have: it runs the cleanups registered with it when done.
type exampleT struct {
	testing.TB
	cleanups []func()
}

func (t *exampleT) Helper()          {}
func (t *exampleT) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) done() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// ExampleNew shows the one-line setup of a test:
//
//	func TestUsers(t *testing.T) {
//		c := ddbtest.New(t) // closed by t.Cleanup
//		...
//	}
func ExampleNew() {
	t := &exampleT{} // in a test: the test's t
	defer t.done()
	ctx := context.Background()

	c := ddbtest.New(t) // closed by t.Cleanup
	createTable(ctx, c, "users")
	out, err := c.ListTables(ctx, &dynamodb.ListTablesInput{})
	fmt.Println(out.TableNames, err)
	// Output: [users] <nil>
}

// ExampleNewTB gets the server too, for its clock, SweepTTL, faults, or
// a real port for another process or SDK to use.
func ExampleNewTB() {
	t := &exampleT{} // in a test: the test's t
	defer t.done()
	ctx := context.Background()

	srv := ddbtest.NewTB(t) // closed by t.Cleanup, listener included
	srv.Start()             // listen on a free loopback port: srv.URL
	fmt.Println(strings.HasPrefix(srv.URL, "http://127.0.0.1:"))
	c := srv.Client() // now through srv.URL
	createTable(ctx, c, "users")
	out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("users")})
	fmt.Println(out.Table.TableStatus, err)
	// Output:
	// true
	// ACTIVE <nil>
}

// ExampleOpen keeps tables and items in a bbolt file: they survive a
// restart of the server (ddblocal -data does this).
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "ddbtest-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "data.db")
	ctx := context.Background()
	key := map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "ada"}}

	for run := range 2 {
		store, err := ddbtest.OpenBoltStore(path)
		if err != nil {
			panic(err)
		}
		srv, err := ddbtest.Open(ddbtest.WithStore(store)) // Close closes the store
		if err != nil {
			store.Close()
			panic(err)
		}
		c := srv.Client()
		if run == 0 {
			createTable(ctx, c, "users")
			_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("users"), Item: key})
			fmt.Println("written:", err)
		} else {
			out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("users"), Key: key})
			fmt.Println("after restart:", out.Item["id"].(*types.AttributeValueMemberS).Value, err)
		}
		srv.Close()
	}
	// Output:
	// written: <nil>
	// after restart: ada <nil>
}

func ExampleServer_SweepTTL() {
	now := time.Unix(1_700_000_000, 0)
	srv := ddbtest.NewUnstartedServer(ddbtest.WithClock(func() time.Time { return now }))
	defer srv.Close()
	ctx := context.Background()
	c := srv.Client()
	createTable(ctx, c, "sessions")
	_, _ = c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName:               aws.String("sessions"),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("expires"), Enabled: aws.Bool(true)},
	})
	_, _ = c.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String("sessions"),
		Item: map[string]types.AttributeValue{
			"id":      &types.AttributeValueMemberS{Value: "s1"},
			"expires": &types.AttributeValueMemberN{Value: "1700000060"},
		},
	})
	now = now.Add(2 * time.Minute) // the clock function reads now
	fmt.Println(srv.SweepTTL())
	// Output: 1
}

func ExampleWithFaults() {
	srv := ddbtest.NewUnstartedServer(ddbtest.WithFaults(ddbtest.Faults{
		Seed: 1,
		Rules: []ddbtest.FaultRule{
			{Ops: []string{"GetItem"}, Kind: ddbtest.FaultThrottle, Rate: 1},
		},
	}))
	defer srv.Close()
	ctx := context.Background()
	c := srv.Client(func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
	createTable(ctx, c, "things")
	_, err := c.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String("things"),
		Key:       map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "x"}},
	})
	var pte *types.ProvisionedThroughputExceededException
	fmt.Println(errors.As(err, &pte))
	// Output: true
}

// A lost response: the client gets an error, yet the write was applied.
func ExampleParseFaults() {
	faults, err := ddbtest.ParseFaults("seed=1,lost=1,ops=PutItem")
	if err != nil {
		panic(err)
	}
	srv := ddbtest.NewUnstartedServer()
	defer srv.Close()
	ctx := context.Background()
	c := srv.Client(func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
	createTable(ctx, c, "things")
	srv.SetFaults(faults)
	key := map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "x"}}
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String("things"), Item: key,
		ConditionExpression: aws.String("attribute_not_exists(id)"),
	})
	fmt.Println(err != nil)
	srv.SetFaults(ddbtest.Faults{})
	out, _ := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("things"), Key: key})
	fmt.Println(out.Item != nil)
	// Output:
	// true
	// true
}
