package ddb

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func avS(s string) types.AttributeValue  { return &types.AttributeValueMemberS{Value: s} }
func avN(n string) types.AttributeValue  { return &types.AttributeValueMemberN{Value: n} }
func avB(b string) types.AttributeValue  { return &types.AttributeValueMemberB{Value: []byte(b)} }
func avBool(b bool) types.AttributeValue { return &types.AttributeValueMemberBOOL{Value: b} }
func avL(vs ...types.AttributeValue) types.AttributeValue {
	if vs == nil {
		vs = []types.AttributeValue{}
	}
	return &types.AttributeValueMemberL{Value: vs}
}

type (
	nameMap  = map[string]string
	valueMap = map[string]types.AttributeValue
)

// checkBuilt compares a built expression and the builder's placeholder maps
// with the expected ones.
func checkBuilt(t *testing.T, b *exprBuilder, got string, err error, want string, wantNames nameMap, wantValues valueMap) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if got != want {
		t.Errorf("expression\n got: %s\nwant: %s", got, want)
	}
	if n := b.names(); !reflect.DeepEqual(n, wantNames) {
		t.Errorf("names\n got: %v\nwant: %v", n, wantNames)
	}
	if v := b.values(); !reflect.DeepEqual(v, wantValues) {
		t.Errorf("values\n got: %#v\nwant: %#v", v, wantValues)
	}
}

// checkInvalid checks that err is an *Error of kind and names field.
func checkInvalid(t *testing.T, err error, kind error, field, msgPart string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error %v does not match %v", err, kind)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *Error", err)
	}
	if e.Field != field {
		t.Errorf("error field %q, want %q (error: %v)", e.Field, field, err)
	}
	if !strings.Contains(err.Error(), msgPart) {
		t.Errorf("error %q does not mention %q", err, msgPart)
	}
}

func TestPathString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p    Path
		want string
	}{
		{Attr("a"), "a"},
		{Attr("info").Field("rating").Index(0), "info.rating[0]"},
		{Attr("a.b").Index(2).Index(3).Field("c"), "a.b[2][3].c"},
		{Path{}, ""},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
	// Field and Index never share the parent's backing array.
	base := Attr("a").Field("b")
	x, y := base.Field("x"), base.Field("y")
	if x.String() != "a.b.x" || y.String() != "a.b.y" {
		t.Errorf("derived paths alias: %s %s", x, y)
	}
}

