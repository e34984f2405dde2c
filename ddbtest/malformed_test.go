package ddbtest

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestMalformedRequests mutates valid requests at random: the server must
// answer every one with a 400 JSON error or a success, never a 500 (which
// is what a panic becomes).
func TestMalformedRequests(t *testing.T) {
	t.Parallel()
	srv := NewTB(t)
	valid := []struct{ op, body string }{
		{"CreateTable", `{"TableName":"mal","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"},{"AttributeName":"g","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST","GlobalSecondaryIndexes":[{"IndexName":"gix","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["x"]}}]}`},
		{"PutItem", `{"TableName":"mal","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"g":{"S":"G"},"x":{"L":[{"M":{"y":{"NS":["1","2"]}}}]}},"ConditionExpression":"attribute_not_exists(#p) OR x[0].y = :v","ExpressionAttributeNames":{"#p":"pk"},"ExpressionAttributeValues":{":v":{"N":"5"}},"ReturnValues":"ALL_OLD"}`},
		{"GetItem", `{"TableName":"mal","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"ProjectionExpression":"x[0].y, pk","ConsistentRead":true,"ReturnConsumedCapacity":"INDEXES"}`},
		{"UpdateItem", `{"TableName":"mal","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"UpdateExpression":"SET c = if_not_exists(c, :z) + :one ADD s :ss REMOVE x[0]","ExpressionAttributeValues":{":z":{"N":"0"},":one":{"N":"1"},":ss":{"SS":["q"]}},"ReturnValues":"UPDATED_NEW"}`},
		{"Query", `{"TableName":"mal","KeyConditionExpression":"pk = :p AND sk BETWEEN :a AND :b","FilterExpression":"size(s) > :z","ExpressionAttributeValues":{":p":{"S":"a"},":a":{"N":"0"},":b":{"N":"9"},":z":{"N":"0"}},"Limit":1,"ScanIndexForward":false,"ExclusiveStartKey":{"pk":{"S":"a"},"sk":{"N":"5"}}}`},
		{"Query", `{"TableName":"mal","IndexName":"gix","KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"G"}},"Select":"COUNT"}`},
		{"Scan", `{"TableName":"mal","Segment":0,"TotalSegments":2,"Limit":5,"FilterExpression":"contains(s, :q)","ExpressionAttributeValues":{":q":{"S":"q"}}}`},
		{"BatchWriteItem", `{"RequestItems":{"mal":[{"PutRequest":{"Item":{"pk":{"S":"b"},"sk":{"N":"2"}}}},{"DeleteRequest":{"Key":{"pk":{"S":"c"},"sk":{"N":"3"}}}}]}}`},
		{"BatchGetItem", `{"RequestItems":{"mal":{"Keys":[{"pk":{"S":"b"},"sk":{"N":"2"}}],"ProjectionExpression":"#s","ExpressionAttributeNames":{"#s":"sk"}}}}`},
		{"TransactWriteItems", `{"TransactItems":[{"ConditionCheck":{"TableName":"mal","Key":{"pk":{"S":"b"},"sk":{"N":"2"}},"ConditionExpression":"attribute_exists(pk)"}},{"Update":{"TableName":"mal","Key":{"pk":{"S":"d"},"sk":{"N":"4"}},"UpdateExpression":"SET v = :v","ExpressionAttributeValues":{":v":{"B":"AAE="}}}}],"ClientRequestToken":"abc"}`},
		{"TransactGetItems", `{"TransactItems":[{"Get":{"TableName":"mal","Key":{"pk":{"S":"b"},"sk":{"N":"2"}}}}]}`},
		{"UpdateTimeToLive", `{"TableName":"mal","TimeToLiveSpecification":{"AttributeName":"ttl","Enabled":true}}`},
		{"UpdateTable", `{"TableName":"mal","BillingMode":"PROVISIONED","ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}}`},
		{"ListTables", `{"Limit":1,"ExclusiveStartTableName":"aaa"}`},
		{"DescribeTable", `{"TableName":"mal"}`},
		{"DescribeTimeToLive", `{"TableName":"mal"}`},
		{"DeleteItem", `{"TableName":"mal","Key":{"pk":{"S":"b"},"sk":{"N":"2"}},"ReturnValues":"ALL_OLD"}`},
	}
	call := func(op, body string) (int, string) { return serveRaw(srv, op, body) }
	for _, v := range valid {
		if status, out := call(v.op, v.body); status != 200 {
			t.Fatalf("valid %s: %d %s", v.op, status, out)
		}
	}
	r := rand.New(rand.NewPCG(uint64(malSeed), 4))
	junk := []string{`"`, `{`, `}`, `[`, `]`, `:`, `,`, `null`, `1`, `-1e999`, `true`, `"x"`, `{}`, `[]`, `\`, `"\u0000"`, `{"S":""}`, `{"N":"x"}`, `{"NULL":false}`}
	for i := 0; i < malIters; i++ {
		v := valid[r.IntN(len(valid))]
		b := []byte(v.body)
		switch r.IntN(4) {
		case 0: // truncate
			b = b[:r.IntN(len(b))]
		case 1: // splice junk in
			p := r.IntN(len(b))
			b = append(append(append([]byte(nil), b[:p]...), junk[r.IntN(len(junk))]...), b[p:]...)
		case 2: // replace a JSON value of the parsed body with junk
			var m map[string]any
			_ = json.Unmarshal(b, &m)
			for k := range m {
				if r.IntN(3) == 0 {
					var j any
					if json.Unmarshal([]byte(junk[r.IntN(len(junk))]), &j) == nil {
						m[k] = j
					}
				}
			}
			b, _ = json.Marshal(m)
		case 3: // delete a byte range
			p := r.IntN(len(b))
			q := p + r.IntN(len(b)-p)
			b = append(append([]byte(nil), b[:p]...), b[q:]...)
		}
		status, out := call(v.op, string(b))
		if status == 500 || (status != 200 && !strings.Contains(out, `"__type"`)) {
			t.Fatalf("%s %s: %d %s", v.op, b, status, out)
		}
	}
}

// malSeed and malIters size TestMalformedRequests (raised when hunting).
var malSeed, malIters = 3, 3000
