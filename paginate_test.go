package ddb

import (
	"cmp"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"iter"
	"slices"
	"testing"
)

func TestPagesAcrossManyPages(t *testing.T) {
	t.Parallel()
	tbl, cc := newTestTable[order](t)
	seedOrders(t, tbl, "c1", 50)
	ctx := context.Background()
	var got []int
	pages := 0
	for page, err := range tbl.Query("c1").PageSize(3).Pages(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(page.Items) == 0 || len(page.Items) > 3 {
			t.Errorf("page %d has %d items", pages, len(page.Items))
		}
		if (page.Cursor == "") != (pages == 17) {
			t.Errorf("page %d: cursor %q", pages, page.Cursor)
		}
		got = append(got, seqs(page.Items)...)
	}
	if !slices.Equal(got, seqRange(1, 50)) {
		t.Errorf("items = %v", got)
	}
	if pages != 17 || cc.n("Query") != 17 {
		t.Errorf("pages = %d, requests = %d; want 17 and 17", pages, cc.n("Query"))
	}
	// All over the same pages.
	got = got[:0]
	for o, err := range tbl.Query("c1").PageSize(3).Desc().All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, o.Seq)
	}
	want := seqRange(1, 50)
	slices.Reverse(want)
	if !slices.Equal(got, want) {
		t.Errorf("Desc items = %v", got)
	}
	// A read with no items yields one empty last page.
	n := 0
	for page, err := range tbl.Query("nobody").Pages(ctx) {
		if err != nil || len(page.Items) != 0 || page.Cursor != "" {
			t.Errorf("empty read page = %+v, %v", page, err)
		}
		n++
	}
	if n != 1 {
		t.Errorf("empty read yielded %d pages, want 1", n)
	}
}

func TestLimitAcrossPages(t *testing.T) {
	t.Parallel()
	tbl, cc := newTestTable[order](t)
	seedOrders(t, tbl, "c1", 30)
	ctx := context.Background()
	got, err := tbl.Query("c1").PageSize(3).Limit(10).Collect(ctx)
	if err != nil || !slices.Equal(seqs(got), seqRange(1, 10)) {
		t.Fatalf("Limit 10 = %v, %v", seqs(got), err)
	}
	if n := cc.n("Query"); n != 4 {
		t.Errorf("requests = %d, want 4 (3+3+3+1)", n)
	}

	// With a filter, Limit counts returned items and stops mid-page; the
	// cursor resumes right after the last returned item.
	q := tbl.Query("c1").Filter(Attr("Status").Eq("open")).PageSize(4)
	var all []int
	cursor := ""
	for round := 0; ; round++ {
		var cur string
		for page, err := range q.Limit(3).StartFrom(cursor).Pages(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, seqs(page.Items)...)
			cur = page.Cursor
		}
		if cur == "" {
			break
		}
		cursor = cur
		if round > 20 {
			t.Fatal("cursor does not advance")
		}
	}
	var want []int
	for i := 1; i <= 30; i += 2 {
		want = append(want, i)
	}
	if !slices.Equal(all, want) {
		t.Errorf("resumed filtered reads = %v, want %v", all, want)
	}
}

