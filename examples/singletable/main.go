// Singletable stores customers, their orders and the orders' lines in one
// DynamoDB table (single-table design) with ddb's entities.
//
// Table layout (keys are strings):
//
//	entity     PK                SK                          GSI1PK           GSI1SK
//	Customer   CUSTOMER#<id>     PROFILE                     EMAIL#<email>    CUSTOMER
//	Order      CUSTOMER#<cust>   ORDER#<yyyy-mm-dd>#<id>     -                -
//	OrderLine  CUSTOMER#<cust>   LINE#<order>#<nnn>          -                -
//
// The global index ByStatus has a multi-attribute key made of Order's own
// attributes: partition key Status, sort key (Date, ID). Before DynamoDB's
// multi-attribute keys, the same access pattern needed synthetic GSI1
// attributes rendered from templates, kept in step with Status and Date:
//
//	ddb.IndexKeys("GSI1", "STATUS#{Status}", "{Date:2006-01-02}#{ID}")   // before
//	ddb.IndexFields("ByStatus")                                          // after
//
// Access patterns:
//
//  1. Get a customer by id                    Entity.Get on PK/SK
//  2. Find a customer by email                 QueryIndex GSI1, EMAIL#<email>
//  3. A customer's page: profile, orders and   Query of the item collection
//     lines in one request                     CUSTOMER#<id>, decoded by type
//  4. A customer's orders in a date range      Query PK, SK between ORDER#<from> and ORDER#<to>
//  5. The lines of one order                   Query PK, SK begins_with LINE#<order>#
//  6. Open orders across customers, by date    QueryIndex ByStatus, Status = open
//  7. Open orders of one day                   QueryIndex ByStatus, Status = open, Date in that day
//
// It talks to DDB_ENDPOINT when set (for example ddblocal, or DynamoDB),
// otherwise to an in-process ddbtest server. (dynalite does not support
// multi-attribute index keys.)
package main

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/ddb-go/ddb"
	"github.com/ddb-go/ddb/examples/internal/connect"
)

// Customer is a customer profile.
type Customer struct {
	ID    string
	Name  string
	Email string `dynamodbav:",omitempty"`
}

// Order is an order of a customer.
type Order struct {
	CustomerID string
	ID         string
	Date       time.Time
	Status     string
	Total      int // cents
}

// OrderLine is one line of an order.
type OrderLine struct {
	CustomerID string
	OrderID    string
	Line       int
	SKU        string
	Qty        int
	Price      int // cents
}

// Model holds the table and its entities.
type Model struct {
	App       *ddb.SingleTable
	Customers *ddb.Entity[Customer]
	Orders    *ddb.Entity[Order]
	Lines     *ddb.Entity[OrderLine]
}

// NewModel declares the entities of the table called name.
func NewModel(client ddb.Client, name string) (*Model, error) {
	app, err := ddb.NewSingleTable(client, name,
		ddb.WithGlobalIndex("GSI1", ddb.StringKey("GSI1PK"), ddb.StringKey("GSI1SK")),
		ddb.WithGlobalIndex("ByStatus", ddb.StringKey("Status"), ddb.StringKey("Date"), ddb.StringKey("ID")))
	if err != nil {
		return nil, err
	}
	m := &Model{App: app}
	if m.Customers, err = ddb.DefineEntity[Customer](app, "Customer",
		ddb.Keys("CUSTOMER#{ID}", "PROFILE"),
		ddb.IndexKeys("GSI1", "EMAIL#{Email}", "CUSTOMER")); err != nil {
		return nil, err
	}
	if m.Orders, err = ddb.DefineEntity[Order](app, "Order",
		ddb.Keys("CUSTOMER#{CustomerID}", "ORDER#{Date:2006-01-02}#{ID}"),
		ddb.IndexFields("ByStatus")); err != nil {
		return nil, err
	}
	if m.Lines, err = ddb.DefineEntity[OrderLine](app, "OrderLine",
		ddb.Keys("CUSTOMER#{CustomerID}", "LINE#{OrderID}#{Line:3}")); err != nil {
		return nil, err
	}
	return m, nil
}

