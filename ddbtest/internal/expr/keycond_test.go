package expr

import (
	"fmt"
	"testing"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

func TestKeyCondition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src      string
		hash     string
		rangeOp  string // "" for no range condition
		rangeArg int    // number of values
	}{
		{"pk = :s", "x", "", 0},
		{"#pk = :s", "x", "", 0},
		{":s = pk", "x", "", 0},
		{"pk = :s AND sk = :n1", "x", "=", 1},
		{"sk = :n1 AND pk = :s", "x", "=", 1},
		{"pk = :s AND sk < :n1", "x", "<", 1},
		{"pk = :s AND :n1 < sk", "x", ">", 1},
		{"pk = :s AND :n1 >= sk", "x", "<=", 1},
		{"pk = :s AND sk BETWEEN :n1 AND :n2", "x", "BETWEEN", 2},
		{"pk = :s AND begins_with(#sk, :n1)", "", "", 0}, // begins_with on N rejected at parse
		{"(pk = :s) AND (sk > :n1)", "x", ">", 1},
	}
	for _, tt := range tests {
		kc, err := ParseKeyCondition(tt.src, testEnv(t), 2)
		if tt.hash == "" {
			if err == nil {
				t.Errorf("ParseKeyCondition(%q): no error", tt.src)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseKeyCondition(%q): %v", tt.src, err)
			continue
		}
		bk, err := kc.Bind([]KeyAttr{{"pk", av.S}}, []KeyAttr{{"sk", av.N}})
		if err != nil {
			t.Errorf("Bind(%q): %v", tt.src, err)
			continue
		}
		if len(bk.Hash) != 1 || bk.Hash[0].Str != tt.hash {
			t.Errorf("%q: hash %v", tt.src, bk.Hash)
		}
		// An equality on the sort key is part of the walked prefix (Equal).
		switch {
		case tt.rangeOp == "=":
			if len(bk.Equal) != 1 || bk.Range != nil {
				t.Errorf("%q: equal %v range %+v, want one equality", tt.src, bk.Equal, bk.Range)
			}
		case tt.rangeOp == "" && (bk.Range != nil || len(bk.Equal) > 0):
			t.Errorf("%q: unexpected range %+v %v", tt.src, bk.Range, bk.Equal)
		case tt.rangeOp != "" && (bk.Range == nil || bk.Range.Op != tt.rangeOp || bk.Range.Name != "sk" || len(bk.Range.Values) != tt.rangeArg):
			t.Errorf("%q: range %+v, want %s", tt.src, bk.Range, tt.rangeOp)
		}
	}
}

func TestKeyConditionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ src, msg string }{
		{"", "Invalid KeyConditionExpression: The expression can not be empty;"},
		{"pk = ", `Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: "= "`},
		{"pk = :s OR sk = :n1", "Invalid operator used in KeyConditionExpression: OR"},
		{"NOT pk = :s", "Invalid operator used in KeyConditionExpression: NOT"},
		{"pk IN (:s)", "Invalid operator used in KeyConditionExpression: IN"},
		{"pk <> :s", "Invalid operator used in KeyConditionExpression: <>"},
		{"attribute_exists(pk)", "Invalid operator used in KeyConditionExpression: attribute_exists"},
		{"pk = :s AND contains(sk, :s)", "Invalid operator used in KeyConditionExpression: contains"},
		{"size(pk) = :n1", "KeyConditionExpressions cannot contain nested operations"},
		{":n1 BETWEEN sk AND :n2", "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand"},
		{"begins_with(:s, sk)", "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand"},
		{"pk = sk", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"},
		{"pk.a = :s", "KeyConditionExpressions cannot have conditions on nested attributes"},
		{":s = :sa", "Invalid condition in KeyConditionExpression: No key attribute specified"},
		{"pk = :s AND pk = :sa", "KeyConditionExpressions must only contain one condition per key"},
		{"pk = :t", "One or more parameter values were invalid: ComparisonOperator EQ is not valid for BOOL AttributeValue type"},
		{"pk = :s AND sk < :ss", "One or more parameter values were invalid: ComparisonOperator LT is not valid for SS AttributeValue type"},
		{"pk = :s AND a = :s AND b = :s", "Conditions can be of length 1 or 2 only"},
		{"pk = :s AND status = :s", "Invalid KeyConditionExpression: Attribute name is a reserved keyword; reserved keyword: status"},
	}
	for _, tt := range tests {
		_, err := ParseKeyCondition(tt.src, testEnv(t), 2)
		if got := errText(err); got != tt.msg {
			t.Errorf("ParseKeyCondition(%q)\n got %q\nwant %q", tt.src, got, tt.msg)
		}
	}
}