func TestCursorResumesInFreshTable(t *testing.T) {
	t.Parallel()
	tbl, cc := newTestTable[order](t)
	seedOrders(t, tbl, "c1", 20)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		q    func(*Table[order]) *Query[order]
	}{
		{"table", func(t *Table[order]) *Query[order] { return t.Query("c1", Ge(2)) }},
		{"desc", func(t *Table[order]) *Query[order] { return t.Query("c1").Desc() }},
		{"gsi", func(t *Table[order]) *Query[order] { return t.Query("open").Index("ByStatus") }},
		{"lsi", func(t *Table[order]) *Query[order] { return t.Query("c1").Index("ByDate") }},
	} {
		want, err := tc.q(tbl).Collect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Limit 0: the cursor is DynamoDB's LastEvaluatedKey; Limit 5 of a
		// page of 7: ddb builds it from the last item returned.
		for _, limit := range []int{0, 5} {
			t.Run(fmt.Sprintf("%s/limit=%d", tc.name, limit), func(t *testing.T) {
				page, err := firstPage(ctx, tc.q(tbl).PageSize(7).Limit(limit))
				if err != nil {
					t.Fatal(err)
				}
				if page.Cursor == "" || len(page.Items) != cmp.Or(limit, 7) {
					t.Fatalf("first page: %d items, cursor %q", len(page.Items), page.Cursor)
				}
				fresh, err := NewTable[order](cc.Client, tbl.Name())
				if err != nil {
					t.Fatal(err)
				}
				rest, err := tc.q(fresh).StartFrom(page.Cursor).Collect(ctx)
				if err != nil {
					t.Fatalf("resume: %v", err)
				}
				if got := append(page.Items, rest...); !slices.Equal(seqs(got), seqs(want)) {
					t.Errorf("first page + resumed = %v, want %v", seqs(got), seqs(want))
				}
			})
		}
	}
	// Scan cursors too, with a Limit stopping mid-page.
	want, _ := tbl.Scan().Collect(ctx)
	first, err := firstPage(ctx, tbl.Scan().PageSize(6).Limit(4))
	if err != nil || len(first.Items) != 4 || first.Cursor == "" {
		t.Fatalf("scan first page = %+v, %v", first, err)
	}
	rest, err := tbl.Scan().StartFrom(first.Cursor).Collect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := append(first.Items, rest...); !slices.Equal(got, want) {
		t.Errorf("resumed scan = %v, want %v", seqs(got), seqs(want))
	}
}

// firstPage returns the first page of a Query or Scan.
func firstPage[T any](ctx context.Context, src interface {
	Pages(context.Context) iter.Seq2[*Page[T], error]
}) (*Page[T], error) {
	for p, err := range src.Pages(ctx) {
		return p, err
	}
	return nil, errors.New("no page")
}

func TestInvalidCursors(t *testing.T) {
	t.Parallel()
	tbl, cc := newTestTable[order](t)
	seedOrders(t, tbl, "c1", 5)
	seedOrders(t, tbl, "c2", 5)
	ctx := context.Background()
	page, err := firstPage(ctx, tbl.Query("c1").Filter(Attr("Total").Gt(0)).PageSize(2))
	if err != nil || page.Cursor == "" {
		t.Fatalf("first page: %+v, %v", page, err)
	}
	cursor := page.Cursor
	raw, _ := base64.RawURLEncoding.DecodeString(cursor)
	tampered := append([]byte(nil), raw...)
	tampered[len(tampered)/2] ^= 1
	other, err := NewTable[order](tbl.client, tbl.Name()+"-other")
	if err != nil {
		t.Fatal(err)
	}
	before := cc.total()
	for _, tc := range []struct {
		name string
		q    *Query[order]
	}{
		{"tampered", tbl.Query("c1").Filter(Attr("Total").Gt(0)).StartFrom(base64.RawURLEncoding.EncodeToString(tampered))},
		{"truncated", tbl.Query("c1").Filter(Attr("Total").Gt(0)).StartFrom(cursor[:len(cursor)-3])},
		{"not base64", tbl.Query("c1").Filter(Attr("Total").Gt(0)).StartFrom("***")},
		{"other pk", tbl.Query("c2").Filter(Attr("Total").Gt(0)).StartFrom(cursor)},
		{"other filter", tbl.Query("c1").Filter(Attr("Total").Gt(1)).StartFrom(cursor)},
		{"no filter", tbl.Query("c1").StartFrom(cursor)},
		{"other order", tbl.Query("c1").Filter(Attr("Total").Gt(0)).Desc().StartFrom(cursor)},
		{"other sort condition", tbl.Query("c1", Gt(0)).Filter(Attr("Total").Gt(0)).StartFrom(cursor)},
		{"other index", tbl.Query("c1").Index("ByDate").Filter(Attr("Total").Gt(0)).StartFrom(cursor)},
		{"other table", other.Query("c1").Filter(Attr("Total").Gt(0)).StartFrom(cursor)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.q.Collect(ctx); !errors.Is(err, ErrInvalidCursor) {
				t.Errorf("err = %v, want ErrInvalidCursor", err)
			}
		})
	}
	if _, err := tbl.Scan().StartFrom(cursor).Collect(ctx); !errors.Is(err, ErrInvalidCursor) {
		t.Errorf("query cursor in a scan: %v, want ErrInvalidCursor", err)
	}
	if n := cc.total() - before; n != 0 {
		t.Errorf("%d requests sent with invalid cursors", n)
	}
	// The same query with another projection, page size or limit accepts it.
	got, err := tbl.Query("c1").Filter(Attr("Total").Gt(0)).Project(Attr("Note")).Limit(10).StartFrom(cursor).Collect(ctx)
	if err != nil || !slices.Equal(seqs(got), []int{3, 4, 5}) {
		t.Errorf("resume with other projection = %v, %v", seqs(got), err)
	}
}

