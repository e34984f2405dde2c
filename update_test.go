package ddb

import (
	"context"
	"io"
	"math"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestUpdate(t *testing.T) {
	t.Parallel()
	a, b := Attr("a"), Attr("b")
	ss := func(v ...string) types.AttributeValue { return &types.AttributeValueMemberSS{Value: v} }
	tests := []struct {
		name   string
		u      *Update
		want   string
		names  nameMap
		values valueMap
	}{
		{"set", NewUpdate().Set(a, "x"), "SET #n0 = :v0", nameMap{"#n0": "a"}, valueMap{":v0": avS("x")}},
		{"set path", NewUpdate().Set(a, b), "SET #n0 = #n1", nameMap{"#n0": "a", "#n1": "b"}, nil},
		{"set nested", NewUpdate().Set(Attr("info").Field("tags").Index(1), "x"), "SET #n0.#n1[1] = :v0", nameMap{"#n0": "info", "#n1": "tags"}, valueMap{":v0": avS("x")}},
		{"zero value usable", new(Update).Set(a, 1), "SET #n0 = :v0", nameMap{"#n0": "a"}, valueMap{":v0": avN("1")}},
		{"set if not exists", NewUpdate().SetIfNotExists(a, 1), "SET #n0 = if_not_exists(#n0, :v0)", nameMap{"#n0": "a"}, valueMap{":v0": avN("1")}},
		{"set if not exists path", NewUpdate().SetIfNotExists(a, b), "SET #n0 = if_not_exists(#n0, #n1)", nameMap{"#n0": "a", "#n1": "b"}, nil},
		{"increment", NewUpdate().Increment(a, 5), "SET #n0 = if_not_exists(#n0, :v0) + :v1", nameMap{"#n0": "a"}, valueMap{":v0": avN("0"), ":v1": avN("5")}},
		{"two increments share zero", NewUpdate().Increment(a, -1).Increment(b, 0),
			"SET #n0 = if_not_exists(#n0, :v0) + :v1, #n1 = if_not_exists(#n1, :v0) + :v0", nameMap{"#n0": "a", "#n1": "b"}, valueMap{":v0": avN("0"), ":v1": avN("-1")}},
		{"append", NewUpdate().Append(a, []int{1, 2}), "SET #n0 = list_append(if_not_exists(#n0, :v0), :v1)", nameMap{"#n0": "a"}, valueMap{":v0": avL(), ":v1": avL(avN("1"), avN("2"))}},
		{"append one", NewUpdate().Append(a, "x"), "SET #n0 = list_append(if_not_exists(#n0, :v0), :v1)", nameMap{"#n0": "a"}, valueMap{":v0": avL(), ":v1": avL(avS("x"))}},
		{"prepend", NewUpdate().Prepend(a, []string{"x"}), "SET #n0 = list_append(:v0, if_not_exists(#n0, :v1))", nameMap{"#n0": "a"}, valueMap{":v0": avL(avS("x")), ":v1": avL()}},
		{"remove", NewUpdate().Remove(a, b.Index(2), Attr("c").Field("d")), "REMOVE #n0, #n1[2], #n2.#n3", nameMap{"#n0": "a", "#n1": "b", "#n2": "c", "#n3": "d"}, nil},
		{"add number", NewUpdate().Add(a, 1), "ADD #n0 :v0", nameMap{"#n0": "a"}, valueMap{":v0": avN("1")}},
		{"add string set", NewUpdate().Add(a, StringSet("x", "y")), "ADD #n0 :v0", nameMap{"#n0": "a"}, valueMap{":v0": ss("x", "y")}},
		{"add slice as set", NewUpdate().Add(a, []string{"x", "x", "y"}), "ADD #n0 :v0", nameMap{"#n0": "a"}, valueMap{":v0": ss("x", "y")}},
		{"add number slice as set", NewUpdate().Add(a, []float64{1, 2.5}), "ADD #n0 :v0", nameMap{"#n0": "a"}, valueMap{":v0": &types.AttributeValueMemberNS{Value: []string{"1", "2.5"}}}},
		{"add number set", NewUpdate().Add(a, NumberSet(3, 1, 3)), "ADD #n0 :v0", nameMap{"#n0": "a"}, valueMap{":v0": &types.AttributeValueMemberNS{Value: []string{"3", "1"}}}},
		{"delete binary set", NewUpdate().Delete(a, BinarySet([]byte("x"), []byte("x"))), "DELETE #n0 :v0", nameMap{"#n0": "a"}, valueMap{":v0": &types.AttributeValueMemberBS{Value: [][]byte{[]byte("x")}}}},
		{"delete byte slices as set", NewUpdate().Delete(a, [][]byte{[]byte("x")}), "DELETE #n0 :v0", nameMap{"#n0": "a"}, valueMap{":v0": &types.AttributeValueMemberBS{Value: [][]byte{[]byte("x")}}}},
		{"all sections in order", NewUpdate().Delete(Attr("d"), StringSet("x")).Add(Attr("c"), 1).Remove(b).Set(a, "x").Increment(Attr("n"), 2),
			"SET #n0 = :v0, #n1 = if_not_exists(#n1, :v1) + :v2 REMOVE #n2 ADD #n3 :v3 DELETE #n4 :v4",
			nameMap{"#n0": "a", "#n1": "n", "#n2": "b", "#n3": "c", "#n4": "d"},
			valueMap{":v0": avS("x"), ":v1": avN("0"), ":v2": avN("2"), ":v3": avN("1"), ":v4": ss("x")}},
		{"reserved and odd names", NewUpdate().Set(Attr("status"), "x").Set(Attr("a.b"), "x").Remove(Attr("my-attr"), Attr("with space")),
			"SET #n0 = :v0, #n1 = :v0 REMOVE #n2, #n3", nameMap{"#n0": "status", "#n1": "a.b", "#n2": "my-attr", "#n3": "with space"}, valueMap{":v0": avS("x")}},
		{"sibling paths", NewUpdate().Set(a.Field("x"), 1).Set(a.Field("y"), 2).Remove(a.Field("z").Index(0), a.Field("z").Index(1)),
			"SET #n0.#n1 = :v0, #n0.#n2 = :v1 REMOVE #n0.#n3[0], #n0.#n3[1]", nameMap{"#n0": "a", "#n1": "x", "#n2": "y", "#n3": "z"}, valueMap{":v0": avN("1"), ":v1": avN("2")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b exprBuilder
			got, err := b.update(tt.u)
			checkBuilt(t, &b, got, err, tt.want, tt.names, tt.values)
		})
	}
}

func TestUpdateErrors(t *testing.T) {
	t.Parallel()
	a := Attr("a")
	tests := []struct {
		name, field, msg string
		kind             error
		u                *Update
	}{
		{"nil", "", "empty update", ErrInvalidInput, nil},
		{"empty", "", "empty update", ErrInvalidInput, NewUpdate()},
		{"remove nothing", "", "empty update", ErrInvalidInput, NewUpdate().Remove()},
		{"empty path", "", "empty attribute path", ErrInvalidExpression, NewUpdate().Set(Path{}, 1)},
		{"empty value path", "a", "empty attribute path", ErrInvalidExpression, NewUpdate().Set(a, Path{})},
		{"size value", "a", "size() cannot be used", ErrInvalidExpression, NewUpdate().Set(a, a.Size())},
		{"bad remove path", "b[-1]", "negative list index", ErrInvalidExpression, NewUpdate().Remove(a, Attr("b").Index(-1))},
		{"unencodable", "a", "cannot encode", ErrInvalidExpression, NewUpdate().Set(a, make(chan int))},
		{"nan", "a", "cannot encode", ErrInvalidExpression, NewUpdate().Set(a, math.NaN())},
		{"same path twice", "a", "overlap", ErrInvalidExpression, NewUpdate().Set(a, 1).Increment(a, 1)},
		{"parent and child", "a.b", "overlap", ErrInvalidExpression, NewUpdate().Remove(a).Set(a.Field("b"), 1)},
		{"child and parent", "a", "overlap", ErrInvalidExpression, NewUpdate().Add(a.Index(0), 1).Delete(a, StringSet("x"))},
		{"map and list", "a[0]", "conflict", ErrInvalidExpression, NewUpdate().Set(a.Field("b"), 1).Set(a.Index(0), 1)},
		{"increment string", "a", "Increment needs a number, got S", ErrInvalidExpression, NewUpdate().Increment(a, "1")},
		{"add string", "a", "need a number or a set, got S", ErrInvalidExpression, NewUpdate().Add(a, "x")},
		{"add mixed list", "a", "need a number or a set, got L", ErrInvalidExpression, NewUpdate().Add(a, []any{"x", 1})},
		{"add empty list", "a", "empty set", ErrInvalidExpression, NewUpdate().Add(a, []string{})},
		{"add empty set", "a", "empty set", ErrInvalidExpression, NewUpdate().Add(a, StringSet())},
		{"delete number", "a", "need a set, got N", ErrInvalidExpression, NewUpdate().Delete(a, 1)},
		{"number set nan", "a", "not a finite number", ErrInvalidExpression, NewUpdate().Add(a, NumberSet(1, math.Inf(1)))},
		{"update as value", "a", "a *Update is not a value", ErrInvalidExpression, NewUpdate().Set(a, NewUpdate())},
		{"size as increment", "a", "a Size is not a value", ErrInvalidExpression, NewUpdate().Increment(a, a.Size())},
		{"path as list", "a", "a Path is not a value", ErrInvalidExpression, NewUpdate().Append(a, a)},
		{"zero set value", "a", "zero SetValue", ErrInvalidExpression, NewUpdate().Delete(a, SetValue{})},
		{"first error wins", "x.", "empty attribute name", ErrInvalidExpression, NewUpdate().Set(Attr("x").Field(""), 1).Set(a, make(chan int))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b exprBuilder
			got, err := b.update(tt.u)
			if got != "" {
				t.Errorf("expression %q on error", got)
			}
			checkInvalid(t, err, tt.kind, tt.field, tt.msg)
		})
	}
}

