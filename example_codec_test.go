package ddb_test

import (
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/ddb-go/ddb"
)

// codecPrintAV writes an attribute value in DynamoDB's JSON notation, map keys
// sorted.
func codecPrintAV(av types.AttributeValue) string {
	switch a := av.(type) {
	case *types.AttributeValueMemberS:
		return fmt.Sprintf("{S:%q}", a.Value)
	case *types.AttributeValueMemberN:
		return fmt.Sprintf("{N:%q}", a.Value)
	case *types.AttributeValueMemberBOOL:
		return fmt.Sprintf("{BOOL:%v}", a.Value)
	case *types.AttributeValueMemberNULL:
		return "{NULL:true}"
	case *types.AttributeValueMemberSS:
		return fmt.Sprintf("{SS:%q}", a.Value)
	case *types.AttributeValueMemberL:
		s := "{L:["
		for i, e := range a.Value {
			if i > 0 {
				s += " "
			}
			s += codecPrintAV(e)
		}
		return s + "]}"
	case *types.AttributeValueMemberM:
		return "{M:" + codecPrintItem(a.Value) + "}"
	}
	return fmt.Sprintf("%T", av)
}

func codecPrintItem(item map[string]types.AttributeValue) string {
	keys := make([]string, 0, len(item))
	for k := range item {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := "{"
	for i, k := range keys {
		if i > 0 {
			s += " "
		}
		s += k + ":" + codecPrintAV(item[k])
	}
	return s + "}"
}

func ExampleMarshal() {
	for _, v := range []any{"text", 42, 2.5, true, []string{"a", "b"}, nil, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)} {
		av, err := ddb.Marshal(v)
		if err != nil {
			panic(err)
		}
		fmt.Println(codecPrintAV(av))
	}
	// Output:
	// {S:"text"}
	// {N:"42"}
	// {N:"2.5"}
	// {BOOL:true}
	// {L:[{S:"a"} {S:"b"}]}
	// {NULL:true}
	// {S:"2024-01-02T03:04:05Z"}
}

func ExampleMarshalItem() {
	type Order struct {
		ID      string    `dynamodbav:"id" ddb:"pk"`
		Total   float64   `dynamodbav:"total"`
		Tags    []string  `dynamodbav:"tags,stringset,omitempty"`
		Note    *string   `dynamodbav:"note,omitempty"`
		Expires time.Time `ddb:"ttl"` // stored as epoch seconds
	}
	item, err := ddb.MarshalItem(Order{
		ID: "o#1", Total: 19.99, Tags: []string{"gift"},
		Expires: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(codecPrintItem(item))
	// Output:
	// {Expires:{N:"1893456000"} id:{S:"o#1"} tags:{SS:["gift"]} total:{N:"19.99"}}
}

func ExampleUnmarshalItem() {
	type Order struct {
		ID    string `dynamodbav:"id"`
		Total float64
		Lines []struct {
			SKU string
			Qty int
		}
	}
	item := map[string]types.AttributeValue{
		"id":    &types.AttributeValueMemberS{Value: "o#1"},
		"Total": &types.AttributeValueMemberN{Value: "19.99"},
		"Lines": &types.AttributeValueMemberL{Value: []types.AttributeValue{
			&types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
				"SKU": &types.AttributeValueMemberS{Value: "sku-9"},
				"Qty": &types.AttributeValueMemberN{Value: "2"},
			}},
		}},
	}
	var o Order
	if err := ddb.UnmarshalItem(item, &o); err != nil {
		panic(err)
	}
	fmt.Printf("%+v\n", o)

	// Decoding errors name the Go field.
	item["Lines"].(*types.AttributeValueMemberL).Value[0].(*types.AttributeValueMemberM).Value["Qty"] =
		&types.AttributeValueMemberS{Value: "two"}
	fmt.Println(ddb.UnmarshalItem(item, &o))
	// Output:
	// {ID:o#1 Total:19.99 Lines:[{SKU:sku-9 Qty:2}]}
	// ddb: Unmarshal (field Lines[0].Qty): cannot decode S into int
}
