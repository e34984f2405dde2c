package ddb

// Global secondary indexes with multi-attribute keys: tags, options,
// CreateTable/Ensure/Describe, queries (every allowed shape against the
// server, every disallowed one rejected before any request), cursors,
// updates that move items between index partitions, sparse items, and
// entities whose fields are the index's keys.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/ddb-go/ddb/ddbtest"
)

// mgsiClient returns the harness's client when its server supports global
// indexes with multi-attribute keys. dynalite (4.0.0) does not, rejecting
// a KeySchema longer than 2: then the test runs against an in-process
// ddbtest server instead (still the real SDK client).
func mgsiClient(t testing.TB) Client {
	t.Helper()
	c := newTestClient(t)
	name := testTableName(t) + "-probe"
	_, err := c.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("k"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("a"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("b"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: keySchema([]KeyAttr{StringKey("k")}, nil),
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{IndexName: aws.String("probe"),
			KeySchema:  keySchema([]KeyAttr{StringKey("a"), StringKey("b")}, nil),
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}}},
	})
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() == "ValidationException" {
		t.Logf("the harness's server has no multi-attribute index keys (dynalite): using an in-process ddbtest server (%v)", err)
		return ddbtest.New(t)
	}
	if err != nil {
		t.Fatalf("probe CreateTable: %v", err)
	}
	_, _ = c.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	return c
}