func TestUpdatePaths(t *testing.T) {
	t.Parallel()
	u := NewUpdate().Set(Attr("a").Field("x"), 1).Remove(Attr("b")).Add(Attr("a").Field("y"), 1).Set(Attr("c").Index(0), Attr("d"))
	var got []string
	for _, p := range u.Paths() {
		got = append(got, p.String())
	}
	if want := []string{"a", "b", "c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Paths() = %v, want %v", got, want)
	}
	if (*Update)(nil).Paths() != nil || !(*Update)(nil).IsEmpty() || !NewUpdate().IsEmpty() || u.IsEmpty() {
		t.Error("IsEmpty/Paths wrong for empty updates")
	}
}

// TestUpdateWithCondition checks that an update and its condition share
// placeholders when built with one builder.
func TestUpdateWithCondition(t *testing.T) {
	t.Parallel()
	var b exprBuilder
	u, err := b.update(NewUpdate().Set(Attr("status"), "shipped").Increment(Attr("version"), 1))
	if err != nil {
		t.Fatal(err)
	}
	c, err := b.condition(And(Attr("status").Eq("paid"), Attr("version").Eq(1)))
	if err != nil {
		t.Fatal(err)
	}
	checkBuilt(t, &b, u+" | "+c, nil,
		"SET #n0 = :v0, #n1 = if_not_exists(#n1, :v1) + :v2 | #n0 = :v3 AND #n1 = :v2",
		nameMap{"#n0": "status", "#n1": "version"},
		valueMap{":v0": avS("shipped"), ":v1": avN("0"), ":v2": avN("1"), ":v3": avS("paid")})
}

