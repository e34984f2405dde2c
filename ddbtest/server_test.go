package ddbtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

var ctx = context.Background()

// sharedServer serves the tests that need no special options; each test
// uses its own tables.
var sharedServer = NewUnstartedServer()

func client(t testing.TB) *dynamodb.Client {
	return sharedServer.Client(func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
}

type S = types.AttributeValueMemberS
type N = types.AttributeValueMemberN

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

type item = map[string]types.AttributeValue

// mkTable creates a table with key pk (S) and, when rangeType is not
// empty, sk of that type.
func mkTable(t testing.TB, c *dynamodb.Client, name, rangeType string, mod ...func(*dynamodb.CreateTableInput)) {
	t.Helper()
	in := &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	}
	if rangeType != "" {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeType(rangeType)})
		in.KeySchema = append(in.KeySchema, types.KeySchemaElement{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange})
	}
	for _, m := range mod {
		m(in)
	}
	if _, err := c.CreateTable(ctx, in); err != nil {
		t.Fatalf("CreateTable %s: %v", name, err)
	}
}

func put(t testing.TB, c *dynamodb.Client, table string, it item) {
	t.Helper()
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: it}); err != nil {
		t.Fatalf("PutItem: %v", err)
	}
}

// apiCode returns the error code of an SDK error, or "".
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func wantCode(t testing.TB, err error, code, msgPart string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if got := apiCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %s", got, err, code)
	}
	var ae smithy.APIError
	errors.As(err, &ae)
	if !strings.Contains(ae.ErrorMessage(), msgPart) {
		t.Fatalf("message %q does not contain %q", ae.ErrorMessage(), msgPart)
	}
}

func TestTableLifecycle(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "life", "N", withIndex("byG", "g", types.ScalarAttributeTypeS, types.ProjectionTypeAll))
	w := dynamodb.NewTableExistsWaiter(c)
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("life")}, time.Second); err != nil {
		t.Fatal(err)
	}
	put(t, c, "life", item{"pk": s("a"), "sk": n("1"), "g": s("x")})
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("life")})
	if err != nil {
		t.Fatal(err)
	}
	td := d.Table
	if td.TableStatus != types.TableStatusActive || *td.ItemCount != 1 || *td.TableSizeBytes == 0 ||
		td.BillingModeSummary.BillingMode != types.BillingModePayPerRequest || len(td.KeySchema) != 2 ||
		td.GlobalSecondaryIndexes[0].IndexStatus != types.IndexStatusActive || *td.GlobalSecondaryIndexes[0].ItemCount != 1 ||
		!strings.HasSuffix(*td.TableArn, ":table/life") || td.CreationDateTime == nil {
		t.Fatalf("bad description: %+v", td)
	}
	_, err = c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("life"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	var inUse *types.ResourceInUseException
	if !errors.As(err, &inUse) {
		t.Fatalf("duplicate CreateTable: %v", err)
	}
	// Provisioned throughput change and GSI removal.
	_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{
		TableName:                   aws.String("life"),
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Delete: &types.DeleteGlobalSecondaryIndexAction{IndexName: aws.String("byG")}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{
		TableName:             aws.String("life"),
		BillingMode:           types.BillingModeProvisioned,
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(6)},
	})
	if err != nil {
		t.Fatal(err)
	}
	d, _ = c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("life")})
	if len(d.Table.GlobalSecondaryIndexes) != 0 || *d.Table.ProvisionedThroughput.WriteCapacityUnits != 6 || len(d.Table.AttributeDefinitions) != 2 {
		t.Fatalf("after update: %+v", d.Table)
	}
	if _, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("life")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("life")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("DescribeTable after delete: %v", err)
	}
	if err := dynamodb.NewTableNotExistsWaiter(c).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("life")}, time.Second); err != nil {
		t.Fatal(err)
	}
}