func TestCondition(t *testing.T) {
	t.Parallel()
	a, b := Attr("a"), Attr("b")
	tests := []struct {
		name   string
		c      Condition
		want   string
		names  nameMap
		values valueMap
	}{
		{"zero", Condition{}, "", nil, nil},
		{"eq", a.Eq("x"), "#n0 = :v0", nameMap{"#n0": "a"}, valueMap{":v0": avS("x")}},
		{"ne", a.Ne(1), "#n0 <> :v0", nameMap{"#n0": "a"}, valueMap{":v0": avN("1")}},
		{"lt", a.Lt(1.5), "#n0 < :v0", nameMap{"#n0": "a"}, valueMap{":v0": avN("1.5")}},
		{"le", a.Le("m"), "#n0 <= :v0", nameMap{"#n0": "a"}, valueMap{":v0": avS("m")}},
		{"gt", a.Gt([]byte("z")), "#n0 > :v0", nameMap{"#n0": "a"}, valueMap{":v0": avB("z")}},
		{"ge", a.Ge(0), "#n0 >= :v0", nameMap{"#n0": "a"}, valueMap{":v0": avN("0")}},
		{"eq null", a.Eq(nil), "#n0 = :v0", nameMap{"#n0": "a"}, valueMap{":v0": &types.AttributeValueMemberNULL{Value: true}}},
		{"eq attribute value", a.Eq(avBool(true)), "#n0 = :v0", nameMap{"#n0": "a"}, valueMap{":v0": avBool(true)}},
		{"path vs path", a.Lt(b), "#n0 < #n1", nameMap{"#n0": "a", "#n1": "b"}, nil},
		{"path vs size", a.Eq(b.Size()), "#n0 = size(#n1)", nameMap{"#n0": "a", "#n1": "b"}, nil},
		{"size", a.Size().Gt(3), "size(#n0) > :v0", nameMap{"#n0": "a"}, valueMap{":v0": avN("3")}},
		{"size between", a.Size().Between(1, 10), "size(#n0) BETWEEN :v0 AND :v1", nameMap{"#n0": "a"}, valueMap{":v0": avN("1"), ":v1": avN("10")}},
		{"size vs size", a.Size().Ne(b.Size()), "size(#n0) <> size(#n1)", nameMap{"#n0": "a", "#n1": "b"}, nil},
		{"size le path", a.Size().Le(b), "size(#n0) <= #n1", nameMap{"#n0": "a", "#n1": "b"}, nil},
		{"between binary", a.Between([]byte("a"), []byte("b")), "#n0 BETWEEN :v0 AND :v1", nameMap{"#n0": "a"}, valueMap{":v0": avB("a"), ":v1": avB("b")}},
		{"between", a.Between(1, 2), "#n0 BETWEEN :v0 AND :v1", nameMap{"#n0": "a"}, valueMap{":v0": avN("1"), ":v1": avN("2")}},
		{"between equal bounds share", a.Between("k", "k"), "#n0 BETWEEN :v0 AND :v0", nameMap{"#n0": "a"}, valueMap{":v0": avS("k")}},
		{"between paths", a.Between(b, Attr("c")), "#n0 BETWEEN #n1 AND #n2", nameMap{"#n0": "a", "#n1": "b", "#n2": "c"}, nil},
		{"in", a.In("x", "y", "x"), "#n0 IN (:v0, :v1, :v0)", nameMap{"#n0": "a"}, valueMap{":v0": avS("x"), ":v1": avS("y")}},
		{"in path", a.In(1, b), "#n0 IN (:v0, #n1)", nameMap{"#n0": "a", "#n1": "b"}, valueMap{":v0": avN("1")}},
		{"exists", a.Exists(), "attribute_exists(#n0)", nameMap{"#n0": "a"}, nil},
		{"not exists", a.NotExists(), "attribute_not_exists(#n0)", nameMap{"#n0": "a"}, nil},
		{"type", a.HasType(TypeStringSet), "attribute_type(#n0, :v0)", nameMap{"#n0": "a"}, valueMap{":v0": avS("SS")}},
		{"begins with", a.BeginsWith("pre"), "begins_with(#n0, :v0)", nameMap{"#n0": "a"}, valueMap{":v0": avS("pre")}},
		{"begins with path", a.BeginsWith(b), "begins_with(#n0, #n1)", nameMap{"#n0": "a", "#n1": "b"}, nil},
		{"contains", a.Contains(7), "contains(#n0, :v0)", nameMap{"#n0": "a"}, valueMap{":v0": avN("7")}},
		{"reserved and odd names", And(Attr("status").Eq(1), Attr("name").Exists(), Attr("a.b").Eq(1), Attr("my-attr").Ne(2), Attr("with space").Gt(1)),
			"#n0 = :v0 AND attribute_exists(#n1) AND #n2 = :v0 AND #n3 <> :v1 AND #n4 > :v0",
			nameMap{"#n0": "status", "#n1": "name", "#n2": "a.b", "#n3": "my-attr", "#n4": "with space"},
			valueMap{":v0": avN("1"), ":v1": avN("2")}},
		{"nested path", Attr("info").Field("rating").Index(0).Field("info").Eq(5),
			"#n0.#n1[0].#n0 = :v0", nameMap{"#n0": "info", "#n1": "rating"}, valueMap{":v0": avN("5")}},
		{"value cannot inject", a.Eq("x) OR attribute_exists(#n0"), "#n0 = :v0", nameMap{"#n0": "a"}, valueMap{":v0": avS("x) OR attribute_exists(#n0")}},
		{"and skips zero", And(Condition{}, a.Exists(), Condition{}), "attribute_exists(#n0)", nameMap{"#n0": "a"}, nil},
		{"and of nothing", And(Condition{}, Condition{}), "", nil, nil},
		{"and of ors", And(Or(a.Eq(1), a.Eq(2)), Or(b.Eq(1), b.Eq(2))),
			"(#n0 = :v0 OR #n0 = :v1) AND (#n1 = :v0 OR #n1 = :v1)", nameMap{"#n0": "a", "#n1": "b"}, valueMap{":v0": avN("1"), ":v1": avN("2")}},
		{"or of ands", Or(And(a.Eq(1), b.Eq(2)), a.NotExists()),
			"(#n0 = :v0 AND #n1 = :v1) OR attribute_not_exists(#n0)", nameMap{"#n0": "a", "#n1": "b"}, valueMap{":v0": avN("1"), ":v1": avN("2")}},
		{"nested and flattens", And(And(a.Eq(1), b.Eq(1)), a.Exists()),
			"#n0 = :v0 AND #n1 = :v0 AND attribute_exists(#n0)", nameMap{"#n0": "a", "#n1": "b"}, valueMap{":v0": avN("1")}},
		{"not", Not(a.Eq(1)), "NOT (#n0 = :v0)", nameMap{"#n0": "a"}, valueMap{":v0": avN("1")}},
		{"not of or", Not(Or(a.Eq(1), b.Exists())), "NOT (#n0 = :v0 OR attribute_exists(#n1))", nameMap{"#n0": "a", "#n1": "b"}, valueMap{":v0": avN("1")}},
		{"and with not", And(Not(a.Exists()), b.Eq(true)), "NOT (attribute_exists(#n0)) AND #n1 = :v0", nameMap{"#n0": "a", "#n1": "b"}, valueMap{":v0": avBool(true)}},
		{"string set value", a.Eq(StringSet("x", "y", "x")), "#n0 = :v0", nameMap{"#n0": "a"}, valueMap{":v0": &types.AttributeValueMemberSS{Value: []string{"x", "y"}}}},
		{"list value", a.Eq([]string{"x"}), "#n0 = :v0", nameMap{"#n0": "a"}, valueMap{":v0": avL(avS("x"))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b exprBuilder
			got, err := b.condition(tt.c)
			checkBuilt(t, &b, got, err, tt.want, tt.names, tt.values)
		})
	}
}

