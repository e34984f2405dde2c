package ddb_test

// The ddb side of docs/from-guregu-dynamo.md, run against an in-process
// ddbtest server (shopOrders, in example_migrate_sdk_test.go). Where the ddb
// code is the same as for raw SDK users, the guide points to the
// Example_fromSDK examples instead.

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/ddb-go/ddb"
)

// Tags: guregu's `dynamo` tag becomes `dynamodbav` (names and encoding
// options) plus `ddb` (key roles). Empty strings and sets, which guregu
// leaves out by itself, are stored unless tagged omitempty.
func Example_fromGureguTags() {
	type Note struct {
		ID   string    `ddb:"pk" dynamodbav:"id"` // dynamo:"id,hash"
		By   string    `ddb:"gsi=ByAuthor:pk"`    // index:"ByAuthor,hash"
		Text string    // stored as "" when empty; guregu leaves it out
		Memo string    `dynamodbav:",omitempty"`           // guregu's default: left out when empty
		Tags []string  `dynamodbav:",stringset,omitempty"` // dynamo:",set"
		Seen time.Time `dynamodbav:",unixtime"`            // dynamo:",unixtime"
		Skip string    `dynamodbav:"-"`                    // dynamo:"-"
	}
	item, err := ddb.MarshalItem(Note{ID: "n1", By: "ada", Seen: orderDay(0), Skip: "x"})
	if err != nil {
		log.Fatal(err)
	}
	_, text := item["Text"]
	_, memo := item["Memo"]
	_, tags := item["Tags"]
	fmt.Println(len(item), text, memo, tags, item["Seen"].(*types.AttributeValueMemberN).Value)
	// Output: 4 true false false 1714521600
}

// Put with If, Get with One: conditions are built (or written with ? for
// values, as in guregu, without quoting names), and dynamo.ErrNotFound and
// dynamo.IsCondCheckFailed become sentinels matched with errors.Is.
func Example_fromGureguPutGet() {
	orders, _, done := shopOrders()
	defer done()
	ctx := context.Background()

	o := Order{Customer: "c1", Placed: orderDay(0), Status: "open", Total: 11}
	err := orders.Put(ctx, o, ddb.If(ddb.Cond("Status <> ?", "open")))
	fmt.Println(errors.Is(err, ddb.ErrConditionFailed))

	got, err := orders.Get(ctx, ddb.Key{"c1", orderDay(0)})
	fmt.Println(got.Total, err)

	_, err = orders.Get(ctx, ddb.Key{"c1", orderDay(99)})
	fmt.Println(errors.Is(err, ddb.ErrNotFound))
	// Output:
	// true
	// 10 <nil>
	// true
}

// Update: Set, Add and Remove become an Update value; Value(ctx, &out)
// becomes the ReturnNew option.
func Example_fromGureguUpdate() {
	orders, _, done := shopOrders()
	defer done()
	ctx := context.Background()

	var after *Order
	err := orders.Update(ctx, ddb.Key{"c1", orderDay(2)}, ddb.NewUpdate().
		Set(ddb.Attr("Status"), "shipped").
		Increment(ddb.Attr("Total"), 5). // guregu: Add("Total", 5)
		Remove(ddb.Attr("Note")),
		ddb.If(ddb.Cond("Status = ?", "open")),
		ddb.ReturnNew(&after))
	fmt.Println(after.Status, after.Total, err)
	// Output: shipped 35 <nil>
}

// Query: Get(...).Range(...) becomes Query(pk, key condition); Limit keeps
// guregu's meaning (items returned) and SearchLimit becomes PageSize.
func Example_fromGureguQuery() {
	orders, _, done := shopOrders()
	defer done()
	ctx := context.Background()

	latest, err := orders.Query("c1", ddb.Gt(orderDay(0))).
		Filter(ddb.Cond("Status = ? AND Total >= ?", "open", 30)).
		Desc().
		Limit(1).
		Collect(ctx)
	fmt.Println(len(latest), latest[0].Total, err)

	first, err := orders.Query("c1").PageSize(2).First(ctx) // guregu: SearchLimit(2) ... One
	fmt.Println(first.Total, err)
	// Output:
	// 1 50 <nil>
	// 10 <nil>
}

// Batch().Write() and Batch().Get(): keys are ddb.Key values, and Writer
// buffers puts and deletes like a long-lived BatchWrite.
func Example_fromGureguBatch() {
	orders, _, done := shopOrders()
	defer done()
	ctx := context.Background()

	w := orders.Writer(ctx)
	if err := w.Put(Order{Customer: "c4", Placed: orderDay(0), Status: "open"}); err != nil {
		log.Fatal(err)
	}
	if err := w.Delete(ddb.Key{"c1", orderDay(4)}); err != nil {
		log.Fatal(err)
	}
	fmt.Println(w.Close())

	got, err := orders.BatchGet(ctx, []ddb.Key{{"c4", orderDay(0)}, {"c1", orderDay(4)}})
	fmt.Println(len(got), got[0].Customer, err)
	// Output:
	// <nil>
	// 1 c4 <nil>
}

// WriteTx: Update, Put, Delete and Check actions, each added through its
// table.
func Example_fromGureguTx() {
	orders, _, done := shopOrders()
	defer done()
	ctx := context.Background()

	tx := ddb.NewWriteTx()
	orders.TxCheck(tx, ddb.Key{"c1", orderDay(1)}, ddb.Attr("Status").Eq("shipped"))
	orders.TxDelete(tx, ddb.Key{"c1", orderDay(3)})
	orders.TxUpdate(tx, ddb.Key{"c1", orderDay(0)}, ddb.NewUpdate().Increment(ddb.Attr("Total"), 1))
	fmt.Println(tx.Run(ctx, nil))

	n, err := orders.Query("c1").Count(ctx)
	fmt.Println(n, err)
	// Output:
	// <nil>
	// 4 <nil>
}
