package expr

import (
	"testing"
)

func TestUpdateApply(t *testing.T) {
	t.Parallel()
	const base = `{"pk":{"S":"p"},"n":{"N":"5"},"s":{"S":"x"},"ss":{"SS":["a","b"]},"ns":{"NS":["1","2"]},"bs":{"BS":["AQ=="]},` +
		`"l":{"L":[{"S":"l0"},{"S":"l1"},{"S":"l2"},{"S":"l3"}]},"m":{"M":{"k":{"S":"v"},"mm":{"M":{"z":{"N":"1"}}}}}}`
	tests := []struct {
		src  string
		want string // JSON of the changed attributes; others must be unchanged
		gone []string
	}{
		{"SET a = :n1", `{"a":{"N":"1"}}`, nil},
		{"SET n = :s", `{"n":{"S":"x"}}`, nil},
		{"set a = :n1, b = :s", `{"a":{"N":"1"},"b":{"S":"x"}}`, nil},
		{"SET n = n + :n2", `{"n":{"N":"7"}}`, nil},
		{"SET n = n - :n10", `{"n":{"N":"-5"}}`, nil},
		{"SET n = :n10 - n", `{"n":{"N":"5"}}`, nil},
		{"SET n = (n + :n1)", `{"n":{"N":"6"}}`, nil},
		{"SET n = (n) + :n1", `{"n":{"N":"6"}}`, nil},
		{"SET c = if_not_exists(c, :n1)", `{"c":{"N":"1"}}`, nil},
		{"SET n = if_not_exists(n, :n1)", `{"n":{"N":"5"}}`, nil},
		{"SET c = if_not_exists(c, :n1) + :n2", `{"c":{"N":"3"}}`, nil},
		{"SET l = list_append(l, :l)", `{"l":{"L":[{"S":"l0"},{"S":"l1"},{"S":"l2"},{"S":"l3"},{"S":"q"}]}}`, nil},
		{"SET l = list_append(:l, l)", `{"l":{"L":[{"S":"q"},{"S":"l0"},{"S":"l1"},{"S":"l2"},{"S":"l3"}]}}`, nil},
		{"SET z = list_append(if_not_exists(z, :l), :l)", `{"z":{"L":[{"S":"q"},{"S":"q"}]}}`, nil},
		{"SET a = n, n = a2", "", nil}, // a2 missing: error case below
		{"SET m.k = :n1", `{"m":{"M":{"k":{"N":"1"},"mm":{"M":{"z":{"N":"1"}}}}}}`, nil},
		{"SET m.mm.y = :n1", `{"m":{"M":{"k":{"S":"v"},"mm":{"M":{"z":{"N":"1"},"y":{"N":"1"}}}}}}`, nil},
		{"SET l[1] = :s", `{"l":{"L":[{"S":"l0"},{"S":"x"},{"S":"l2"},{"S":"l3"}]}}`, nil},
		{"SET l[10] = :s, l[12] = :sa", `{"l":{"L":[{"S":"l0"},{"S":"l1"},{"S":"l2"},{"S":"l3"},{"S":"x"},{"S":"a"}]}}`, nil},
		{"SET #a = :n1", `{"a":{"N":"1"}}`, nil},
		{"SET #dot = :n1", `{"x.y":{"N":"1"}}`, nil},
		{"REMOVE s", `{}`, []string{"s"}},
		{"REMOVE s, nope, m.k", `{"m":{"M":{"mm":{"M":{"z":{"N":"1"}}}}}}`, []string{"s"}},
		{"REMOVE l[1], l[2]", `{"l":{"L":[{"S":"l0"},{"S":"l3"}]}}`, nil},
		{"REMOVE l[2], l[1]", `{"l":{"L":[{"S":"l0"},{"S":"l3"}]}}`, nil},
		{"REMOVE l[9]", `{}`, nil},
		{"REMOVE l[0] SET l[1] = :s", `{"l":{"L":[{"S":"x"},{"S":"l2"},{"S":"l3"}]}}`, nil},
		{"ADD n :n2", `{"n":{"N":"7"}}`, nil},
		{"ADD c :n2", `{"c":{"N":"2"}}`, nil},
		{"ADD ss :ss", `{}`, nil},
		{"ADD ss :sset", `{"ss":{"SS":["a","b","c"]}}`, nil},
		{"ADD ns :ns3", `{"ns":{"NS":["1","2","3"]}}`, nil},
		{"ADD newset :ss", `{"newset":{"SS":["a","b"]}}`, nil},
		{"ADD bs :bs2", `{"bs":{"BS":["AQ==","Ag=="]}}`, nil},
		{"DELETE ss :sa1", `{"ss":{"SS":["b"]}}`, nil},
		{"DELETE ss :ss", `{}`, []string{"ss"}},
		{"DELETE nope :ss", `{}`, nil},
		{"DELETE ns :ns", `{}`, []string{"ns"}},
		{"SET a = :n1 REMOVE s ADD n :n1 DELETE ss :sa1", `{"a":{"N":"1"},"n":{"N":"6"},"ss":{"SS":["b"]}}`, []string{"s"}},
		{"DELETE ss :sa1 ADD n :n1 REMOVE s SET a = :n1", `{"a":{"N":"1"},"n":{"N":"6"},"ss":{"SS":["b"]}}`, []string{"s"}},
		{"SET a = :n1 , b = a", "", nil}, // a does not exist in the original item
	}
	for _, tt := range tests {
		env := testEnv(t)
		extra := mustItem(t, `{":sset":{"SS":["b","c"]},":ns3":{"NS":["3","1"]},":bs2":{"BS":["Ag=="]},":sa1":{"SS":["a"]}}`)
		for k, v := range extra {
			env.Values[k] = v
		}
		u, err := ParseUpdate(tt.src, env)
		if err != nil {
			t.Errorf("ParseUpdate(%q): %v", tt.src, err)
			continue
		}
		orig := mustItem(t, base)
		before := itemJSONSorted(orig)
		got, err := u.Apply(orig)
		if itemJSONSorted(orig) != before {
			t.Errorf("Apply(%q) modified its input", tt.src)
		}
		if tt.want == "" {
			if errText(err) != msgMissingAttr {
				t.Errorf("Apply(%q) error = %v, want %q", tt.src, err, msgMissingAttr)
			}
			continue
		}
		if err != nil {
			t.Errorf("Apply(%q): %v", tt.src, err)
			continue
		}
		want := mustItem(t, base)
		for k, v := range mustItem(t, tt.want) {
			want[k] = v
		}
		for _, k := range tt.gone {
			delete(want, k)
		}
		if itemJSONSorted(got) != itemJSONSorted(want) {
			t.Errorf("Apply(%q)\n got %s\nwant %s", tt.src, itemJSONSorted(got), itemJSONSorted(want))
		}
	}
}

