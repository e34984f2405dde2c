package ddb

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The single-table model of the tests: customers, their orders and the
// orders' lines share one table and a partition per customer.
type stCustomer struct {
	ID    string
	Name  string
	Email string
}

type stOrder struct {
	CustomerID string
	ID         string
	Date       time.Time
	Status     string
	Total      int
}

type stLine struct {
	CustomerID string
	OrderID    string
	Line       int
	SKU        string
	Qty        int
}

type stModel struct {
	app       *SingleTable
	customers *Entity[stCustomer]
	orders    *Entity[stOrder]
	lines     *Entity[stLine]
}

// newSingleTable creates the model's table on the test server.
func newSingleTable(t testing.TB) stModel {
	t.Helper()
	app, err := NewSingleTable(newTestClient(t), testTableName(t),
		WithGlobalIndex("GSI1", StringKey("GSI1PK"), StringKey("GSI1SK")))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := app.Table().CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Table().DeleteTable(context.Background()) })
	m := stModel{app: app}
	m.customers = must(DefineEntity[stCustomer](app, "Customer",
		Keys("CUSTOMER#{ID}", "PROFILE"),
		IndexKeys("GSI1", "EMAIL#{Email}", "CUSTOMER")))
	m.orders = must(DefineEntity[stOrder](app, "Order",
		Keys("CUSTOMER#{CustomerID}", "ORDER#{Date:2006-01-02}#{ID}"),
		IndexKeys("GSI1", "STATUS#{Status}", "{Date:2006-01-02}#{ID}")))
	m.lines = must(DefineEntity[stLine](app, "OrderLine",
		Keys("CUSTOMER#{CustomerID}", "LINE#{OrderID}#{Line:3}")))
	return m
}

func must[V any](v V, err error) V {
	if err != nil {
		panic(err)
	}
	return v
}

func day(s string) time.Time { return must(time.Parse("2006-01-02", s)) }

