package expr

import (
	"testing"
)

const testItem = `{
	"pk": {"S":"p"}, "sk": {"N":"5"}, "a": {"N":"1"}, "s": {"S":"abc"}, "status": {"S":"x"},
	"bin": {"B":"AQID"}, "t": {"BOOL":true}, "nul": {"NULL":true},
	"ss": {"SS":["a","b"]}, "ns": {"NS":["1","2"]}, "bs": {"BS":["AQ=="]},
	"l": {"L":[{"S":"q"},{"N":"2"},{"M":{"deep":{"S":"a"}}}]},
	"m": {"M":{"k":{"S":"v"},"n":{"N":"10"},"x.y":{"S":"dot"}}},
	"x.y": {"S":"toplevel-dot"}
}`

func TestConditionEval(t *testing.T) {
	t.Parallel()
	item := mustItem(t, testItem)
	tests := []struct {
		src  string
		want bool
	}{
		{"a = :n1", true},
		{"a = :n2", false},
		{"a <> :n2", true},
		{"a <> :s", true},
		{"nope <> :n1", true},
		{"nope = :n1", false},
		{"a < :n2", true},
		{"a <= :n1", true},
		{"a > :n1", false},
		{"a >= :n1", true},
		{"a < :s", false}, // mismatched types
		{"s > :sa", true},
		{"s < :sz", true},
		{"bin > :b1", true},
		{"t = :t", true},
		{"nul = :null", true},
		{"ss = :ss", true},
		{"ns = :ns", true},
		{"l[0] = :s", false},
		{"m.k = :m", false},
		{"m = :m", false},
		{"a BETWEEN :n1 AND :n2", true},
		{"sk BETWEEN :n1 AND :n2", false},
		{"s BETWEEN :sa AND :sz", true},
		{"nope BETWEEN :n1 AND :n2", false},
		{"a IN (:n2, :n1)", true},
		{"a IN (:n2, :s)", false},
		{"attribute_exists(a)", true},
		{"attribute_exists(nope)", false},
		{"attribute_not_exists(nope)", true},
		{"attribute_exists(m.k)", true},
		{"attribute_exists(m.zz)", false},
		{"attribute_exists(l[2].deep)", true},
		{"attribute_exists(l[3])", false},
		{"attribute_exists(a[0])", false},
		{"attribute_exists(#dot)", true},
		{"attribute_exists(m.#dot)", true},
		{"attribute_type(a, :tN)", true},
		{"attribute_type(a, :tS)", false},
		{"attribute_type(m, :tM)", true},
		{"begins_with(s, :pre)", true},
		{"begins_with(s, :s)", false},
		{"begins_with(bin, :b1)", true},
		{"begins_with(a, :pre)", false},
		{"contains(s, :sa)", true},
		{"contains(s, :s)", false},
		{"contains(ss, :sa)", true},
		{"contains(ns, :n2)", true},
		{"contains(ns, :n5)", false},
		{"contains(bs, :b1)", true},
		{"contains(bin, :b1)", true},
		{"contains(l, :s)", false},
		{"contains(l, :n2)", true},
		{"size(s) = :n2", false},
		{"size(s) > :n2", true},
		{"size(ss) = :n2", true},
		{"size(l) > :n2", true},
		{"size(m) < :n5", true},
		{"size(bin) BETWEEN :n2 AND :n5", true},
		{"size(a) = :n1", false},
		{"size(nope) <> :n1", true},
		{"#s = :s", true},
		{"m.n > a", true},
		{"a = :n1 AND s = :s", false},
		{"a = :n1 OR s = :s", true},
		{"NOT a = :n1", false},
		{"NOT NOT a = :n1", true},
		{"NOT (a = :n1 AND s = :s)", true},
		{"a = :n2 AND s = :s OR a = :n1", true},    // AND binds tighter than OR
		{"a = :n1 OR s = :s AND a = :n2", true},    // a = 1 OR (...)
		{"(a = :n1 OR s = :s) AND a = :n2", false}, // parentheses
		{"NOT a = :n2 AND a = :n1", true},          // NOT binds tighter than AND
		{"(a) = :n1", true},
		{"(size(s)) > :n2", true},
		{"a.b = :n1", false},
		{"l[1] = :n2", true},
		{"l[2].deep = :sa", true},
		{"attribute_exists ( l [ 2 ] . deep )", true},
		{"a=:n1 and s<>:s", true},
	}
	for _, tt := range tests {
		env := testEnv(t)
		c, err := ParseCondition("ConditionExpression", tt.src, env)
		if err != nil {
			t.Errorf("ParseCondition(%q): %v", tt.src, err)
			continue
		}
		if got := c.Eval(item); got != tt.want {
			t.Errorf("Eval(%q) = %v, want %v", tt.src, got, tt.want)
		}
	}
}

