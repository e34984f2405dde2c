package ddbtest

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// postRaw sends body as operation op to the listening server srv over
// HTTP and returns the status and body of the answer.
func postRaw(t *testing.T, srv *Server, op, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	signDummy(req, "us-east-1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(out)
}

// TestValidationOrder checks DynamoDB's order of checks over HTTP: the
// JSON type of every member (SerializationException, "Message"), then
// the constraints (collected into one message), then the operation's own
// static checks, and only then the table: a malformed request on a
// missing table is a ValidationException.
func TestValidationOrder(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	t.Cleanup(srv.Close)
	if status, out := postRaw(t, srv, "CreateTable", `{"TableName":"valid","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`); status != 200 {
		t.Fatalf("CreateTable: %d %s", status, out)
	}
	const (
		ser = `{"__type":"com.amazon.coral.service#SerializationException","Message":"`
		val = `{"__type":"com.amazon.coral.validate#ValidationException","message":"`
	)
	tests := []struct {
		name, op, body string
		status         int
		want           string // the whole body; "" for any success
	}{
		{"tag constraints with the others", "CreateTable", `{"TableName":"tagged","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST","Tags":[{"Key":"","Value":"v"}]}`, 400, val + `1 validation error detected: Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1"}`},
		{"tag types", "TagResource", `{"ResourceArn":"arn:aws:dynamodb:us-east-1:000000000000:table/valid","Tags":[{"Key":1}]}`, 400, ser + `NUMBER_VALUE cannot be converted to String"}`},
		{"not JSON", "GetItem", `{"TableName":`, 400, `{"__type":"com.amazon.coral.service#SerializationException"}`},
		{"wrong type", "PutItem", `{"TableName":1,"Item":{}}`, 400, ser + `NUMBER_VALUE cannot be converted to String"}`},
		{"false", "PutItem", `{"TableName":false,"Item":{}}`, 400, ser + `FALSE_VALUE cannot be converted to String"}`},
		{"decimal", "GetItem", `{"TableName":"valid","Key":{},"ConsistentRead":1.5}`, 400, ser + `DECIMAL_VALUE cannot be converted to Boolean"}`},
		{"types in member order, not body order", "PutItem", `{"Item":[],"ReturnConsumedCapacity":true}`, 400, ser + `TRUE_VALUE cannot be converted to String"}`},
		{"list where a structure goes", "Query", `{"TableName":"valid","ExpressionAttributeValues":[]}`, 400, ser + `Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>"}`},
		{"attribute value type before constraints", "PutItem", `{"TableName":"","Item":{"a":{"S":1}}}`, 400, ser + `NUMBER_VALUE cannot be converted to String"}`},
		{"scalar attribute value", "PutItem", `{"TableName":"nosuch","Item":{"a":1}}`, 400, ser + `Unexpected value type in payload"}`},
		{"list attribute value", "PutItem", `{"TableName":"nosuch","Item":{"a":[]}}`, 400, ser + `Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue"}`},
		{"nested structure", "CreateTable", `{"TableName":"abc","KeySchema":[1]}`, 400, ser + `Unexpected value type in payload"}`},
		{"constraints collected", "PutItem", `{"TableName":"","ReturnConsumedCapacity":"x","Item":{}}`, 400,
			val + `3 validation errors detected: Value 'x' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; Value '' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value '' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3"}`},
		{"nested paths", "CreateTable", `{"TableName":"abc","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"X"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"ProvisionedThroughput":{"ReadCapacityUnits":0,"WriteCapacityUnits":1}}`, 400,
			val + `2 validation errors detected: Value 'X' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]; Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1"}`},
		{"not null", "GetItem", `{"TableName":"nosuch"}`, 400, val + `1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null"}`},
		{"table name wording", "DescribeTable", `{"TableName":"ab"}`, 400, val + `TableName must be at least 3 characters long and at most 255 characters long"}`},
		{"required", "DeleteTable", `{}`, 400, val + `The parameter 'TableName' is required but was not present in the request"}`},
		{"member names are case-sensitive", "DescribeTable", `{"tablename":"valid"}`, 400, val + `The parameter 'TableName' is required but was not present in the request"}`},
		{"case-folded member ignored", "UpdateTable", `{"TableName":"valid","billingmode":"BOGUS","BillingMode":"PAY_PER_REQUEST"}`, 200, ""},
		{"map keys", "BatchWriteItem", `{"RequestItems":{"ab":[{"DeleteRequest":{"Key":{"pk":{"S":"a"}}}}]}}`, 400,
			val + `1 validation error detected: Value '{\"ab\":[{\"DeleteRequest\":{\"Key\":{\"pk\":{\"S\":\"a\"}}}}]}' at 'requestItems' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]"}`},
		{"expression on a missing table", "GetItem", `{"TableName":"nosuch","Key":{"pk":{"S":"a"}},"ProjectionExpression":""}`, 400, val + `Invalid ProjectionExpression: The expression can not be empty;"}`},
		{"placeholders on a missing table", "DeleteItem", `{"TableName":"nosuch","Key":{"pk":{"S":"a"}},"ExpressionAttributeNames":{"#a":"a"}}`, 400, val + `ExpressionAttributeNames can only be specified when using expressions"}`},
		{"key condition required on a missing table", "Query", `{"TableName":"nosuch"}`, 400, val + `Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."}`},
		{"return values on a missing table", "PutItem", `{"TableName":"nosuch","Item":{"pk":{"S":"a"}},"ReturnValues":"ALL_NEW"}`, 400, val + `ReturnValues can only be ALL_OLD or NONE"}`},
		{"attribute value on a missing table", "BatchWriteItem", `{"RequestItems":{"nosuch":[{"PutRequest":{"Item":{"pk":{}}}}]}}`, 400, val + `Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"}`},
		{"update on a missing table", "UpdateTable", `{"TableName":"nosuch"}`, 400, val + `At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required"}`},
		{"then the table", "PutItem", `{"TableName":"nosuch","Item":{"pk":{"S":"a"}}}`, 400, `{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}`},
		{"integers truncated", "ListTables", `{"Limit":1.5}`, 200, ""},
		{"booleans from strings", "GetItem", `{"TableName":"valid","Key":{"pk":{"S":"a"}},"ConsistentRead":"yes"}`, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			status, out := postRaw(t, srv, tc.op, tc.body)
			if status != tc.status || (tc.want != "" && out != tc.want) {
				t.Errorf("%s %s:\n got %d %s\nwant %d %s", tc.op, tc.body, status, out, tc.status, tc.want)
			}
		})
	}
}