func TestSetValueMarshal(t *testing.T) {
	t.Parallel()
	av, err := Marshal(struct{ Tags SetValue }{StringSet("a")})
	if err != nil {
		t.Fatal(err)
	}
	m := av.(*types.AttributeValueMemberM).Value
	if want := (&types.AttributeValueMemberSS{Value: []string{"a"}}); !reflect.DeepEqual(m["Tags"], want) {
		t.Errorf("marshalled %#v, want %#v", m["Tags"], want)
	}
	if _, err := StringSet().MarshalDynamoDBAttributeValue(); err == nil {
		t.Error("empty set marshals without error")
	}
}

// typicalUpdate builds what a typical conditional update needs: three
// SET actions, an increment and a REMOVE, plus a two-clause condition.
func typicalUpdate(tb testing.TB, eb *exprBuilder) (update, cond string) {
	u := NewUpdate().
		Set(Attr("status"), "shipped").
		Set(Attr("shippedAt"), "2024-05-01T10:00:00Z").
		Set(Attr("address").Field("city"), "Paris").
		Increment(Attr("version"), 1).
		Remove(Attr("draft"))
	ue, err := eb.update(u)
	if err != nil {
		tb.Fatal(err)
	}
	ce, err := eb.condition(And(Attr("pk").Exists(), Attr("version").Eq(3)))
	if err != nil {
		tb.Fatal(err)
	}
	return ue, ce
}

