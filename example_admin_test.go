package ddb_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ddb-go/ddb"
	"github.com/ddb-go/ddb/ddbtest"
)

// Ticket is a support ticket, with a sparse index of the open ones and a
// keys-only index by assignee.
type Ticket struct {
	Queue    string `ddb:"pk"`
	ID       int    `ddb:"sk"`
	Open     string `ddb:"gsi=Open:pk" dynamodbav:",omitempty"` // set only while open
	Assignee string `ddb:"gsi=ByAssignee:pk" dynamodbav:",omitempty"`
	Title    string
}

func ExampleTable_CreateTable() {
	srv := ddbtest.NewUnstartedServer() // in-process; use a real client in production
	defer srv.Close()
	ctx := context.Background()

	tickets, err := ddb.NewTable[Ticket](srv.Client(), "tickets")
	if err != nil {
		log.Fatal(err)
	}
	// Keys, indexes and attribute types come from the struct tags; this
	// waits until the table and its indexes are active.
	if err := tickets.CreateTable(ctx, ddb.ProjectKeysOnly("ByAssignee"), ddb.Tag("team", "support")); err != nil {
		log.Fatal(err)
	}
	d, err := tickets.Describe(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Status, d.PK, d.SK)
	for _, ix := range d.GlobalIndexes {
		fmt.Println(ix.Name, ix.PK, ix.Projection)
	}
	// Output:
	// ACTIVE {Queue S} {ID N}
	// ByAssignee [{Assignee S}] KEYS_ONLY
	// Open [{Open S}] ALL
}

func ExampleQueryAs() {
	srv := ddbtest.NewUnstartedServer()
	defer srv.Close()
	ctx := context.Background()
	tickets, _ := ddb.NewTable[Ticket](srv.Client(), "tickets")
	if err := tickets.Ensure(ctx, ddb.ProjectKeysOnly("ByAssignee")); err != nil {
		log.Fatal(err)
	}
	for i, who := range []string{"ann", "bob", "ann"} {
		_ = tickets.Put(ctx, Ticket{Queue: "billing", ID: i + 1, Assignee: who, Title: "refund"})
	}
	// ByAssignee projects only keys: decode into a struct of those.
	type ref struct {
		Queue string
		ID    int
	}
	for r, err := range ddb.QueryAs[ref](ctx, tickets.Query("ann").Index("ByAssignee")) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(r.Queue, r.ID)
	}
	// Unordered output:
	// billing 1
	// billing 3
}

func ExampleScan_Segments() {
	srv := ddbtest.NewUnstartedServer()
	defer srv.Close()
	ctx := context.Background()
	tickets, _ := ddb.NewTable[Ticket](srv.Client(), "tickets")
	_ = tickets.CreateTable(ctx)
	for i := range 100 {
		_ = tickets.Put(ctx, Ticket{Queue: fmt.Sprint("q", i%7), ID: i, Title: "t"})
	}
	// Four goroutines scan a quarter of the table each; the loop sees
	// every item once. Breaking out stops all four.
	n := 0
	for _, err := range tickets.Scan().Segments(4).All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Println(n, "tickets")
	// Output: 100 tickets
}

func ExampleWithCapacity() {
	srv := ddbtest.NewUnstartedServer()
	defer srv.Close()
	ctx := context.Background()
	// WithObserve wraps the table's client: hooks and capacity accounting.
	requests := 0
	tickets, _ := ddb.NewTable[Ticket](srv.Client(), "tickets",
		ddb.WithObserve(ddb.OnRequest(func(ctx context.Context, ri ddb.RequestInfo) { requests++ })))
	_ = tickets.CreateTable(ctx)
	for i := range 10 {
		_ = tickets.Put(ctx, Ticket{Queue: "q", ID: i, Title: "t"})
	}

	var used ddb.Capacity
	n, err := tickets.Query("q").PageSize(4).Count(ddb.WithCapacity(ctx, &used))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "items,", used.Requests(), "requests, read units > 0:", used.Total().Read > 0)
	// Output: 10 items, 3 requests, read units > 0: true
}

func ExampleNewBudget() {
	srv := ddbtest.NewUnstartedServer()
	defer srv.Close()
	ctx := context.Background()
	tickets, _ := ddb.NewTable[Ticket](srv.Client(), "tickets")
	_ = tickets.CreateTable(ctx)

	// A backfill limited to 50 write units per second, shared by all its
	// writers, leaves the rest of the table's capacity to production.
	budget := ddb.NewBudget(0, 50)
	bctx := ddb.WithBudget(ctx, budget)
	for i := range 20 {
		if err := tickets.Put(bctx, Ticket{Queue: "backfill", ID: i}); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println("done")
	// Output: done
}
