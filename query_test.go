package ddb

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
)

// seedOrders stores orders 1..n of customer: Status alternates open/closed
// (odd seq open), Total = 1000 - seq, Date is in May for seq <= 10 and in
// June after.
func seedOrders(t testing.TB, tbl *Table[order], customer string, n int) []order {
	t.Helper()
	var out []order
	for i := 1; i <= n; i++ {
		o := order{Customer: customer, Seq: i, Status: "closed", Total: 1000 - i, Note: fmt.Sprintf("note %d", i)}
		if i%2 == 1 {
			o.Status = "open"
		}
		if i <= 10 {
			o.Date = fmt.Sprintf("2024-05-%02d", i)
		} else {
			o.Date = fmt.Sprintf("2024-06-%02d", i%28+1)
		}
		if err := tbl.Put(context.Background(), o); err != nil {
			t.Fatalf("seed Put: %v", err)
		}
		out = append(out, o)
	}
	return out
}

func seqs(items []order) []int {
	var s []int
	for _, o := range items {
		s = append(s, o.Seq)
	}
	return s
}

func seqRange(lo, hi int) []int {
	var s []int
	for i := lo; i <= hi; i++ {
		s = append(s, i)
	}
	return s
}

func TestQuerySortKeyConditions(t *testing.T) {
	t.Parallel()
	tbl, _ := newTestTable[order](t)
	seedOrders(t, tbl, "c1", 20)
	seedOrders(t, tbl, "c2", 3)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		q    *Query[order]
		want []int
	}{
		{"all", tbl.Query("c1"), seqRange(1, 20)},
		{"Eq", tbl.Query("c1", Eq(5)), []int{5}},
		{"Lt", tbl.Query("c1", Lt(3)), []int{1, 2}},
		{"Le", tbl.Query("c1", Le(3)), []int{1, 2, 3}},
		{"Gt", tbl.Query("c1", Gt(18)), []int{19, 20}},
		{"Ge", tbl.Query("c1", Ge(18)), []int{18, 19, 20}},
		{"Between", tbl.Query("c1", Between(4, 6)), []int{4, 5, 6}},
		{"Desc", tbl.Query("c1", Le(3)).Desc(), []int{3, 2, 1}},
		{"other pk", tbl.Query("c2"), []int{1, 2, 3}},
		{"no match", tbl.Query("nobody"), nil},
		{"BeginsWith on LSI", tbl.Query("c1", BeginsWith("2024-05")).Index("ByDate"), seqRange(1, 10)},
		{"LSI Desc", tbl.Query("c1", Ge("2024-05-08")).Index("ByDate").Limit(3), []int{8, 9, 10}},
		{"GSI", tbl.Query("open", Le(1000-17)).Index("ByStatus"), []int{19, 17}},
		{"Filter", tbl.Query("c1", Le(6)).Filter(Attr("Status").Eq("open")), []int{1, 3, 5}},
		{"GSI filter on table key", tbl.Query("open").Index("ByStatus").Filter(Attr("Customer").Eq("c2")), []int{3, 1}},
		{"two Filters", tbl.Query("c1").Filter(Attr("Status").Eq("open")).Filter(Attr("Total").Lt(1000 - 15)), []int{17, 19}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.q.Collect(ctx)
			if err != nil {
				t.Fatalf("Collect: %v", err)
			}
			if g := seqs(got); !slices.Equal(g, tc.want) {
				t.Errorf("seqs = %v, want %v", g, tc.want)
			}
			n, err := tc.q.Count(ctx)
			if err != nil || n != len(tc.want) {
				t.Errorf("Count = %d, %v; want %d", n, err, len(tc.want))
			}
		})
	}
}

