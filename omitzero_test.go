package ddb

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// money is zero when its amount is, whatever its currency: IsZero decides.
type money struct {
	Amount   int
	Currency string
}

func (m money) IsZero() bool { return m.Amount == 0 }

// window has a pointer-receiver IsZero.
type window struct{ From, To int }

func (w *window) IsZero() bool { return w.To <= w.From }

type omitZeroItem struct {
	ID      string                `ddb:"pk"`
	When    time.Time             `dynamodbav:",omitzero"`
	Local   time.Time             `dynamodbav:"local,omitzero"`
	Addr    struct{ City string } `dynamodbav:",omitzero"`
	Price   money                 `dynamodbav:",omitzero"`
	Span    window                `dynamodbav:",omitzero"`
	PSpan   *window               `dynamodbav:",omitzero"`
	N       int                   `dynamodbav:",omitzero"`
	P       *int                  `dynamodbav:",omitzero"`
	Tags    []string              `dynamodbav:",omitzero"`
	M       map[string]int        `dynamodbav:",omitzero"`
	Plain   time.Time             // no option: stored as attributevalue does
	Created time.Time             `ddb:"created" dynamodbav:",omitzero"`
}

// TestOmitZero writes zero and non-zero values through the real client and
// checks which attributes the stored item has.
func TestOmitZero(t *testing.T) {
	t.Parallel()
	tbl, cc := newTestTable[omitZeroItem](t)
	ctx := context.Background()
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	zero := 0
	for _, tc := range []struct {
		name string
		in   omitZeroItem
		want []string // attribute names stored
	}{
		{"zeros", omitZeroItem{ID: "z", Local: time.Time{}.In(time.FixedZone("X", 3600)), Price: money{Currency: "EUR"}, Span: window{5, 5}},
			[]string{"Created", "ID", "Plain"}},
		{"empty but not nil", omitZeroItem{ID: "e", P: &zero, Tags: []string{}, M: map[string]int{}, PSpan: &window{1, 3}},
			[]string{"Created", "ID", "M", "P", "PSpan", "Plain", "Tags"}},
		{"values", omitZeroItem{ID: "v", When: at, Local: at, Price: money{Amount: 1}, Span: window{1, 2}, N: 1, Tags: []string{"a"}},
			[]string{"Created", "ID", "N", "Plain", "Price", "Span", "Tags", "When", "local"}},
	} {
		if err := tbl.Put(ctx, tc.in); err != nil {
			t.Fatalf("%s: Put: %v", tc.name, err)
		}
		out, err := cc.Client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(tbl.name), Key: map[string]types.AttributeValue{"ID": cvS(tc.in.ID)}})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for n := range out.Item {
			names = append(names, n)
		}
		slices.Sort(names)
		if !slices.Equal(names, tc.want) {
			t.Errorf("%s: stored %v, want %v", tc.name, names, tc.want)
		}
		got, err := tbl.Get(ctx, Key{tc.in.ID})
		if err != nil || !got.When.Equal(tc.in.When) || got.N != tc.in.N {
			t.Errorf("%s: read back %+v, %v", tc.name, got, err)
		}
	}
}