func TestCreateTableValidation(t *testing.T) {
	t.Parallel()
	c := client(t)
	ad := func(name, typ string) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(name), AttributeType: types.ScalarAttributeType(typ)}
	}
	ks := func(name string, kt types.KeyType) types.KeySchemaElement {
		return types.KeySchemaElement{AttributeName: aws.String(name), KeyType: kt}
	}
	cases := []struct {
		name string
		in   dynamodb.CreateTableInput
		msg  string
	}{
		{"extra definition", dynamodb.CreateTableInput{
			AttributeDefinitions: []types.AttributeDefinition{ad("pk", "S"), ad("x", "S")},
			KeySchema:            []types.KeySchemaElement{ks("pk", types.KeyTypeHash)},
		}, "Number of attributes in KeySchema does not exactly match"},
		{"undefined key", dynamodb.CreateTableInput{
			AttributeDefinitions: []types.AttributeDefinition{ad("x", "S")},
			KeySchema:            []types.KeySchemaElement{ks("pk", types.KeyTypeHash)},
		}, "Some index key attributes are not defined"},
		{"range first", dynamodb.CreateTableInput{
			AttributeDefinitions: []types.AttributeDefinition{ad("pk", "S")},
			KeySchema:            []types.KeySchemaElement{ks("pk", types.KeyTypeRange)},
		}, "The first KeySchemaElement is not a HASH key type"},
		{"bad type", dynamodb.CreateTableInput{
			AttributeDefinitions: []types.AttributeDefinition{ad("pk", "X")},
			KeySchema:            []types.KeySchemaElement{ks("pk", types.KeyTypeHash)},
		}, "Member must satisfy enum value set: [B, N, S]"},
		{"no throughput", dynamodb.CreateTableInput{
			BillingMode:          types.BillingModeProvisioned,
			AttributeDefinitions: []types.AttributeDefinition{ad("pk", "S")},
			KeySchema:            []types.KeySchemaElement{ks("pk", types.KeyTypeHash)},
		}, "ReadCapacityUnits and WriteCapacityUnits must both be specified"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.TableName = aws.String(fmt.Sprintf("ctv%d", i))
			if tc.in.BillingMode == "" {
				tc.in.BillingMode = types.BillingModePayPerRequest
			}
			_, err := c.CreateTable(ctx, &tc.in)
			wantCode(t, err, "ValidationException", tc.msg)
		})
	}
}

func TestListTables(t *testing.T) {
	t.Parallel()
	srv := NewTB(t)
	c := srv.Client()
	for i := 0; i < 5; i++ {
		mkTable(t, c, fmt.Sprintf("lt%d", i), "")
	}
	var names []string
	p := dynamodb.NewListTablesPaginator(c, &dynamodb.ListTablesInput{Limit: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, out.TableNames...)
	}
	if strings.Join(names, ",") != "lt0,lt1,lt2,lt3,lt4" {
		t.Fatalf("names = %v", names)
	}
}

func TestPutGetDelete(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "pgd", "S")
	it := item{
		"pk": s("a"), "sk": s("b"), "n": n("1.50"), "b": &types.AttributeValueMemberB{Value: []byte{0, 1}},
		"m":  &types.AttributeValueMemberM{Value: item{"x": &types.AttributeValueMemberBOOL{Value: true}}},
		"l":  &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberNULL{Value: true}}},
		"ss": &types.AttributeValueMemberSS{Value: []string{"x", "y"}},
	}
	put(t, c, "pgd", it)
	out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("pgd"), Key: item{"pk": s("a"), "sk": s("b")}, ConsistentRead: aws.Bool(true), ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Item) != len(it) || out.Item["n"].(*types.AttributeValueMemberN).Value != "1.5" {
		t.Fatalf("item = %#v", out.Item)
	}
	if *out.ConsumedCapacity.CapacityUnits != 1 {
		t.Fatalf("capacity = %v", *out.ConsumedCapacity.CapacityUnits)
	}
	// Overwrite returning the old item.
	po, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("pgd"), Item: item{"pk": s("a"), "sk": s("b")}, ReturnValues: types.ReturnValueAllOld})
	if err != nil {
		t.Fatal(err)
	}
	if len(po.Attributes) != len(it) {
		t.Fatalf("old = %v", po.Attributes)
	}
	do, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("pgd"), Key: item{"pk": s("a"), "sk": s("b")}, ReturnValues: types.ReturnValueAllOld})
	if err != nil || len(do.Attributes) != 2 {
		t.Fatalf("delete: %v %v", do, err)
	}
	out, err = c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("pgd"), Key: item{"pk": s("a"), "sk": s("b")}})
	if err != nil || out.Item != nil {
		t.Fatalf("after delete: %v %v", out.Item, err)
	}
}

