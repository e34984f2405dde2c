// Package bench compares ddb's codec with attributevalue, guregu/dynamo and
// hand-written code. It is its own module so that the library's go.mod
// never depends on guregu/dynamo.
package bench

import (
	"fmt"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/ddb-go/ddb"
	"github.com/guregu/dynamo/v2"
)

// Address is the nested struct of Order.
type Address struct {
	Street string
	City   string
	Zip    int
}

// Order is the benchmark's 12-field item: scalars, a nested struct, a
// slice, a map, a time and a pointer.
type Order struct {
	ID       string `dynamodbav:"id" dynamo:"id"`
	Customer string
	Total    float64
	Quantity int
	Paid     bool
	Created  time.Time
	Tags     []string
	Attrs    map[string]string
	Ship     Address
	Note     *string
	Version  int64
	Status   string
}

func sample() *Order {
	note := "leave at the door"
	return &Order{
		ID: "order#12345", Customer: "customer#987", Total: 1234.56, Quantity: 3, Paid: true,
		Created: time.Date(2024, 5, 6, 7, 8, 9, 123000000, time.UTC),
		Tags:    []string{"gift", "express", "fragile"},
		Attrs:   map[string]string{"color": "blue", "size": "L"},
		Ship:    Address{Street: "1 Main St", City: "Springfield", Zip: 12345},
		Note:    &note, Version: 7, Status: "SHIPPED",
	}
}

// handMarshal builds the same item attributevalue.MarshalMap builds, value
// by value.
func handMarshal(o *Order) map[string]types.AttributeValue {
	tags := make([]types.AttributeValue, len(o.Tags))
	for i, t := range o.Tags {
		tags[i] = &types.AttributeValueMemberS{Value: t}
	}
	attrs := make(map[string]types.AttributeValue, len(o.Attrs))
	for k, v := range o.Attrs {
		attrs[k] = &types.AttributeValueMemberS{Value: v}
	}
	var note types.AttributeValue = &types.AttributeValueMemberNULL{Value: true}
	if o.Note != nil {
		note = &types.AttributeValueMemberS{Value: *o.Note}
	}
	return map[string]types.AttributeValue{
		"id":       &types.AttributeValueMemberS{Value: o.ID},
		"Customer": &types.AttributeValueMemberS{Value: o.Customer},
		"Total":    &types.AttributeValueMemberN{Value: strconv.FormatFloat(o.Total, 'f', -1, 64)},
		"Quantity": &types.AttributeValueMemberN{Value: strconv.Itoa(o.Quantity)},
		"Paid":     &types.AttributeValueMemberBOOL{Value: o.Paid},
		"Created":  &types.AttributeValueMemberS{Value: o.Created.Format(time.RFC3339Nano)},
		"Tags":     &types.AttributeValueMemberL{Value: tags},
		"Attrs":    &types.AttributeValueMemberM{Value: attrs},
		"Ship": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"Street": &types.AttributeValueMemberS{Value: o.Ship.Street},
			"City":   &types.AttributeValueMemberS{Value: o.Ship.City},
			"Zip":    &types.AttributeValueMemberN{Value: strconv.Itoa(o.Ship.Zip)},
		}},
		"Note":    note,
		"Version": &types.AttributeValueMemberN{Value: strconv.FormatInt(o.Version, 10)},
		"Status":  &types.AttributeValueMemberS{Value: o.Status},
	}
}

func str(av types.AttributeValue) (string, error) {
	if s, ok := av.(*types.AttributeValueMemberS); ok {
		return s.Value, nil
	}
	return "", fmt.Errorf("want S, got %T", av)
}

func num(av types.AttributeValue) (string, error) {
	if n, ok := av.(*types.AttributeValueMemberN); ok {
		return n.Value, nil
	}
	return "", fmt.Errorf("want N, got %T", av)
}

