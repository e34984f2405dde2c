package conformance

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// sdkClient returns an aws-sdk-go-v2 client for b with dummy credentials
// and no retries (so errors surface at once).
func sdkClient(b backend) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(b.url),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "x", SecretAccessKey: "x"}, nil
		}),
		RetryMaxAttempts: 1,
	})
}

// sdkRun runs a short session through the real SDK client and returns a
// summary of what it observed, to compare between the servers.
func sdkRun(ctx context.Context, c *dynamodb.Client) (map[string]any, error) {
	out := map[string]any{}
	table := aws.String("sdk.T")
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:   table,
		BillingMode: types.BillingModePayPerRequest,
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange},
		},
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("CreateTable: %w", err)
	}
	// The waiter's default first delay (20 s) exceeds the wait allowed, so
	// a table still CREATING at the first poll (dynalite activates it on a
	// timer, even with --createTableMs 0) would fail at once.
	waiter := dynamodb.NewTableExistsWaiter(c, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 100*time.Millisecond
	})
	if err := waiter.Wait(ctx, &dynamodb.DescribeTableInput{TableName: table}, 10*time.Second); err != nil {
		return nil, fmt.Errorf("waiting for table: %w", err)
	}
	for i := range 7 {
		item, err := attributevalue.MarshalMap(map[string]any{"pk": "p", "sk": i, "even": i%2 == 0})
		if err != nil {
			return nil, err
		}
		item["tags"] = &types.AttributeValueMemberSS{Value: []string{"a", "b"}}
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: item}); err != nil {
			return nil, fmt.Errorf("PutItem: %w", err)
		}
	}
	var pages []int32
	var items []map[string]any
	p := dynamodb.NewQueryPaginator(c, &dynamodb.QueryInput{
		TableName:                 table,
		KeyConditionExpression:    aws.String("pk = :p"),
		FilterExpression:          aws.String("even = :t"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: "p"}, ":t": &types.AttributeValueMemberBOOL{Value: true}},
		Limit:                     aws.Int32(3),
		ScanIndexForward:          aws.Bool(false),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("Query: %w", err)
		}
		pages = append(pages, page.Count, page.ScannedCount)
		var got []map[string]any
		if err := attributevalue.UnmarshalListOfMaps(page.Items, &got); err != nil {
			return nil, err
		}
		items = append(items, got...)
	}
	out["query pages"], out["query items"] = pages, items

	key := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "p"}, "sk": &types.AttributeValueMemberN{Value: "3"}}
	upd, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 table,
		Key:                       key,
		UpdateExpression:          aws.String("ADD n :one DELETE tags :a"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": &types.AttributeValueMemberN{Value: "1"}, ":a": &types.AttributeValueMemberSS{Value: []string{"a"}}},
		ReturnValues:              types.ReturnValueAllNew,
	})
	if err != nil {
		return nil, fmt.Errorf("UpdateItem: %w", err)
	}
	var attrs map[string]any
	if err := attributevalue.UnmarshalMap(upd.Attributes, &attrs); err != nil {
		return nil, err
	}
	out["update attributes"] = attrs

	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: table, Item: key, ConditionExpression: aws.String("attribute_not_exists(pk)"),
	})
	var ccf *types.ConditionalCheckFailedException
	out["conditional failure typed"] = errors.As(err, &ccf)

	_, err = c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("sdk.missing"), Key: key})
	var rnf *types.ResourceNotFoundException
	out["missing table typed"] = errors.As(err, &rnf)

	bw, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
		"sdk.T": {{DeleteRequest: &types.DeleteRequest{Key: key}}},
	}})
	if err != nil {
		return nil, fmt.Errorf("BatchWriteItem: %w", err)
	}
	out["unprocessed"] = len(bw.UnprocessedItems)

	sc, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: table, Select: types.SelectCount})
	if err != nil {
		return nil, fmt.Errorf("Scan: %w", err)
	}
	out["scan count"] = sc.Count
	return out, nil
}

// TestSDK runs a short session through the real aws-sdk-go-v2 client
// against both servers and compares what the client observed.
func TestSDK(t *testing.T) {
	if skipReason != "" {
		t.Skip(skipReason)
	}
	t.Parallel()
	ctx := context.Background()
	a, err := sdkRun(ctx, sdkClient(ddb))
	if err != nil {
		t.Fatalf("ddbtest: %v", err)
	}
	b, err := sdkRun(ctx, sdkClient(dyn))
	if err != nil {
		t.Fatalf("dynalite: %v", err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("SDK session differs:\nddbtest:  %v\ndynalite: %v", a, b)
	}
	if a["conditional failure typed"] != true || a["missing table typed"] != true {
		t.Errorf("errors not typed as the SDK expects: %v", a)
	}
}
