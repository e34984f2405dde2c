package expr

import (
	"testing"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

func TestProjection(t *testing.T) {
	t.Parallel()
	item := mustItem(t, testItem)
	tests := []struct{ src, want string }{
		{"pk", `{"pk":{"S":"p"}}`},
		{"pk, a, nope", `{"a":{"N":"1"},"pk":{"S":"p"}}`},
		{"#dot", `{"x.y":{"S":"toplevel-dot"}}`},
		{"m.k", `{"m":{"M":{"k":{"S":"v"}}}}`},
		{"m.k, m.#dot, m.zz", `{"m":{"M":{"k":{"S":"v"},"x.y":{"S":"dot"}}}}`},
		{"l[2], l[0]", `{"l":{"L":[{"S":"q"},{"M":{"deep":{"S":"a"}}}]}}`},
		{"l[2].deep, l[9]", `{"l":{"L":[{"M":{"deep":{"S":"a"}}}]}}`},
		{"l[9]", `{}`},
		{"m[0], l.x", `{}`},
		{" a , s ", `{"a":{"N":"1"},"s":{"S":"abc"}}`},
	}
	for _, tt := range tests {
		p, err := ParseProjection(tt.src, testEnv(t))
		if err != nil {
			t.Errorf("ParseProjection(%q): %v", tt.src, err)
			continue
		}
		if got := itemJSONSorted(p.Apply(item)); got != tt.want {
			t.Errorf("Apply(%q)\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
	p, _ := ParseProjection("m.k, #s, m.n, l[1]", testEnv(t))
	if got := p.Attributes(); len(got) != 3 || got[0] != "m" || got[1] != "status" || got[2] != "l" {
		t.Errorf("Attributes = %v", got)
	}
}

func TestProjectionErrors(t *testing.T) {
	t.Parallel()
	const pre = "Invalid ProjectionExpression: "
	tests := []struct{ src, msg string }{
		{"", "The expression can not be empty;"},
		{"a,", `Syntax error; token: "<EOF>", near: ","`},
		{"a b", `Syntax error; token: "b", near: "a b"`},
		{"a-b", `Syntax error; token: "-", near: "a-b"`},
		{"a[", `Syntax error; token: "<EOF>", near: "["`},
		{"a.", `Syntax error; token: "<EOF>", near: "."`},
		{"status", "Attribute name is a reserved keyword; reserved keyword: status"},
		{"#nope", "An expression attribute name used in the document path is not defined; attribute name: #nope"},
		{"a, a", "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
		{"a.b, a", "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]"},
		{"a.b, a[0]", "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [0]]"},
		{"#a, a", "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
	}
	for _, tt := range tests {
		_, err := ParseProjection(tt.src, testEnv(t))
		if got := errText(err); got != pre+tt.msg {
			t.Errorf("ParseProjection(%q)\n got %q\nwant %q", tt.src, got, pre+tt.msg)
		}
	}
}

func TestEnv(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	if _, err := ParseCondition("ConditionExpression", "#a = :n1 AND #b = :s", env); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseProjection("#s", env); err != nil {
		t.Fatal(err)
	}
	if got := errText(env.Unused()); got != "Value provided in ExpressionAttributeNames unused in expressions: keys: {#dot, #pk, #sk}" {
		t.Errorf("Unused = %q", got)
	}
	env = &Env{Names: map[string]string{"#a": "a"}, Values: map[string]av.Value{":v": {Type: av.S, Str: "x"}, ":w": {Type: av.S, Str: "y"}}}
	if _, err := ParseCondition("ConditionExpression", "#a = :v", env); err != nil {
		t.Fatal(err)
	}
	if got := errText(env.Unused()); got != "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}" {
		t.Errorf("Unused = %q", got)
	}
	if err := (&Env{}).Unused(); err != nil {
		t.Errorf("empty env: %v", err)
	}

	validate := []struct {
		env Env
		msg string
	}{
		{Env{Names: map[string]string{}}, "ExpressionAttributeNames must not be empty"},
		{Env{Values: map[string]av.Value{}}, "ExpressionAttributeValues must not be empty"},
		{Env{Names: map[string]string{"a": "a"}}, `ExpressionAttributeNames contains invalid key: Syntax error; key: "a"`},
		{Env{Names: map[string]string{"#a-b": "a"}}, `ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"`},
		{Env{Values: map[string]av.Value{"v": {Type: av.S}}}, `ExpressionAttributeValues contains invalid key: Syntax error; key: "v"`},
		{Env{Values: map[string]av.Value{":v": {Type: av.N, Str: "x"}}}, "ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric value: x for key :v"},
		{Env{Values: map[string]av.Value{":v": {Type: av.SS, Strs: []string{}}}}, "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :v"},
		{Env{Names: map[string]string{"#a": "a"}, Values: map[string]av.Value{":v": {Type: av.N, Str: "01.50"}}}, ""},
	}
	for _, tt := range validate {
		if got := errText(tt.env.Validate()); got != tt.msg {
			t.Errorf("Validate(%+v) = %q, want %q", tt.env, got, tt.msg)
		}
	}
	e := Env{Values: map[string]av.Value{":v": {Type: av.N, Str: "01.50"}}}
	if err := e.Validate(); err != nil || e.Values[":v"].Str != "1.5" {
		t.Errorf("canonical: %v %v", e.Values, err)
	}
}

func TestExpressionSize(t *testing.T) {
	t.Parallel()
	long := "a"
	for len(long) < 4096 {
		long += ", a"
	}
	long = long[:4096]
	if _, err := ParseProjection(long+"b", testEnv(t)); errText(err) != "Invalid ProjectionExpression: Expression size has exceeded the maximum allowed size; expression size: 4097" {
		t.Errorf("4097 bytes: %v", err)
	}
	if _, err := ParseCondition("FilterExpression", "attribute_exists(a)", testEnv(t)); err != nil {
		t.Error(err)
	}
}
