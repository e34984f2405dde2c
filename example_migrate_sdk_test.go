package ddb_test

// The ddb side of docs/from-aws-sdk-go-v2.md, run against an in-process
// ddbtest server. Each example is one section of the guide.

import (
	"context"
	"errors"
	"fmt"
	"log"
	"reflect"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/ddb-go/ddb"
	"github.com/ddb-go/ddb/ddbtest"
)

// orderDay is the placement time of the n-th order: midnight UTC, n days
// after 2024-05-01.
func orderDay(n int) time.Time { return time.Date(2024, 5, 1+n, 0, 0, 0, 0, time.UTC) }

// shopOrders returns a fresh "orders" table on an in-process server, the
// raw client it uses, and a function that stops the server. Customer c1
// has five orders, placed on orderDay(0) to orderDay(4), with totals 10 to
// 50; orders 0, 2 and 4 are "open", 1 and 3 "shipped".
func shopOrders() (*ddb.Table[Order], *dynamodb.Client, func()) {
	srv := ddbtest.NewUnstartedServer()
	client := srv.Client()
	orders, err := ddb.NewTable[Order](client, "orders")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if err := orders.CreateTable(ctx); err != nil {
		log.Fatal(err)
	}
	var seed []Order
	for i := range 5 {
		status := "open"
		if i%2 == 1 {
			status = "shipped"
		}
		seed = append(seed, Order{Customer: "c1", Placed: orderDay(i), Status: status, Total: 10 * (i + 1)})
	}
	if err := orders.BatchWrite(ctx, seed, nil); err != nil {
		log.Fatal(err)
	}
	return orders, client, srv.Close
}

// PutItem and GetItem: Create is a PutItem conditioned on the item being
// absent; Get fails with ErrNotFound instead of returning an empty item.
func Example_fromSDKPutGet() {
	orders, _, done := shopOrders()
	defer done()
	ctx := context.Background()

	o := Order{Customer: "c2", Placed: orderDay(9), Status: "open", Total: 99}
	if err := orders.Create(ctx, o); err != nil {
		log.Fatal(err)
	}
	err := orders.Create(ctx, o) // already there
	var ccf *types.ConditionalCheckFailedException
	fmt.Println(errors.Is(err, ddb.ErrConditionFailed), errors.As(err, &ccf))

	got, err := orders.Get(ctx, ddb.Key{"c2", orderDay(9)}, ddb.Consistent())
	fmt.Println(got.Total, got.Placed.Equal(o.Placed), err)

	_, err = orders.Get(ctx, ddb.Key{"nobody", orderDay(9)})
	fmt.Println(errors.Is(err, ddb.ErrNotFound))
	// Output:
	// true true
	// 99 true <nil>
	// true
}

// UpdateItem with the expression builder: the update, its condition and
// the returned values are one call.
func Example_fromSDKUpdate() {
	orders, _, done := shopOrders()
	defer done()
	ctx := context.Background()

	var after *Order
	err := orders.Update(ctx, ddb.Key{"c1", orderDay(0)}, ddb.NewUpdate().
		Set(ddb.Attr("Status"), "shipped").
		Increment(ddb.Attr("Total"), 5),
		ddb.If(ddb.Attr("Status").Eq("open")),
		ddb.ReturnNew(&after))
	fmt.Println(after.Status, after.Total, err)

	err = orders.Update(ctx, ddb.Key{"c1", orderDay(0)}, ddb.NewUpdate().Set(ddb.Attr("Status"), "lost"),
		ddb.If(ddb.Attr("Status").Eq("open")))
	fmt.Println(errors.Is(err, ddb.ErrConditionFailed))
	// Output:
	// shipped 15 <nil>
	// true
}

// DeleteItem, conditional or not.
func Example_fromSDKDelete() {
	orders, _, done := shopOrders()
	defer done()
	ctx := context.Background()

	err := orders.Delete(ctx, ddb.Key{"c1", orderDay(1)}, ddb.If(ddb.Attr("Status").Eq("open")))
	fmt.Println(errors.Is(err, ddb.ErrConditionFailed))

	err = orders.Delete(ctx, ddb.Key{"c1", orderDay(1)})
	_, getErr := orders.Get(ctx, ddb.Key{"c1", orderDay(1)})
	fmt.Println(err, errors.Is(getErr, ddb.ErrNotFound))
	// Output:
	// true
	// <nil> true
}

// Query with a key condition, a filter and a paginator becomes one
// iterator; an index is one more call.
func Example_fromSDKQuery() {
	orders, _, done := shopOrders()
	defer done()
	ctx := context.Background()

	q := orders.Query("c1", ddb.Between(orderDay(1), orderDay(4))).
		Filter(ddb.Attr("Status").Eq("open")).
		Desc()
	for o, err := range q.All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(o.Placed.Format(time.DateOnly), o.Total)
	}

	for o, err := range orders.Query("open", ddb.Ge(30)).Index("ByStatus").All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("open:", o.Total)
	}

	n, err := orders.Query("c1").Count(ctx)
	fmt.Println(n, err)
	// Output:
	// 2024-05-05 50
	// 2024-05-03 30
	// open: 30
	// open: 50
	// 5 <nil>
}

