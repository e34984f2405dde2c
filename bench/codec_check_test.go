package bench

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/ddb-go/ddb"
)

// TestSameItem checks that every contender encodes and decodes the same
// item, so the benchmarks compare like with like.
func TestSameItem(t *testing.T) {
	o := sample()
	want, err := attributevalue.MarshalMap(o)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ddb.MarshalItem(o)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ddb.MarshalItem differs from attributevalue.MarshalMap")
	}
	if hand := handMarshal(o); !reflect.DeepEqual(hand, want) {
		t.Errorf("handMarshal differs from attributevalue.MarshalMap")
	}
	var a, b, c Order
	if err := attributevalue.UnmarshalMap(want, &a); err != nil {
		t.Fatal(err)
	}
	if err := ddb.UnmarshalItem(want, &b); err != nil {
		t.Fatal(err)
	}
	if err := handUnmarshal(want, &c); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, *o) || !reflect.DeepEqual(b, *o) || !reflect.DeepEqual(c, *o) {
		t.Errorf("decoders differ:\nattributevalue %+v\nddb %+v\nhand %+v\nwant %+v", a, b, c, *o)
	}
}