// BenchmarkExprBuilderUpdate measures building a typical conditional
// update (the Update, the Condition, both expressions and the placeholder
// maps). Compare with BenchmarkUpdateItemClientSide, or read the
// builder-% metric of BenchmarkExprBuilderOverhead.
func BenchmarkExprBuilderUpdate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var eb exprBuilder
		ue, ce := typicalUpdate(b, &eb)
		if ue == "" || ce == "" || eb.names() == nil || eb.values() == nil {
			b.Fatal("empty result")
		}
	}
}

// cannedHTTP answers every request with an empty DynamoDB response without
// touching the network, so a benchmark measures only the SDK's client-side
// work (serializing, signing, middleware, deserializing).
type cannedHTTP struct{}

func (cannedHTTP) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{
		StatusCode: 200,
		Header:     http.Header{"Content-Type": {"application/x-amz-json-1.0"}},
		Body:       io.NopCloser(strings.NewReader("{}")),
		Request:    r,
	}, nil
}

// cannedClient returns a real SDK client whose HTTP layer is cannedHTTP.
func cannedClient() *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:           "us-east-1",
		HTTPClient:       cannedHTTP{},
		RetryMaxAttempts: 1,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "x", SecretAccessKey: "y"}, nil
		}),
	})
}

// updateInput returns the UpdateItem input for expressions built by eb.
func updateInput(eb *exprBuilder, ue, ce string) *dynamodb.UpdateItemInput {
	return &dynamodb.UpdateItemInput{
		TableName:                 aws.String("orders"),
		Key:                       map[string]types.AttributeValue{"pk": avS("order-123")},
		UpdateExpression:          &ue,
		ConditionExpression:       &ce,
		ExpressionAttributeNames:  eb.names(),
		ExpressionAttributeValues: eb.values(),
	}
}

// BenchmarkUpdateItemClientSide is the reference for
// BenchmarkExprBuilderUpdate: the client-side cost of one UpdateItem call
// through the SDK with the same expressions, already built.
func BenchmarkUpdateItemClientSide(b *testing.B) {
	client := cannedClient()
	var eb exprBuilder
	ue, ce := typicalUpdate(b, &eb)
	in := updateInput(&eb, ue, ce)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := client.UpdateItem(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExprBuilderOverhead does a whole client-side UpdateItem call
// per iteration, building its expressions first, and reports the share of
// the time spent building as builder-%: the target is under 5.
// Both parts run interleaved, so the ratio holds on a busy machine.
func BenchmarkExprBuilderOverhead(b *testing.B) {
	client := cannedClient()
	ctx := context.Background()
	var building, total time.Duration
	b.ReportAllocs()
	key := map[string]types.AttributeValue{"pk": avS("order-123")}
	for b.Loop() {
		start := time.Now()
		var eb exprBuilder
		ue, ce := typicalUpdate(b, &eb)
		names, values := eb.names(), eb.values()
		built := time.Now()
		in := &dynamodb.UpdateItemInput{TableName: aws.String("orders"), Key: key, UpdateExpression: &ue,
			ConditionExpression: &ce, ExpressionAttributeNames: names, ExpressionAttributeValues: values}
		if _, err := client.UpdateItem(ctx, in); err != nil {
			b.Fatal(err)
		}
		building += built.Sub(start)
		total += time.Since(start)
	}
	b.ReportMetric(100*float64(building)/float64(total), "builder-%")
}