func TestSingleTableRoundTrip(t *testing.T) {
	t.Parallel()
	m := newSingleTable(t)
	ctx := context.Background()
	c1 := stCustomer{ID: "c1", Name: "Ada", Email: "ada@example.com"}
	o1 := stOrder{CustomerID: "c1", ID: "o1", Date: day("2024-05-01"), Status: "open", Total: 30}
	o2 := stOrder{CustomerID: "c1", ID: "o2", Date: day("2024-06-01"), Status: "shipped", Total: 12}
	l1 := stLine{CustomerID: "c1", OrderID: "o1", Line: 1, SKU: "tea", Qty: 2}
	l2 := stLine{CustomerID: "c1", OrderID: "o1", Line: 2, SKU: "jam", Qty: 1}
	for _, err := range []error{
		m.customers.Put(ctx, c1),
		m.orders.Put(ctx, o1), m.orders.Put(ctx, o2),
		m.lines.Put(ctx, l1), m.lines.Put(ctx, l2),
		m.customers.Put(ctx, stCustomer{ID: "c2", Name: "Bob"}), // no Email: not in GSI1
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	// The stored item: attributes, rendered keys, type attribute.
	raw, err := m.orders.Item(o1)
	if err != nil {
		t.Fatal(err)
	}
	for attr, want := range map[string]string{"PK": "CUSTOMER#c1", "SK": "ORDER#2024-05-01#o1", "GSI1PK": "STATUS#open", "GSI1SK": "2024-05-01#o1", "_type": "Order"} {
		if got, ok := raw[attr].(*types.AttributeValueMemberS); !ok || got.Value != want {
			t.Errorf("item attribute %s = %v, want %q", attr, raw[attr], want)
		}
	}
	// Get by key fields.
	if got, err := m.orders.Get(ctx, stOrder{CustomerID: "c1", ID: "o2", Date: day("2024-06-01")}); err != nil || !got.Date.Equal(o2.Date) || got.Total != 12 {
		t.Errorf("Get order = %+v, %v", got, err)
	}
	if _, err := m.customers.Get(ctx, stCustomer{ID: "nobody"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get missing customer = %v, want ErrNotFound", err)
	}
	// An item of an unknown type in the collection, and one without type.
	if err := m.app.Table().Put(ctx, Item{raw: map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: "CUSTOMER#c1"}, "SK": &types.AttributeValueMemberS{Value: "ZNOTE#1"},
		"_type": &types.AttributeValueMemberS{Value: "Note"}, "Text": &types.AttributeValueMemberS{Value: "call back"},
	}}); err != nil {
		t.Fatal(err)
	}
	if err := m.app.Table().Put(ctx, Item{raw: map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: "CUSTOMER#c1"}, "SK": &types.AttributeValueMemberS{Value: "ZZ"},
	}}); err != nil {
		t.Fatal(err)
	}
	// The whole collection of c1, decoded by type.
	var got []string
	for it, err := range m.customers.Collection(c1).All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		switch v := it.Value().(type) {
		case stCustomer:
			got = append(got, "customer "+v.Name)
		case stOrder:
			got = append(got, fmt.Sprintf("order %s %d", v.ID, v.Total))
		case stLine:
			got = append(got, fmt.Sprintf("line %s/%d %s", v.OrderID, v.Line, v.SKU))
		case Unknown:
			got = append(got, fmt.Sprintf("unknown %q %d attrs", v.Type, len(v.Item)))
		default:
			t.Fatalf("unexpected value %T", v)
		}
	}
	want := []string{"line o1/1 tea", "line o1/2 jam", "order o1 30", "order o2 12", "customer Ada", `unknown "Note" 4 attrs`, `unknown "" 2 attrs`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("collection:\n got %q\nwant %q", got, want)
	}
	// As picks one type; Type names the entity.
	var orders []stOrder
	for it, err := range m.app.Query("CUSTOMER#c1", BeginsWith("ORDER#")).All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if o, ok := As[stOrder](it); ok && it.Type() == "Order" {
			orders = append(orders, o)
		}
		if _, ok := As[stCustomer](it); ok {
			t.Errorf("As[stCustomer] accepted a %s", it.Type())
		}
	}
	if len(orders) != 2 || orders[0].ID != "o1" || orders[1].ID != "o2" {
		t.Errorf("orders by As = %+v", orders)
	}
	// Entity queries: only the entity's items, by sort key prefix and type.
	lines, err := m.lines.Query(stLine{CustomerID: "c1"}).Collect(ctx)
	if err != nil || len(lines) != 2 || lines[0] != l1 || lines[1] != l2 {
		t.Errorf("lines = %+v, %v", lines, err)
	}
	recent, err := m.orders.Query(stOrder{CustomerID: "c1"}, Ge("ORDER#2024-06")).Collect(ctx)
	if err != nil || len(recent) != 1 || recent[0].ID != "o2" {
		t.Errorf("orders since June = %+v, %v", recent, err)
	}
	// Index queries with the index's templates; sparse for customers.
	open, err := m.orders.QueryIndex("GSI1", stOrder{Status: "open"}).Collect(ctx)
	if err != nil || len(open) != 1 || open[0].ID != "o1" {
		t.Errorf("open orders = %+v, %v", open, err)
	}
	byEmail, err := m.customers.QueryIndex("GSI1", stCustomer{Email: "ada@example.com"}).First(ctx)
	if err != nil || byEmail.ID != "c1" {
		t.Errorf("customer by email = %+v, %v", byEmail, err)
	}
	if n, err := m.app.Scan().Index("GSI1").Count(ctx); err != nil || n != 3 {
		t.Errorf("GSI1 holds %d items, %v; want 3 (Bob has no email)", n, err)
	}
	// Delete checks the entity type.
	if err := m.customers.Delete(ctx, stCustomer{ID: "c1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.customers.Get(ctx, c1); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete = %v", err)
	}
	// Get of a key holding another entity is not found.
	clash := must(DefineEntity[struct{ CustomerID, Name string }](m.app, "Clash", Keys("CUSTOMER#{CustomerID}", "ZNOTE#1")))
	if _, err := clash.Get(ctx, struct{ CustomerID, Name string }{CustomerID: "c1"}); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `"Note"`) {
		t.Errorf("Get of another entity's item = %v", err)
	}
	if err := clash.Delete(ctx, struct{ CustomerID, Name string }{CustomerID: "c1"}); !errors.Is(err, ErrConditionFailed) {
		t.Errorf("Delete of another entity's item = %v, want ErrConditionFailed", err)
	}
}

