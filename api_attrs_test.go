package ddb

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestUnknownAttributeRejected: an expression of a Table[T] naming a
// top-level attribute struct T does not store fails before any request
// with ErrUnknownAttribute and a hint.
func TestUnknownAttributeRejected(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	docs, rc := newCountedTable[doc](t)
	if err := docs.Put(ctx, doc{ID: "a", Status: "open"}); err != nil {
		t.Fatal(err)
	}
	before := rc.total()
	tests := []struct {
		name, hint string
		run        func() error
	}{
		{"update Set with the Go field name", `did you mean "status"`, func() error {
			return docs.Update(ctx, Key{"a"}, NewUpdate().Set(Attr("Status"), "done"))
		}},
		{"update value from another attribute", `did you mean "count"`, func() error {
			return docs.Update(ctx, Key{"a"}, NewUpdate().Set(Attr("count"), Attr("cuont")))
		}},
		{"put condition", `did you mean "status"`, func() error {
			return docs.Put(ctx, doc{ID: "a"}, If(Attr("statsu").Eq("open")))
		}},
		{"delete condition from Cond", "", func() error {
			return docs.Delete(ctx, Key{"a"}, If(Cond("nothing_like_it = ?", 1)))
		}},
		{"query filter", `did you mean "status"`, func() error {
			_, err := docs.Query("a").Filter(Attr("STATUS").Eq("open")).Collect(ctx)
			return err
		}},
		{"scan filter on a nested path", `did you mean "Tags"`, func() error {
			_, err := docs.Scan().Filter(Attr("tag").Index(0).Eq("x")).Collect(ctx)
			return err
		}},
		{"scan projection", `did you mean "Note"`, func() error {
			_, err := docs.Scan().Project(Attr("note")).Collect(ctx)
			return err
		}},
		{"count projection", `did you mean "Note"`, func() error {
			_, err := docs.Scan().Project(Attr("note")).Count(ctx)
			return err
		}},
		{"get projection", "", func() error {
			_, err := docs.Get(ctx, Key{"a"}, Project(Attr("zzz")))
			return err
		}},
		{"transaction check", `did you mean "count"`, func() error {
			tx := NewWriteTx()
			docs.TxCheck(tx, Key{"a"}, Attr("Count").Gt(1))
			return tx.Run(ctx, nil)
		}},
	}
	for _, tc := range tests {
		err := tc.run()
		var de *Error
		if !errors.Is(err, ErrUnknownAttribute) || !errors.Is(err, ErrInvalidExpression) || !errors.As(err, &de) {
			t.Errorf("%s: err = %v, want ErrUnknownAttribute", tc.name, err)
			continue
		}
		if tc.hint != "" && !strings.Contains(err.Error(), tc.hint) {
			t.Errorf("%s: %v: no hint %s", tc.name, err, tc.hint)
		}
		if tc.hint == "" && strings.Contains(err.Error(), "did you mean") {
			t.Errorf("%s: %v: unexpected hint", tc.name, err)
		}
	}
	if n := rc.total() - before; n != 0 {
		t.Errorf("%d requests sent for unknown attributes, want 0", n)
	}
	got, err := docs.Get(ctx, Key{"a"})
	if err != nil || got.Status != "open" {
		t.Fatalf("item changed: %+v, %v", got, err)
	}
}

// TestExtraAttributesAllowed: AllowExtraAttributes and map items accept
// any name.
func TestExtraAttributesAllowed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	docs, _ := newCountedTable[doc](t, AllowExtraAttributes())
	if err := docs.Update(ctx, Key{"a"}, NewUpdate().Set(Attr("extra"), "x").Set(Attr("status"), "s")); err != nil {
		t.Fatal(err)
	}
	n, err := docs.Scan().Filter(Attr("extra").Eq("x")).Count(ctx)
	if err != nil || n != 1 {
		t.Fatalf("filter on an extra attribute: %d, %v", n, err)
	}
	maps, _ := newCountedTable[map[string]any](t, WithKey(StringKey("pk")))
	if err := maps.Update(ctx, Key{"a"}, NewUpdate().Set(Attr("anything"), 1)); err != nil {
		t.Fatal(err)
	}
	n, err = maps.Scan().Filter(Attr("anything").Eq(1)).Count(ctx)
	if err != nil || n != 1 {
		t.Fatalf("map table: %d, %v", n, err)
	}
}

// TestEntityAttributesChecked: an entity's queries check names against
// its type too (its key and type attributes allowed); the collection of
// mixed items is not checked.
func TestEntityAttributesChecked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := newSingleTable(t)
	if err := m.customers.Put(ctx, stCustomer{ID: "c1", Name: "Ada", Email: "ada@example.com"}); err != nil {
		t.Fatal(err)
	}
	q := m.customers.Query(stCustomer{ID: "c1"})
	if got, err := q.Filter(Attr("Name").Eq("Ada")).Filter(Attr("GSI1PK").Exists()).Collect(ctx); err != nil || len(got) != 1 {
		t.Fatalf("known names: %v, %v", got, err)
	}
	if _, err := q.Filter(Attr("name").Eq("Ada")).Collect(ctx); !errors.Is(err, ErrUnknownAttribute) || !strings.Contains(err.Error(), `did you mean "Name"`) {
		t.Errorf("unknown name: err = %v", err)
	}
	if got, err := m.customers.Collection(stCustomer{ID: "c1"}).Filter(Attr("anything").NotExists()).Collect(ctx); err != nil || len(got) != 1 {
		t.Errorf("collection: %v, %v", got, err)
	}
}
