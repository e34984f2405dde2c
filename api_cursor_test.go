package ddb

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"iter"
	"slices"
	"strings"
	"testing"
)

// TestNoEmptyLastPage: when the result size is a multiple of the page
// size, DynamoDB returns a LastEvaluatedKey with the last full page and
// nothing after it; Pages ends with that full page and an empty cursor.
func TestNoEmptyLastPage(t *testing.T) {
	t.Parallel()
	tbl, cc := newTestTable[order](t)
	seedOrders(t, tbl, "c1", 6)
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		pages func() []*Page[order]
		sizes []int
	}{
		{"query", func() []*Page[order] { return collectPages(t, tbl.Query("c1").PageSize(3)) }, []int{3, 3}},
		{"scan", func() []*Page[order] { return collectPages(t, tbl.Scan().PageSize(2)) }, []int{2, 2, 2}},
		// Filtered-out pages are skipped, and the last kept page still ends
		// the read with no cursor.
		{"filter", func() []*Page[order] {
			return collectPages(t, tbl.Query("c1").PageSize(2).Filter(Attr("Note").Eq("note 1")))
		}, []int{1}},
		// A page cut by Limit keeps its cursor: the read can go on.
		{"limit", func() []*Page[order] { return collectPages(t, tbl.Query("c1").PageSize(3).Limit(3)) }, []int{3}},
	} {
		pages := tc.pages()
		var sizes []int
		for i, p := range pages {
			sizes = append(sizes, len(p.Items))
			last := i == len(pages)-1
			if wantCursor := !last || tc.name == "limit"; (p.Cursor != "") != wantCursor {
				t.Errorf("%s: page %d of %d: cursor %q", tc.name, i+1, len(pages), p.Cursor)
			}
		}
		if !slices.Equal(sizes, tc.sizes) {
			t.Errorf("%s: page sizes %v, want %v", tc.name, sizes, tc.sizes)
		}
	}
	// Breaking after the first page sends one request ahead at most.
	before := cc.n("Query")
	for range tbl.Query("c1").PageSize(2).Pages(ctx) {
		break
	}
	if n := cc.n("Query") - before; n > 2 {
		t.Errorf("break after one page: %d requests", n)
	}
}

func collectPages[T any](t *testing.T, src interface {
	Pages(context.Context) iter.Seq2[*Page[T], error]
}) []*Page[T] {
	t.Helper()
	var out []*Page[T]
	for p, err := range src.Pages(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// TestSealedCursors: WithCursorKeys hides the cursor's content, resumes,
// rejects tampered, foreign and plain cursors, and opens cursors of an
// older key after rotation.
func TestSealedCursors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	plainTbl, cc := newTestTable[order](t)
	// The partition value is long so that random sealed bytes cannot
	// contain it by chance (a two-byte value did, about once in 300 runs).
	const customer = "customer-0f6b2c9e"
	seedOrders(t, plainTbl, customer, 10)
	k1, k2 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 16)
	open := func(opts ...TableOption) *Table[order] {
		tb, err := NewTable[order](cc.Client, plainTbl.Name(), opts...)
		if err != nil {
			t.Fatal(err)
		}
		return tb
	}
	sealed1, sealed2, rotated := open(WithCursorKeys(k1)), open(WithCursorKeys(k2)), open(WithCursorKeys(k2, k1))
	q := func(tb *Table[order]) *Query[order] { return tb.Query(customer).PageSize(4) }
	first, err := firstPage(ctx, q(sealed1))
	if err != nil || first.Cursor == "" {
		t.Fatalf("first page: %+v, %v", first, err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(first.Cursor)
	if bytes.Contains(raw, []byte(plainTbl.Name())) || bytes.Contains(raw, []byte("Customer")) || bytes.Contains(raw, []byte(customer)) {
		t.Errorf("sealed cursor shows its content: %q", raw)
	}
	for name, tb := range map[string]*Table[order]{"same key": sealed1, "rotated": rotated} {
		rest, err := q(tb).StartFrom(first.Cursor).Collect(ctx)
		if err != nil || len(rest) != 6 || rest[0].Seq != 5 {
			t.Errorf("%s: resume = %v, %v", name, seqs(rest), err)
		}
	}
	plainFirst, _ := firstPage(ctx, q(plainTbl))
	flipped := []byte(first.Cursor)
	flipped[len(flipped)/2] ^= 1
	if flipped[len(flipped)/2] == '-'^1 || flipped[len(flipped)/2] == '_'^1 {
		flipped[len(flipped)/2] = 'A'
	}
	for name, c := range map[string]struct {
		tb     *Table[order]
		cursor string
	}{
		"tampered":            {sealed1, string(flipped)},
		"other key":           {sealed2, first.Cursor},
		"plain to sealed":     {sealed1, plainFirst.Cursor},
		"sealed to plain":     {plainTbl, first.Cursor},
		"truncated":           {sealed1, first.Cursor[:len(first.Cursor)-4]},
		"old key only in new": {open(WithCursorKeys(k1)), mustFirstCursor(t, q(sealed2))},
	} {
		before := cc.n("Query")
		_, err := q(c.tb).StartFrom(c.cursor).Collect(ctx)
		if !errors.Is(err, ErrInvalidCursor) {
			t.Errorf("%s: err = %v, want ErrInvalidCursor", name, err)
		}
		if cc.n("Query") != before {
			t.Errorf("%s: request sent", name)
		}
	}
	if _, err := NewTable[order](cc.Client, "tbl", WithCursorKeys([]byte("short"))); !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "16, 24 or 32") {
		t.Errorf("short key: %v", err)
	}
}

func mustFirstCursor(t *testing.T, q *Query[order]) string {
	t.Helper()
	p, err := firstPage(context.Background(), q)
	if err != nil || p.Cursor == "" {
		t.Fatalf("first page: %+v, %v", p, err)
	}
	return p.Cursor
}
