package ddb_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/ddb-go/ddb"
	"github.com/ddb-go/ddb/ddbtest"
)

// Reading is one sensor reading, keyed by sensor and sequence number.
type Reading struct {
	Sensor string `ddb:"pk"`
	Seq    int    `ddb:"sk"`
	Value  float64
}

// readingsTable returns a fresh "readings" table on an in-process server.
func readingsTable() (*ddb.Table[Reading], func()) {
	srv := ddbtest.NewUnstartedServer()
	readings, err := ddb.NewTable[Reading](srv.Client(), "readings")
	if err != nil {
		log.Fatal(err)
	}
	if err := readings.CreateTable(context.Background()); err != nil {
		log.Fatal(err)
	}
	return readings, srv.Close
}

func ExampleTable_BatchWrite() {
	readings, done := readingsTable()
	defer done()
	ctx := context.Background()

	var puts []Reading
	for i := range 1000 {
		puts = append(puts, Reading{Sensor: "s1", Seq: i, Value: float64(i) / 10})
	}
	// 40 requests of 25 items, 4 at a time; unprocessed items are retried.
	err := readings.BatchWrite(ctx, puts, []ddb.Key{{"s0", 1}},
		ddb.Concurrency(4), ddb.RetryBackoff(10*time.Millisecond, time.Second))
	var be *ddb.BatchError[Reading]
	if errors.As(err, &be) {
		// Exactly these were not written: retry them later, or log them.
		log.Printf("%d puts and %d deletes not applied: %v", len(be.Unprocessed), len(be.UnprocessedKeys), be.Err)
	}
	n, _ := readings.Scan().Count(ctx)
	fmt.Println(n, "readings")
	// Output: 1000 readings
}

func ExampleTable_BatchGet() {
	readings, done := readingsTable()
	defer done()
	ctx := context.Background()
	_ = readings.BatchWrite(ctx, []Reading{{"s1", 1, 0.5}, {"s1", 2, 0.7}, {"s2", 1, 1.5}}, nil)

	// Items come back in the order of the keys; missing keys are skipped.
	got, err := readings.BatchGet(ctx, []ddb.Key{{"s2", 1}, {"s9", 9}, {"s1", 1}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got)
	// Output: [{s2 1 1.5} {s1 1 0.5}]
}

func ExampleTable_BatchGetAll() {
	readings, done := readingsTable()
	defer done()
	ctx := context.Background()
	_ = readings.BatchWrite(ctx, []Reading{{"s1", 1, 0.5}, {"s1", 2, 0.7}}, nil)

	sum := 0.0
	for r, err := range readings.BatchGetAll(ctx, []ddb.Key{{"s1", 1}, {"s1", 2}}) {
		if err != nil {
			log.Fatal(err)
		}
		sum += r.Value
	}
	fmt.Println(sum)
	// Output: 1.2
}

func ExampleTable_Writer() {
	readings, done := readingsTable()
	defer done()
	ctx := context.Background()

	w := readings.Writer(ctx, ddb.Progress(func(n int) {
		if n%100 == 0 {
			fmt.Println(n, "written")
		}
	}))
	for i := range 200 {
		if err := w.Put(Reading{Sensor: "s1", Seq: i}); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Close(); err != nil { // writes what is still buffered
		log.Fatal(err)
	}
	// Output:
	// 100 written
	// 200 written
}
