package ddb_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"
	"time"

	"github.com/ddb-go/ddb"
	"github.com/ddb-go/ddb/ddbtest"
)

// User is stored in table "users", keyed by ID.
type User struct {
	ID    string `ddb:"pk"`
	Name  string
	Email string `ddb:"gsi=ByEmail:pk" dynamodbav:",omitempty"`
}

// Order is stored in table "orders", keyed by customer and time.
type Order struct {
	Customer string    `ddb:"pk"`
	Placed   time.Time `ddb:"sk"`
	Status   string    `ddb:"gsi=ByStatus:pk"`
	Total    int       `ddb:"gsi=ByStatus:sk"`
	Note     string    `dynamodbav:",omitempty"`
}

// newClient starts an in-process DynamoDB-compatible server for an
// example; real code would use dynamodb.NewFromConfig with
// config.LoadDefaultConfig. Call the returned function when done.
func newClient() (ddb.Client, func()) {
	srv := ddbtest.NewUnstartedServer()
	return srv.Client(), srv.Close
}

// createdTable returns the table name of item type T, created on a new
// in-process server.
func createdTable[T any](name string) (*ddb.Table[T], func()) {
	client, done := newClient()
	tbl, err := ddb.NewTable[T](client, name)
	if err != nil {
		log.Fatal(err)
	}
	if err := tbl.CreateTable(context.Background()); err != nil {
		log.Fatal(err)
	}
	return tbl, done
}

// usersTable returns a created "users" table holding u1 (Ada) and, when
// withGrace, u2 (Grace, with an email).
func usersTable(withGrace bool) (*ddb.Table[User], func()) {
	users, done := createdTable[User]("users")
	ctx := context.Background()
	seed := []User{{ID: "u1", Name: "Ada"}}
	if withGrace {
		seed = append(seed, User{ID: "u2", Name: "Grace", Email: "grace@example.com"})
	}
	for _, u := range seed {
		if err := users.Put(ctx, u); err != nil {
			log.Fatal(err)
		}
	}
	return users, done
}

// ordersTable returns a created "orders" table holding orders of c1
// placed on May 1st to 5th, 2024, for 50, 100, ..., 250.
func ordersTable() (*ddb.Table[Order], func()) {
	orders, done := createdTable[Order]("orders")
	ctx := context.Background()
	for i := range 5 {
		o := Order{Customer: "c1", Placed: day(i + 1), Status: "open", Total: 50 * (i + 1)}
		if err := orders.Put(ctx, o); err != nil {
			log.Fatal(err)
		}
	}
	return orders, done
}

// day returns May d, 2024, midnight UTC.
func day(d int) time.Time { return time.Date(2024, 5, d, 0, 0, 0, 0, time.UTC) }

func ExampleNewTable() {
	client, done := newClient()
	defer done()
	users, err := ddb.NewTable[User](client, "users")
	if err != nil {
		log.Fatal(err) // e.g. a struct without a ddb:"pk" field
	}
	fmt.Println(users.Name())

	type NoKey struct{ Name string }
	_, err = ddb.NewTable[NoKey](client, "nokey")
	fmt.Println(errors.Is(err, ddb.ErrInvalidSchema))
	// Output:
	// users
	// true
}