func TestConditionAbsentItem(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]bool{
		"attribute_not_exists(pk)": true,
		"attribute_exists(pk)":     false,
		"pk = :s":                  false,
		"pk <> :s":                 true,
	} {
		c, err := ParseCondition("ConditionExpression", src, testEnv(t))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Eval(nil); got != want {
			t.Errorf("Eval(%q, nil) = %v", src, got)
		}
	}
}

func TestConditionErrors(t *testing.T) {
	t.Parallel()
	const pre = "Invalid ConditionExpression: "
	tests := []struct{ src, msg string }{
		{"", "The expression can not be empty;"},
		{"  ", "The expression can not be empty;"},
		{"a = = :n1", `Syntax error; token: "=", near: "= = :n1"`},
		{"a", `Syntax error; token: "<EOF>", near: "a"`},
		{"a = :n1 AND", `Syntax error; token: "<EOF>", near: "AND"`},
		{"a = :n1 :n2", `Syntax error; token: ":n2", near: ":n1 :n2"`},
		{"a ! :n1", `Syntax error; token: "!", near: "a ! :n1"`},
		{"a = #", `Syntax error; token: "#", near: "= #"`},
		{"a = :", `Syntax error; token: ":", near: "= :"`},
		{"a BETWEEN :n1", `Syntax error; token: "<EOF>", near: ":n1"`},
		{"a IN :n1", `Syntax error; token: ":n1", near: "IN :n1"`},
		{"(a = :n1", `Syntax error; token: "<EOF>", near: ":n1"`},
		{"a = :n1)", `Syntax error; token: ")", near: ":n1)"`},
		{"a[x] = :n1", `Syntax error; token: "x", near: "[x]"`},
		{"and = :n1", `Syntax error; token: "and", near: "and ="`},
		{"status = :s", "Attribute name is a reserved keyword; reserved keyword: status"},
		{"a.Size = :n1", "Attribute name is a reserved keyword; reserved keyword: Size"},
		{"a = :nope", "An expression attribute value used in expression is not defined; attribute value: :nope"},
		{"#nope = :n1", "An expression attribute name used in the document path is not defined; attribute name: #nope"},
		{"((a = :n1))", "The expression has redundant parentheses;"},
		{"((a)) = :n1", "The expression has redundant parentheses;"},
		{"foo(a)", "Invalid function name; function: foo"},
		{"attribute_exists(a) = :t", "The function is not allowed to be used this way in an expression; function: attribute_exists"},
		{"size(a)", "The function is not allowed to be used this way in an expression; function: size"},
		{"a = :n1 OR size(a)", "The function is not allowed to be used this way in an expression; function: size"},
		{"a IN (:n1, begins_with(a, :s))", "The function is not allowed to be used this way in an expression; function: begins_with"},
		{"attribute_exists(a, b)", "Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2"},
		{"begins_with(a)", "Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"},
		{"attribute_exists(:s)", "Operator or function requires a document path; operator or function: attribute_exists"},
		{"begins_with(a, :n1)", "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{"begins_with(a, :ss)", "Incorrect operand type for operator or function; operator or function: begins_with, operand type: SS"},
		{"attribute_type(a, :n1)", "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"},
		{"attribute_type(a, b)", "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}"},
		{"attribute_type(a, :tBad)", "Invalid attribute type name found; type: X, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
		{"size(:n1) > :n1", "Incorrect operand type for operator or function; operator or function: size, operand type: N"},
		{"a = a", "The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"},
		{"begins_with(a.b[1], a.b[1])", "The first operand must be distinct from the remaining operands for this operator or function; operator: begins_with, first operand: [a, b, [1]]"},
		{"a BETWEEN :n1 AND :s", "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:x}"},
		{"a BETWEEN :n5 AND :n1", "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"},
		// Priority: redundant parentheses before reserved words before undefined values.
		{"((status = :nope))", "The expression has redundant parentheses;"},
		{"status = :nope", "Attribute name is a reserved keyword; reserved keyword: status"},
		{"foo(a) AND status = :n1", "Invalid function name; function: foo"},
	}
	for _, tt := range tests {
		_, err := ParseCondition("ConditionExpression", tt.src, testEnv(t))
		if got := errText(err); got != pre+tt.msg {
			t.Errorf("ParseCondition(%q)\n got %q\nwant %q", tt.src, got, pre+tt.msg)
		}
	}
	_, err := ParseCondition("FilterExpression", "a", testEnv(t))
	if got := errText(err); got != `Invalid FilterExpression: Syntax error; token: "<EOF>", near: "a"` {
		t.Errorf("kind: %q", got)
	}
	if err.(*Error).Type != "ValidationException" {
		t.Errorf("type: %q", err.(*Error).Type)
	}
}

func TestConditionAttributes(t *testing.T) {
	t.Parallel()
	c, err := ParseCondition("FilterExpression", "a.b = :n1 AND (size(#s) > :n1 OR a[1] = :n2) AND attribute_exists(c)", testEnv(t))
	if err != nil {
		t.Fatal(err)
	}
	got := c.Attributes()
	if len(got) != 3 || got[0] != "a" || got[1] != "status" || got[2] != "c" {
		t.Errorf("Attributes = %v", got)
	}
	if p := c.Paths(); len(p) != 4 || p[0].String() != "[a, b]" || !p[0].Nested() || p[2].String() != "[a, [1]]" {
		t.Errorf("Paths = %v", p)
	}
}

func BenchmarkConditionParseEval(b *testing.B) {
	item := mustItem(b, testItem)
	env := testEnv(b)
	const src = "attribute_exists(pk) AND (a >= :n1 OR begins_with(s, :pre)) AND NOT contains(ss, :s) AND m.n BETWEEN :n1 AND :n10"
	b.ReportAllocs()
	for b.Loop() {
		c, err := ParseCondition("ConditionExpression", src, env)
		if err != nil {
			b.Fatal(err)
		}
		if !c.Eval(item) {
			b.Fatal("false")
		}
	}
}

func BenchmarkConditionEval(b *testing.B) {
	item := mustItem(b, testItem)
	c, err := ParseCondition("ConditionExpression", "attribute_exists(pk) AND (a >= :n1 OR begins_with(s, :pre)) AND NOT contains(ss, :s) AND m.n BETWEEN :n1 AND :n10", testEnv(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c.Eval(item)
	}
}

func TestConditionLimits(t *testing.T) {
	t.Parallel()
	in := func(n int) string {
		s := "a IN (:n1"
		for i := 1; i < n; i++ {
			s += ", :n1"
		}
		return s + ")"
	}
	ands := func(n int) string {
		s := "a = :n1"
		for i := 1; i < n; i++ {
			s += " AND a = :n1"
		}
		return s
	}
	tests := []struct{ src, msg string }{
		{in(100), ""},
		{in(101), "Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101"},
		{ands(150), ""}, // 150 comparisons + 149 ANDs
		{ands(151), "Invalid ConditionExpression: The expression contains too many operators; operator count: 301"},
	}
	for _, tt := range tests {
		_, err := ParseCondition("ConditionExpression", tt.src, testEnv(t))
		if got := errText(err); got != tt.msg {
			t.Errorf("%.30s...: %q, want %q", tt.src, got, tt.msg)
		}
	}
}
