package ddb

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// adminOrder exercises every kind of index CreateTable builds.
type adminOrder struct {
	Customer string `ddb:"pk"`
	Placed   int64  `ddb:"sk"`
	Status   string `ddb:"gsi=ByStatus:pk" dynamodbav:",omitempty"`
	Total    int    `ddb:"gsi=ByStatus:sk"`
	SKU      string `ddb:"gsi=BySKU:pk" dynamodbav:",omitempty"`
	Ref      string `ddb:"lsi=ByRef" dynamodbav:",omitempty"`
	Note     string
}

// adminOrderV1 is adminOrder before its global indexes were added.
type adminOrderV1 struct {
	Customer string `ddb:"pk"`
	Placed   int64  `ddb:"sk"`
	Ref      string `ddb:"lsi=ByRef" dynamodbav:",omitempty"`
}

// newAdminTable returns a Table[T] with a fresh name that does not exist
// yet, deleted (if it then exists) when the test ends.
func newAdminTable[T any](t *testing.T, c Client, opts ...TableOption) *Table[T] {
	t.Helper()
	tbl, err := NewTable[T](c, testTableName(t), opts...)
	if err != nil {
		t.Fatalf("NewTable: %v", err)
	}
	t.Cleanup(func() {
		_, _ = c.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(tbl.Name())})
	})
	return tbl
}

func TestCreateTableFromStruct(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tbl := newAdminTable[adminOrder](t, newTestClient(t))
	if err := tbl.CreateTable(ctx, ProjectKeysOnly("BySKU"), ProjectInclude("ByRef", "Note"), Tag("team", "orders")); err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	d, err := tbl.Describe(ctx)
	if err != nil {
		t.Fatalf("Describe: %v", err)
	}
	if d.Name != tbl.Name() || d.Status != types.TableStatusActive || d.Throughput != nil {
		t.Errorf("table: name %q status %q throughput %v", d.Name, d.Status, d.Throughput)
	}
	if want := (KeyAttr{"Customer", "S"}); d.PK != want {
		t.Errorf("PK = %v, want %v", d.PK, want)
	}
	if want := (KeyAttr{"Placed", "N"}); d.SK != want {
		t.Errorf("SK = %v, want %v", d.SK, want)
	}
	wantGSI := []IndexDescription{
		{Name: "BySKU", PK: KeyAttrs{{"SKU", "S"}}, Projection: types.ProjectionTypeKeysOnly, Status: types.IndexStatusActive},
		{Name: "ByStatus", PK: KeyAttrs{{"Status", "S"}}, SK: KeyAttrs{{"Total", "N"}}, Projection: types.ProjectionTypeAll, Status: types.IndexStatusActive},
	}
	if !reflect.DeepEqual(d.GlobalIndexes, wantGSI) {
		t.Errorf("global indexes:\n got %+v\nwant %+v", d.GlobalIndexes, wantGSI)
	}
	wantLSI := []IndexDescription{
		{Name: "ByRef", PK: KeyAttrs{{"Customer", "S"}}, SK: KeyAttrs{{"Ref", "S"}}, Projection: types.ProjectionTypeInclude, Include: []string{"Note"}},
	}
	if !reflect.DeepEqual(d.LocalIndexes, wantLSI) {
		t.Errorf("local indexes:\n got %+v\nwant %+v", d.LocalIndexes, wantLSI)
	}
	// The created table is usable at once, indexes included.
	if err := tbl.Put(ctx, adminOrder{Customer: "c1", Placed: 1, Status: "open", Total: 5, SKU: "tea"}); err != nil {
		t.Fatal(err)
	}
	got, err := tbl.Query("open").Index("ByStatus").Collect(ctx)
	if err != nil || len(got) != 1 || got[0].Customer != "c1" {
		t.Errorf("query ByStatus = %v, %v", got, err)
	}
	if err := tbl.CreateTable(ctx); err == nil {
		t.Error("CreateTable of an existing table succeeded")
	}
}