func TestEarlyBreakStopsRequests(t *testing.T) {
	t.Parallel()
	tbl, cc := newTestTable[order](t)
	seedOrders(t, tbl, "c1", 12)
	ctx := context.Background()
	n := 0
	for _, err := range tbl.Query("c1").PageSize(3).All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 4 {
			break
		}
	}
	if got := cc.n("Query"); got != 2 {
		t.Errorf("requests after breaking at item 4 with pages of 3 = %d, want 2", got)
	}
	// Pages reads one request ahead (so that the last page is never an
	// empty one with a cursor), and no further.
	for range tbl.Scan().PageSize(3).Pages(ctx) {
		break
	}
	if got := cc.n("Scan"); got != 2 {
		t.Errorf("scan requests after breaking on the first page = %d, want 2", got)
	}
}

func TestContextCanceledMidIteration(t *testing.T) {
	t.Parallel()
	tbl, cc := newTestTable[order](t)
	seedOrders(t, tbl, "c1", 12)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var items int
	var lastErr error
	for _, err := range tbl.Query("c1").PageSize(3).All(ctx) {
		if err != nil {
			lastErr = err
			continue // the error must be the last element
		}
		if lastErr != nil {
			t.Fatal("item after error")
		}
		if items++; items == 2 {
			cancel()
		}
	}
	if !errors.Is(lastErr, context.Canceled) {
		t.Errorf("last element error = %v, want context.Canceled", lastErr)
	}
	if items != 3 {
		t.Errorf("items before the error = %d, want 3 (the rest of the page)", items)
	}
	if n := cc.n("Query"); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
}

func TestDecodeErrorEndsIteration(t *testing.T) {
	t.Parallel()
	tbl, cc := newTestTable[order](t)
	seedOrders(t, tbl, "c1", 6)
	ctx := context.Background()
	// Store an item whose Note cannot decode into a string.
	raw, _ := MarshalItem(map[string]any{"Customer": "c1", "Seq": 3, "Note": map[string]any{"x": 1}})
	if _, err := cc.Client.PutItem(ctx, putInput(tbl.Name(), raw)); err != nil {
		t.Fatal(err)
	}
	var got []int
	var errs []error
	for o, err := range tbl.Query("c1").PageSize(2).All(ctx) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, o.Seq)
	}
	if len(errs) != 1 || !slices.Equal(got, []int{1, 2}) {
		t.Errorf("items %v, errors %v; want [1 2] then one error", got, errs)
	}
	if n := cc.n("Query"); n != 2 {
		t.Errorf("requests = %d, want 2", n)
	}
	if _, err := tbl.Query("c1").Collect(ctx); err == nil {
		t.Error("Collect hid the decode error")
	}
}
