package ddbtest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// withGSI is a mkTable option adding GSI "by_<attr>" keyed by attr, a
// string, with projection proj.
func withGSI(attr string, proj types.ProjectionType) func(*dynamodb.CreateTableInput) {
	return withIndex("by_"+attr, attr, types.ScalarAttributeTypeS, proj)
}

// withIndex is a mkTable option adding GSI name keyed by attr of type typ,
// with projection proj.
func withIndex(name, attr string, typ types.ScalarAttributeType, proj types.ProjectionType) func(*dynamodb.CreateTableInput) {
	return func(in *dynamodb.CreateTableInput) {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String(attr), AttributeType: typ})
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName:  aws.String(name),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String(attr), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: proj},
		})
	}
}

func TestConsumedCapacity(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "capa", "", withGSI("g", types.ProjectionTypeAll))
	big := strings.Repeat("x", 5000) // 5 KB: 5 write units, 2 strong read units
	cases := []struct {
		name string
		call func() (*types.ConsumedCapacity, error)
		want float64
		gsi  float64
	}{
		{"put", func() (*types.ConsumedCapacity, error) {
			out, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("capa"), Item: item{"pk": s("a"), "g": s("G"), "d": s(big)}, ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes})
			return out.ConsumedCapacity, err
		}, 10, 5},
		{"strong get", func() (*types.ConsumedCapacity, error) {
			out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("capa"), Key: item{"pk": s("a")}, ConsistentRead: aws.Bool(true), ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
			return out.ConsumedCapacity, err
		}, 2, 0},
		{"eventual get", func() (*types.ConsumedCapacity, error) {
			out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("capa"), Key: item{"pk": s("a")}, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
			return out.ConsumedCapacity, err
		}, 1, 0},
		{"missing get", func() (*types.ConsumedCapacity, error) {
			out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("capa"), Key: item{"pk": s("none")}, ConsistentRead: aws.Bool(true), ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
			return out.ConsumedCapacity, err
		}, 1, 0},
		{"index query", func() (*types.ConsumedCapacity, error) {
			out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("capa"), IndexName: aws.String("by_g"), KeyConditionExpression: aws.String("g = :g"), ExpressionAttributeValues: item{":g": s("G")}, ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes})
			return out.ConsumedCapacity, err
		}, 1, 1},
		{"delete", func() (*types.ConsumedCapacity, error) {
			out, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("capa"), Key: item{"pk": s("a")}, ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes})
			return out.ConsumedCapacity, err
		}, 10, 5},
	}
	for _, tc := range cases {
		cc, err := tc.call()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if cc == nil || *cc.TableName != "capa" || *cc.CapacityUnits != tc.want {
			t.Fatalf("%s: capacity %+v, want %v", tc.name, cc, tc.want)
		}
		if tc.gsi > 0 && (cc.GlobalSecondaryIndexes == nil || *cc.GlobalSecondaryIndexes["by_g"].CapacityUnits != tc.gsi) {
			t.Fatalf("%s: index capacity %+v, want %v", tc.name, cc.GlobalSecondaryIndexes, tc.gsi)
		}
	}
}

