package ddb_test

import (
	"fmt"

	"github.com/ddb-go/ddb"
)

// Attribute names are always sent through placeholders, so reserved words
// and names with dots, dashes or spaces need no escaping.
func ExampleAttr() {
	status := ddb.Attr("status")       // a reserved word
	dotted := ddb.Attr("a.b")          // one attribute named "a.b"
	nested := ddb.Attr("a").Field("b") // key b of map a
	first := ddb.Attr("tags").Index(0) // first element of list tags
	spaced := ddb.Attr("with space")   // any name works
	fmt.Println(status, dotted, nested, first, spaced)
	// Output: status a.b a.b tags[0] with space
}

// Conditions combine with And, Or and Not; zero conditions are skipped,
// which makes optional clauses easy.
func ExampleAnd() {
	var onlyOpen bool
	var statusFilter ddb.Condition
	if onlyOpen {
		statusFilter = ddb.Attr("status").Eq("open")
	}
	cond := ddb.And(
		ddb.Attr("pk").Exists(),
		statusFilter, // zero: skipped
		ddb.Or(
			ddb.Attr("version").Lt(3),
			ddb.Attr("version").NotExists(),
		),
		ddb.Not(ddb.Attr("tags").Contains("archived")),
		ddb.Attr("title").Size().Between(1, 200),
		ddb.Attr("updatedAt").Gt(ddb.Attr("createdAt")), // compare two attributes
	)
	fmt.Println(cond.IsZero())
	// Output: false
}

// An Update collects SET, REMOVE, ADD and DELETE actions. Invalid updates
// are reported by the operation using them, before any request.
func ExampleUpdate() {
	u := ddb.NewUpdate().
		Set(ddb.Attr("status"), "shipped").
		Set(ddb.Attr("address").Field("city"), "Paris").
		SetIfNotExists(ddb.Attr("createdAt"), "2024-05-01").
		Increment(ddb.Attr("views"), 1). // works when views is absent
		Append(ddb.Attr("history"), []string{"shipped"}).
		Add(ddb.Attr("labels"), ddb.StringSet("priority")).
		Delete(ddb.Attr("flags"), ddb.StringSet("draft")).
		Remove(ddb.Attr("cart"))
	for _, p := range u.Paths() {
		fmt.Println(p)
	}
	// Output:
	// status
	// address
	// createdAt
	// views
	// history
	// labels
	// flags
	// cart
}

// Sets for Add and Delete: StringSet, NumberSet and BinarySet, or plain
// slices of strings, numbers or byte slices, which Add and Delete send as
// sets.
func ExampleStringSet() {
	u := ddb.NewUpdate().
		Add(ddb.Attr("tags"), ddb.StringSet("go", "aws")).
		Add(ddb.Attr("scores"), ddb.NumberSet(7, 9)).
		Delete(ddb.Attr("colors"), []string{"red"}) // a []string is sent as a string set
	fmt.Println(u.IsEmpty())
	// Output: false
}

// Sort-key conditions for Query.
func ExampleBeginsWith() {
	conds := []ddb.KeyCondition{
		ddb.BeginsWith("2024-"),
		ddb.Between("2024-01-01", "2024-12-31"),
		ddb.Ge("2024-06"),
	}
	fmt.Println(len(conds))
	// Output: 3
}

// Cond writes a condition in DynamoDB's own syntax, with plain attribute
// names and every value as a ? argument. Names that are not plain
// identifiers are given as Path arguments.
func ExampleCond() {
	cond := ddb.Cond("status = ? AND (version < ? OR attribute_not_exists(version)) AND size(?) > ?",
		"open", 3, ddb.Attr("line-items"), 0)
	fmt.Println(cond.IsZero())
	// Output: false
}