func TestConditionErrors(t *testing.T) {
	t.Parallel()
	a := Attr("a")
	many := make([]any, 101)
	for i := range many {
		many[i] = i
	}
	tests := []struct {
		name, field, msg string
		c                Condition
	}{
		{"empty path", "", "empty attribute path", Path{}.Eq(1)},
		{"empty name", "", "empty attribute path", Attr("").Exists()},
		{"empty nested name", "a.", "empty attribute name", a.Field("").Exists()},
		{"field of empty path", ".x", "no top-level attribute name", Path{}.Field("x").Exists()},
		{"negative index", "a[-1]", "negative list index", a.Index(-1).Exists()},
		{"index first", "[0]", "no top-level attribute name", Path{}.Index(0).Exists()},
		{"too deep", strings.Repeat("a.", 32) + "a", "deeper than 32", deepPath(33).Exists()},
		{"empty operand path", "a", "empty attribute path", a.Eq(Path{})},
		{"empty size path", "", "empty attribute path", Path{}.Size().Eq(1)},
		{"empty size operand", "a", "empty attribute path", a.Eq(Path{}.Size())},
		{"in none", "a", "IN needs 1 to 100 values, got 0", a.In()},
		{"in too many", "a", "got 101", a.In(many...)},
		{"between types", "a", "different types N and S", a.Between(1, "z")},
		{"between order", "a", "lower bound is greater", a.Between(10, 9)},
		{"between order strings", "a", "lower bound is greater", a.Between("b", "a")},
		{"between list", "a", "got L", a.Between([]int{1}, []int{2})},
		{"lt bool", "a", "got BOOL", a.Lt(true)},
		{"size ge map", "a", "got M", a.Size().Ge(map[string]int{"x": 1})},
		{"begins with number", "a", "got N", a.BeginsWith(1)},
		{"unknown type", "a", `unknown attribute type "X"`, a.HasType("X")},
		{"unencodable", "a", "cannot encode value", a.Eq(make(chan int))},
		{"condition as value", "a", "a Condition is not a value", a.Contains(a.Exists())},
		{"key condition as value", "a", "a KeyCondition is not a value", a.Eq(Eq(1))},
		{"between bad numbers", "a", "cannot be compared", a.Between(avN("x"), avN("1"))},
		{"empty set", "a", "empty set", a.Contains(StringSet())},
		{"not zero", "", "Not of an empty condition", Not(Condition{})},
		{"error inside and", "b", "IN needs", And(a.Exists(), Or(a.Eq(1), Attr("b").In()))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := exprBuilder{op: "Put", table: "t1"}
			if _, err := b.condition(Attr("keep").Eq("me")); err != nil {
				t.Fatal(err)
			}
			got, err := b.condition(tt.c)
			if got != "" {
				t.Errorf("expression %q on error", got)
			}
			checkInvalid(t, err, ErrInvalidExpression, tt.field, tt.msg)
			var e *Error
			errors.As(err, &e)
			if e.Op != "Put" || e.Table != "t1" {
				t.Errorf("error op/table = %q/%q, want Put/t1", e.Op, e.Table)
			}
			// A failed build leaves no placeholders behind.
			if n, v := b.names(), b.values(); len(n) != 1 || len(v) != 1 {
				t.Errorf("placeholders left after error: %v %v", n, v)
			}
		})
	}
}

func deepPath(n int) Path {
	p := Attr("a")
	for p.depth() < n {
		p = p.Field("a")
	}
	return p
}

