package ddb

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestOneKeyAPI: every call takes a Key, and a Key that does not fit the
// table fails before any request saying what the key is.
func TestOneKeyAPI(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	orders, rc := newTableOn[order](t, txClient(t))
	if err := orders.Put(ctx, order{Customer: "c1", Seq: 1, Note: "n"}); err != nil {
		t.Fatal(err)
	}
	got, err := orders.Get(ctx, Key{"c1", 1}, Consistent())
	if err != nil || got.Note != "n" {
		t.Fatalf("Get(Key) = %+v, %v", got, err)
	}
	before := rc.total()
	short := Key{"c1"}
	const want = `key is (Customer S, Seq N); got 1 value`
	calls := map[string]func() error{
		"Get":    func() error { _, err := orders.Get(ctx, short); return err },
		"Delete": func() error { return orders.Delete(ctx, short, If(Attr("Note").Eq("n"))) },
		"Update": func() error { return orders.Update(ctx, short, NewUpdate().Set(Attr("Note"), "x")) },
		"Writer.Delete": func() error {
			w := orders.Writer(ctx)
			defer w.Close()
			return w.Delete(short)
		},
		"BatchGet":   func() error { _, err := orders.BatchGet(ctx, []Key{short}); return err },
		"BatchWrite": func() error { return orders.BatchWrite(ctx, nil, []Key{short}) },
		"TxDelete": func() error {
			tx := NewWriteTx()
			orders.TxDelete(tx, short)
			return tx.Run(ctx, nil)
		},
		"TxGet": func() error {
			var o *order
			tx := NewGetTx()
			orders.TxGet(tx, short, &o)
			return tx.Run(ctx, nil)
		},
	}
	for name, call := range calls {
		err := call()
		if !errors.Is(err, ErrInvalidKey) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want ErrInvalidKey saying %q", name, err, want)
		}
	}
	if n := rc.total() - before; n != 0 {
		t.Errorf("%d requests sent for bad keys", n)
	}
	if err := orders.Delete(ctx, Key{"c1", 1}, If(Attr("Note").Eq("n"))); err != nil {
		t.Fatal(err)
	}
}
