package ddbtest_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/ddb-go/ddb/ddbtest"
)

// A stream consumer reads a table's changes with the SDK's dynamodbstreams
// client: the stream's shards, an iterator per shard, then GetRecords.
func ExampleServer_StreamsClient() {
	srv := ddbtest.NewUnstartedServer()
	defer srv.Close()
	ctx := context.Background()
	c := srv.Client()
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("users"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
		StreamSpecification:  &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages},
	})
	if err != nil {
		panic(err)
	}
	for _, name := range []string{"Ada", "Ada Lovelace"} {
		_, _ = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("users"), Item: map[string]types.AttributeValue{
			"id": &types.AttributeValueMemberS{Value: "ada"}, "name": &types.AttributeValueMemberS{Value: name}}})
	}

	// A listening server works the same with any client whose
	// BaseEndpoint is srv.URL.
	sc := srv.StreamsClient()
	d, _ := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("users")})
	stream, _ := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: d.Table.LatestStreamArn})
	for _, shard := range stream.StreamDescription.Shards {
		it, _ := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{
			StreamArn: d.Table.LatestStreamArn, ShardId: shard.ShardId, ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon})
		out, _ := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator})
		for _, r := range out.Records {
			name := r.Dynamodb.NewImage["name"].(*stypes.AttributeValueMemberS).Value
			fmt.Println(r.EventName, name)
		}
	}
	// Output:
	// INSERT Ada
	// MODIFY Ada Lovelace
}