func TestItemValidation(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "ival", "N", withIndex("byG", "g", types.ScalarAttributeTypeN, types.ProjectionTypeKeysOnly))
	big := strings.Repeat("x", 400*1024)
	cases := []struct {
		name string
		it   item
		msg  string
	}{
		{"missing range", item{"pk": s("a")}, "Missing the key sk in the item"},
		{"type mismatch", item{"pk": s("a"), "sk": s("1")}, "Type mismatch for key sk expected: N actual: S"},
		{"empty key", item{"pk": s(""), "sk": n("1")}, "The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"},
		{"index type", item{"pk": s("a"), "sk": n("1"), "g": s("x")}, "Type mismatch for Index Key g Expected: N Actual: S IndexName: byG"},
		{"bad number", item{"pk": s("a"), "sk": n("1"), "x": n("1e500")}, "Number"},
		{"empty set", item{"pk": s("a"), "sk": n("1"), "x": &types.AttributeValueMemberSS{Value: []string{}}}, "may not be empty"},
		{"duplicate set", item{"pk": s("a"), "sk": n("1"), "x": &types.AttributeValueMemberSS{Value: []string{"a", "a"}}}, "contains duplicates"},
		{"too big", item{"pk": s("a"), "sk": n("1"), "x": s(big)}, "Item size has exceeded the maximum allowed size"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("ival"), Item: tc.it})
			wantCode(t, err, "ValidationException", tc.msg)
		})
	}
	_, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("ival"), Key: item{"pk": s("a")}})
	wantCode(t, err, "ValidationException", "The provided key element does not match the schema")
	_, err = c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("nosuch"), Key: item{"pk": s("a")}})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("missing table: %v", err)
	}
}

// TestProtocol sends raw requests: errors keep DynamoDB's wire shape.
func TestProtocol(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	cases := []struct {
		target, body string
		status       int
		typ          string
	}{
		{"DynamoDB_20120810.Nope", `{}`, 400, "com.amazon.coral.service#UnknownOperationException"},
		{"DynamoDB_20120810.GetItem", `{bad`, 400, "com.amazon.coral.service#SerializationException"},
		{"DynamoDB_20120810.GetItem", `{"TableName":5}`, 400, "com.amazon.coral.service#SerializationException"},
		{"DynamoDB_20120810.GetItem", `{"TableName":"nosuch","Key":{"pk":{"S":"a"}}}`, 400, "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"},
		{"DynamoDB_20120810.DescribeTable", `{}`, 400, "com.amazon.coral.validate#ValidationException"},
		{"DynamoDB_20120810.ListTables", `{}`, 200, ""},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(tc.body))
		req.Header.Set("X-Amz-Target", tc.target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		signDummy(req, DefaultRegion)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !bytes.Contains(body, []byte(tc.typ)) || resp.Header.Get("X-Amz-Crc32") == "" {
			t.Errorf("%s %s: %d %s", tc.target, tc.body, resp.StatusCode, body)
		}
	}
}

// TestLoopback runs the real client over a socket.
func TestLoopback(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	c := dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "a", SecretAccessKey: "b"}, nil
		}),
	})
	mkTable(t, c, "loop", "")
	put(t, c, "loop", item{"pk": s("a")})
	out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("loop"), Key: item{"pk": s("a")}})
	if err != nil || out.Item == nil {
		t.Fatal(out, err)
	}
}