func ExampleNewTable_map() {
	client, done := newClient()
	defer done()
	ctx := context.Background()
	// Items without a struct type describe their key with WithKey.
	events, err := ddb.NewTable[map[string]any](client, "events",
		ddb.WithKey(ddb.StringKey("stream"), ddb.NumberKey("seq")))
	if err != nil {
		log.Fatal(err)
	}
	if err := events.CreateTable(ctx); err != nil {
		log.Fatal(err)
	}
	err = events.Put(ctx, map[string]any{"stream": "s1", "seq": 1, "kind": "login", "any attribute": true})
	if err != nil {
		log.Fatal(err)
	}
	e, err := events.Get(ctx, ddb.Key{"s1", 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(e["kind"], e["any attribute"], e["seq"])
	// Output: login true 1
}

func ExampleTable_Put() {
	users, done := usersTable(false)
	defer done()
	ctx := context.Background()

	// Replace the stored user, getting the previous version back.
	var old *User
	err := users.Put(ctx, User{ID: "u1", Name: "Ada Lovelace"}, ddb.ReturnOld(&old))
	if err != nil {
		log.Fatal(err)
	}
	if old != nil {
		fmt.Println("replaced", old.Name)
	}

	// Only if absent: u1 exists, so the condition fails.
	err = users.Put(ctx, User{ID: "u1", Name: "Grace"}, ddb.If(ddb.Attr("ID").NotExists()))
	fmt.Println(errors.Is(err, ddb.ErrConditionFailed))
	// Output:
	// replaced Ada
	// true
}

func ExampleTable_Get() {
	users, done := usersTable(false)
	defer done()
	ctx := context.Background()
	u, err := users.Get(ctx, ddb.Key{"u1"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Name)

	_, err = users.Get(ctx, ddb.Key{"nobody"})
	fmt.Println(errors.Is(err, ddb.ErrNotFound))

	// With options: a consistent read of some attributes.
	u, err = users.Get(ctx, ddb.Key{"u1"}, ddb.Consistent(), ddb.Project(ddb.Attr("Name")))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.ID, u.Name)

	// A key that does not fit the table fails before any request.
	_, err = users.Get(ctx, ddb.Key{"u1", 2})
	fmt.Println(err)
	// Output:
	// Ada
	// true
	// u1 Ada
	// ddb: Get users: table "users" key is (ID S); got 2 values
}

func ExampleTable_Delete() {
	orders, done := ordersTable()
	defer done()
	ctx := context.Background()
	if err := orders.Delete(ctx, ddb.Key{"c1", day(1)}); err != nil {
		log.Fatal(err)
	}
	// Delete only cancelled orders, keeping what was deleted.
	var old *Order
	err := orders.Delete(ctx, ddb.Key{"c1", day(2)},
		ddb.If(ddb.Attr("Status").Eq("cancelled")), ddb.ReturnOld(&old))
	fmt.Println(errors.Is(err, ddb.ErrConditionFailed), old == nil)
	err = orders.Delete(ctx, ddb.Key{"c1", day(2)},
		ddb.If(ddb.Attr("Status").Eq("open")), ddb.ReturnOld(&old))
	fmt.Println(err, old.Total)
	n, _ := orders.Query("c1").Count(ctx)
	fmt.Println(n, "orders left")
	// Output:
	// true true
	// <nil> 100
	// 3 orders left
}

func ExampleTable_Replace() {
	users, done := usersTable(false)
	defer done()
	ctx := context.Background()
	// Replace writes only over an existing item.
	err := users.Replace(ctx, User{ID: "u1", Name: "Ada Lovelace"})
	fmt.Println(err)
	err = users.Replace(ctx, User{ID: "u9", Name: "Nobody"})
	fmt.Println(errors.Is(err, ddb.ErrConditionFailed))
	// Output:
	// <nil>
	// true
}

func ExampleTable_Describe() {
	users, done := usersTable(false)
	defer done()
	d, err := users.Describe(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Name, d.Status, d.PK)
	for _, ix := range d.GlobalIndexes {
		fmt.Println(ix.Name, ix.PK)
	}
	// Output:
	// users ACTIVE {ID S}
	// ByEmail [{Email S}]
}

func ExampleQuery_All() {
	orders, done := ordersTable()
	defer done()
	ctx := context.Background()
	since := day(3)

	// c1's orders since May 3rd, newest first, 2 at most.
	for o, err := range orders.Query("c1", ddb.Ge(since)).Desc().Limit(2).All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(o.Placed.Format(time.DateOnly), o.Total)
	}

	// Big open orders, through the ByStatus index.
	big := orders.Query("open", ddb.Gt(100)).Index("ByStatus")
	n, err := big.Count(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "big open orders")
	// Output:
	// 2024-05-05 250
	// 2024-05-04 200
	// 3 big open orders
}

func ExampleScan() {
	users, done := usersTable(true)
	defer done()
	ctx := context.Background()
	for u, err := range users.Scan().Filter(ddb.Attr("Email").Exists()).All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(u.ID, u.Email)
	}
	// Output: u2 grace@example.com
}

