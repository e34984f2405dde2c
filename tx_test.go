package ddb

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/ddb-go/ddb/ddbtest"
)

// txClient returns the harness's client when its server implements
// transactions. dynalite does not: then the test runs against an
// in-process ddbtest server instead (still the real SDK client).
func txClient(t testing.TB) Client {
	t.Helper()
	c := newTestClient(t)
	_, err := c.TransactGetItems(context.Background(), &dynamodb.TransactGetItemsInput{
		TransactItems: []types.TransactGetItem{{Get: &types.Get{TableName: aws.String("ddb-tx-probe"),
			Key: map[string]types.AttributeValue{"k": &types.AttributeValueMemberS{Value: "k"}}}}},
	})
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() == "UnknownOperationException" {
		t.Log("the harness's server has no transactions (dynalite): using an in-process ddbtest server")
		return ddbtest.New(t)
	}
	return c
}

type account struct {
	ID      string `ddb:"pk"`
	Balance int
	Version int `ddb:"version"`
}

type auditEntry struct {
	Account string `ddb:"pk"`
	Seq     int    `ddb:"sk"`
	Note    string
}

// txTables returns an accounts and an audit table on a server with
// transactions, with alice (100) and bob (5) stored.
func txTables(t *testing.T) (*Table[account], *Table[auditEntry], reqCounter) {
	t.Helper()
	c := txClient(t)
	accounts, rc := newTableOn[account](t, c)
	audit, _ := newTableOn[auditEntry](t, c)
	ctx := context.Background()
	tx := NewWriteTx()
	accounts.TxPut(tx, account{ID: "alice", Balance: 100})
	accounts.TxPut(tx, account{ID: "bob", Balance: 5})
	if err := tx.Run(ctx, nil); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return accounts, audit, rc
}

// transfer builds a transaction moving amount from one account to another.
func transfer(accounts *Table[account], audit *Table[auditEntry], from, to string, amount, seq int, opts ...TxOption) *WriteTx {
	tx := NewWriteTx(opts...)
	accounts.TxUpdate(tx, Key{from}, NewUpdate().Increment(Attr("Balance"), -amount), If(Attr("Balance").Ge(amount)))
	accounts.TxUpdate(tx, Key{to}, NewUpdate().Increment(Attr("Balance"), amount))
	audit.TxPut(tx, auditEntry{Account: from, Seq: seq, Note: fmt.Sprintf("-%d to %s", amount, to)}, If(Attr("Account").NotExists()))
	return tx
}

func TestWriteTx(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	accounts, audit, _ := txTables(t)
	if err := transfer(accounts, audit, "alice", "bob", 30, 1).Run(ctx, nil); err != nil {
		t.Fatalf("transfer: %v", err)
	}
	var alice, bob, carol *account
	var entry *auditEntry
	g := NewGetTx()
	accounts.TxGet(g, Key{"alice"}, &alice)
	accounts.TxGet(g, Key{"bob"}, &bob)
	accounts.TxGet(g, Key{"carol"}, &carol)
	audit.TxGet(g, Key{"alice", 1}, &entry)
	if err := g.Run(ctx, nil); err != nil {
		t.Fatalf("GetTx: %v", err)
	}
	if alice == nil || alice.Balance != 70 || bob == nil || bob.Balance != 35 || carol != nil || entry == nil || entry.Note != "-30 to bob" {
		t.Fatalf("after transfer: alice %+v bob %+v carol %+v entry %+v", alice, bob, carol, entry)
	}
	// Updates bump versions: 1 after the first put, 2 after the update.
	if alice.Version != 2 || bob.Version != 2 {
		t.Errorf("versions = %d, %d; want 2, 2", alice.Version, bob.Version)
	}

	// Delete and condition check.
	tx := NewWriteTx()
	audit.TxDelete(tx, Key{"alice", 1})
	accounts.TxCheck(tx, Key{"alice"}, Attr("Balance").Eq(70))
	if err := tx.Run(ctx, nil); err != nil {
		t.Fatalf("delete+check: %v", err)
	}
	if _, err := audit.Get(ctx, Key{"alice", 1}); !errors.Is(err, ErrNotFound) {
		t.Errorf("audit entry after TxDelete: err = %v, want ErrNotFound", err)
	}
}