func TestKeyConditionBind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src, hash, rng string
		ht, rt         av.Type
		msg            string
	}{
		{"pk = :s AND sk = :n1", "pk", "", av.S, 0, "Query key condition not supported"},
		{"sk = :n1", "pk", "sk", av.S, av.N, "Query condition missed key schema element: pk"},
		{"pk = :s AND foo = :n1", "pk", "sk", av.S, av.N, "Query condition missed key schema element: sk"},
		{"pk < :s", "pk", "sk", av.S, av.N, "Query key condition not supported"},
		{"pk = :n1", "pk", "sk", av.S, av.N, "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{"pk = :s AND sk > :s", "pk", "sk", av.S, av.N, "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{"pk = :s", "pk", "sk", av.S, av.N, ""},
	}
	for _, tt := range tests {
		kc, err := ParseKeyCondition(tt.src, testEnv(t), 2)
		if err != nil {
			t.Errorf("ParseKeyCondition(%q): %v", tt.src, err)
			continue
		}
		hash, rng := []KeyAttr{{tt.hash, tt.ht}}, []KeyAttr(nil)
		if tt.rng != "" {
			rng = []KeyAttr{{tt.rng, tt.rt}}
		}
		_, err = kc.Bind(hash, rng)
		if got := errText(err); got != tt.msg {
			t.Errorf("Bind(%q) = %q, want %q", tt.src, got, tt.msg)
		}
	}
}

func TestRangeConditionMatchBounds(t *testing.T) {
	t.Parallel()
	s := func(x string) av.Value { return av.Value{Type: av.S, Str: x} }
	n := func(x string) av.Value { return av.Value{Type: av.N, Str: x} }
	tests := []struct {
		rc     RangeCondition
		v      av.Value
		match  bool
		lo, hi string // "" unbounded; "[x" inclusive, "(x" exclusive
	}{
		{RangeCondition{"k", "=", []av.Value{n("5")}}, n("5"), true, "[5", "[5"},
		{RangeCondition{"k", "<", []av.Value{n("5")}}, n("4.9"), true, "", "(5"},
		{RangeCondition{"k", "<=", []av.Value{n("5")}}, n("6"), false, "", "[5"},
		{RangeCondition{"k", ">", []av.Value{n("5")}}, n("5"), false, "(5", ""},
		{RangeCondition{"k", ">=", []av.Value{n("-1")}}, n("0"), true, "[-1", ""},
		{RangeCondition{"k", "BETWEEN", []av.Value{n("1"), n("10")}}, n("10"), true, "[1", "[10"},
		{RangeCondition{"k", "BETWEEN", []av.Value{n("1"), n("10")}}, n("10.5"), false, "[1", "[10"},
		{RangeCondition{"k", "begins_with", []av.Value{s("ab")}}, s("abc"), true, "[ab", "(ac"},
		{RangeCondition{"k", "begins_with", []av.Value{s("ab")}}, s("b"), false, "[ab", "(ac"},
		{RangeCondition{"k", "begins_with", []av.Value{s("a\xff")}}, s("a\xff1"), true, "[a\xff", "(b"},
		{RangeCondition{"k", "begins_with", []av.Value{s("")}}, s("x"), true, "[", ""},
		{RangeCondition{"k", "=", []av.Value{n("5")}}, s("5"), false, "[5", "[5"},
	}
	bound := func(b *Bound) string {
		if b == nil {
			return ""
		}
		p := "("
		if b.Inclusive {
			p = "["
		}
		return p + b.Value.Str
	}
	for _, tt := range tests {
		if got := tt.rc.Match(tt.v); got != tt.match {
			t.Errorf("%+v Match(%v) = %v", tt.rc, tt.v, got)
		}
		lo, hi := tt.rc.Bounds()
		if bound(lo) != tt.lo || bound(hi) != tt.hi {
			t.Errorf("%+v Bounds = %q %q, want %q %q", tt.rc, bound(lo), bound(hi), tt.lo, tt.hi)
		}
	}
	rc := RangeCondition{"k", "begins_with", []av.Value{{Type: av.B, Bytes: []byte{1, 0xff}}}}
	lo, hi := rc.Bounds()
	if string(lo.Value.Bytes) != "\x01\xff" || string(hi.Value.Bytes) != "\x02" || hi.Inclusive {
		t.Errorf("binary bounds %v %v", lo, hi)
	}
}

