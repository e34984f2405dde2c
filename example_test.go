package ddb_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/ddb-go/ddb"
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
}

// client stands in for a configured client; real code would use
// dynamodb.NewFromConfig with config.LoadDefaultConfig.
var client = dynamodb.New(dynamodb.Options{Region: "us-east-1"})

func ExampleNewTable() {
	users, err := ddb.NewTable[User](client, "users")
	if err != nil {
		log.Fatal(err) // e.g. a struct without a ddb:"pk" field
	}
	fmt.Println(users.Name())
}

func ExampleNewTable_map() {
	// Items without a struct type describe their key with WithKey.
	events, err := ddb.NewTable[map[string]any](client, "events",
		ddb.WithKey(ddb.StringKey("stream"), ddb.NumberKey("seq")))
	if err != nil {
		log.Fatal(err)
	}
	_ = events
}

func ExampleTable_Put() {
	ctx := context.Background()
	users, _ := ddb.NewTable[User](client, "users")

	// Replace the stored user, getting the previous version back.
	var old *User
	err := users.Put(ctx, User{ID: "u1", Name: "Ada"}, ddb.ReturnOld(&old))
	if err != nil {
		log.Fatal(err)
	}
	if old != nil {
		fmt.Println("replaced", old.Name)
	}

	// Create only: fail if the user already exists.
	err = users.Put(ctx, User{ID: "u2", Name: "Grace"}, ddb.If(ddb.Attr("ID").NotExists()))
	if errors.Is(err, ddb.ErrConditionFailed) {
		fmt.Println("u2 already exists")
	}
}

func ExampleTable_Get() {
	ctx := context.Background()
	users, _ := ddb.NewTable[User](client, "users")
	u, err := users.Get(ctx, "u1")
	switch {
	case errors.Is(err, ddb.ErrNotFound):
		fmt.Println("no such user")
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println(u.Name)
	}

	// With options: a consistent read of some attributes.
	u, err = users.GetOpt(ctx, ddb.Key{"u1"}, ddb.Consistent(), ddb.Project(ddb.Attr("Name")))
	if err == nil {
		fmt.Println(u.Name)
	}
}

func ExampleTable_Delete() {
	ctx := context.Background()
	orders, _ := ddb.NewTable[Order](client, "orders")
	placed := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	if err := orders.Delete(ctx, "c1", placed); err != nil {
		log.Fatal(err)
	}
	// Delete only cancelled orders, keeping what was deleted.
	var old *Order
	err := orders.DeleteOpt(ctx, ddb.Key{"c1", placed},
		ddb.If(ddb.Attr("Status").Eq("cancelled")), ddb.ReturnOld(&old))
	if err != nil && !errors.Is(err, ddb.ErrConditionFailed) {
		log.Fatal(err)
	}
}

func ExampleQuery_All() {
	ctx := context.Background()
	orders, _ := ddb.NewTable[Order](client, "orders")
	since := time.Now().AddDate(0, -1, 0)

	// The last month's orders of c1, newest first, 20 at most.
	for o, err := range orders.Query("c1", ddb.Ge(since)).Desc().Limit(20).All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(o.Placed, o.Total)
	}

	// Big open orders, through the ByStatus index.
	big := orders.Query("open", ddb.Gt(100)).Index("ByStatus")
	n, err := big.Count(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "big open orders")
}

func ExampleScan() {
	ctx := context.Background()
	users, _ := ddb.NewTable[User](client, "users")
	for u, err := range users.Scan().Filter(ddb.Attr("Email").Exists()).All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(u.ID, u.Email)
	}
}

func ExampleQuery_Pages() {
	ctx := context.Background()
	orders, _ := ddb.NewTable[Order](client, "orders")

	// Serve one page of 25 orders per call; the cursor (from a previous
	// response, "" for the first page) says where to continue.
	listPage := func(cursor string) ([]Order, string, error) {
		q := orders.Query("c1").Limit(25).StartFrom(cursor)
		for page, err := range q.Pages(ctx) {
			return page.Items, page.Cursor, err
		}
		return nil, "", nil
	}
	items, next, err := listPage("")
	if err != nil {
		log.Fatal(err) // a foreign or modified cursor gives ddb.ErrInvalidCursor
	}
	fmt.Println(len(items), "orders; more:", next != "")
}