func TestDefineEntityErrors(t *testing.T) {
	t.Parallel()
	app, err := NewSingleTable(unreachableClient(), "single",
		WithGlobalIndex("GSI1", StringKey("GSI1PK"), StringKey("GSI1SK")),
		WithLocalIndex("LSI1", StringKey("LSI1SK")))
	if err != nil {
		t.Fatal(err)
	}
	type user struct {
		ID      string
		Created time.Time
		Tags    []string
		PK      string // clashes with the key attribute
	}
	type plain struct {
		ID   string
		Seq  int
		Tags []string
	}
	tests := []struct {
		name string
		def  func() error
	}{
		{"unknown field", func() error { _, err := DefineEntity[plain](app, "P", Keys("P#{Nope}", "X")); return err }},
		{"unclosed brace", func() error { _, err := DefineEntity[plain](app, "P", Keys("P#{ID", "X")); return err }},
		{"stray brace", func() error { _, err := DefineEntity[plain](app, "P", Keys("P#ID}", "X")); return err }},
		{"no keys", func() error { _, err := DefineEntity[plain](app, "P"); return err }},
		{"missing sort key", func() error { _, err := DefineEntity[plain](app, "P", Keys("P#{ID}")); return err }},
		{"unsupported field type", func() error { _, err := DefineEntity[plain](app, "P", Keys("P#{Tags}", "X")); return err }},
		{"bad int width", func() error { _, err := DefineEntity[plain](app, "P", Keys("P#{Seq:x}", "X")); return err }},
		{"format on string", func() error { _, err := DefineEntity[plain](app, "P", Keys("P#{ID:5}", "X")); return err }},
		{"unknown index", func() error {
			_, err := DefineEntity[plain](app, "P", Keys("P#{ID}", "X"), IndexKeys("Nope", "a", "b"))
			return err
		}},
		{"index without pk template", func() error {
			_, err := DefineEntity[plain](app, "P", Keys("P#{ID}", "X"), IndexKeys("GSI1", "", "b"))
			return err
		}},
		{"local index with pk template", func() error {
			_, err := DefineEntity[plain](app, "P", Keys("P#{ID}", "X"), IndexKeys("LSI1", "a", "b"))
			return err
		}},
		{"attribute clash", func() error { _, err := DefineEntity[user](app, "U", Keys("U#{ID}", "X")); return err }},
		{"not a struct", func() error { _, err := DefineEntity[map[string]any](app, "M", Keys("M", "X")); return err }},
		{"empty name", func() error { _, err := DefineEntity[plain](app, "", Keys("P#{ID}", "X")); return err }},
		{"duplicate name", func() error {
			if _, err := DefineEntity[plain](app, "Dup", Keys("P#{ID}", "X")); err != nil {
				return nil
			}
			_, err := DefineEntity[struct{ ID string }](app, "Dup", Keys("P#{ID}", "X"))
			return err
		}},
		{"duplicate type", func() error {
			if _, err := DefineEntity[struct{ A string }](app, "A1", Keys("A#{A}", "X")); err != nil {
				return nil
			}
			_, err := DefineEntity[struct{ A string }](app, "A2", Keys("A#{A}", "X"))
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.def(); !errors.Is(err, ErrInvalidSchema) {
				t.Errorf("err = %v, want ErrInvalidSchema", err)
			}
		})
	}
	// Numeric table keys cannot take templates.
	num, err := NewSingleTable(unreachableClient(), "single-num", WithKey(NumberKey("PK")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DefineEntity[plain](num, "P", Keys("{Seq}")); !errors.Is(err, ErrInvalidSchema) {
		t.Errorf("template for a number key: %v", err)
	}
	// The type attribute can be renamed, but not to a key.
	kinds := must(NewSingleTable(unreachableClient(), "single-kind", WithTypeAttr("kind")))
	if raw, err := must(DefineEntity[plain](kinds, "P", Keys("P#{ID}", "X"))).Item(plain{ID: "a"}); err != nil || kinds.TypeAttr() != "kind" || raw["kind"] == nil || raw["_type"] != nil {
		t.Errorf("WithTypeAttr: item %v, %v", raw, err)
	}
	for _, opts := range [][]TableOption{{WithTypeAttr("SK")}, {WithTypeAttr("G"), WithGlobalIndex("GSI", StringKey("G"))}} {
		if _, err := NewSingleTable(unreachableClient(), "single-kind", opts...); !errors.Is(err, ErrInvalidSchema) {
			t.Errorf("type attribute on a key: %v", err)
		}
	}
	// Bad key values fail before any request.
	ents := must(DefineEntity[plain](must(NewSingleTable(unreachableClient(), "single-2")), "P", Keys("P#{ID}", "S#{Seq:4}")))
	ctx := context.Background()
	if err := ents.Put(ctx, plain{Seq: 1}); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("Put with empty key field = %v, want ErrInvalidKey", err)
	}
	if _, err := ents.Query(plain{}).Collect(ctx); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("Query with empty key field = %v, want ErrInvalidKey", err)
	}
	if _, err := ents.QueryIndex("Nope", plain{ID: "x"}).Collect(ctx); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("QueryIndex of unknown index = %v, want ErrInvalidInput", err)
	}
	raw, err := ents.Item(plain{ID: "a", Seq: 7})
	if err != nil || raw["SK"].(*types.AttributeValueMemberS).Value != "S#0007" {
		t.Errorf("padded key = %v, %v", raw["SK"], err)
	}
}

