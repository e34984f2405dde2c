package ddb_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/ddb-go/ddb"
	"github.com/ddb-go/ddb/ddbtest"
)

// Counter is a page-view counter.
type Counter struct {
	Page string `ddb:"pk"`
	N    int
}

// A lost response (the write was applied, the answer never arrived) makes
// the SDK send an unconditional increment again, which counts it twice.
// ExactlyOnce sends the write as a one-action transaction whose token
// every attempt carries: DynamoDB applies it once.
func ExampleExactlyOnce() {
	srv := ddbtest.NewUnstartedServer()
	defer srv.Close()
	client := srv.Client(func(o *dynamodb.Options) {
		o.Retryer = retry.AddWithMaxBackoffDelay(retry.NewStandard(), time.Millisecond)
	})
	counters, err := ddb.NewTable[Counter](client, "counters")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if err := counters.CreateTable(ctx); err != nil {
		log.Fatal(err)
	}

	// 30% of the writes lose their response after being applied.
	srv.SetFaults(ddbtest.Faults{Seed: 1, Rules: []ddbtest.FaultRule{
		{Ops: []string{"UpdateItem", "TransactWriteItems"}, Kind: ddbtest.FaultLostResponse, Rate: 0.3},
	}})
	views := ddb.NewUpdate().Increment(ddb.Attr("N"), 1)
	for range 10 {
		_ = counters.Update(ctx, ddb.Key{"plain"}, views)
		_ = counters.Update(ctx, ddb.Key{"once"}, views, ddb.ExactlyOnce())
	}
	srv.SetFaults(ddbtest.Faults{})

	plain, _ := counters.Get(ctx, ddb.Key{"plain"})
	once, _ := counters.Get(ctx, ddb.Key{"once"})
	fmt.Println("plain counted more than 10:", plain.N > 10)
	fmt.Println("exactly once:", once.N)
	// Output:
	// plain counted more than 10: true
	// exactly once: 10
}
