package ddb

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestNumberSize(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]int{
		"0": 1, "-0": 1, "0.000": 1, "1": 2, "10": 2, "100": 2, "12": 2, "123": 3, "1234": 3,
		"-1": 3, "0.1": 2, "0.12": 2, "1.2": 3, "1e3": 2, "1.5E+2": 3, "+7": 2,
		"12345678901234567890123456789012345678": 20, "340282350000000000000000000000000000000": 6,
	} {
		if got := numberSize(s); got != want {
			t.Errorf("numberSize(%q) = %d, want %d", s, got, want)
		}
	}
}

// sizedItem returns an item of exactly size bytes (by ItemSize) holding
// numbers of many shapes, padded with a string.
func sizedItem(t *testing.T, pk string, size int) map[string]any {
	t.Helper()
	item := map[string]any{
		"pk": pk, "n1": json.Number("-12.5e-7"), "n2": json.Number("12345678901234567890123456789012345678"),
		"n3": json.Number("100"), "n4": json.Number("0.001"), "n5": 3.25, "l": []any{"x", 1, true, nil, map[string]any{"k": "v"}},
		"ns": NumberSet(1, 22, 333), "b": []byte{1, 2, 3}, "data": "",
	}
	av, err := MarshalItem(item)
	if err != nil {
		t.Fatal(err)
	}
	item["data"] = strings.Repeat("x", size-ItemSize(av))
	return item
}

// TestItemSizeCheck writes items of exactly the limit and one byte over
// through every write path: the first are accepted by the server, the
// second fail with ErrItemTooLarge before any request, naming the item.
// The server rejects the same over-limit item, so the count agrees.
func TestItemSizeCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tbl, cc := newTestTable[map[string]any](t, WithKey(StringKey("pk")))

	over := sizedItem(t, "big", MaxItemSize+1)
	raw, _ := MarshalItem(over)
	if _, err := cc.Client.PutItem(ctx, putInput(tbl.name, raw)); err == nil {
		t.Fatal("the server accepted an item of MaxItemSize+1 bytes: ItemSize undercounts")
	}
	if err := tbl.Put(ctx, sizedItem(t, "max", MaxItemSize)); err != nil {
		t.Fatalf("Put of exactly MaxItemSize bytes: %v", err)
	}

	before := cc.total()
	for name, write := range map[string]func() error{
		"Put":     func() error { return tbl.Put(ctx, over) },
		"Create":  func() error { return tbl.Create(ctx, over) },
		"Replace": func() error { return tbl.Replace(ctx, over) },
		"BatchWrite": func() error {
			return tbl.BatchWrite(ctx, []map[string]any{sizedItem(t, "small", 100), over}, nil)
		},
		"Writer": func() error {
			w := tbl.Writer(ctx)
			defer w.Close()
			return w.Put(over)
		},
		"TxPut": func() error {
			tx := NewWriteTx()
			tbl.TxPut(tx, over)
			return tx.Run(ctx, tbl.client)
		},
	} {
		err := write()
		if !errors.Is(err, ErrItemTooLarge) {
			t.Errorf("%s: %v, want ErrItemTooLarge", name, err)
			continue
		}
		var se *ItemSizeError
		if !errors.As(err, &se) || se.Size != MaxItemSize+1 {
			t.Errorf("%s: %v: want an *ItemSizeError of size %d", name, err, MaxItemSize+1)
			continue
		}
		if s, ok := se.Key["pk"].(*types.AttributeValueMemberS); !ok || s.Value != "big" || !strings.Contains(err.Error(), `pk="big"`) {
			t.Errorf("%s: %v does not name the item", name, err)
		}
	}
	if n := cc.total() - before; n != 0 {
		t.Errorf("%d requests sent for over-limit items, want 0", n)
	}
}

func TestResourceNames(t *testing.T) {
	t.Parallel()
	c := newTestClient(t)
	type withIndex struct {
		PK string `ddb:"pk"`
		G  string `ddb:"gsi=ab:pk"`
	}
	type withBadIndex struct {
		PK string `ddb:"pk"`
		G  string `ddb:"gsi=by status:pk"`
	}
	long := strings.Repeat("n", 256)
	for name, tc := range map[string]struct {
		err  error
		what string // text the error must show
	}{
		"empty":         {func() error { _, err := NewTable[order](c, ""); return err }(), `table name ""`},
		"short":         {func() error { _, err := NewTable[order](c, "ab"); return err }(), `"ab"`},
		"long":          {func() error { _, err := NewTable[order](c, long); return err }(), "not 256"},
		"space":         {func() error { _, err := NewTable[order](c, "my table"); return err }(), `"my table"`},
		"unicode":       {func() error { _, err := NewTable[order](c, "tablé"); return err }(), `"tablé"`},
		"single table":  {func() error { _, err := NewSingleTable(c, "a/b"); return err }(), `"a/b"`},
		"short gsi tag": {func() error { _, err := NewTable[withIndex](c, "tbl"); return err }(), `index name "ab"`},
		"bad gsi tag":   {func() error { _, err := NewTable[withBadIndex](c, "tbl"); return err }(), `"by status"`},
		"bad gsi option": {func() error {
			_, err := NewTable[map[string]any](c, "tbl", WithKey(StringKey("pk")), WithGlobalIndex("x", StringKey("g")))
			return err
		}(), `index name "x"`},
		"bad lsi option": {func() error {
			_, err := NewTable[map[string]any](c, "tbl", WithKey(StringKey("pk"), StringKey("sk")), WithLocalIndex("by:x", StringKey("g")))
			return err
		}(), `"by:x"`},
		"single table ix": {func() error { _, err := NewSingleTable(c, "app", WithGlobalIndex("G1", StringKey("g"))); return err }(), `"G1"`},
	} {
		if !errors.Is(tc.err, ErrInvalidSchema) || !strings.Contains(tc.err.Error(), tc.what) {
			t.Errorf("%s: %v, want ErrInvalidSchema showing %s", name, tc.err, tc.what)
		}
	}
	for _, ok := range []string{"abc", "My_Table-1.v2", strings.Repeat("n", 255)} {
		if _, err := NewTable[order](c, ok); err != nil {
			t.Errorf("NewTable(%q): %v", ok, err)
		}
	}
}