func main() {
	ctx := context.Background()
	client, done := connect.Client()
	defer done()

	m, err := NewModel(client, fmt.Sprintf("singletable-%d", time.Now().UnixNano()))
	if err != nil {
		log.Fatal(err)
	}
	if err := m.App.Table().CreateTable(ctx); err != nil {
		log.Fatal(err)
	}
	defer m.App.Table().DeleteTable(ctx)

	if err := seed(ctx, m); err != nil {
		log.Fatal(err)
	}

	// 1. Get a customer by id.
	ada, err := m.Customers.Get(ctx, Customer{ID: "c1"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("1. customer c1:", ada.Name)

	// 2. Find a customer by email.
	byEmail, err := m.Customers.QueryIndex("GSI1", Customer{Email: "grace@example.com"}).First(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("2. grace@example.com is customer", byEmail.ID)

	// 3. A customer's page in one query: every item of the collection,
	// decoded into its own type.
	fmt.Println("3. customer page of c1:")
	for it, err := range m.Customers.Collection(Customer{ID: "c1"}).All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		switch v := it.Value().(type) {
		case Customer:
			fmt.Printf("   profile  %s <%s>\n", v.Name, v.Email)
		case Order:
			fmt.Printf("   order    %s %s %-7s %6.2f\n", v.ID, v.Date.Format("2006-01-02"), v.Status, float64(v.Total)/100)
		case OrderLine:
			fmt.Printf("   line     %s/%d %dx %s\n", v.OrderID, v.Line, v.Qty, v.SKU)
		case ddb.Unknown:
			fmt.Printf("   unknown item type %q\n", v.Type)
		}
	}

	// 4. A customer's orders in a date range (sort key range).
	fmt.Println("4. orders of c1 in May 2024:")
	may, err := m.Orders.Query(Order{CustomerID: "c1"}, ddb.Between("ORDER#2024-05-01", "ORDER#2024-05-31~")).Collect(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, o := range may {
		fmt.Printf("   %s %s\n", o.ID, o.Date.Format("2006-01-02"))
	}

	// 5. The lines of one order.
	lines, err := m.Lines.Query(OrderLine{CustomerID: "c1"}, ddb.BeginsWith("LINE#o1#")).Collect(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("5. order o1 has %d lines\n", len(lines))

	// 6. Open orders of every customer, oldest first: ByStatus's sort key
	// is (Date, ID), the orders' own attributes.
	fmt.Println("6. open orders:")
	for o, err := range m.Orders.QueryIndex("ByStatus", Order{Status: "open"}).All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("   %s of %s on %s\n", o.ID, o.CustomerID, o.Date.Format("2006-01-02"))
	}

	// 7. Open orders of May 20th: a range on the first sort key attribute
	// (a time, stored so that text order is time order).
	may20 := time.Date(2024, 5, 20, 0, 0, 0, 0, time.UTC)
	day, err := m.Orders.QueryIndex("ByStatus", Order{Status: "open"}, ddb.Between(may20, may20.Add(24*time.Hour-1))).Collect(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("7. %d open order(s) on 2024-05-20\n", len(day))
}

// seed writes a few customers, orders and lines.
func seed(ctx context.Context, m *Model) error {
	day := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	customers := []Customer{
		{ID: "c1", Name: "Ada Lovelace", Email: "ada@example.com"},
		{ID: "c2", Name: "Grace Hopper", Email: "grace@example.com"},
	}
	orders := []Order{
		{CustomerID: "c1", ID: "o1", Date: day("2024-05-02"), Status: "shipped", Total: 1250},
		{CustomerID: "c1", ID: "o2", Date: day("2024-05-20"), Status: "open", Total: 480},
		{CustomerID: "c1", ID: "o3", Date: day("2024-06-11"), Status: "open", Total: 999},
		{CustomerID: "c2", ID: "o4", Date: day("2024-05-07"), Status: "open", Total: 300},
	}
	lines := []OrderLine{
		{CustomerID: "c1", OrderID: "o1", Line: 1, SKU: "tea", Qty: 2, Price: 450},
		{CustomerID: "c1", OrderID: "o1", Line: 2, SKU: "teapot", Qty: 1, Price: 350},
		{CustomerID: "c1", OrderID: "o2", Line: 1, SKU: "scones", Qty: 4, Price: 120},
	}
	for _, c := range customers {
		if err := m.Customers.Put(ctx, c); err != nil {
			return err
		}
	}
	for _, o := range orders {
		if err := m.Orders.Put(ctx, o); err != nil {
			return err
		}
	}
	for _, l := range lines {
		if err := m.Lines.Put(ctx, l); err != nil {
			return err
		}
	}
	return nil
}
