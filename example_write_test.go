package ddb_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/ddb-go/ddb"
)

func ExampleTable_Update() {
	accounts, done := accountsTable()
	defer done()
	ctx := context.Background()

	var old *Account
	err := accounts.Update(ctx, ddb.Key{"alice"},
		ddb.NewUpdate().Increment(ddb.Attr("Balance"), -30),
		ddb.If(ddb.Attr("Balance").Ge(30)), ddb.ReturnOld(&old))
	if err != nil {
		log.Fatal(err)
	}
	now, _ := accounts.Get(ctx, ddb.Key{"alice"})
	fmt.Println(old.Balance, "->", now.Balance, "version", old.Version, "->", now.Version)
	// Output: 100 -> 70 version 1 -> 2
}

func ExampleTable_UpdateFields() {
	accounts, done := accountsTable()
	defer done()
	ctx := context.Background()

	// Only the fields that are set are written; Version 1 must match.
	err := accounts.UpdateFields(ctx, Account{ID: "alice", Balance: 5, Version: 1})
	fmt.Println(err)
	err = accounts.UpdateFields(ctx, Account{ID: "alice", Balance: 6, Version: 1})
	fmt.Println(errors.Is(err, ddb.ErrVersionConflict))
	// Output:
	// <nil>
	// true
}

func ExampleTable_Create() {
	accounts, done := accountsTable()
	defer done()

	err := accounts.Create(context.Background(), Account{ID: "alice"})
	fmt.Println(errors.Is(err, ddb.ErrConditionFailed))
	// Output: true
}

// Optimistic locking: a read-modify-write loop retries on conflicts.
func ExampleErrVersionConflict() {
	accounts, done := accountsTable()
	defer done()
	ctx := context.Background()

	for {
		a, err := accounts.Get(ctx, ddb.Key{"bob"})
		if err != nil {
			log.Fatal(err)
		}
		a.Balance += 10
		err = accounts.Put(ctx, a) // fails if someone wrote bob since the Get
		if errors.Is(err, ddb.ErrVersionConflict) {
			continue
		}
		if err != nil {
			log.Fatal(err)
		}
		break
	}
	bob, _ := accounts.Get(ctx, ddb.Key{"bob"})
	fmt.Println(bob.Balance, bob.Version)
	// Output: 10 2
}
