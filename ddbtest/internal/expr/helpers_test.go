package expr

import (
	"encoding/json"
	"testing"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// mustItem decodes a DynamoDB JSON item for tests.
func mustItem(t testing.TB, s string) av.Item {
	t.Helper()
	item, err := av.ParseItemJSON([]byte(s))
	if err != nil {
		t.Fatalf("ParseItemJSON(%s): %v", s, err)
	}
	if err := av.ValidateItem(item); err != nil {
		t.Fatalf("ValidateItem(%s): %v", s, err)
	}
	return item
}

// testEnv is the placeholder environment shared by the tests.
func testEnv(t testing.TB) *Env {
	t.Helper()
	vals := mustItem(t, `{
		":n1": {"N":"1"}, ":n2": {"N":"2"}, ":n5": {"N":"5"}, ":n10": {"N":"10"},
		":s": {"S":"x"}, ":sa": {"S":"a"}, ":sz": {"S":"z"}, ":pre": {"S":"ab"},
		":b": {"B":"AQI="}, ":b1": {"B":"AQ=="}, ":t": {"BOOL":true}, ":null": {"NULL":true},
		":ss": {"SS":["a","b"]}, ":ns": {"NS":["1","2"]}, ":bs": {"BS":["AQ=="]},
		":l": {"L":[{"S":"q"}]}, ":m": {"M":{"k":{"S":"v"}}},
		":tS": {"S":"S"}, ":tN": {"S":"N"}, ":tM": {"S":"M"}, ":tBad": {"S":"X"}
	}`)
	return &Env{
		Names:  map[string]string{"#s": "status", "#a": "a", "#b": "b", "#dot": "x.y", "#pk": "pk", "#sk": "sk"},
		Values: vals,
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.(*Error).Message
}

// itemJSONSorted renders an item with map members in sorted order.
func itemJSONSorted(item av.Item) string {
	if item == nil {
		return "nil"
	}
	b, _ := json.Marshal(toAny(av.Value{Type: av.M, Map: item}))
	s := string(b)
	return s[len(`{"M":`) : len(s)-1]
}

// toAny converts a value to plain Go data that encoding/json sorts.
func toAny(v av.Value) any {
	switch v.Type {
	case av.M:
		m := make(map[string]any, len(v.Map))
		for k, e := range v.Map {
			m[k] = toAny(e)
		}
		return map[string]any{"M": m}
	case av.L:
		l := make([]any, len(v.List))
		for i, e := range v.List {
			l[i] = toAny(e)
		}
		return map[string]any{"L": l}
	}
	var x any
	_ = json.Unmarshal(v.AppendJSON(nil), &x)
	return x
}