func TestCreateTableProvisioned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tbl := newAdminTable[adminOrder](t, newTestClient(t))
	if err := tbl.CreateTable(ctx, Provisioned(5, 3), IndexThroughput("BySKU", 2, 1)); err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	d, err := tbl.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.Throughput == nil || *d.Throughput != (Throughput{5, 3}) {
		t.Errorf("table throughput = %v", d.Throughput)
	}
	for name, want := range map[string]Throughput{"BySKU": {2, 1}, "ByStatus": {5, 3}} {
		ix, ok := d.Index(name)
		if !ok || ix.Throughput == nil || *ix.Throughput != want {
			t.Errorf("index %s throughput = %v (found %v), want %v", name, ix.Throughput, ok, want)
		}
	}
}

func TestEnsure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newTestClient(t)
	v1 := newAdminTable[adminOrderV1](t, c)
	// Ensure creates a missing table. (Provisioned: dynalite wrongly
	// requires a throughput for indexes added to on-demand tables.)
	if err := v1.Ensure(ctx, Provisioned(5, 5)); err != nil {
		t.Fatalf("Ensure (create): %v", err)
	}
	if err := v1.Put(ctx, adminOrderV1{Customer: "c1", Placed: 1}); err != nil {
		t.Fatal(err)
	}
	var mm *SchemaMismatchError
	// A type whose keys differ from the live table is reported, listing
	// every difference.
	type otherKeys struct {
		Customer int64  `ddb:"pk"`
		Placed   string `ddb:"sk"`
		Ref      string `ddb:"lsi=ByRef"`
		Extra    string `ddb:"lsi=ByExtra"`
		SKU      string `ddb:"gsi=BySKU:pk"`
		Day      string `ddb:"gsi=BySKU:sk"`
	}
	bad, err := NewTable[otherKeys](c, v1.Name())
	if err != nil {
		t.Fatal(err)
	}
	err = bad.Ensure(ctx)
	if !errors.Is(err, ErrInvalidSchema) || !errors.As(err, &mm) {
		t.Fatalf("Ensure with other keys = %v, want ErrInvalidSchema with *SchemaMismatchError", err)
	}
	want := []string{
		"table partition key: live Customer (S), Go Customer (N)",
		"table sort key: live Placed (N), Go Placed (S)",
		"local index ByExtra is missing (local indexes can only be created with the table)",
		"local index ByRef partition key: live Customer (S), Go Customer (N)",
	}
	if !reflect.DeepEqual(mm.Diffs, want) {
		t.Errorf("diffs:\n got %q\nwant %q", mm.Diffs, want)
	}
	// The next version of the type adds two global indexes.
	v2, err := NewTable[adminOrder](c, v1.Name())
	if err != nil {
		t.Fatal(err)
	}
	err = v2.Ensure(ctx, ProjectKeysOnly("BySKU"))
	if err != nil && strings.Contains(err.Error(), "not on the table after UpdateTable") {
		t.Skipf("server ignores index creation by UpdateTable (dynalite does): %v", err)
	}
	if err != nil {
		t.Fatalf("Ensure (add indexes): %v", err)
	}
	d, err := v2.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range d.GlobalIndexes {
		names = append(names, g.Name+":"+string(g.Status)+":"+string(g.Projection))
	}
	if want := []string{"BySKU:ACTIVE:KEYS_ONLY", "ByStatus:ACTIVE:ALL"}; !reflect.DeepEqual(names, want) {
		t.Errorf("global indexes after Ensure = %v, want %v", names, want)
	}
	if err := v2.Put(ctx, adminOrder{Customer: "c2", Placed: 2, Status: "open", Total: 3}); err != nil {
		t.Fatal(err)
	}
	if n, err := v2.Query("open").Index("ByStatus").Count(ctx); err != nil || n != 1 {
		t.Errorf("count on added index = %d, %v", n, err)
	}
	// A second Ensure has nothing to do.
	if err := v2.Ensure(ctx); err != nil {
		t.Errorf("Ensure (no-op): %v", err)
	}
	// An index whose keys differ is reported too.
	type otherIndex struct {
		Customer string `ddb:"pk"`
		Placed   int64  `ddb:"sk"`
		SKU      string `ddb:"gsi=BySKU:pk"`
		Day      string `ddb:"gsi=BySKU:sk"`
	}
	ot, err := NewTable[otherIndex](c, v1.Name())
	if err != nil {
		t.Fatal(err)
	}
	if err := ot.Ensure(ctx); !errors.As(err, &mm) || !reflect.DeepEqual(mm.Diffs, []string{"global index BySKU sort key: live none, Go Day (S)"}) {
		t.Errorf("Ensure with other index keys = %v", err)
	}
}