// TestWriteTxCanceled checks that a transaction failing one condition
// applies none of its actions and reports every action's reason.
func TestWriteTxCanceled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	accounts, audit, _ := txTables(t)
	err := transfer(accounts, audit, "bob", "alice", 50, 1).Run(ctx, nil) // bob has 5
	var tce *TxCanceledError
	if !errors.Is(err, ErrTxCanceled) || !errors.Is(err, ErrConditionFailed) || !errors.As(err, &tce) {
		t.Fatalf("err = %v, want ErrTxCanceled and ErrConditionFailed, as *TxCanceledError", err)
	}
	t.Logf("canceled: %v", err)
	if len(tce.Reasons) != 3 || tce.Reasons[0].Code != "ConditionalCheckFailed" || tce.Reasons[0].Err != ErrConditionFailed ||
		tce.Reasons[1].Code != "None" || tce.Reasons[0].Table != accounts.Name() {
		t.Fatalf("reasons = %+v", tce.Reasons)
	}
	// Nothing applied.
	for id, want := range map[string]int{"alice": 100, "bob": 5} {
		a, err := accounts.Get(ctx, Key{id})
		if err != nil || a.Balance != want || a.Version != 1 {
			t.Errorf("%s = %+v, %v; want balance %d version 1", id, a, err, want)
		}
	}
	if _, err := audit.Get(ctx, Key{"bob", 1}); !errors.Is(err, ErrNotFound) {
		t.Errorf("audit entry of canceled transfer: err = %v, want ErrNotFound", err)
	}

	// A stale versioned put in a transaction is a version conflict.
	tx := NewWriteTx()
	accounts.TxPut(tx, account{ID: "alice", Balance: 1, Version: 7})
	err = tx.Run(ctx, nil)
	if !errors.Is(err, ErrVersionConflict) || !errors.As(err, &tce) || tce.Reasons[0].Err != ErrVersionConflict {
		t.Fatalf("stale put: err = %v, want ErrVersionConflict", err)
	}
}

func TestWriteTxIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	accounts, audit, _ := txTables(t)
	for range 2 {
		err := transfer(accounts, audit, "alice", "bob", 10, 1, IdempotencyToken("transfer-1")).Run(ctx, nil)
		if err != nil {
			t.Fatalf("transfer: %v", err)
		}
	}
	a, err := accounts.Get(ctx, Key{"alice"})
	if err != nil || a.Balance != 90 {
		t.Fatalf("alice = %+v, %v; want balance 90 (applied once)", a, err)
	}
}

// txRunner is a WriteTx or a GetTx.
type txRunner interface {
	Run(context.Context, Client) error
}

func TestTxBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	accounts, audit, rc := txTables(t)
	before := rc.total()
	var dst *account
	tests := []struct {
		name  string
		build func() txRunner
	}{
		{"empty", func() txRunner { return NewWriteTx() }},
		{"over 100 actions", func() txRunner {
			tx := NewWriteTx()
			for i := range 101 {
				audit.TxPut(tx, auditEntry{Account: "a", Seq: i})
			}
			return tx
		}},
		{"same item twice", func() txRunner {
			tx := NewWriteTx()
			accounts.TxUpdate(tx, Key{"alice"}, NewUpdate().Set(Attr("Balance"), 1))
			accounts.TxCheck(tx, Key{"alice"}, Attr("Balance").Gt(0))
			return tx
		}},
		{"check without condition", func() txRunner { tx := NewWriteTx(); accounts.TxCheck(tx, Key{"alice"}, Condition{}); return tx }},
		{"empty update", func() txRunner { tx := NewWriteTx(); accounts.TxUpdate(tx, Key{"alice"}, NewUpdate()); return tx }},
		{"update of a key", func() txRunner {
			tx := NewWriteTx()
			accounts.TxUpdate(tx, Key{"alice"}, NewUpdate().Set(Attr("ID"), "x"))
			return tx
		}},
		{"ReturnOld", func() txRunner {
			tx := NewWriteTx()
			var old *account
			accounts.TxDelete(tx, Key{"alice"}, ReturnOld(&old))
			return tx
		}},
		{"get over 100", func() txRunner {
			g := NewGetTx()
			for i := range 101 {
				accounts.TxGet(g, Key{fmt.Sprint(i)}, &dst)
			}
			return g
		}},
		{"get twice", func() txRunner {
			g := NewGetTx()
			accounts.TxGet(g, Key{"alice"}, &dst)
			accounts.TxGet(g, Key{"alice"}, &dst)
			return g
		}},
	}
	for _, tt := range tests {
		err := tt.build().Run(ctx, nil)
		if !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: err = %v, want ErrInvalidInput", tt.name, err)
		}
	}
	if n := rc.total() - before; n != 0 {
		t.Errorf("%d requests sent for invalid transactions, want 0", n)
	}
}
