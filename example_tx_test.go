package ddb_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/ddb-go/ddb"
	"github.com/ddb-go/ddb/ddbtest"
)

// Account is a bank account with optimistic locking.
type Account struct {
	ID      string `ddb:"pk"`
	Balance int
	Version int `ddb:"version"`
}

// accountsTable returns a fresh "accounts" table on an in-process server
// holding alice (100) and bob (0).
func accountsTable() (*ddb.Table[Account], func()) {
	srv := ddbtest.NewUnstartedServer()
	accounts, err := ddb.NewTable[Account](srv.Client(), "accounts")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if err := accounts.CreateTable(ctx); err != nil {
		log.Fatal(err)
	}
	_ = accounts.BatchWrite(ctx, []Account{{ID: "alice", Balance: 100}, {ID: "bob"}}, nil)
	return accounts, srv.Close
}

func ExampleWriteTx() {
	accounts, done := accountsTable()
	defer done()
	ctx := context.Background()

	move := func(from, to string, amount int) error {
		tx := ddb.NewWriteTx()
		accounts.TxUpdate(tx, ddb.Key{from}, ddb.NewUpdate().Increment(ddb.Attr("Balance"), -amount),
			ddb.If(ddb.Attr("Balance").Ge(amount)))
		accounts.TxUpdate(tx, ddb.Key{to}, ddb.NewUpdate().Increment(ddb.Attr("Balance"), amount))
		return tx.Run(ctx, nil) // nil: the tables' client
	}
	fmt.Println(move("alice", "bob", 60))
	err := move("alice", "bob", 60) // only 40 left: nothing is applied
	var tce *ddb.TxCanceledError
	if errors.As(err, &tce) {
		fmt.Println(errors.Is(err, ddb.ErrConditionFailed), tce.Reasons[0].Code, tce.Reasons[1].Code)
	}
	// Output:
	// <nil>
	// true ConditionalCheckFailed None
}

func ExampleGetTx() {
	accounts, done := accountsTable()
	defer done()

	var alice, carol *Account
	tx := ddb.NewGetTx()
	accounts.TxGet(tx, ddb.Key{"alice"}, &alice)
	accounts.TxGet(tx, ddb.Key{"carol"}, &carol)
	if err := tx.Run(context.Background(), nil); err != nil {
		log.Fatal(err)
	}
	fmt.Println(alice.Balance, carol == nil)
	// Output: 100 true
}