// handUnmarshal decodes the item into o, value by value.
func handUnmarshal(item map[string]types.AttributeValue, o *Order) error {
	var err error
	if o.ID, err = str(item["id"]); err != nil {
		return err
	}
	if o.Customer, err = str(item["Customer"]); err != nil {
		return err
	}
	n, err := num(item["Total"])
	if err != nil {
		return err
	}
	if o.Total, err = strconv.ParseFloat(n, 64); err != nil {
		return err
	}
	if n, err = num(item["Quantity"]); err != nil {
		return err
	}
	if o.Quantity, err = strconv.Atoi(n); err != nil {
		return err
	}
	b, ok := item["Paid"].(*types.AttributeValueMemberBOOL)
	if !ok {
		return fmt.Errorf("Paid")
	}
	o.Paid = b.Value
	s, err := str(item["Created"])
	if err != nil {
		return err
	}
	if o.Created, err = time.Parse(time.RFC3339, s); err != nil {
		return err
	}
	l, ok := item["Tags"].(*types.AttributeValueMemberL)
	if !ok {
		return fmt.Errorf("Tags")
	}
	o.Tags = make([]string, len(l.Value))
	for i, e := range l.Value {
		if o.Tags[i], err = str(e); err != nil {
			return err
		}
	}
	m, ok := item["Attrs"].(*types.AttributeValueMemberM)
	if !ok {
		return fmt.Errorf("Attrs")
	}
	o.Attrs = make(map[string]string, len(m.Value))
	for k, e := range m.Value {
		if o.Attrs[k], err = str(e); err != nil {
			return err
		}
	}
	ship, ok := item["Ship"].(*types.AttributeValueMemberM)
	if !ok {
		return fmt.Errorf("Ship")
	}
	if o.Ship.Street, err = str(ship.Value["Street"]); err != nil {
		return err
	}
	if o.Ship.City, err = str(ship.Value["City"]); err != nil {
		return err
	}
	if n, err = num(ship.Value["Zip"]); err != nil {
		return err
	}
	if o.Ship.Zip, err = strconv.Atoi(n); err != nil {
		return err
	}
	switch v := item["Note"].(type) {
	case *types.AttributeValueMemberNULL:
		o.Note = nil
	case *types.AttributeValueMemberS:
		note := v.Value
		o.Note = &note
	default:
		return fmt.Errorf("Note")
	}
	if n, err = num(item["Version"]); err != nil {
		return err
	}
	if o.Version, err = strconv.ParseInt(n, 10, 64); err != nil {
		return err
	}
	o.Status, err = str(item["Status"])
	return err
}

var sink any

// cpuTime returns the CPU time the process has used, all threads (the GC's
// included).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// run times fn with b.Loop and also reports the CPU time per operation,
// which stays meaningful when other processes compete for the cores and
// inflate the wall-clock ns/op.
func run(b *testing.B, fn func()) {
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		fn()
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

func BenchmarkMarshal(b *testing.B) {
	o := sample()
	b.Run("lib=ddb", func(b *testing.B) {
		run(b, func() {
			item, err := ddb.MarshalItem(o)
			if err != nil {
				b.Fatal(err)
			}
			sink = item
		})
	})
	b.Run("lib=attributevalue", func(b *testing.B) {
		run(b, func() {
			item, err := attributevalue.MarshalMap(o)
			if err != nil {
				b.Fatal(err)
			}
			sink = item
		})
	})
	b.Run("lib=guregu", func(b *testing.B) {
		run(b, func() {
			item, err := dynamo.MarshalItem(o)
			if err != nil {
				b.Fatal(err)
			}
			sink = item
		})
	})
	b.Run("lib=hand", func(b *testing.B) {
		run(b, func() { sink = handMarshal(o) })
	})
}

func BenchmarkUnmarshal(b *testing.B) {
	item := handMarshal(sample())
	b.Run("lib=ddb", func(b *testing.B) {
		run(b, func() {
			var o Order
			if err := ddb.UnmarshalItem(item, &o); err != nil {
				b.Fatal(err)
			}
			sink = &o
		})
	})
	b.Run("lib=attributevalue", func(b *testing.B) {
		run(b, func() {
			var o Order
			if err := attributevalue.UnmarshalMap(item, &o); err != nil {
				b.Fatal(err)
			}
			sink = &o
		})
	})
	b.Run("lib=guregu", func(b *testing.B) {
		run(b, func() {
			var o Order
			if err := dynamo.UnmarshalItem(item, &o); err != nil {
				b.Fatal(err)
			}
			sink = &o
		})
	})
	b.Run("lib=hand", func(b *testing.B) {
		run(b, func() {
			var o Order
			if err := handUnmarshal(item, &o); err != nil {
				b.Fatal(err)
			}
			sink = &o
		})
	})
}