func TestKeyCondition(t *testing.T) {
	t.Parallel()
	pk := avS("u1")
	tests := []struct {
		name   string
		skType types.ScalarAttributeType
		kc     *KeyCondition
		want   string
		values valueMap
	}{
		{"pk only", "S", nil, "#n0 = :v0", valueMap{":v0": pk}},
		{"zero kc", "S", &KeyCondition{}, "#n0 = :v0", valueMap{":v0": pk}},
		{"eq", "S", kcp(Eq("2024")), "#n0 = :v0 AND #n1 = :v1", valueMap{":v0": pk, ":v1": avS("2024")}},
		{"eq same value", "S", kcp(Eq("u1")), "#n0 = :v0 AND #n1 = :v0", valueMap{":v0": pk}},
		{"lt", "N", kcp(Lt(5)), "#n0 = :v0 AND #n1 < :v1", valueMap{":v0": pk, ":v1": avN("5")}},
		{"le", "N", kcp(Le(5)), "#n0 = :v0 AND #n1 <= :v1", valueMap{":v0": pk, ":v1": avN("5")}},
		{"gt", "B", kcp(Gt([]byte("x"))), "#n0 = :v0 AND #n1 > :v1", valueMap{":v0": pk, ":v1": avB("x")}},
		{"ge", "S", kcp(Ge("a")), "#n0 = :v0 AND #n1 >= :v1", valueMap{":v0": pk, ":v1": avS("a")}},
		{"between", "N", kcp(Between(1, 2.5)), "#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2", valueMap{":v0": pk, ":v1": avN("1"), ":v2": avN("2.5")}},
		{"begins with", "S", kcp(BeginsWith("2024-")), "#n0 = :v0 AND begins_with(#n1, :v1)", valueMap{":v0": pk, ":v1": avS("2024-")}},
		{"begins with binary", "B", kcp(BeginsWith([]byte{1})), "#n0 = :v0 AND begins_with(#n1, :v1)", valueMap{":v0": pk, ":v1": &types.AttributeValueMemberB{Value: []byte{1}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b exprBuilder
			got, err := keyCondition1(&b, "user-id", pk, "date", tt.skType, tt.kc)
			wantNames := nameMap{"#n0": "user-id", "#n1": "date"}
			if !strings.Contains(tt.want, "#n1") {
				wantNames = nameMap{"#n0": "user-id"}
			}
			checkBuilt(t, &b, got, err, tt.want, wantNames, tt.values)
		})
	}
}

func kcp(kc KeyCondition) *KeyCondition { return &kc }

// keyCondition1 is b.keyCondition for a key of one partition attribute
// and at most one sort attribute (none when skName is empty).
func keyCondition1(b *exprBuilder, pkName string, pk types.AttributeValue, skName string, skType types.ScalarAttributeType, kc *KeyCondition) (string, error) {
	var sk []KeyAttr
	if skName != "" {
		sk = []KeyAttr{{skName, skType}}
	}
	return b.keyCondition([]KeyAttr{{pkName, ""}}, []types.AttributeValue{pk}, sk, []*KeyCondition{kc})
}

func TestKeyConditionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, pkName, skName, field, msg string
		pk                               types.AttributeValue
		skType                           types.ScalarAttributeType
		kc                               *KeyCondition
	}{
		{"no pk name", "", "sk", "", "missing partition key", avS("x"), "S", nil},
		{"no pk value", "pk", "sk", "pk", "missing partition key", nil, "S", nil},
		{"no sort key", "pk", "", "", "without a sort key", avS("x"), "", kcp(Eq(1))},
		{"wrong type", "pk", "sk", "sk", "type S, want N", avS("x"), "N", kcp(Eq("1"))},
		{"wrong hi type", "pk", "sk", "sk", "type S, want N", avS("x"), "N", kcp(Between(1, "2"))},
		{"begins with number key", "pk", "sk", "sk", "begins_with needs a string or binary sort key", avS("x"), "N", kcp(BeginsWith("1"))},
		{"begins with number value", "pk", "sk", "sk", "type N, want S", avS("x"), "S", kcp(BeginsWith(1))},
		{"between order", "pk", "sk", "sk", "lower bound is greater", avS("x"), "N", kcp(Between(3, 2))},
		{"unencodable", "pk", "sk", "sk", "cannot encode", avS("x"), "S", kcp(Eq(func() {}))},
		{"path value", "pk", "sk", "sk", "not a value", avS("x"), "S", kcp(Eq(Attr("x")))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b exprBuilder
			_, err := keyCondition1(&b, tt.pkName, tt.pk, tt.skName, tt.skType, tt.kc)
			checkInvalid(t, err, ErrInvalidKey, tt.field, tt.msg)
			if b.names() != nil || b.values() != nil {
				t.Errorf("placeholders left after error: %v %v", b.names(), b.values())
			}
		})
	}
}

func TestProjection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		paths []Path
		want  string
		names nameMap
	}{
		{"none", nil, "", nil},
		{"simple", []Path{Attr("a"), Attr("name")}, "#n0, #n1", nameMap{"#n0": "a", "#n1": "name"}},
		{"nested", []Path{Attr("info").Field("rating"), Attr("info").Field("tags").Index(2), Attr("x.y")},
			"#n0.#n1, #n0.#n2[2], #n3", nameMap{"#n0": "info", "#n1": "rating", "#n2": "tags", "#n3": "x.y"}},
		{"duplicates listed once", []Path{Attr("a"), Attr("b"), Attr("a")}, "#n0, #n1", nameMap{"#n0": "a", "#n1": "b"}},
		{"list elements", []Path{Attr("l").Index(0), Attr("l").Index(1)}, "#n0[0], #n0[1]", nameMap{"#n0": "l"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b exprBuilder
			got, err := b.projection(tt.paths)
			checkBuilt(t, &b, got, err, tt.want, tt.names, nil)
		})
	}
}

func TestProjectionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, field, msg string
		paths            []Path
	}{
		{"empty path", "", "empty attribute path", []Path{Attr("a"), {}}},
		{"overlap", "a.b", "overlap", []Path{Attr("a"), Attr("a").Field("b")}},
		{"overlap reversed", "a", "overlap", []Path{Attr("a").Index(1), Attr("a")}},
		{"conflict", "a[0]", "conflict", []Path{Attr("a").Field("b"), Attr("a").Index(0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b exprBuilder
			_, err := b.projection(tt.paths)
			checkInvalid(t, err, ErrInvalidExpression, tt.field, tt.msg)
		})
	}
}

// TestSharedPlaceholders checks that expressions built with one builder
// share name and value placeholders.
func TestSharedPlaceholders(t *testing.T) {
	t.Parallel()
	var b exprBuilder
	kc, err := keyCondition1(&b, "pk", avS("u1"), "sk", "S", kcp(BeginsWith("2024")))
	if err != nil {
		t.Fatal(err)
	}
	filter, err := b.condition(And(Attr("status").Eq("open"), Attr("sk").Ne("2024")))
	if err != nil {
		t.Fatal(err)
	}
	proj, err := b.projection([]Path{Attr("pk"), Attr("status"), Attr("total")})
	if err != nil {
		t.Fatal(err)
	}
	got := kc + " | " + filter + " | " + proj
	want := "#n0 = :v0 AND begins_with(#n1, :v1) | #n2 = :v2 AND #n1 <> :v1 | #n0, #n2, #n3"
	checkBuilt(t, &b, got, nil, want,
		nameMap{"#n0": "pk", "#n1": "sk", "#n2": "status", "#n3": "total"},
		valueMap{":v0": avS("u1"), ":v1": avS("2024"), ":v2": avS("open")})
}

// TestManyValues covers placeholders past the precomputed ones.
func TestManyValues(t *testing.T) {
	t.Parallel()
	vs := make([]any, 40)
	for i := range vs {
		vs[i] = i
	}
	var b exprBuilder
	got, err := b.condition(Attr("a").In(vs...))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(got, ":v38, :v39)") || len(b.values()) != 40 || b.values()[":v39"].(*types.AttributeValueMemberN).Value != "39" {
		t.Errorf("got %q with values %v", got, b.values())
	}
}

// TestManyNames covers the switch from linear name lookup to a map.
func TestManyNames(t *testing.T) {
	t.Parallel()
	var b exprBuilder
	var paths []Path
	for i := range 40 {
		paths = append(paths, Attr(strings.Repeat("x", i+1)))
	}
	first, err := b.projection(paths)
	if err != nil {
		t.Fatal(err)
	}
	var b2 exprBuilder
	b2.projection(paths)
	c, err := b.condition(And(Attr("x").Exists(), paths[39].Exists(), Attr("new").Exists()))
	if err != nil {
		t.Fatal(err)
	}
	if want := "attribute_exists(#n0) AND attribute_exists(#n39) AND attribute_exists(#n40)"; c != want {
		t.Errorf("got %q, want %q", c, want)
	}
	if !strings.HasSuffix(first, "#n38, #n39") || len(b.names()) != 41 || b.names()["#n39"] != paths[39].top() {
		t.Errorf("projection %q names %v", first, b.names())
	}
	// A failed build after the switch forgets its names from the index too.
	if _, err := b.condition(And(Attr("brand-new").Exists(), Attr("b").In())); err == nil {
		t.Fatal("no error")
	}
	if c, _ := b.condition(Attr("other").Exists()); c != "attribute_exists(#n41)" {
		t.Errorf("after error got %q", c)
	}
}

// exprTestTable creates a table keyed by pk (S) and sk (N) on the test
// server and returns a client and its name.
func exprTestTable(t *testing.T) (Client, string) {
	t.Helper()
	c := newTestClient(t)
	return c, createTestTable(t, c, KeyAttr{Name: "pk", Type: types.ScalarAttributeTypeS}, KeyAttr{Name: "sk", Type: types.ScalarAttributeTypeN})
}

