// Quickstart shows ddb's basics: describe a table with struct tags, then
// Put, Get, Query and Scan it.
//
// It talks to DDB_ENDPOINT when set (for example a dynalite started with
// `node node_modules/.bin/dynalite --port 4567` and DDB_ENDPOINT=http://127.0.0.1:4567),
// otherwise to an in-process ddbtest server.
package main

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/ddb-go/ddb"
	"github.com/ddb-go/ddb/examples/internal/connect"
)

// Order is one order of a customer. The table's key is (Customer, Seq);
// the ByStatus index finds orders by status, sorted by total.
type Order struct {
	Customer string `ddb:"pk"`
	Seq      int    `ddb:"sk"`
	Status   string `ddb:"gsi=ByStatus:pk"`
	Total    int    `ddb:"gsi=ByStatus:sk"`
	Item     string
}

func main() {
	ctx := context.Background()
	client, done := connect.Client()
	defer done()

	// Describe the table with Order's tags, then create it (key, index
	// and on-demand billing come from the tags).
	name := fmt.Sprintf("quickstart-%d", time.Now().UnixNano())
	orders, err := ddb.NewTable[Order](client, name)
	if err != nil {
		log.Fatal(err)
	}
	if err := orders.CreateTable(ctx); err != nil {
		log.Fatal(err)
	}
	defer orders.DeleteTable(ctx)

	// Put: write a few orders.
	items := []string{"tea", "scones", "jam", "cream", "teapot", "cups", "sugar"}
	for i, item := range items {
		status := "open"
		if i%3 == 0 {
			status = "shipped"
		}
		o := Order{Customer: "ada", Seq: i + 1, Status: status, Total: 5 * (i + 1), Item: item}
		if err := orders.Put(ctx, o); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("put %d orders into %s\n", len(items), name)

	// Get one back by its key.
	o, err := orders.Get(ctx, ddb.Key{"ada", 2})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("get ada/2: %s (%s, %d)\n", o.Item, o.Status, o.Total)

	// Query: ada's orders 3 and later, newest first.
	fmt.Print("query ada, seq >= 3, newest first:")
	for o, err := range orders.Query("ada", ddb.Ge(3)).Desc().All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf(" %d:%s", o.Seq, o.Item)
	}
	fmt.Println()

	// Query an index: open orders over 10, cheapest first.
	fmt.Print("query ByStatus open, total > 10:")
	for o, err := range orders.Query("open", ddb.Gt(10)).Index("ByStatus").All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf(" %s=%d", o.Item, o.Total)
	}
	fmt.Println()

	// Pages: read three at a time; each page's cursor resumes after it.
	cursor := ""
	for n := 1; ; n++ {
		var page *ddb.Page[Order]
		for p, err := range orders.Query("ada").Limit(3).StartFrom(cursor).Pages(ctx) {
			if err != nil {
				log.Fatal(err)
			}
			page = p
		}
		fmt.Printf("page %d: %d orders, more: %v\n", n, len(page.Items), page.Cursor != "")
		if cursor = page.Cursor; cursor == "" {
			break
		}
	}

	// Scan with a filter, and count.
	shipped, err := orders.Scan().Filter(ddb.Attr("Status").Eq("shipped")).Collect(ctx)
	if err != nil {
		log.Fatal(err)
	}
	total, err := orders.Scan().Count(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("scan: %d of %d orders shipped\n", len(shipped), total)
}