func ExampleQuery_Pages() {
	orders, done := ordersTable()
	defer done()
	ctx := context.Background()

	// Serve one page of 2 orders per call; the cursor (from a previous
	// response, "" for the first page) says where to continue, and is ""
	// after the last page.
	listPage := func(cursor string) ([]Order, string, error) {
		q := orders.Query("c1").PageSize(2).StartFrom(cursor)
		for page, err := range q.Pages(ctx) {
			return page.Items, page.Cursor, err
		}
		return nil, "", nil
	}
	cursor := ""
	for {
		items, next, err := listPage(cursor)
		if err != nil {
			log.Fatal(err) // a foreign or modified cursor gives ddb.ErrInvalidCursor
		}
		fmt.Println(len(items), "orders; more:", next != "")
		if next == "" {
			break
		}
		cursor = next
	}
	// Output:
	// 2 orders; more: true
	// 2 orders; more: true
	// 1 orders; more: false
}

func ExampleWithCursorKeys() {
	client, done := newClient()
	defer done()
	ctx := context.Background()
	// Cursors handed to clients are sealed with AES-GCM: the first key
	// seals, every key opens (rotate by putting a new key first).
	current, previous := []byte("0123456789abcdef0123456789abcdef"), []byte("fedcba9876543210")
	orders, err := ddb.NewTable[Order](client, "orders", ddb.WithCursorKeys(current, previous))
	if err != nil {
		log.Fatal(err)
	}
	if err := orders.CreateTable(ctx); err != nil {
		log.Fatal(err)
	}
	for i := range 3 {
		_ = orders.Put(ctx, Order{Customer: "c1", Placed: day(i + 1), Status: "open"})
	}
	var cursor string
	for page, err := range orders.Query("c1").PageSize(2).Pages(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		cursor = page.Cursor
		break
	}
	rest, err := orders.Query("c1").PageSize(2).StartFrom(cursor).Collect(ctx)
	fmt.Println(len(rest), err)
	_, err = orders.Query("c1").StartFrom(cursor[:len(cursor)-2] + "xx").Collect(ctx)
	fmt.Println(errors.Is(err, ddb.ErrInvalidCursor))
	// Output:
	// 1 <nil>
	// true
}

func ExampleLogRequests() {
	client, done := newClient()
	defer done()
	// Log every request as text; LogRequests(nil) logs to slog.Default().
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			switch a.Key {
			case slog.TimeKey, "duration", "rcu", "wcu", "err":
				return slog.Attr{} // vary from run to run (the error holds a request id)
			}
			return a
		},
	}))
	users, err := ddb.NewTable[User](client, "users",
		ddb.WithObserve(ddb.OnRequest(ddb.LogRequests(logger))))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if err := users.Ensure(ctx); err != nil { // the missing table is not a warning
		log.Fatal(err)
	}
	_, err = users.Get(ctx, ddb.Key{"u1"})
	fmt.Println(errors.Is(err, ddb.ErrNotFound))
	// Output:
	// level=DEBUG msg="ddb request" op=DescribeTable table=users
	// level=DEBUG msg="ddb request" op=CreateTable table=users
	// level=DEBUG msg="ddb request" op=DescribeTable table=users
	// level=DEBUG msg="ddb request" op=GetItem table=users
	// true
}

func ExampleObserve() {
	client, done := newClient()
	defer done()
	ctx := context.Background()
	// Observe wraps any client: here, to count the capacity of requests
	// sent outside of a Table.
	var n int
	var used ddb.ConsumedCapacity
	observed := ddb.Observe(client, ddb.OnRequest(func(_ context.Context, ri ddb.RequestInfo) {
		n++
		used.Read += ri.Capacity.Read
		used.Write += ri.Capacity.Write
	}))
	users, err := ddb.NewTable[User](observed, "users")
	if err != nil {
		log.Fatal(err)
	}
	if err := users.CreateTable(ctx); err != nil {
		log.Fatal(err)
	}
	before := n
	_ = users.Put(ctx, User{ID: "u1", Name: "Ada"})
	_, _ = users.Get(ctx, ddb.Key{"u1"})
	fmt.Println(n-before, "requests;", used.Write, "WCU,", used.Read, "RCU")
	// Output: 2 requests; 1 WCU, 0.5 RCU
}