// TestExprOnServer sends the builder's expressions to a real server to
// prove DynamoDB accepts them and they mean what they say.
func TestExprOnServer(t *testing.T) {
	t.Parallel()
	c, table := exprTestTable(t)
	ctx := context.Background()

	// Conditional put: only when the item does not exist yet.
	put := func(item map[string]any, cond Condition) error {
		av, err := MarshalItem(item)
		if err != nil {
			t.Fatal(err)
		}
		var b exprBuilder
		ce, err := b.condition(cond)
		if err != nil {
			t.Fatal(err)
		}
		in := &dynamodb.PutItemInput{TableName: &table, Item: av, ExpressionAttributeNames: b.names(), ExpressionAttributeValues: b.values()}
		if ce != "" {
			in.ConditionExpression = &ce
		}
		_, err = c.PutItem(ctx, in)
		return err
	}
	fresh := Attr("pk").NotExists()
	base := map[string]any{
		"pk": "u1", "sk": 1, "status": "open", "name": "Ann", "a.b": 5, "my-attr": "x", "with space": []int{1, 2},
		"info": map[string]any{"rating": []int{7, 8}, "title": "hello world"}, "tags": StringSet("red", "blue"), "colors": StringSet("red", "blue"),
		"low": 3, "high": 9, "drop": true,
	}
	if err := put(base, fresh); err != nil {
		t.Fatalf("first conditional put: %v", err)
	}
	var ccf *types.ConditionalCheckFailedException
	if err := put(base, fresh); !errors.As(err, &ccf) {
		t.Fatalf("second conditional put: got %v, want ConditionalCheckFailedException", err)
	}
	for sk := 2; sk <= 5; sk++ {
		if err := put(map[string]any{"pk": "u1", "sk": sk, "status": []string{"open", "closed"}[sk%2], "n": sk * 10}, Condition{}); err != nil {
			t.Fatal(err)
		}
	}

	key := map[string]types.AttributeValue{"pk": avS("u1"), "sk": avN("1")}
	update := func(u *Update, cond Condition) (map[string]types.AttributeValue, error) {
		var b exprBuilder
		ue, err := b.update(u)
		if err != nil {
			t.Fatal(err)
		}
		ce, err := b.condition(cond)
		if err != nil {
			t.Fatal(err)
		}
		in := &dynamodb.UpdateItemInput{TableName: &table, Key: key, UpdateExpression: &ue,
			ExpressionAttributeNames: b.names(), ExpressionAttributeValues: b.values(), ReturnValues: types.ReturnValueAllNew}
		if ce != "" {
			in.ConditionExpression = &ce
		}
		out, err := c.UpdateItem(ctx, in)
		if err != nil {
			return nil, err
		}
		return out.Attributes, nil
	}

	info := Attr("info")
	everything := And(
		Attr("status").Eq("open"),
		Attr("name").Ne(Attr("status")),
		Attr("a.b").Between(Attr("low"), Attr("high")),
		Attr("a.b").Between(1, 10),
		Attr("my-attr").In("x", "y"),
		Attr("a.b").In(Attr("low"), 5), // (dynalite crashes on a path to a missing attribute in IN)
		Attr("with space").Index(1).Gt(1),
		Attr("with space").Size().Eq(2),
		info.Field("rating").Size().Lt(Attr("low")),
		info.Field("title").BeginsWith("hello"),
		info.Field("title").Contains("lo wo"),
		Attr("tags").Contains("red"),
		Attr("tags").HasType(TypeStringSet),
		Attr("high").Ge(Attr("tags").Size()),
		Or(Attr("missing").Exists(), Not(Attr("drop").Eq(false))),
	)

	u := NewUpdate().
		Set(Attr("status"), "shipped").
		Set(Attr("copy"), Attr("name")).
		Set(info.Field("rating").Index(0), 10).
		SetIfNotExists(Attr("created"), "2024-01-01").
		SetIfNotExists(Attr("name"), "ignored").
		Increment(Attr("views"), 3).
		Increment(Attr("a.b"), -2).
		Append(Attr("log"), []string{"a", "b"}).
		Prepend(Attr("with space"), []int{0}).
		Add(Attr("count"), 2).
		Add(info.Field("hits"), NumberSet(5)).
		Add(Attr("tags"), []string{"green"}).
		Delete(Attr("colors"), []string{"blue", "absent"}).
		Remove(Attr("drop"), Attr("my-attr"))
	got, err := update(u, everything)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	var item map[string]any
	if err := UnmarshalItem(got, &item); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"pk": "u1", "sk": 1.0, "status": "shipped", "name": "Ann", "copy": "Ann", "a.b": 3.0,
		"with space": []any{0.0, 1.0, 2.0}, "info": map[string]any{"rating": []any{10.0, 8.0}, "title": "hello world", "hits": []float64{5}},
		"created": "2024-01-01", "views": 3.0, "log": []any{"a", "b"}, "count": 2.0, "low": 3.0, "high": 9.0,
	}
	tags, colors := item["tags"], item["colors"]
	delete(item, "tags")
	delete(item, "colors")
	if !reflect.DeepEqual(item, want) {
		t.Errorf("item after update\n got: %v\nwant: %v", item, want)
	}
	if ts, ok := tags.([]string); !ok || len(ts) != 3 || !slices.Contains(ts, "green") {
		t.Errorf("tags = %#v, want set {red, blue, green}", tags)
	}
	if cs, ok := colors.([]string); !ok || !reflect.DeepEqual(cs, []string{"red"}) {
		t.Errorf("colors = %#v, want set {red}", colors)
	}

	// The same update again: the condition now fails.
	if _, err := update(NewUpdate().Set(Attr("status"), "x"), everything); !errors.As(err, &ccf) {
		t.Fatalf("update with failing condition: got %v, want ConditionalCheckFailedException", err)
	}
	// Values cannot inject: a value spelling out an expression is compared literally.
	if _, err := update(NewUpdate().Set(Attr("x"), 1), Attr("status").Eq("shipped OR attribute_exists(pk)")); !errors.As(err, &ccf) {
		t.Fatalf("injection attempt: got %v, want ConditionalCheckFailedException", err)
	}

	query := func(kc *KeyCondition, filter Condition, proj ...Path) []map[string]types.AttributeValue {
		t.Helper()
		var b exprBuilder
		ke, err := keyCondition1(&b, "pk", avS("u1"), "sk", types.ScalarAttributeTypeN, kc)
		if err != nil {
			t.Fatal(err)
		}
		in := &dynamodb.QueryInput{TableName: &table, KeyConditionExpression: &ke}
		if fe, err := b.condition(filter); err != nil {
			t.Fatal(err)
		} else if fe != "" {
			in.FilterExpression = &fe
		}
		if pe, err := b.projection(proj); err != nil {
			t.Fatal(err)
		} else if pe != "" {
			in.ProjectionExpression = &pe
		}
		in.ExpressionAttributeNames, in.ExpressionAttributeValues = b.names(), b.values()
		out, err := c.Query(ctx, in)
		if err != nil {
			t.Fatalf("query %s: %v", ke, err)
		}
		return out.Items
	}
	sks := func(items []map[string]types.AttributeValue) []string {
		var out []string
		for _, it := range items {
			out = append(out, it["sk"].(*types.AttributeValueMemberN).Value)
		}
		return out
	}
	queries := []struct {
		name   string
		kc     *KeyCondition
		filter Condition
		want   []string
	}{
		{"all", nil, Condition{}, []string{"1", "2", "3", "4", "5"}},
		{"eq", kcp(Eq(3)), Condition{}, []string{"3"}},
		{"lt", kcp(Lt(3)), Condition{}, []string{"1", "2"}},
		{"le", kcp(Le(3)), Condition{}, []string{"1", "2", "3"}},
		{"gt", kcp(Gt(3)), Condition{}, []string{"4", "5"}},
		{"ge", kcp(Ge(3)), Condition{}, []string{"3", "4", "5"}},
		{"between", kcp(Between(2, 4)), Condition{}, []string{"2", "3", "4"}},
		{"filter", kcp(Ge(2)), Attr("status").Eq("open"), []string{"2", "4"}},
		{"filter or", nil, Or(Attr("n").Gt(40), Attr("status").Eq("shipped")), []string{"1", "5"}},
		{"cond string", kcp(Ge(2)), Cond("status = ? AND (n >= ? OR NOT attribute_exists(n))", "open", 40), []string{"4"}},
		{"filter in", kcp(Gt(1)), Attr("n").In(20, 50), []string{"2", "5"}},
	}
	for _, q := range queries {
		if got := sks(query(q.kc, q.filter)); !reflect.DeepEqual(got, q.want) {
			t.Errorf("query %s: got sort keys %v, want %v", q.name, got, q.want)
		}
	}
	items := query(kcp(Eq(1)), Condition{}, Attr("sk"), info.Field("rating").Index(1), Attr("a.b"))
	var proj map[string]any
	if err := UnmarshalItem(items[0], &proj); err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"sk": 1.0, "info": map[string]any{"rating": []any{8.0}}, "a.b": 3.0}; !reflect.DeepEqual(proj, want) {
		t.Errorf("projection: got %v, want %v", proj, want)
	}

	// Scan with a filter using a string key condition operator on a non-key string.
	var b exprBuilder
	fe, err := b.condition(And(Attr("pk").BeginsWith("u"), Attr("n").Size().Eq(2), Not(Attr("n").HasType(TypeString))))
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: &table, FilterExpression: &fe, ExpressionAttributeNames: b.names(), ExpressionAttributeValues: b.values()})
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	if out.Count != 0 { // size() of a number is not defined, so nothing matches
		t.Errorf("scan count = %d, want 0", out.Count)
	}
}