func TestDeleteTable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tbl := newAdminTable[adminOrderV1](t, newTestClient(t))
	if err := tbl.CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	if err := tbl.DeleteTable(ctx); err != nil {
		t.Fatalf("DeleteTable: %v", err)
	}
	if _, err := tbl.Describe(ctx); !errors.Is(err, ErrTableNotFound) {
		t.Errorf("Describe after DeleteTable = %v, want ErrTableNotFound", err)
	}
	if err := tbl.DeleteTable(ctx); !errors.Is(err, ErrTableNotFound) {
		t.Errorf("second DeleteTable = %v, want ErrTableNotFound", err)
	}
}

func TestCreateTableTTL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newTestClient(t)
	if _, err := c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("ttl-probe"),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("x"), Enabled: aws.Bool(true)}}); err != nil {
		var api smithy.APIError
		if errors.As(err, &api) && api.ErrorCode() != "ResourceNotFoundException" {
			t.Skipf("server has no time to live support: %v", err)
		}
	}
	type session struct {
		ID      string `ddb:"pk"`
		Expires int64  `ddb:"ttl"`
	}
	tbl := newAdminTable[session](t, c)
	if err := tbl.CreateTable(ctx); err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	out, err := c.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(tbl.Name())})
	if err != nil {
		t.Fatal(err)
	}
	if d := out.TimeToLiveDescription; d == nil || d.TimeToLiveStatus != types.TimeToLiveStatusEnabled || aws.ToString(d.AttributeName) != "Expires" {
		t.Errorf("time to live = %+v", d)
	}
	// Ensure on the table finds time to live already on.
	if err := tbl.Ensure(ctx); err != nil {
		t.Errorf("Ensure: %v", err)
	}
}

// unreachableClient is a real SDK client for an address nothing listens
// on: a test using it shows that an error came before any request (a
// request would fail with a connection error instead).
func unreachableClient() Client { return sdkClient("http://127.0.0.1:1") }