// BenchmarkDecodeCollection compares decoding a page of mixed entity types
// into their Go types with decoding a page of one type.
func BenchmarkDecodeCollection(b *testing.B) {
	app := must(NewSingleTable(unreachableClient(), "bench"))
	orders := must(DefineEntity[stOrder](app, "Order", Keys("CUSTOMER#{CustomerID}", "ORDER#{ID}")))
	lines := must(DefineEntity[stLine](app, "OrderLine", Keys("CUSTOMER#{CustomerID}", "LINE#{OrderID}#{Line:3}")))
	customers := must(DefineEntity[stCustomer](app, "Customer", Keys("CUSTOMER#{ID}", "PROFILE")))
	var mixed, single []map[string]types.AttributeValue
	for i := range 99 {
		o := stOrder{CustomerID: "c1", ID: fmt.Sprint(i), Date: day("2024-05-01"), Status: "open", Total: i}
		single = append(single, must(orders.Item(o)))
		switch i % 3 {
		case 0:
			mixed = append(mixed, must(orders.Item(o)))
		case 1:
			mixed = append(mixed, must(lines.Item(stLine{CustomerID: "c1", OrderID: "o", Line: i, SKU: "tea", Qty: 2})))
		default:
			mixed = append(mixed, must(customers.Item(stCustomer{ID: fmt.Sprint(i), Name: "Ada", Email: "ada@example.com"})))
		}
	}
	b.Run("mixed", func(b *testing.B) {
		for range b.N {
			for _, raw := range mixed {
				if _, err := app.decodeItem(raw); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(mixed)), "ns/item")
	})
	b.Run("single-type", func(b *testing.B) {
		for range b.N {
			for _, raw := range single {
				if _, err := orders.reads.decode("Query", raw); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(single)), "ns/item")
	})
	b.Run("single-type-via-item", func(b *testing.B) {
		for range b.N {
			for _, raw := range single {
				if _, err := app.decodeItem(raw); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(single)), "ns/item")
	})
}