func TestQueryProjection(t *testing.T) {
	t.Parallel()
	tbl, _ := newTestTable[order](t)
	all := seedOrders(t, tbl, "c1", 6)
	ctx := context.Background()
	got, err := tbl.Query("c1").Filter(Attr("Status").Eq("open")).Project(Attr("Total"), Attr("Seq")).Collect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var want []order
	for _, o := range all {
		if o.Status == "open" {
			want = append(want, order{Customer: o.Customer, Seq: o.Seq, Total: o.Total})
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("projected = %+v\nwant %+v", got, want)
	}
	// On an index the index keys are read too.
	got, err = tbl.Query("closed").Index("ByStatus").Project(Attr("Note")).Limit(1).Collect(ctx)
	if err != nil || len(got) != 1 {
		t.Fatalf("index projection: %v, %v", got, err)
	}
	if o := got[0]; o.Status != "closed" || o.Total == 0 || o.Note == "" || o.Date != "" {
		t.Errorf("index projection = %+v", o)
	}
}

func TestQueryFirstCollectCount(t *testing.T) {
	t.Parallel()
	tbl, cc := newTestTable[order](t)
	seedOrders(t, tbl, "c1", 12)
	ctx := context.Background()
	first, err := tbl.Query("c1").Desc().First(ctx)
	if err != nil || first.Seq != 12 {
		t.Errorf("First = %+v, %v; want seq 12", first, err)
	}
	before := cc.n("Query")
	first, err = tbl.Query("c1").Filter(Attr("Total").Lt(1000 - 10)).PageSize(100).First(ctx)
	if err != nil || first.Seq != 11 {
		t.Errorf("filtered First = %+v, %v; want seq 11", first, err)
	}
	if n := cc.n("Query") - before; n != 1 {
		t.Errorf("filtered First sent %d requests, want 1", n)
	}
	if _, err := tbl.Query("nobody").First(ctx); !errors.Is(err, ErrNotFound) {
		t.Errorf("First of nothing: %v, want ErrNotFound", err)
	}
	if n, err := tbl.Query("c1").Count(ctx); err != nil || n != 12 {
		t.Errorf("Count = %d, %v", n, err)
	}
	if n, err := tbl.Query("c1").PageSize(5).Limit(7).Count(ctx); err != nil || n != 7 {
		t.Errorf("Count with Limit = %d, %v; want 7", n, err)
	}
	if n, err := tbl.Query("c1").PageSize(5).Filter(Attr("Status").Eq("closed")).Limit(4).Count(ctx); err != nil || n != 4 {
		t.Errorf("filtered Count with Limit = %d, %v; want 4", n, err)
	}
	items, err := tbl.Query("c1").Collect(ctx)
	if err != nil || len(items) != 12 {
		t.Errorf("Collect = %d items, %v", len(items), err)
	}
	if items, err := tbl.Query("nobody").Collect(ctx); err != nil || len(items) != 0 {
		t.Errorf("Collect nothing = %v, %v", items, err)
	}
}

func TestQueryInvalid(t *testing.T) {
	t.Parallel()
	tbl, cc := newTestTable[order](t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		q    *Query[order]
		want error
	}{
		{"two sort conditions", tbl.Query("c1", Eq(1), Eq(2)), ErrInvalidKey},
		{"sk wrong type", tbl.Query("c1", Eq("1")), ErrInvalidKey},
		{"BeginsWith on number", tbl.Query("c1", BeginsWith(1)), ErrInvalidKey},
		{"pk wrong type", tbl.Query(1), ErrInvalidKey},
		{"pk missing", tbl.Query(nil), ErrInvalidKey},
		{"unknown index", tbl.Query("c1").Index("Nope"), ErrInvalidInput},
		{"consistent GSI", tbl.Query("open").Index("ByStatus").Consistent(), ErrInvalidInput},
		{"GSI pk type", tbl.Query(1).Index("ByStatus"), ErrInvalidKey},
		{"negative limit", tbl.Query("c1").Limit(-1), ErrInvalidInput},
		{"negative page size", tbl.Query("c1").PageSize(-1), ErrInvalidInput},
		{"bad filter", tbl.Query("c1").Filter(Attr("").Eq(1)), ErrInvalidExpression},
		{"bad projection", tbl.Query("c1").Project(Attr("a"), Attr("a").Field("b")), ErrInvalidExpression},
		{"garbage cursor", tbl.Query("c1").StartFrom("!!"), ErrInvalidCursor},
		{"filter on pk", tbl.Query("c1").Filter(Attr("Customer").Eq("c1")), ErrInvalidExpression},
		{"filter on sk", tbl.Query("c1").Filter(And(Attr("Note").Eq("x"), Attr("Seq").Gt(1))), ErrInvalidExpression},
		{"filter on index sk", tbl.Query("open").Index("ByStatus").Filter(Attr("Total").Gt(1)), ErrInvalidExpression},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.q.Collect(ctx)
			if !errors.Is(err, tc.want) {
				t.Errorf("Collect: %v, want %v", err, tc.want)
			}
			var de *Error
			if !errors.As(err, &de) || de.Op != "Query" || de.Table != tbl.Name() {
				t.Errorf("error %#v lacks Op/Table", err)
			}
			if _, err := tc.q.Count(ctx); !errors.Is(err, tc.want) {
				t.Errorf("Count: %v, want %v", err, tc.want)
			}
		})
	}
	if n := cc.total(); n != 0 {
		t.Errorf("%d requests sent for invalid queries", n)
	}
	if _, err := tbl.Scan().Index("Nope").Collect(ctx); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("Scan unknown index: %v", err)
	}
}

func TestQueryBuilderIsImmutable(t *testing.T) {
	t.Parallel()
	tbl, _ := newTestTable[order](t)
	seedOrders(t, tbl, "c1", 6)
	ctx := context.Background()
	base := tbl.Query("c1").Filter(Attr("Total").Lt(1000 - 1))
	a := base.Filter(Attr("Status").Eq("open")).Desc()
	b := base.Filter(Attr("Status").Eq("closed"))
	ga, _ := a.Collect(ctx)
	gb, _ := b.Collect(ctx)
	gbase, _ := base.Collect(ctx)
	if !slices.Equal(seqs(ga), []int{5, 3}) || !slices.Equal(seqs(gb), []int{2, 4, 6}) || !slices.Equal(seqs(gbase), seqRange(2, 6)) {
		t.Errorf("derived queries interfere: a=%v b=%v base=%v", seqs(ga), seqs(gb), seqs(gbase))
	}
}

func TestScan(t *testing.T) {
	t.Parallel()
	tbl, _ := newTestTable[order](t)
	seedOrders(t, tbl, "c1", 8)
	seedOrders(t, tbl, "c2", 4)
	ctx := context.Background()
	var n int
	for o, err := range tbl.Scan().PageSize(5).All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if o.Customer == "" {
			t.Errorf("empty item %+v", o)
		}
		n++
	}
	if n != 12 {
		t.Errorf("scanned %d items, want 12", n)
	}
	if c, err := tbl.Scan().Filter(Attr("Status").Eq("open")).Count(ctx); err != nil || c != 6 {
		t.Errorf("filtered Count = %d, %v; want 6", c, err)
	}
	got, err := tbl.Scan().Index("ByStatus").Filter(Attr("Customer").Eq("c2")).Project(Attr("Note")).Collect(ctx)
	if err != nil || len(got) != 4 {
		t.Fatalf("index scan: %d items, %v", len(got), err)
	}
	if _, err := tbl.Scan().Limit(3).First(ctx); err != nil {
		t.Errorf("Scan First: %v", err)
	}
	if got, err := tbl.Scan().Limit(3).Consistent().Collect(ctx); err != nil || len(got) != 3 {
		t.Errorf("Scan Limit 3: %d, %v", len(got), err)
	}
}