func TestCreateTableRejectsBadSchemas(t *testing.T) {
	t.Parallel()
	type twoSK struct {
		A string `ddb:"pk"`
		B string `ddb:"sk"`
		C string `ddb:"sk"`
	}
	type noIndexPK struct {
		A string `ddb:"pk"`
		B string `ddb:"gsi=Gix:sk"`
	}
	type lsiNoSK struct {
		A string `ddb:"pk"`
		B string `ddb:"lsi=Lix"`
	}
	type manyLocal struct {
		A  string `ddb:"pk"`
		B  string `ddb:"sk"`
		L1 string `ddb:"lsi=LS1"`
		L2 string `ddb:"lsi=LS2"`
		L3 string `ddb:"lsi=LS3"`
		L4 string `ddb:"lsi=LS4"`
		L5 string `ddb:"lsi=LS5"`
		L6 string `ddb:"lsi=LS6"`
	}
	var manyGlobal []TableOption
	manyGlobal = append(manyGlobal, WithKey(StringKey("pk")))
	for i := range 21 {
		manyGlobal = append(manyGlobal, WithGlobalIndex(fmt.Sprintf("GS%d", i), StringKey(fmt.Sprintf("g%d", i))))
	}
	c := unreachableClient()
	ctx := context.Background()
	tests := []struct {
		name string
		run  func() error
		kind error
	}{
		{"two sort keys", func() error { _, err := NewTable[twoSK](c, "bad-table"); return err }, ErrInvalidSchema},
		{"index without partition key", func() error { _, err := NewTable[noIndexPK](c, "bad-table"); return err }, ErrInvalidSchema},
		{"local index without table sort key", func() error { _, err := NewTable[lsiNoSK](c, "bad-table"); return err }, ErrInvalidSchema},
		{"six local indexes", func() error { return mustTable[manyLocal](t, c).CreateTable(ctx) }, ErrInvalidSchema},
		{"six local indexes (Ensure)", func() error { return mustTable[manyLocal](t, c).Ensure(ctx) }, ErrInvalidSchema},
		{"21 global indexes", func() error { return mustTable[map[string]any](t, c, manyGlobal...).CreateTable(ctx) }, ErrInvalidSchema},
		{"one attribute, two key types", func() error {
			return mustTable[map[string]any](t, c, WithKey(StringKey("pk")), WithGlobalIndex("Gix", NumberKey("pk"))).CreateTable(ctx)
		}, ErrInvalidSchema},
		{"index keys of two types", func() error {
			return mustTable[map[string]any](t, c, WithKey(StringKey("pk")),
				WithGlobalIndex("GS1", StringKey("x")), WithGlobalIndex("GS2", BinaryKey("x"))).CreateTable(ctx)
		}, ErrInvalidSchema},
		{"bad table name", func() error { _, err := NewTable[adminOrder](c, "a b"); return err }, ErrInvalidSchema},
		{"zero throughput", func() error { return mustTable[adminOrder](t, c).CreateTable(ctx, Provisioned(0, 1)) }, ErrInvalidInput},
		{"index throughput on on-demand table", func() error {
			return mustTable[adminOrder](t, c).CreateTable(ctx, IndexThroughput("BySKU", 1, 1))
		}, ErrInvalidInput},
		{"index throughput for local index", func() error {
			return mustTable[adminOrder](t, c).CreateTable(ctx, Provisioned(1, 1), IndexThroughput("ByRef", 1, 1))
		}, ErrInvalidInput},
		{"projection of unknown index", func() error { return mustTable[adminOrder](t, c).CreateTable(ctx, ProjectKeysOnly("Nope")) }, ErrInvalidInput},
		{"empty include", func() error { return mustTable[adminOrder](t, c).CreateTable(ctx, ProjectInclude("BySKU")) }, ErrInvalidInput},
		{"projection twice", func() error {
			return mustTable[adminOrder](t, c).CreateTable(ctx, ProjectKeysOnly("BySKU"), ProjectInclude("BySKU", "Note"))
		}, ErrInvalidInput},
		{"empty tag key", func() error { return mustTable[adminOrder](t, c).CreateTable(ctx, Tag("", "v")) }, ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if !errors.Is(err, tt.kind) {
				t.Fatalf("err = %v, want %v", err, tt.kind)
			}
			var e *Error
			if !errors.As(err, &e) || e.Err != nil {
				t.Errorf("err = %#v: want a *Error with no cause (no request sent)", err)
			}
		})
	}
}

func mustTable[T any](t *testing.T, c Client, opts ...TableOption) *Table[T] {
	return mustTableNamed[T](t, c, "bad-table", opts...)
}

func mustTableNamed[T any](t *testing.T, c Client, name string, opts ...TableOption) *Table[T] {
	t.Helper()
	tbl, err := NewTable[T](c, name, opts...)
	if err != nil {
		t.Fatalf("NewTable: %v", err)
	}
	return tbl
}

