package console

import "testing"

func TestRequestTables(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ op, body, want string }{
		{"GetItem", `{"TableName":"a"}`, "a"},
		{"PutItem", `{"Item":{"TableName":{"S":"not this"},"k":{"S":"x"}},"ExpressionAttributeNames":{"#t":"TableName"},"TableName":"a"}`, "a"},
		{"PutItem", `{"Item":{"TableName":{"S":"x"}}, "TableName" : "spaced"}`, "spaced"},
		{"TagResource", `{"ResourceArn":"arn:aws:dynamodb:us-east-1:000000000000:table/tags"}`, "tags"},
		{"GetRecords", `{"StreamArn":"arn:aws:dynamodb:eu-west-1:000000000000:table/s/stream/2026-12-01T00:00:00.000"}`, "s"},
		{"BatchWriteItem", `{"RequestItems":{"b":[],"a":[]}}`, "a,b"},
		{"TransactWriteItems", `{"TransactItems":[{"Put":{"TableName":"y"}},{"ConditionCheck":{"TableName":"x"}},{"Update":{"TableName":"y"}}]}`, "x,y"},
		{"GetItem", `{}`, ""},
		{"GetItem", `not json`, ""},
	} {
		if got := requestTables(tc.op, []byte(tc.body)); got != tc.want {
			t.Errorf("requestTables(%s) = %q, want %q", tc.body, got, tc.want)
		}
	}
}

func TestResponseCapacity(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		out  string
		want float64
	}{
		{`{"Item":{}}`, 0},
		{`{"ConsumedCapacity":{"TableName":"a","CapacityUnits":1.5}}`, 1.5},
		{`{"ConsumedCapacity":[{"CapacityUnits":1},{"CapacityUnits":2.5}]}`, 3.5},
		{`{"ConsumedCapacity":null}`, 0},
		{`{"ConsumedCapacity":`, 0},
	} {
		if got := responseCapacity([]byte(tc.out)); got != tc.want {
			t.Errorf("responseCapacity(%s) = %g, want %g", tc.out, got, tc.want)
		}
	}
}