// TestCond checks that each string condition builds exactly like its
// typed equivalent.
func TestCond(t *testing.T) {
	t.Parallel()
	a, b := Attr("a"), Attr("b")
	tests := []struct {
		expr string
		args []any
		want Condition
	}{
		{"a = ?", []any{1}, a.Eq(1)},
		{"a<>?", []any{"x"}, a.Ne("x")},
		{"a < b", nil, a.Lt(b)},
		{"? < a", []any{5}, a.Gt(5)},
		{"? >= size(a)", []any{5}, a.Size().Le(5)},
		{"? = ?", []any{Attr("my-attr"), 1}, Attr("my-attr").Eq(1)},
		{"? = ?", []any{1, Attr("my-attr")}, Attr("my-attr").Eq(1)},
		{"?.x[2] = ?", []any{Attr("a.b"), true}, Attr("a.b").Field("x").Index(2).Eq(true)},
		{"status = ? and name <> ?", []any{"open", "x"}, And(Attr("status").Eq("open"), Attr("name").Ne("x"))},
		{"info.rating[0] > ?", []any{3}, Attr("info").Field("rating").Index(0).Gt(3)},
		{"a BETWEEN ? AND ?", []any{1, 9}, a.Between(1, 9)},
		{"size(a) between ? and b", []any{1}, a.Size().Between(1, b)},
		{"a IN (?, ?, b)", []any{1, 2}, a.In(1, 2, b)},
		{"attribute_exists(a) AND attribute_not_exists(b.c)", nil, And(a.Exists(), b.Field("c").NotExists())},
		{"attribute_type(a, SS)", nil, a.HasType(TypeStringSet)},
		{"attribute_type(a, ?)", []any{"N"}, a.HasType(TypeNumber)},
		{"attribute_type(a, ?)", []any{TypeMap}, a.HasType(TypeMap)},
		{"begins_with(a, ?) OR contains(b, ?)", []any{"x", "y"}, Or(a.BeginsWith("x"), b.Contains("y"))},
		{"contains = ?", []any{1}, Attr("contains").Eq(1)},
		{"size = ?", []any{1}, Attr("size").Eq(1)},
		{"a = ? AND (b = ? OR b = ?) AND NOT a = ?", []any{1, 2, 3, 4}, And(a.Eq(1), Or(b.Eq(2), b.Eq(3)), Not(a.Eq(4)))},
		{"a = ? OR b = ? AND a = ?", []any{1, 2, 3}, Or(a.Eq(1), And(b.Eq(2), a.Eq(3)))},
		{"NOT NOT (a = ?)", []any{1}, Not(Not(a.Eq(1)))},
		{"size(a) > size(b)", nil, a.Size().Gt(b.Size())},
		{"? = a", []any{Attr("x").Size()}, Attr("x").Size().Eq(a)},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			t.Parallel()
			var want, got exprBuilder
			we, err := want.condition(tt.want)
			if err != nil {
				t.Fatal(err)
			}
			ge, err := got.condition(Cond(tt.expr, tt.args...))
			checkBuilt(t, &got, ge, err, we, want.names(), want.values())
		})
	}
}

func TestCondErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr, msg string
		args      []any
	}{
		{"", "expected an attribute name or ?, found end of condition", nil},
		{"a", "expected a comparison, BETWEEN or IN", nil},
		{"a = ?", "more placeholders than arguments", nil},
		{"a = ?", "2 arguments for 1 placeholders", []any{1, 2}},
		{"a = ? b", `unexpected "b" at offset 6`, []any{1}},
		{"a == ?", `expected an attribute name or ?, found "="`, []any{1}},
		{"a = $x", "unexpected character '$'", nil},
		{"(a = ?", `expected ")"`, []any{1}},
		{"a BETWEEN ? OR ?", "expected AND in BETWEEN", []any{1, 2}},
		{"a IN ()", "expected an attribute name or ?", nil},
		{"a. = ?", `expected a name after "."`, []any{1}},
		{"a[x] = ?", "expected a list index", []any{1}},
		{"a[1 = ?", `expected "]"`, []any{1}},
		{"? = ?", "a comparison needs an attribute on one side", []any{1, 2}},
		{"contains(?, ?)", "first argument of a function must be an attribute path", []any{1, 2}},
		{"attribute_type(a, ?)", "attribute_type needs a type name", []any{1}},
		{"attribute_type(a, X)", `unknown attribute type "X"`, nil},
		{"size(?) > ?", "size needs an attribute path", []any{1, 2}},
		{"a = ? AND", "expected an attribute name or ?", []any{1}},
		{"NOT", "expected an attribute name or ?", nil},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			t.Parallel()
			var b exprBuilder
			_, err := b.condition(Cond(tt.expr, tt.args...))
			if !errors.Is(err, ErrInvalidExpression) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Cond(%q) error = %v, want ErrInvalidExpression mentioning %q", tt.expr, err, tt.msg)
			}
		})
	}
}

// FuzzCond checks that Cond never panics and that whatever it accepts
// builds.
func FuzzCond(f *testing.F) {
	for _, s := range []string{"a = ?", "NOT (a < ? OR size(b) >= c.d[1])", "a BETWEEN ? AND ? AND attribute_type(x, S)", "a IN (?, b, ?)", "contains(a, ?", "[1]", "a[99999999999999999999] = ?"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := make([]any, strings.Count(s, "?"))
		for i := range args {
			args[i] = i
		}
		var b exprBuilder
		_, err := b.condition(Cond(s, args...))
		if err != nil && !errors.Is(err, ErrInvalidExpression) {
			t.Fatalf("Cond(%q): error %v is not ErrInvalidExpression", s, err)
		}
	})
}