func TestIndexQueriesWithProjections(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tbl := newAdminTable[adminOrder](t, newTestClient(t))
	if err := tbl.CreateTable(ctx, ProjectKeysOnly("BySKU"), ProjectInclude("ByRef", "Note")); err != nil {
		t.Fatal(err)
	}
	orders := []adminOrder{
		{Customer: "c1", Placed: 1, Status: "open", Total: 30, SKU: "tea", Ref: "r1", Note: "first"},
		{Customer: "c1", Placed: 2, Status: "open", Total: 10, Ref: "r0", Note: "second"},
		{Customer: "c2", Placed: 3, Status: "shipped", Total: 20, SKU: "tea"},
		{Customer: "c2", Placed: 4, Total: 5, SKU: "jam"}, // no Status: not in ByStatus
	}
	for _, o := range orders {
		if err := tbl.Put(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	// A keys-only global index, decoded into the keys it projects.
	type skuRef struct {
		Customer string
		Placed   int64
		SKU      string
	}
	var refs []skuRef
	for r, err := range QueryAs[skuRef](ctx, tbl.Query("tea").Index("BySKU")) {
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r)
	}
	sortBy(refs, func(r skuRef) int64 { return r.Placed })
	if want := []skuRef{{"c1", 1, "tea"}, {"c2", 3, "tea"}}; !reflect.DeepEqual(refs, want) {
		t.Errorf("QueryAs on BySKU = %+v, want %+v", refs, want)
	}
	// Sparse indexes hold only the items that have their keys.
	for index, want := range map[string]int{"BySKU": 3, "ByStatus": 3, "ByRef": 2} {
		if n, err := tbl.Scan().Index(index).Count(ctx); err != nil || n != want {
			t.Errorf("scan of %s counted %d, %v; want %d", index, n, err, want)
		}
	}
	// The full item type still decodes from an ALL index, in index order.
	got, err := tbl.Query("open").Index("ByStatus").Collect(ctx)
	if err != nil || len(got) != 2 || got[0].Total != 10 || got[1] != orders[0] {
		t.Errorf("query ByStatus = %+v, %v", got, err)
	}
	// A local index with an INCLUDE projection.
	type refNote struct {
		Customer string
		Placed   int64
		Ref      string
		Note     string
	}
	var notes []refNote
	for r, err := range QueryAs[refNote](ctx, tbl.Query("c1", BeginsWith("r")).Index("ByRef")) {
		if err != nil {
			t.Fatal(err)
		}
		notes = append(notes, r)
	}
	if want := []refNote{{"c1", 2, "r0", "second"}, {"c1", 1, "r1", "first"}}; !reflect.DeepEqual(notes, want) {
		t.Errorf("QueryAs on ByRef = %+v, want %+v", notes, want)
	}
	var scanned []skuRef
	for r, err := range ScanAs[skuRef](ctx, tbl.Scan().Index("BySKU").Filter(Attr("SKU").Eq("jam"))) {
		if err != nil {
			t.Fatal(err)
		}
		scanned = append(scanned, r)
	}
	if want := []skuRef{{"c2", 4, "jam"}}; !reflect.DeepEqual(scanned, want) {
		t.Errorf("ScanAs on BySKU = %+v, want %+v", scanned, want)
	}
}

func TestIndexQueryErrorsBeforeRequest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tbl := mustTable[adminOrder](t, unreachableClient())
	tests := []struct {
		name string
		run  func() error
		kind error
	}{
		{"unknown index", func() error { _, err := tbl.Query("x").Index("Nope").Collect(ctx); return err }, ErrInvalidInput},
		{"unknown index scan", func() error { _, err := tbl.Scan().Index("Nope").Count(ctx); return err }, ErrInvalidInput},
		{"index key type", func() error { _, err := tbl.Query(5).Index("BySKU").Collect(ctx); return err }, ErrInvalidKey},
		{"index sort key type", func() error { _, err := tbl.Query("open", Eq("ten")).Index("ByStatus").Collect(ctx); return err }, ErrInvalidKey},
		{"consistent read on global index", func() error {
			_, err := tbl.Query("tea").Index("BySKU").Consistent().Collect(ctx)
			return err
		}, ErrInvalidInput},
		{"QueryAs unknown index", func() error {
			for _, err := range QueryAs[struct{ SKU string }](ctx, tbl.Query("x").Index("Nope")) {
				return err
			}
			return nil
		}, ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			var e *Error
			if !errors.Is(err, tt.kind) || !errors.As(err, &e) || e.Err != nil {
				t.Errorf("err = %v, want %v before any request", err, tt.kind)
			}
		})
	}
}

// sortBy sorts s by key.
func sortBy[E any](s []E, key func(E) int64) {
	sort.Slice(s, func(i, j int) bool { return key(s[i]) < key(s[j]) })
}