func TestUpdateApplyErrors(t *testing.T) {
	t.Parallel()
	item := mustItem(t, `{"n":{"N":"5"},"s":{"S":"x"},"l":{"L":[{"S":"a"}]},"m":{"M":{}},"ss":{"SS":["a"]},"big":{"N":"12345678901234567890123456789012345678e2"}}`)
	tests := []struct{ src, msg string }{
		{"SET a = nope", msgMissingAttr},
		{"SET a = nope + :n1", msgMissingAttr},
		{"SET a = s + :n1", msgBadOperand},
		{"SET a = list_append(s, :l)", msgBadOperand},
		{"SET a = list_append(l, s)", msgBadOperand},
		{"ADD s :n1", msgBadOperand},
		{"ADD ss :ns", msgBadOperand},
		{"DELETE ss :ns", msgBadOperand},
		{"DELETE s :ss", msgBadOperand},
		{"SET nope.a = :n1", msgBadPath},
		{"SET s.a = :n1", msgBadPath},
		{"SET s[0] = :n1", msgBadPath},
		{"SET l[3].a = :n1", msgBadPath},
		{"SET m.a.b = :n1", msgBadPath},
		{"REMOVE nope.a", msgBadPath},
		{"SET big = big + :n1", "Attempting to store more than 38 significant digits in a Number"},
	}
	for _, tt := range tests {
		u, err := ParseUpdate(tt.src, testEnv(t))
		if err != nil {
			t.Errorf("ParseUpdate(%q): %v", tt.src, err)
			continue
		}
		if _, err := u.Apply(item); errText(err) != tt.msg {
			t.Errorf("Apply(%q) = %v, want %q", tt.src, err, tt.msg)
		}
	}
	// An absent item starts empty.
	u, _ := ParseUpdate("SET a = :n1 ADD c :n2", testEnv(t))
	got, err := u.Apply(nil)
	if err != nil || itemJSONSorted(got) != `{"a":{"N":"1"},"c":{"N":"2"}}` {
		t.Errorf("Apply(nil) = %s, %v", itemJSONSorted(got), err)
	}
}