// createdTable returns a Table[T] called name on c, creates its table with
// CreateTable (multi-attribute indexes included) and deletes it when the
// test ends.
func createdTable[T any](t *testing.T, c Client, name string, opts ...TableOption) *Table[T] {
	t.Helper()
	tbl, err := NewTable[T](c, name, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := tbl.CreateTable(context.Background()); err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	t.Cleanup(func() { _ = tbl.DeleteTable(context.Background()) })
	return tbl
}

// sale is stored in a table whose index ByRegion has the partition key
// (Tenant, Region) and the sort key (Year, Month, SKU). Region is omitted
// when empty, which keeps the item out of the (sparse) index.
type sale struct {
	ID     string `ddb:"pk"`
	Tenant string `ddb:"gsi=ByRegion:pk1"`
	Region string `ddb:"gsi=ByRegion:pk2" dynamodbav:",omitempty"`
	Year   int    `ddb:"gsi=ByRegion:sk1"`
	Month  int    `ddb:"gsi=ByRegion:sk2"`
	SKU    string `ddb:"gsi=ByRegion:sk3"`
	Amount int
}

// less orders sales as ByRegion's sort key does.
func (s sale) less(o sale) int {
	return cmp.Or(cmp.Compare(s.Year, o.Year), cmp.Compare(s.Month, o.Month), strings.Compare(s.SKU, o.SKU))
}

// seedSales stores sales of acme/eu (2024 and 2025, months 1 to 6, SKUs
// a-<m> and b-<m>), a few of acme/us and globex/eu, and two without a
// region, and returns them all.
func seedSales(t *testing.T, tbl *Table[sale]) []sale {
	t.Helper()
	var all []sale
	add := func(tenant, region string, y, m int, sku string) {
		all = append(all, sale{ID: fmt.Sprintf("%s-%s-%d-%d-%s", tenant, region, y, m, sku),
			Tenant: tenant, Region: region, Year: y, Month: m, SKU: sku, Amount: y + m})
	}
	for _, y := range []int{2025, 2024} { // written out of order on purpose
		for m := 6; m >= 1; m-- {
			add("acme", "eu", y, m, fmt.Sprintf("b-%d", m))
			add("acme", "eu", y, m, fmt.Sprintf("a-%d", m))
		}
	}
	add("acme", "us", 2025, 3, "a-3")
	add("globex", "eu", 2025, 3, "a-3")
	add("acme", "", 2025, 3, "a-9")
	add("globex", "", 2025, 3, "a-9")
	for _, s := range all {
		if err := tbl.Put(context.Background(), s); err != nil {
			t.Fatalf("Put %s: %v", s.ID, err)
		}
	}
	return all
}

func saleIDs(sales []sale) []string {
	out := make([]string, len(sales))
	for i, s := range sales {
		out[i] = s.ID
	}
	return out
}

// expectSales returns the sales of partition (tenant, region) that keep
// holds, in index order (reversed when desc).
func expectSales(all []sale, tenant, region string, desc bool, keep func(sale) bool) []string {
	var out []sale
	for _, s := range all {
		if s.Tenant == tenant && s.Region == region && keep(s) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, sale.less)
	if desc {
		slices.Reverse(out)
	}
	return saleIDs(out)
}

func TestMultiGSIQueryShapes(t *testing.T) {
	t.Parallel()
	tbl := createdTable[sale](t, mgsiClient(t), testTableName(t))
	ctx := context.Background()
	all := seedSales(t, tbl)
	eu := Partition{"acme", "eu"}
	for _, tc := range []struct {
		name string
		pk   any
		sk   []KeyCondition
		desc bool
		keep func(sale) bool
	}{
		{"partition only", eu, nil, false, func(sale) bool { return true }},
		{"partition only, descending", eu, nil, true, func(sale) bool { return true }},
		{"sk1 =", eu, []KeyCondition{Eq(2025)}, false, func(s sale) bool { return s.Year == 2025 }},
		{"sk1 <", eu, []KeyCondition{Lt(2025)}, false, func(s sale) bool { return s.Year < 2025 }},
		{"sk1 between", eu, []KeyCondition{Between(2024, 2025)}, false, func(s sale) bool { return true }},
		{"sk1 = sk2 =", eu, []KeyCondition{Eq(2025), Eq(3)}, false, func(s sale) bool { return s.Year == 2025 && s.Month == 3 }},
		{"sk1 = sk2 <", eu, []KeyCondition{Eq(2025), Lt(3)}, false, func(s sale) bool { return s.Year == 2025 && s.Month < 3 }},
		{"sk1 = sk2 <=", eu, []KeyCondition{Eq(2025), Le(3)}, false, func(s sale) bool { return s.Year == 2025 && s.Month <= 3 }},
		{"sk1 = sk2 >", eu, []KeyCondition{Eq(2025), Gt(3)}, true, func(s sale) bool { return s.Year == 2025 && s.Month > 3 }},
		{"sk1 = sk2 >=", eu, []KeyCondition{Eq(2024), Ge(5)}, false, func(s sale) bool { return s.Year == 2024 && s.Month >= 5 }},
		{"sk1 = sk2 between", eu, []KeyCondition{Eq(2025), Between(2, 4)}, false, func(s sale) bool { return s.Year == 2025 && s.Month >= 2 && s.Month <= 4 }},
		{"sk1 = sk2 = sk3 =", eu, []KeyCondition{Eq(2025), Eq(3), Eq("b-3")}, false, func(s sale) bool { return s.Year == 2025 && s.Month == 3 && s.SKU == "b-3" }},
		{"sk1 = sk2 = sk3 begins_with", eu, []KeyCondition{Eq(2025), Eq(3), BeginsWith("a")}, false, func(s sale) bool { return s.Year == 2025 && s.Month == 3 && s.SKU == "a-3" }},
		{"sk1 = sk2 = sk3 >", eu, []KeyCondition{Eq(2025), Eq(3), Gt("a-3")}, false, func(s sale) bool { return s.Year == 2025 && s.Month == 3 && s.SKU > "a-3" }},
		{"trailing zero condition", eu, []KeyCondition{Eq(2025), {}}, false, func(s sale) bool { return s.Year == 2025 }},
		{"other partition", Partition{"acme", "us"}, nil, false, func(sale) bool { return true }},
		{"no such partition", Partition{"acme", "asia"}, nil, false, func(sale) bool { return true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q := tbl.Query(tc.pk, tc.sk...).Index("ByRegion")
			if tc.desc {
				q = q.Desc()
			}
			got, err := q.Collect(ctx)
			if err != nil {
				t.Fatalf("Collect: %v", err)
			}
			p := tc.pk.(Partition)
			want := expectSales(all, p[0].(string), p[1].(string), tc.desc, tc.keep)
			if !slices.Equal(saleIDs(got), want) {
				t.Errorf("got %v\nwant %v", saleIDs(got), want)
			}
		})
	}
	// Sparse: the items without a region are in the table, not the index.
	n, err := tbl.Scan().Index("ByRegion").Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(all) - 2; n != want {
		t.Errorf("index holds %d items, want %d (the two without a region left out)", n, want)
	}
}

// TestMultiGSIQueryRejected: every query the index's key cannot answer is
// rejected before any request, as ErrInvalidKey (ErrInvalidExpression for
// a filter) naming the attribute at fault.
func TestMultiGSIQueryRejected(t *testing.T) {
	t.Parallel()
	cc := &countingClient{Client: ddbtest.New(t)} // nothing is sent: no table needed
	tbl, err := NewTable[sale](cc, "sales")
	if err != nil {
		t.Fatal(err)
	}
	eu := Partition{"acme", "eu"}
	for _, tc := range []struct {
		name  string
		q     *Query[sale]
		kind  error
		field string
		msg   string
	}{
		{"one value for two attributes", tbl.Query("acme"), ErrInvalidKey, "Region",
			`partition key of index "ByRegion" is (Tenant S, Region S); got 1 value`},
		{"short partition", tbl.Query(Partition{"acme"}), ErrInvalidKey, "Region", "got 1 value"},
		{"long partition", tbl.Query(Partition{"acme", "eu", "x"}), ErrInvalidKey, "", "got 3 values"},
		{"nil partition value", tbl.Query(Partition{"acme", nil}), ErrInvalidKey, "Region", "nil value"},
		{"empty partition value", tbl.Query(Partition{"acme", ""}), ErrInvalidKey, "Region", "empty string"},
		{"partition value type", tbl.Query(Partition{"acme", 5}), ErrInvalidKey, "Region", "must be of type S"},
		{"range before the last", tbl.Query(eu, Lt(2025), Eq(3)), ErrInvalidKey, "Year", "only the last sort key condition"},
		{"begins_with before the last", tbl.Query(eu, BeginsWith("a"), Eq(3)), ErrInvalidKey, "Year", "only the last"},
		{"gap", tbl.Query(eu, KeyCondition{}, Eq(3)), ErrInvalidKey, "Year", "without gaps"},
		{"too many conditions", tbl.Query(eu, Eq(2025), Eq(3), Eq("a"), Eq("b")), ErrInvalidKey, "SKU", "4 sort key conditions for a sort key of 3 attributes"},
		{"sort value type", tbl.Query(eu, Eq("2025")), ErrInvalidKey, "Year", "type S, want N"},
		{"begins_with on a number", tbl.Query(eu, Eq(2025), BeginsWith(3)), ErrInvalidKey, "Month", "begins_with needs a string or binary sort key"},
		{"between bounds", tbl.Query(eu, Eq(2025), Between(5, 2)), ErrInvalidKey, "Month", "lower bound is greater"},
		{"filter on a sort key attribute", tbl.Query(eu, Eq(2025)).Filter(Attr("Month").Eq(3)), ErrInvalidExpression, "Month", "cannot use key attribute"},
		{"filter on a partition key attribute", tbl.Query(eu).Filter(Attr("Region").Eq("eu")), ErrInvalidExpression, "Region", "cannot use key attribute"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.q.Index("ByRegion").Collect(context.Background())
			checkInvalid(t, err, tc.kind, tc.field, tc.msg)
		})
	}
	if n := cc.total(); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

func TestMultiGSISchema(t *testing.T) {
	t.Parallel()
	type ok4 struct {
		ID string    `ddb:"pk"`
		A  string    `ddb:"gsi=GSI:pk1"`
		B  int       `ddb:"gsi=GSI:pk2"`
		C  []byte    `ddb:"gsi=GSI:pk3"`
		D  string    `ddb:"gsi=GSI:pk4"`
		E  time.Time `ddb:"gsi=GSI:sk1"`
		F  string    `ddb:"gsi=GSI:sk2,gsi=HSI:pk"`
		G  int       `ddb:"gsi=GSI:sk3"`
		H  string    `ddb:"gsi=GSI:sk4"`
	}
	type plainPK struct { // pk is pk1; sk1.. may follow
		ID string `ddb:"pk"`
		A  string `ddb:"gsi=GSI:pk"`
		B  int    `ddb:"gsi=GSI:sk2"`
		C  int    `ddb:"gsi=GSI:sk1"`
	}
	type mixed struct {
		ID string `ddb:"pk"`
		A  string `ddb:"gsi=GSI:pk"`
		B  string `ddb:"gsi=GSI:pk1"`
	}
	type mixedSK struct {
		ID string `ddb:"pk"`
		A  string `ddb:"gsi=GSI:pk"`
		B  string `ddb:"gsi=GSI:sk2"`
		C  string `ddb:"gsi=GSI:sk"`
	}
	type gap struct {
		ID string `ddb:"pk"`
		A  string `ddb:"gsi=GSI:pk1"`
		B  string `ddb:"gsi=GSI:pk3"`
	}
	type skGap struct {
		ID string `ddb:"pk"`
		A  string `ddb:"gsi=GSI:pk"`
		B  string `ddb:"gsi=GSI:sk2"`
	}
	type five struct {
		ID string `ddb:"pk"`
		A  string `ddb:"gsi=GSI:pk5"`
	}
	type twice struct {
		ID string `ddb:"pk"`
		A  string `ddb:"gsi=GSI:pk1"`
		B  string `ddb:"gsi=GSI:pk1"`
	}
	type bothRoles struct {
		ID string `ddb:"pk"`
		A  string `ddb:"gsi=GSI:pk1,gsi=GSI:sk1"`
	}
	type badType struct {
		ID string `ddb:"pk"`
		A  string `ddb:"gsi=GSI:pk1"`
		B  bool   `ddb:"gsi=GSI:pk2"`
	}
	type noPK struct {
		ID string `ddb:"pk"`
		A  string `ddb:"gsi=GSI:sk1"`
	}
	for _, tc := range []struct {
		name       string
		new        func() (*schema, error)
		pk, sk     []KeyAttr
		field, msg string // of the error, when msg is set
	}{
		{name: "four and four", new: schemaOf[ok4](),
			pk: []KeyAttr{StringKey("A"), NumberKey("B"), BinaryKey("C"), StringKey("D")},
			sk: []KeyAttr{StringKey("E"), StringKey("F"), NumberKey("G"), StringKey("H")}},
		{name: "plain pk, numbered sk", new: schemaOf[plainPK](),
			pk: []KeyAttr{StringKey("A")}, sk: []KeyAttr{NumberKey("C"), NumberKey("B")}},
		{name: "option: KeyAttrs", new: schemaOf[map[string]any](WithKey(StringKey("ID")),
			WithGlobalIndex("GSI", KeyAttrs{StringKey("A"), NumberKey("B")}, NumberKey("C"), StringKey("D"))),
			pk: []KeyAttr{StringKey("A"), NumberKey("B")}, sk: []KeyAttr{NumberKey("C"), StringKey("D")}},
		{name: "option: struct fields", new: schemaOf[sale](WithGlobalIndex("GSI", KeyAttrs{StringKey("Tenant"), StringKey("Region")},
			NumberKey("Year"), NumberKey("Month"), StringKey("SKU"))),
			pk: []KeyAttr{StringKey("Tenant"), StringKey("Region")}, sk: []KeyAttr{NumberKey("Year"), NumberKey("Month"), StringKey("SKU")}},
		{name: "pk and pk1", new: schemaOf[mixed](), field: "B", msg: `mixes gsi=GSI:pk and gsi=GSI:pk1`},
		{name: "sk and sk2", new: schemaOf[mixedSK](), field: "C", msg: `mixes gsi=GSI:sk and gsi=GSI:sk1`},
		{name: "gap in pk", new: schemaOf[gap](), msg: `no gsi=GSI:pk2 but has a later position`},
		{name: "sk starts at 2", new: schemaOf[skGap](), msg: `no gsi=GSI:sk1 but has a later position`},
		{name: "position 5", new: schemaOf[five](), field: "A", msg: `bad option "gsi=GSI:pk5"`},
		{name: "one position twice", new: schemaOf[twice](), field: "B", msg: "two partition key of index GSI (pk1) fields (A and B)"},
		{name: "one attribute in both roles", new: schemaOf[bothRoles](), field: "A", msg: `uses attribute "A" twice`},
		{name: "bool key", new: schemaOf[badType](), field: "B", msg: "does not encode as a string, number or binary"},
		{name: "no partition key", new: schemaOf[noPK](), field: "A", msg: "has no partition key"},
		{name: "option: five partition attributes", new: schemaOf[map[string]any](WithKey(StringKey("ID")),
			WithGlobalIndex("GSI", KeyAttrs{StringKey("A"), StringKey("B"), StringKey("C"), StringKey("D"), StringKey("E")})),
			field: "E", msg: "5 partition key attributes; DynamoDB allows at most 4"},
		{name: "option: five sort attributes", new: schemaOf[map[string]any](WithKey(StringKey("ID")),
			WithGlobalIndex("GSI", StringKey("A"), StringKey("B"), StringKey("C"), StringKey("D"), StringKey("E"), StringKey("F"))),
			field: "F", msg: "5 sort key attributes"},
		{name: "option: empty KeyAttrs", new: schemaOf[map[string]any](WithKey(StringKey("ID")), WithGlobalIndex("GSI", KeyAttrs{})),
			msg: "has no partition key"},
		{name: "option: nil partition key", new: schemaOf[map[string]any](WithKey(StringKey("ID")), WithGlobalIndex("GSI", nil, StringKey("S"))),
			field: "S", msg: "has no partition key"},
		{name: "option: attribute twice", new: schemaOf[map[string]any](WithKey(StringKey("ID")),
			WithGlobalIndex("GSI", KeyAttrs{StringKey("A"), StringKey("B")}, StringKey("A"))),
			field: "A", msg: `uses attribute "A" twice`},
		{name: "option: type differs from the field", new: schemaOf[sale](WithGlobalIndex("G2", KeyAttrs{StringKey("Tenant"), StringKey("Year")})),
			field: "Year", msg: "declared as S but the field encodes as N"},
		{name: "option: no such field", new: schemaOf[sale](WithGlobalIndex("G2", KeyAttrs{StringKey("Tenant"), StringKey("Nope")})),
			field: "Nope", msg: `no field with attribute name "Nope"`},
		{name: "option: bad type", new: schemaOf[map[string]any](WithKey(StringKey("ID")), WithGlobalIndex("GSI", KeyAttrs{StringKey("A"), {"B", "BOOL"}})),
			field: "B", msg: `type "BOOL" is not S, N or B`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := tc.new()
			if tc.msg != "" {
				checkInvalid(t, err, ErrInvalidSchema, tc.field, tc.msg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ix := s.indexes["GSI"]
			if !slices.Equal(ix.PK, tc.pk) || !slices.Equal(ix.SK, tc.sk) {
				t.Errorf("index GSI: pk %v sk %v, want pk %v sk %v", ix.PK, ix.SK, tc.pk, tc.sk)
			}
		})
	}
}

// schemaOf returns a function building T's schema with opts.
func schemaOf[T any](opts ...TableOption) func() (*schema, error) {
	return func() (*schema, error) {
		tbl, err := NewTable[T](sdkClient("http://127.0.0.1:1"), "tbl", opts...)
		if err != nil {
			return nil, err
		}
		return tbl.schema, nil
	}
}

// saleFlat has sale's attributes and no index, to make a table lacking
// ByRegion; saleSwapped declares ByRegion with another sort key order.
type saleFlat struct {
	ID     string `ddb:"pk"`
	Tenant string
	Region string `dynamodbav:",omitempty"`
	Year   int
	Month  int
	SKU    string
	Amount int
}

type saleSwapped struct {
	ID     string `ddb:"pk"`
	Tenant string `ddb:"gsi=ByRegion:pk1"`
	Region string `ddb:"gsi=ByRegion:pk2" dynamodbav:",omitempty"`
	Year   int    `ddb:"gsi=ByRegion:sk2"`
	Month  int    `ddb:"gsi=ByRegion:sk1"`
	SKU    string `ddb:"gsi=ByRegion:sk3"`
	Amount int
}

// TestMultiGSIAdmin: CreateTable sends the key schema in DynamoDB's form
// (HASH attributes, then RANGE ones, in order) with each attribute defined
// once; Describe reports it; Ensure accepts the live index, adds it to a
// table that lacks it (UpdateTable), and reports another key order as a
// SchemaMismatchError.
func TestMultiGSIAdmin(t *testing.T) {
	t.Parallel()
	c := mgsiClient(t)
	ctx := context.Background()
	name := testTableName(t)
	tbl, err := NewTable[sale](c, name, WithGlobalIndex("ByTenant", StringKey("Tenant"), NumberKey("Year")))
	if err != nil {
		t.Fatal(err)
	}
	in, _, err := tbl.createInput("CreateTable", nil)
	if err != nil {
		t.Fatal(err)
	}
	var defs []string
	for _, d := range in.AttributeDefinitions {
		defs = append(defs, aws.ToString(d.AttributeName)+" "+string(d.AttributeType))
	}
	if want := []string{"ID S", "Tenant S", "Region S", "Year N", "Month N", "SKU S"}; !slices.Equal(defs, want) {
		t.Errorf("AttributeDefinitions %v, want %v", defs, want)
	}
	var ks []string
	for _, k := range in.GlobalSecondaryIndexes[0].KeySchema {
		ks = append(ks, aws.ToString(k.AttributeName)+" "+string(k.KeyType))
	}
	if want := []string{"Tenant HASH", "Region HASH", "Year RANGE", "Month RANGE", "SKU RANGE"}; !slices.Equal(ks, want) {
		t.Errorf("ByRegion KeySchema %v, want %v", ks, want)
	}

	// A table without the index: Ensure adds it, then accepts it.
	flat := createdTable[saleFlat](t, c, name)
	if err := flat.Put(ctx, saleFlat{ID: "s1", Tenant: "acme", Region: "eu", Year: 2025, Month: 1, SKU: "a"}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := tbl.Ensure(ctx); err != nil {
			t.Fatalf("Ensure: %v", err)
		}
	}
	d, err := tbl.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ix, ok := d.Index("ByRegion")
	wantPK := KeyAttrs{StringKey("Tenant"), StringKey("Region")}
	wantSK := KeyAttrs{NumberKey("Year"), NumberKey("Month"), StringKey("SKU")}
	if !ok || !slices.Equal(ix.PK, wantPK) || !slices.Equal(ix.SK, wantSK) || ix.Status != types.IndexStatusActive {
		t.Errorf("Describe ByRegion = %+v, want pk %v sk %v ACTIVE", ix, wantPK, wantSK)
	}
	// The item written before the index existed was backfilled.
	got, err := tbl.Query(Partition{"acme", "eu"}, Eq(2025)).Index("ByRegion").Collect(ctx)
	if err != nil || len(got) != 1 || got[0].ID != "s1" {
		t.Errorf("query after Ensure: %v, %v", got, err)
	}

	swapped, err := NewTable[saleSwapped](c, name)
	if err != nil {
		t.Fatal(err)
	}
	err = swapped.Ensure(ctx)
	var sm *SchemaMismatchError
	if !errors.Is(err, ErrInvalidSchema) || !errors.As(err, &sm) {
		t.Fatalf("Ensure with another sort key order: %v, want a SchemaMismatchError", err)
	}
	want := "global index ByRegion sort key: live Year (N), Month (N), SKU (S), Go Month (N), Year (N), SKU (S)"
	if !slices.Contains(sm.Diffs, want) {
		t.Errorf("diffs %q, want %q", sm.Diffs, want)
	}
}

// TestMultiGSIPages: paging through an index partition with PageSize and
// resuming from every page's cursor (plain and sealed) gives the rest of
// the partition in order; a cursor's position holds every key attribute
// of the table and the index.
func TestMultiGSIPages(t *testing.T) {
	t.Parallel()
	c := mgsiClient(t)
	ctx := context.Background()
	name := testTableName(t)
	plain := createdTable[sale](t, c, name)
	all := seedSales(t, plain)
	if got := plain.schema.positionAttrs("ByRegion"); len(got) != 6 {
		t.Errorf("positionAttrs(ByRegion) = %v, want the table key and the 5 index key attributes", got)
	}
	sealed, err := NewTable[sale](c, name, WithCursorKeys([]byte("0123456789abcdef")))
	if err != nil {
		t.Fatal(err)
	}
	for _, tbl := range []*Table[sale]{plain, sealed} {
		q := tbl.Query(Partition{"acme", "eu"}, Eq(2025), Ge(2)).Index("ByRegion").PageSize(3)
		want := expectSales(all, "acme", "eu", false, func(s sale) bool { return s.Year == 2025 && s.Month >= 2 })
		var got []string
		var cursors []string
		for p, err := range q.Pages(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, saleIDs(p.Items)...)
			if p.Cursor != "" {
				cursors = append(cursors, p.Cursor)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("pages: %v\nwant %v", got, want)
		}
		if len(cursors) < 3 {
			t.Fatalf("%d cursors for %d items in pages of 3", len(cursors), len(want))
		}
		for i, cur := range cursors {
			rest, err := q.StartFrom(cur).Collect(ctx)
			if err != nil {
				t.Fatalf("StartFrom cursor %d: %v", i, err)
			}
			if n := 3 * (i + 1); !slices.Equal(saleIDs(rest), want[min(n, len(want)):]) {
				t.Errorf("after cursor %d: %v, want %v", i, saleIDs(rest), want[n:])
			}
		}
		// A cursor of another key condition is refused.
		other := tbl.Query(Partition{"acme", "eu"}, Eq(2024)).Index("ByRegion")
		if _, err := other.StartFrom(cursors[0]).Collect(ctx); !errors.Is(err, ErrInvalidCursor) {
			t.Errorf("cursor of another query: %v, want ErrInvalidCursor", err)
		}
	}
}

// TestMultiGSIMoves: updates and puts that change any key attribute move
// the item to its new place in the index; removing one takes it out.
func TestMultiGSIMoves(t *testing.T) {
	t.Parallel()
	tbl := createdTable[sale](t, mgsiClient(t), testTableName(t))
	ctx := context.Background()
	for _, s := range []sale{
		{ID: "s1", Tenant: "acme", Region: "eu", Year: 2025, Month: 1, SKU: "a"},
		{ID: "s2", Tenant: "acme", Region: "eu", Year: 2025, Month: 2, SKU: "a"},
		{ID: "s3", Tenant: "acme", Region: "eu", Year: 2025, Month: 3, SKU: "a"},
	} {
		if err := tbl.Put(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	query := func(region string) []string {
		t.Helper()
		got, err := tbl.Query(Partition{"acme", region}, Eq(2025)).Index("ByRegion").Collect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return saleIDs(got)
	}
	steps := []struct {
		name     string
		do       func() error
		eu, asia []string
	}{
		{"start", func() error { return nil }, []string{"s1", "s2", "s3"}, nil},
		{"update a partition attribute", func() error {
			return tbl.Update(ctx, Key{"s2"}, NewUpdate().Set(Attr("Region"), "asia"))
		}, []string{"s1", "s3"}, []string{"s2"}},
		{"update a sort attribute", func() error {
			return tbl.Update(ctx, Key{"s1"}, NewUpdate().Set(Attr("Month"), 9))
		}, []string{"s3", "s1"}, []string{"s2"}},
		{"put with another partition", func() error {
			return tbl.Put(ctx, sale{ID: "s3", Tenant: "acme", Region: "asia", Year: 2025, Month: 1, SKU: "a"})
		}, []string{"s1"}, []string{"s3", "s2"}},
		{"remove a key attribute: sparse", func() error {
			return tbl.Update(ctx, Key{"s2"}, NewUpdate().Remove(Attr("Region")))
		}, []string{"s1"}, []string{"s3"}},
		{"delete", func() error { return tbl.Delete(ctx, Key{"s1"}) }, nil, []string{"s3"}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if eu, asia := query("eu"), query("asia"); !slices.Equal(eu, st.eu) || !slices.Equal(asia, st.asia) {
			t.Errorf("after %s: eu %v asia %v, want %v %v", st.name, eu, asia, st.eu, st.asia)
		}
	}
}

// logEvent has a time in a multi-attribute sort key: it is stored in
// KeyTimeLayout, so conditions on times compare in time order.
type logEvent struct {
	ID     string    `ddb:"pk"`
	Source string    `ddb:"gsi=BySource:pk1"`
	Kind   string    `ddb:"gsi=BySource:pk2"`
	At     time.Time `ddb:"gsi=BySource:sk1"`
	Seq    int       `ddb:"gsi=BySource:sk2"`
}

func TestMultiGSITimeKey(t *testing.T) {
	t.Parallel()
	tbl := createdTable[logEvent](t, mgsiClient(t), testTableName(t))
	ctx := context.Background()
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	paris := time.FixedZone("CET", 3600)
	for i := range 6 {
		// Times with and without fractions, from two zones: text order of
		// attributevalue's RFC 3339 would not be time order.
		at := base.Add(time.Duration(i) * 1500 * time.Millisecond).In([]*time.Location{time.UTC, paris}[i%2])
		if err := tbl.Put(ctx, logEvent{ID: fmt.Sprint(i), Source: "app", Kind: "login", At: at, Seq: i}); err != nil {
			t.Fatal(err)
		}
	}
	same := base.Add(3 * 1500 * time.Millisecond).In(paris)
	for _, tc := range []struct {
		name string
		sk   []KeyCondition
		want []string
	}{
		{"all", nil, []string{"0", "1", "2", "3", "4", "5"}},
		{"at >= t2", []KeyCondition{Ge(base.Add(3 * time.Second))}, []string{"2", "3", "4", "5"}},
		{"at between", []KeyCondition{Between(base.Add(time.Second), base.Add(4*time.Second))}, []string{"1", "2"}},
		{"at = t3 from another zone, seq >= 3", []KeyCondition{Eq(same.UTC()), Ge(3)}, []string{"3"}},
		{"at begins_with the second", []KeyCondition{BeginsWith(base.Add(6 * time.Second).Format("2006-01-02T15:04:05"))}, []string{"4"}},
	} {
		got, err := tbl.Query(Partition{"app", "login"}, tc.sk...).Index("BySource").Collect(ctx)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var ids []string
		for _, e := range got {
			ids = append(ids, e.ID)
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, ids, tc.want)
		}
	}
}

// Entities whose fields are a multi-attribute index's keys (IndexFields).
type mgOrder struct {
	ID     string
	Tenant string
	Region string `dynamodbav:",omitempty"` // none: not in ByRegion
	At     time.Time
	Seq    int
	Total  int
}

type mgBadSeq struct {
	ID     string
	Tenant string
	Region string
	At     time.Time
	Seq    string
}

type mgNoSeq struct {
	ID     string
	Tenant string
	Region string
	At     time.Time
}

func TestMultiGSIEntity(t *testing.T) {
	t.Parallel()
	cc := &countingClient{Client: mgsiClient(t)}
	app, err := NewSingleTable(cc, testTableName(t),
		WithGlobalIndex("ByRegion", KeyAttrs{StringKey("Tenant"), StringKey("Region")}, StringKey("At"), NumberKey("Seq")),
		WithGlobalIndex("GSI1", StringKey("GSI1PK")),
		WithLocalIndex("ByTotal", NumberKey("Total")))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		def  func() error
		msg  string
	}{
		{"unknown index", func() error {
			_, err := DefineEntity[mgOrder](app, "O", Keys("O#{ID}", "O"), IndexFields("Nope"))
			return err
		},
			`IndexFields for unknown index "Nope"`},
		{"field missing", func() error {
			_, err := DefineEntity[mgNoSeq](app, "O", Keys("O#{ID}", "O"), IndexFields("ByRegion"))
			return err
		},
			`has no field stored as key attribute "Seq"`},
		{"field type", func() error {
			_, err := DefineEntity[mgBadSeq](app, "O", Keys("O#{ID}", "O"), IndexFields("ByRegion"))
			return err
		},
			`field Seq (attribute "Seq") encodes as S, the index key attribute is N`},
		{"templates for a multi-attribute index", func() error {
			_, err := DefineEntity[mgOrder](app, "O", Keys("O#{ID}", "O"), IndexKeys("ByRegion", "{Tenant}", "{At}"))
			return err
		}, `index "ByRegion" has a multi-attribute key, which templates cannot build: use IndexFields`},
		{"both", func() error {
			_, err := DefineEntity[mgOrder](app, "O", Keys("O#{ID}", "O"), IndexKeys("GSI1", "{Tenant}"), IndexFields("GSI1"))
			return err
		}, `index "GSI1" given both IndexKeys and IndexFields`},
		{"twice", func() error {
			_, err := DefineEntity[mgOrder](app, "O", Keys("O#{ID}", "O"), IndexFields("ByRegion"), IndexFields("ByRegion"))
			return err
		}, `IndexFields for index "ByRegion" given twice`},
	} {
		if err := tc.def(); !errors.Is(err, ErrInvalidSchema) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want ErrInvalidSchema mentioning %q", tc.name, err, tc.msg)
		}
	}
	orders, err := DefineEntity[mgOrder](app, "Order", Keys("ORDER#{ID}", "ORDER"), IndexFields("ByRegion"), IndexFields("ByTotal"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := app.Table().CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Table().DeleteTable(context.Background()) })
	base := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	var want []string
	for i := range 5 {
		o := mgOrder{ID: fmt.Sprint("o", i), Tenant: "acme", Region: "eu", At: base.Add(time.Duration(i) * time.Hour).In(time.FixedZone("X", 7200)), Seq: i, Total: 10 * i}
		if i == 4 {
			o.Region = "" // sparse
		} else if i >= 1 {
			want = append(want, o.ID)
		}
		if err := orders.Put(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	// Fields that are index keys are stored as keys: the time in KeyTimeLayout.
	raw, err := orders.Item(mgOrder{ID: "x", Tenant: "acme", Region: "eu", At: base.In(time.FixedZone("X", 7200)), Seq: 1})
	if err != nil {
		t.Fatal(err)
	}
	if at, ok := raw["At"].(*types.AttributeValueMemberS); !ok || at.Value != base.Format(KeyTimeLayout) {
		t.Errorf("At stored as %v, want %q", raw["At"], base.Format(KeyTimeLayout))
	}
	got, err := orders.QueryIndex("ByRegion", mgOrder{Tenant: "acme", Region: "eu"}, Ge(base.Add(time.Hour))).Collect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, o := range got {
		ids = append(ids, o.ID)
	}
	if !slices.Equal(ids, want) {
		t.Errorf("QueryIndex: %v, want %v", ids, want)
	}
	if len(got) > 0 && (!got[0].At.Equal(base.Add(time.Hour)) || got[0].Total != 10) {
		t.Errorf("decoded %+v", got[0])
	}
	one, err := orders.QueryIndex("ByRegion", mgOrder{Tenant: "acme", Region: "eu"}, Eq(base.Add(2*time.Hour)), Eq(2)).First(ctx)
	if err != nil || one.ID != "o2" {
		t.Errorf("QueryIndex both sort attributes: %+v, %v", one, err)
	}
	// A local index given IndexFields: the partition from the table's template.
	if got, err := orders.QueryIndex("ByTotal", mgOrder{ID: "o2"}, Ge(20)).Collect(ctx); err != nil || len(got) != 1 || got[0].ID != "o2" {
		t.Errorf("QueryIndex on a local index: %+v, %v", got, err)
	}
	if got, err := orders.QueryIndex("ByTotal", mgOrder{ID: "o2"}, Gt(20)).Collect(ctx); err != nil || len(got) != 0 {
		t.Errorf("QueryIndex on a local index, Total > 20: %+v, %v", got, err)
	}
	before := cc.total()
	_, err = orders.QueryIndex("ByRegion", mgOrder{Tenant: "acme"}).Collect(ctx)
	checkInvalid(t, err, ErrInvalidKey, "Region", "empty string")
	if cc.total() != before {
		t.Error("a request was sent for an invalid QueryIndex")
	}
}