func TestSelectAndIndexKeys(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "selk", "", withGSI("g", types.ProjectionTypeKeysOnly))
	put(t, c, "selk", item{"pk": s("a"), "g": s("G"), "x": n("1")})
	q := func(sel types.Select, proj *string) (*dynamodb.QueryOutput, error) {
		return c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("selk"), IndexName: aws.String("by_g"), KeyConditionExpression: aws.String("g = :g"),
			ExpressionAttributeValues: item{":g": s("G")}, Select: sel, ProjectionExpression: proj})
	}
	out, err := q(types.SelectAllProjectedAttributes, nil)
	if err != nil || len(out.Items) != 1 || len(out.Items[0]) != 2 {
		t.Fatalf("ALL_PROJECTED_ATTRIBUTES: %v %+v", err, out)
	}
	out, err = q(types.SelectSpecificAttributes, aws.String("pk"))
	if err != nil || len(out.Items[0]) != 1 {
		t.Fatalf("SPECIFIC_ATTRIBUTES: %v %+v", err, out)
	}
	_, err = q(types.SelectSpecificAttributes, nil)
	wantCode(t, err, "ValidationException", "SPECIFIC_ATTRIBUTES")
	_, err = c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("selk"), Select: types.SelectAllProjectedAttributes})
	wantCode(t, err, "ValidationException", "ALL_PROJECTED_ATTRIBUTES")
	// Index key validation on writes.
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("selk"), Item: item{"pk": s("b"), "g": s("")}})
	wantCode(t, err, "ValidationException", "A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: by_g, IndexKey: g")
	_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("selk"), Key: item{"pk": s("b")}, UpdateExpression: aws.String("SET g = :n"), ExpressionAttributeValues: item{":n": n("1")}})
	wantCode(t, err, "ValidationException", "Type mismatch for Index Key g Expected: S Actual: N IndexName: by_g")
	if got := get(t, c, "selk", item{"pk": s("b")}); got != nil {
		t.Fatalf("rejected update created %v", got)
	}
}

// panicStore is a Store whose trees panic on Put.
type panicStore struct{ Store }

func (p panicStore) Tree(name string) (Tree, error) {
	t, err := p.Store.Tree(name)
	return panicTree{t}, err
}

type panicTree struct{ Tree }

func (panicTree) Put(key, val []byte) error { panic("boom") }

func TestPanicIsInternalServerError(t *testing.T) {
	t.Parallel()
	srv := NewTB(t, WithStore(panicStore{NewMemStore()}))
	c := srv.Client(func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
	mkTable(t, c, "panics", "")
	_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("panics"), Item: item{"pk": s("a")}})
	var ise *types.InternalServerError
	if !errors.As(err, &ise) {
		t.Fatalf("got %v", err)
	}
	// The server still works (and the table lock was released).
	if _, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("panics"), Key: item{"pk": s("a")}}); err != nil {
		t.Fatal(err)
	}
}

func TestFaultsDeterministic(t *testing.T) {
	t.Parallel()
	run := func() string {
		srv := NewTB(t, WithFaults(Faults{Seed: 42, Rules: []FaultRule{{Ops: []string{"GetItem"}, Kind: FaultThrottle, Rate: 0.5}}}))
		c := srv.Client(func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
		mkTable(t, c, "det", "")
		var b strings.Builder
		for i := 0; i < 32; i++ {
			_, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("det"), Key: item{"pk": s("a")}})
			b.WriteString(fmt.Sprint(err != nil))
		}
		return b.String()
	}
	if a, b := run(), run(); a != b || !strings.Contains(a, "true") || !strings.Contains(a, "false") {
		t.Fatalf("sequences differ or degenerate:\n%s\n%s", a, b)
	}
}

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	srv := NewTB(t, WithClock(func() time.Time { return now }))
	c := srv.Client()
	mkTable(t, c, "tokx", "")
	in := &dynamodb.TransactWriteItemsInput{ClientRequestToken: aws.String("tok"), TransactItems: []types.TransactWriteItem{
		{Update: &types.Update{TableName: aws.String("tokx"), Key: item{"pk": s("a")}, UpdateExpression: aws.String("ADD v :one"), ExpressionAttributeValues: item{":one": n("1")}}},
	}}
	for _, step := range []time.Duration{0, 9 * time.Minute, 2 * time.Minute} {
		now = now.Add(step)
		if _, err := c.TransactWriteItems(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	// Applied at 0 and again after the token expired (at 11 minutes).
	if got := numOf(get(t, c, "tokx", item{"pk": s("a")})["v"]); got != "2" {
		t.Fatalf("v = %s, want 2", got)
	}
}
