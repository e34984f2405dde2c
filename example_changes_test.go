package ddb_test

import (
	"context"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/ddb-go/ddb"
	"github.com/ddb-go/ddb/ddbtest"
)

// Member is an item of the change feed example.
type Member struct {
	ID   string `ddb:"pk"`
	Name string
}

func ExampleTable_Changes() {
	srv := ddbtest.NewUnstartedServer()
	defer srv.Close()
	ctx := context.Background()
	members, err := ddb.NewTable[Member](srv.Client(), "members")
	if err != nil {
		log.Fatal(err)
	}
	// A table whose stream records old and new images.
	if err := members.CreateTable(ctx, ddb.Stream(types.StreamViewTypeNewAndOldImages)); err != nil {
		log.Fatal(err)
	}
	_ = members.Put(ctx, Member{ID: "ada", Name: "Ada"})
	_ = members.Put(ctx, Member{ID: "ada", Name: "Ada Lovelace"})
	_ = members.Delete(ctx, ddb.Key{"ada"})

	// srv.StreamsClient() is a *dynamodbstreams.Client; against AWS, use
	// dynamodbstreams.NewFromConfig(cfg).
	var checkpoint string
	n := 0
	for ch, err := range members.Changes(ctx, srv.StreamsClient(), ddb.FromTrimHorizon()) {
		if err != nil {
			log.Fatal(err)
		}
		switch ch.Kind {
		case ddb.Insert:
			fmt.Println("insert", ch.New.Name)
		case ddb.Modify:
			fmt.Println("modify", ch.Old.Name, "->", ch.New.Name)
		case ddb.Remove:
			fmt.Println("remove", ch.Old.Name)
		}
		checkpoint = ch.Position // store it to resume after this change
		if n++; n == 2 {
			break
		}
	}

	// Later: resume right after the checkpoint.
	for ch, err := range members.Changes(ctx, srv.StreamsClient(), ddb.FromPosition(checkpoint)) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("resumed:", ch.Kind, ch.Old.Name)
		break
	}
	// Output:
	// insert Ada
	// modify Ada -> Ada Lovelace
	// resumed: REMOVE Ada Lovelace
}