func TestUpdateParseErrors(t *testing.T) {
	t.Parallel()
	const pre = "Invalid UpdateExpression: "
	tests := []struct{ src, msg string }{
		{"", "The expression can not be empty;"},
		{"INVALID SYNTAX HERE", `Syntax error; token: "INVALID", near: "INVALID SYNTAX"`},
		{"ADD hits : incr", `Syntax error; token: ":", near: "hits : incr"`},
		{"SET a = ", `Syntax error; token: "<EOF>", near: "= "`},
		{"SET a", `Syntax error; token: "<EOF>", near: "a"`},
		{"SET a = :n1,", `Syntax error; token: "<EOF>", near: ","`},
		{"SET a = :n1 b = :n2", `Syntax error; token: "b", near: ":n1 b ="`},
		{"SET a = :n1 + ", `Syntax error; token: "<EOF>", near: "+ "`},
		{"SET a = :n1 * :n2", `Syntax error; token: "*", near: ":n1 * :n2"`},
		{"REMOVE a = :n1", `Syntax error; token: "=", near: "a = :n1"`},
		{"ADD a", `Syntax error; token: "<EOF>", near: "a"`},
		{"ADD a b", `Syntax error; token: "b", near: "a b"`},
		{"SET set = :n1", `Syntax error; token: "set", near: "SET set ="`},
		{"SET status = :n1", "Attribute name is a reserved keyword; reserved keyword: status"},
		{"SET a = foo(b)", "Invalid function name; function: foo"},
		{"SET a = attribute_exists(b)", "Invalid function name; function: attribute_exists"},
		{"SET a = :n1 SET b = :n2", `The "SET" section can only be used once in an update expression;`},
		{"REMOVE a REMOVE b", `The "REMOVE" section can only be used once in an update expression;`},
		{"SET #nope = :n1", "An expression attribute name used in the document path is not defined; attribute name: #nope"},
		{"SET a = :nope", "An expression attribute value used in expression is not defined; attribute value: :nope"},
		{"SET a = :n1, a = :n2", "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
		{"SET a = :n1 REMOVE a.b", "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"},
		{"SET a.b = :n1 REMOVE a[1]", "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]"},
		{"SET a.b = :n1 REMOVE a.c", ""},
		{"ADD a :s", "Incorrect operand type for operator or function; operator: ADD, operand type: STRING"},
		{"ADD a :l", "Incorrect operand type for operator or function; operator: ADD, operand type: LIST"},
		{"ADD a :m", "Incorrect operand type for operator or function; operator: ADD, operand type: MAP"},
		{"ADD a :t", "Incorrect operand type for operator or function; operator: ADD, operand type: BOOLEAN"},
		{"DELETE a :n1", "Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER"},
		{"DELETE a :null", "Incorrect operand type for operator or function; operator: DELETE, operand type: NULL"},
		{"SET a = if_not_exists(:n1, b)", "Operator or function requires a document path; operator or function: if_not_exists"},
		{"SET a = if_not_exists(b)", "Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1"},
		{"SET a = list_append(b, :s)", "Incorrect operand type for operator or function; operator or function: list_append, operand type: S"},
		{"SET a = b + :s", "Incorrect operand type for operator or function; operator or function: +, operand type: S"},
		{"SET a = :ss - b", "Incorrect operand type for operator or function; operator or function: -, operand type: SS"},
		// Priority: reserved words first, then unknown functions, sections, names, values.
		{"SET a = :nope, status = :n1", "Attribute name is a reserved keyword; reserved keyword: status"},
		{"SET a = :nope REMOVE x SET b = foo(c)", "Invalid function name; function: foo"},
	}
	for _, tt := range tests {
		_, err := ParseUpdate(tt.src, testEnv(t))
		want := ""
		if tt.msg != "" {
			want = pre + tt.msg
		}
		if got := errText(err); got != want {
			t.Errorf("ParseUpdate(%q)\n got %q\nwant %q", tt.src, got, want)
		}
	}
}

func TestUpdateAttributes(t *testing.T) {
	t.Parallel()
	u, err := ParseUpdate("SET a.b = :n1, c = d REMOVE a.x ADD #s :n1", testEnv(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Attributes(); len(got) != 3 || got[0] != "a" || got[1] != "c" || got[2] != "status" {
		t.Errorf("Attributes = %v", got)
	}
	if p := u.Paths(); len(p) != 4 || p[2].String() != "[a, x]" {
		t.Errorf("Paths = %v", p)
	}
}

func BenchmarkUpdateParseApply(b *testing.B) {
	item := mustItem(b, testItem)
	env := testEnv(b)
	b.ReportAllocs()
	for b.Loop() {
		u, err := ParseUpdate("SET s = :s, m.k = :sa, cnt = if_not_exists(cnt, :n1) + :n1 REMOVE t ADD ss :ss", env)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := u.Apply(item); err != nil {
			b.Fatal(err)
		}
	}
}

func TestUpdateUpdated(t *testing.T) {
	t.Parallel()
	old := mustItem(t, `{"pk":{"S":"p"},"n":{"N":"5"},"s":{"S":"x"},`+
		`"l":{"L":[{"S":"l0"},{"S":"l1"},{"S":"l2"},{"S":"l3"}]},"m":{"M":{"a":{"N":"1"},"b":{"M":{"c":{"S":"x"}}}}}}`)
	tests := []struct {
		src      string
		old, new string // UPDATED_OLD and UPDATED_NEW
	}{
		{"SET n = n + :n1", `{"n":{"N":"5"}}`, `{"n":{"N":"6"}}`},
		{"SET a = :n1", "nil", `{"a":{"N":"1"}}`},
		{"SET m.b.c = :s, m.z = :s", `{"m":{"M":{"b":{"M":{"c":{"S":"x"}}}}}}`, `{"m":{"M":{"b":{"M":{"c":{"S":"x"}}},"z":{"S":"x"}}}}`},
		{"SET l[0] = :sa", `{"l":{"L":[{"S":"l0"}]}}`, `{"l":{"L":[{"S":"a"}]}}`},
		{"REMOVE l[2], l[0]", `{"l":{"L":[{"S":"l0"},{"S":"l2"}]}}`, "nil"},
		{"REMOVE l[50]", "nil", "nil"},
		{"REMOVE s SET n = :n2", `{"n":{"N":"5"},"s":{"S":"x"}}`, `{"n":{"N":"2"}}`},
		{"SET l[99] = :s", "nil", "nil"},
		{"SET m.a = :n2, l[1] = :s, l[3] = :sa", `{"l":{"L":[{"S":"l1"},{"S":"l3"}]},"m":{"M":{"a":{"N":"1"}}}}`, `{"l":{"L":[{"S":"x"},{"S":"a"}]},"m":{"M":{"a":{"N":"2"}}}}`},
	}
	for _, tt := range tests {
		u, err := ParseUpdate(tt.src, testEnv(t))
		if err != nil {
			t.Fatalf("ParseUpdate(%q): %v", tt.src, err)
		}
		updated, err := u.Apply(old)
		if err != nil {
			t.Fatalf("Apply(%q): %v", tt.src, err)
		}
		if got := itemJSONSorted(u.Updated(old, false)); got != tt.old {
			t.Errorf("%q: UPDATED_OLD = %s, want %s", tt.src, got, tt.old)
		}
		if got := itemJSONSorted(u.Updated(updated, true)); got != tt.new {
			t.Errorf("%q: UPDATED_NEW = %s, want %s", tt.src, got, tt.new)
		}
	}
}

// TestEmptyAttributeName: a name placeholder standing for "" is undefined
// in every kind of expression.
func TestEmptyAttributeName(t *testing.T) {
	t.Parallel()
	const msg = "An expression attribute name used in the document path is not defined; attribute name: #e"
	env := func() *Env {
		e := testEnv(t)
		e.Names["#e"] = ""
		return e
	}
	if _, err := ParseUpdate("SET #e = :n1", env()); errText(err) != "Invalid UpdateExpression: "+msg {
		t.Errorf("ParseUpdate: %v", err)
	}
	if _, err := ParseCondition("ConditionExpression", "attribute_exists(#e)", env()); errText(err) != "Invalid ConditionExpression: "+msg {
		t.Errorf("ParseCondition: %v", err)
	}
	if _, err := ParseProjection("#e", env()); errText(err) != "Invalid ProjectionExpression: "+msg {
		t.Errorf("ParseProjection: %v", err)
	}
}