// TestBindMultiAttribute binds key conditions to a multi-attribute key:
// partition (h1 S, h2 N), sort (r1 N, r2 S, r3 N).
func TestBindMultiAttribute(t *testing.T) {
	t.Parallel()
	hash := []KeyAttr{{"h1", av.S}, {"h2", av.N}}
	rng := []KeyAttr{{"r1", av.N}, {"r2", av.S}, {"r3", av.N}}
	const needEq = "RANGE key attributes %s must have equality conditions specified in the query because a condition is present on key attribute %s"
	tests := []struct {
		src        string
		equal      int    // leading sort equalities
		rangeOn    string // the range condition's attribute ("" none)
		msg        string
		maxParsed  int
		parseError string
	}{
		{src: "h1 = :s AND h2 = :n1", equal: 0},
		{src: "h2 = :n1 AND h1 = :s AND r1 = :n2", equal: 1},
		{src: "h1 = :s AND h2 = :n1 AND r1 = :n2 AND r2 = :sa AND r3 = :n5", equal: 3},
		{src: "h1 = :s AND h2 = :n1 AND r1 = :n2 AND begins_with(r2, :pre)", equal: 1, rangeOn: "r2"},
		{src: "h1 = :s AND h2 = :n1 AND r1 = :n2 AND r2 = :sa AND r3 BETWEEN :n1 AND :n5", equal: 2, rangeOn: "r3"},
		{src: "h1 = :s AND h2 = :n1 AND :n2 < r1", rangeOn: "r1"},
		{src: "h1 = :s", msg: "Query condition missed key schema element: h2"},
		{src: "h1 = :s AND h2 > :n1", msg: "Query key condition not supported"},
		{src: "h1 = :s AND h2 = :s", msg: "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{src: "h1 = :s AND h2 = :n1 AND r2 = :sa", msg: fmt.Sprintf(needEq, "r1", "r2")},
		{src: "h1 = :s AND h2 = :n1 AND r1 = :n1 AND r3 = :n1", msg: fmt.Sprintf(needEq, "r2", "r3")},
		{src: "h1 = :s AND h2 = :n1 AND r1 > :n1 AND r2 = :sa", msg: fmt.Sprintf(needEq, "r1", "r2")},
		{src: "h1 = :s AND h2 = :n1 AND r1 = :n1 AND r2 < :sa AND r3 = :n2", msg: fmt.Sprintf(needEq, "r2", "r3")},
		{src: "h1 = :s AND h2 = :n1 AND x = :n1", msg: "Query condition missed key schema element: r1"},
		{src: "h1 = :s AND h2 = :n1 AND r1 = :n1 AND r2 = :sa AND r3 = :n2 AND x = :n1", msg: "Query key condition not supported"},
		{src: "h1 = :s AND h2 = :n1 AND r1 = :n1 AND r2 = :s", maxParsed: 2, parseError: "Conditions can be of length 1 or 2 only"},
		{src: "a = :s AND b = :s AND c = :s AND d = :s AND e = :s AND f = :s AND g = :s AND h = :s AND i = :s", parseError: "Conditions can be of length 1 to 8 only"},
	}
	for _, tt := range tests {
		maxConds := MaxKeyConditions
		if tt.maxParsed > 0 {
			maxConds = tt.maxParsed
		}
		kc, err := ParseKeyCondition(tt.src, testEnv(t), maxConds)
		if got := errText(err); got != tt.parseError {
			t.Errorf("ParseKeyCondition(%q) = %q, want %q", tt.src, got, tt.parseError)
		}
		if err != nil {
			continue
		}
		bk, err := kc.Bind(hash, rng)
		if got := errText(err); got != tt.msg {
			t.Errorf("Bind(%q) = %q, want %q", tt.src, got, tt.msg)
		}
		if err != nil {
			continue
		}
		on := ""
		if bk.Range != nil {
			on = bk.Range.Name
		}
		if len(bk.Hash) != 2 || bk.Hash[0].Str != "x" || len(bk.Equal) != tt.equal || on != tt.rangeOn {
			t.Errorf("Bind(%q) = %v %v %v, want %d equalities, range on %q", tt.src, bk.Hash, bk.Equal, bk.Range, tt.equal, tt.rangeOn)
		}
	}
}
