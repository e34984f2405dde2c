package ddb_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ddb-go/ddb"
	"github.com/ddb-go/ddb/ddbtest"
)

// Match is a tournament match. The global index ByBracket has a
// multi-attribute key: partition (Tournament, Region), sort (Round, Slot),
// each attribute of its own type, with no key strings to build.
type Match struct {
	ID         string `ddb:"pk"`
	Tournament string `ddb:"gsi=ByBracket:pk1"`
	Region     string `ddb:"gsi=ByBracket:pk2"`
	Round      int    `ddb:"gsi=ByBracket:sk1"`
	Slot       int    `ddb:"gsi=ByBracket:sk2"`
	Winner     string
}

// A Partition gives every partition key value; sort key conditions go left
// to right: Eq on the leading attributes, then one range condition.
func ExamplePartition() {
	srv := ddbtest.NewUnstartedServer()
	defer srv.Close()
	ctx := context.Background()
	matches, err := ddb.NewTable[Match](srv.Client(), "matches")
	if err != nil {
		log.Fatal(err)
	}
	if err := matches.CreateTable(ctx); err != nil {
		log.Fatal(err)
	}
	for i, m := range []Match{
		{Tournament: "winter", Region: "eu", Round: 1, Slot: 2, Winner: "ana"},
		{Tournament: "winter", Region: "eu", Round: 1, Slot: 1, Winner: "bo"},
		{Tournament: "winter", Region: "eu", Round: 2, Slot: 1, Winner: "ana"},
		{Tournament: "winter", Region: "us", Round: 1, Slot: 1, Winner: "cy"},
	} {
		m.ID = fmt.Sprint("m", i)
		if err := matches.Put(ctx, m); err != nil {
			log.Fatal(err)
		}
	}
	eu := ddb.Partition{"winter", "eu"}
	q := matches.Query(eu, ddb.Eq(1), ddb.Ge(1)).Index("ByBracket") // round 1, slots from 1
	for m, err := range q.All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.Round, m.Slot, m.Winner)
	}
	// A range condition before the last one is refused before any request.
	_, err = matches.Query(eu, ddb.Ge(1), ddb.Eq(1)).Index("ByBracket").Collect(ctx)
	fmt.Println(err)
	// Output:
	// 1 1 bo
	// 1 2 ana
	// ddb: Query matches (field Round): only the last sort key condition may be other than Eq; give Eq for "Round" or drop the conditions after it
}