// Limit: ddb's counts the items returned, after the filter, across pages;
// DynamoDB's Limit (ddb's PageSize) counts the items each request reads,
// before the filter.
func Example_fromSDKLimit() {
	orders, _, done := shopOrders()
	defer done()
	ctx := context.Background()

	open := orders.Query("c1").Filter(ddb.Attr("Status").Eq("open"))
	got, err := open.Limit(2).Collect(ctx)
	fmt.Println(len(got), got[0].Total, got[1].Total, err)

	var sizes []int
	for page, err := range open.PageSize(2).Pages(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		sizes = append(sizes, len(page.Items))
	}
	fmt.Println(sizes)
	// Output:
	// 2 10 30 <nil>
	// [1 1 1]
}

// LastEvaluatedKey becomes an opaque, checksummed string cursor that a
// later request (another process, an HTTP client) hands back.
func Example_fromSDKCursor() {
	orders, _, done := shopOrders()
	defer done()
	ctx := context.Background()

	var cursor string
	for page, err := range orders.Query("c1").PageSize(2).Pages(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(len(page.Items), page.Cursor != "")
		cursor = page.Cursor
		break // e.g. an HTTP handler answers with one page and its cursor
	}

	rest, err := orders.Query("c1").PageSize(2).StartFrom(cursor).Collect(ctx)
	fmt.Println(len(rest), err)

	_, err = orders.Query("c2").StartFrom(cursor).Collect(ctx) // another query's cursor
	fmt.Println(errors.Is(err, ddb.ErrInvalidCursor))
	// Output:
	// 2 true
	// 3 <nil>
	// true
}

// BatchWriteItem and BatchGetItem: any number of items, chunked (25 and
// 100), unprocessed items retried with backoff.
func Example_fromSDKBatch() {
	orders, _, done := shopOrders()
	defer done()
	ctx := context.Background()

	var many []Order
	for i := range 60 {
		many = append(many, Order{Customer: "c3", Placed: orderDay(i), Status: "open", Total: i})
	}
	err := orders.BatchWrite(ctx, many, nil)
	fmt.Println(err)

	got, err := orders.BatchGet(ctx, []ddb.Key{{"c3", orderDay(0)}, {"c3", orderDay(59)}, {"c3", orderDay(99)}})
	fmt.Println(len(got), err) // the missing key is left out
	// Output:
	// <nil>
	// 2 <nil>
}

// TransactWriteItems: actions added per table, cancellation reasons per
// action.
func Example_fromSDKTx() {
	orders, _, done := shopOrders()
	defer done()
	ctx := context.Background()

	ship := func() error {
		tx := ddb.NewWriteTx()
		orders.TxUpdate(tx, ddb.Key{"c1", orderDay(0)}, ddb.NewUpdate().Set(ddb.Attr("Status"), "shipped"),
			ddb.If(ddb.Attr("Status").Eq("open")))
		orders.TxPut(tx, Order{Customer: "c1", Placed: orderDay(7), Status: "open", Total: 70})
		return tx.Run(ctx, nil)
	}
	fmt.Println(ship())
	err := ship() // order 0 is no longer open: nothing is applied
	var tce *ddb.TxCanceledError
	if errors.As(err, &tce) {
		fmt.Println(errors.Is(err, ddb.ErrTxCanceled), tce.Reasons[0].Code, tce.Reasons[1].Code)
	}
	// Output:
	// <nil>
	// true ConditionalCheckFailed None
}

// Errors: a sentinel for each class, the operation and table named, and
// the SDK's exception still in the chain; bad keys fail before any request.
func Example_fromSDKErrors() {
	_, client, done := shopOrders()
	defer done()
	ctx := context.Background()

	missing, err := ddb.NewTable[Order](client, "no-such-table")
	if err != nil {
		log.Fatal(err)
	}
	_, err = missing.Get(ctx, ddb.Key{"c1", orderDay(0)})
	var de *ddb.Error
	var rnf *types.ResourceNotFoundException
	fmt.Println(errors.Is(err, ddb.ErrTableNotFound), errors.As(err, &rnf))
	if errors.As(err, &de) {
		fmt.Println(de.Op, de.Table)
	}

	_, err = missing.Get(ctx, ddb.Key{42, orderDay(0)})
	fmt.Println(errors.Is(err, ddb.ErrInvalidKey))
	// Output:
	// true true
	// Get no-such-table
	// true
}

// Tags: the codec reads dynamodbav tags as attributevalue does and builds
// the same item.
func Example_fromSDKTags() {
	type Profile struct {
		ID   string    `dynamodbav:"id"`
		Tags []string  `dynamodbav:"tags,stringset"`
		Nick string    `dynamodbav:",omitempty"`
		Seen time.Time `dynamodbav:"seen"`
		Hits int       `dynamodbav:"-"`
	}
	p := Profile{ID: "u1", Tags: []string{"a", "b"}, Seen: orderDay(0), Hits: 3}
	fromSDK, err := attributevalue.MarshalMap(p)
	if err != nil {
		log.Fatal(err)
	}
	fromDDB, err := ddb.MarshalItem(p)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(reflect.DeepEqual(fromSDK, fromDDB), len(fromDDB))
	// Output: true 3
}
