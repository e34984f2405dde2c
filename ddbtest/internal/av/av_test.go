package av

import (
	"encoding/json"
	"errors"
	"math/rand"
	"testing"
)

func TestCanonicalNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want, err string
	}{
		{"0", "0", ""},
		{"-0", "0", ""},
		{"0.000", "0", ""},
		{"1", "1", ""},
		{"+5", "5", ""},
		{"1.50", "1.5", ""},
		{"1e2", "100", ""},
		{"1E+2", "100", ""},
		{"1.5e-3", "0.0015", ""},
		{".5", "0.5", ""},
		{"5.", "5", ""},
		{"-007.2500", "-7.25", ""},
		{"123456789012345678901234567890", "123456789012345678901234567890", ""},
		{"12345678901234567890123456789012345678", "12345678901234567890123456789012345678", ""},
		{"1234567890123456789012345678901234567800000", "1234567890123456789012345678901234567800000", ""},
		{"9.9999999999999999999999999999999999999e125", "99999999999999999999999999999999999999" + zeros(88), ""},
		{"1e-130", "0." + zeros(129) + "1", ""},
		{"1e126", "", msgNumOverflow},
		{"-1e126", "", msgNumOverflow},
		{"1e-131", "", msgNumUnderflow},
		{"123456789012345678901234567890123456789", "", msgNumDigits},
		{"1.23456789012345678901234567890123456789", "", msgNumDigits},
		{"", "", msgNumEmpty},
		{"abc", "", msgNumEmpty + ": abc"},
		{"1e", "", msgNumEmpty + ": 1e"},
		{"-", "", msgNumEmpty + ": -"},
		{".", "", msgNumEmpty + ": ."},
		{"1.2.3", "", msgNumEmpty + ": 1.2.3"},
		{" 1", "", msgNumEmpty + ":  1"},
		{"0x10", "", msgNumEmpty + ": 0x10"},
		{"1e999999999999999", "", msgNumOverflow},
	}
	for _, tt := range tests {
		got, err := CanonicalNumber(tt.in)
		if tt.err != "" {
			var e *Error
			if !errors.As(err, &e) || e.Message != tt.err || e.Type != ValidationException {
				t.Errorf("CanonicalNumber(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("CanonicalNumber(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

func TestCanonicalNumberNoAlloc(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _, _ = CanonicalNumber("-12.25") }); n != 0 {
		t.Errorf("allocs = %v", n)
	}
}

func TestCompareNumbers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"0", "0", 0},
		{"1", "2", -1},
		{"10", "9", 1},
		{"-10", "-9", -1},
		{"-1", "0", -1},
		{"0", "-0.5", 1},
		{"0.5", "0.05", 1},
		{"12.25", "12.5", -1},
		{"12.5", "12.25", 1},
		{"-12.5", "-12.25", -1},
		{"100", "99.999", 1},
		{"1.5", "1.5", 0},
		{"0.001", "0.01", -1},
	}
	for _, tt := range tests {
		if got := CompareNumbers(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareNumbers(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := CompareNumbers(tt.b, tt.a); got != -tt.want {
			t.Errorf("CompareNumbers(%s, %s) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []string{
		`{"S":"x"}`,
		`{"S":""}`,
		`{"S":"q\"b\\s\n\t\u0001é😀"}`,
		`{"N":"1.5"}`,
		`{"B":"AQID"}`,
		`{"B":""}`,
		`{"BOOL":true}`,
		`{"BOOL":false}`,
		`{"NULL":true}`,
		`{"M":{"a":{"S":"b"}}}`,
		`{"M":{}}`,
		`{"L":[{"N":"1"},{"L":[]},{"M":{"x":{"NULL":true}}}]}`,
		`{"SS":["a","b"]}`,
		`{"NS":["1","2"]}`,
		`{"BS":["AQ==","Ag=="]}`,
	}
	for _, in := range tests {
		v, err := ParseValueJSON([]byte(in))
		if err != nil {
			t.Errorf("ParseValueJSON(%s): %v", in, err)
			continue
		}
		if err := v.Validate(); err != nil {
			t.Errorf("Validate(%s): %v", in, err)
		}
		out, _ := v.MarshalJSON()
		if string(out) != in {
			t.Errorf("round trip %s -> %s", in, out)
		}
		// encoding/json agrees on the text.
		var any1, any2 any
		if err := json.Unmarshal(out, &any1); err != nil {
			t.Errorf("invalid JSON %s: %v", out, err)
		}
		_ = json.Unmarshal([]byte(in), &any2)
		a, _ := json.Marshal(any1)
		b, _ := json.Marshal(any2)
		if string(a) != string(b) {
			t.Errorf("JSON differs: %s vs %s", a, b)
		}
	}
}

func TestParseValueJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Value
	}{
		{` { "S" : "x" , "other" : [1, {"a": null}] } `, Value{Type: S, Str: "x"}},
		{`{"S":"\ud83d\ude00"}`, Value{Type: S, Str: "😀"}},
		{`{"S":"\ud83d"}`, Value{Type: S, Str: "\uFFFD"}},
		{`{"N":"1e2"}`, Value{Type: N, Str: "1e2"}},
		{`{"BOOL":"yes"}`, Value{Type: BOOL, Bool: true}},
		{`{"BOOL":"0"}`, Value{Type: BOOL}},
		{`{"S":null,"N":"1"}`, Value{Type: N, Str: "1"}},
		{`{"S":"a","S":"b"}`, Value{Type: S, Str: "b"}},
		{`{}`, Value{}},
		{`{"NULL":false}`, Value{Type: NULL}},
		{`{"SS":[]}`, Value{Type: SS, Strs: []string{}}},
	}
	for _, tt := range tests {
		got, err := ParseValueJSON([]byte(tt.in))
		if err != nil || !Equal(got, tt.want) && !(got.Type == tt.want.Type && got.Type == Invalid) || got.Bool != tt.want.Bool {
			t.Errorf("ParseValueJSON(%s) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
	var v Value
	if err := json.Unmarshal([]byte(`{"S":"x"}`), &v); err != nil || v.Str != "x" {
		t.Errorf("json.Unmarshal: %+v %v", v, err)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, typ, msg string
	}{
		{`{"S":5}`, SerializationException, "NUMBER_VALUE cannot be converted to String"},
		{`{"S":5.5}`, SerializationException, "DECIMAL_VALUE cannot be converted to String"},
		{`{"N":true}`, SerializationException, "TRUE_VALUE cannot be converted to String"},
		{`{"S":[]}`, SerializationException, "Unrecognized collection type class java.lang.String"},
		{`{"S":{}}`, SerializationException, msgStartOfStructure},
		{`{"BOOL":1}`, SerializationException, "NUMBER_VALUE cannot be converted to Boolean"},
		{`{"BOOL":"maybe"}`, SerializationException, msgBadToken},
		{`{"NULL":[]}`, SerializationException, "Unrecognized collection type class java.lang.Boolean"},
		{`{"B":1}`, SerializationException, msgBlobScalar},
		{`{"B":"abc"}`, SerializationException, "Base64 encoded length is expected a multiple of 4 bytes but found: 3"},
		{`{"B":"AQ=x"}`, SerializationException, msgBase64Last},
		{`{"B":"AR=="}`, SerializationException, msgBase64Last},
		{`{"B":[]}`, SerializationException, msgBlobArray},
		{`{"SS":"a"}`, SerializationException, msgUnexpectedField},
		{`{"SS":{}}`, SerializationException, msgStartOfStructure},
		{`{"SS":[1]}`, SerializationException, "NUMBER_VALUE cannot be converted to String"},
		{`{"L":[1]}`, SerializationException, msgUnexpectedValue},
		{`{"L":[[]]}`, SerializationException, msgValueArray},
		{`{"M":[]}`, SerializationException, msgMapArray},
		{`{"M":1}`, SerializationException, msgUnexpectedField},
		{`"x"`, SerializationException, msgUnexpectedValue},
		{`[]`, SerializationException, msgValueArray},
		{`{"S":"x"`, SerializationException, ""},
		{`{"S":"x"} x`, SerializationException, ""},
		{`{"S":"\x"}`, SerializationException, ""},
		{`{"S":tru}`, SerializationException, ""},
		{``, SerializationException, ""},
	}
	for _, tt := range tests {
		_, err := ParseValueJSON([]byte(tt.in))
		var e *Error
		if !errors.As(err, &e) || e.Type != tt.typ || e.Message != tt.msg {
			t.Errorf("ParseValueJSON(%s) error = %v, want %s %q", tt.in, err, tt.typ, tt.msg)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, msg, canon string
	}{
		{`{}`, msgEmptyValue, ""},
		{`{"S":"a","N":"1"}`, msgMultiType, ""},
		{`{"S":"a","N":"x"}`, msgNumEmpty + ": x", ""},
		{`{"NULL":false}`, msgNullFalse, ""},
		{`{"SS":[]}`, msgEmptySS, ""},
		{`{"NS":[]}`, msgEmptyNS, ""},
		{`{"BS":[]}`, msgEmptyBS, ""},
		{`{"SS":["a","b","a"]}`, "One or more parameter values were invalid: Input collection [a, b, a] contains duplicates.", ""},
		{`{"NS":["1","1.0"]}`, msgDupNS, ""},
		{`{"BS":["AQ==","AQ=="]}`, "One or more parameter values were invalid: Input collection [AQ==, AQ==]of type BS contains duplicates.", ""},
		{`{"N":""}`, msgNumEmpty, ""},
		{`{"M":{"a":{"L":[{"N":"1e999"}]}}}`, msgNumOverflow, ""},
		{`{"L":[{}]}`, msgEmptyValue, ""},
		{`{"M":{"a":{"NS":["1.50","2e1"]}}}`, "", `{"M":{"a":{"NS":["1.5","20"]}}}`},
		{`{"L":[{"N":"-0"}]}`, "", `{"L":[{"N":"0"}]}`},
	}
	for _, tt := range tests {
		v, err := ParseValueJSON([]byte(tt.in))
		if err != nil {
			t.Errorf("ParseValueJSON(%s): %v", tt.in, err)
			continue
		}
		err = v.Validate()
		if tt.msg == "" {
			out, _ := v.MarshalJSON()
			if err != nil || string(out) != tt.canon {
				t.Errorf("Validate(%s) = %v, %s; want %s", tt.in, err, out, tt.canon)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Type != ValidationException || e.Message != tt.msg {
			t.Errorf("Validate(%s) = %v, want %q", tt.in, err, tt.msg)
		}
	}
}

func TestParseItemJSON(t *testing.T) {
	t.Parallel()
	item, err := ParseItemJSON([]byte(`{"id":{"S":"a"},"n":{"N":"01"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidateItem(item); err != nil {
		t.Fatal(err)
	}
	if item["n"].Str != "1" || item["id"].Str != "a" {
		t.Errorf("item = %+v", item)
	}
	back, err := ParseItemJSON(AppendItemJSON(nil, item))
	if err != nil || len(back) != 2 || !Equal(back["n"], item["n"]) {
		t.Errorf("round trip: %+v %v", back, err)
	}
	if item, err := ParseItemJSON([]byte(`null`)); item != nil || err != nil {
		t.Errorf("null: %v %v", item, err)
	}
	if _, err := ParseItemJSON([]byte(`[]`)); err == nil || err.(*Error).Message != msgMapArray {
		t.Errorf("array: %v", err)
	}
	if _, err := ParseItemJSON([]byte(`{"a":{"S":"x"},"b":[]}`)); err == nil || err.(*Error).Message != msgValueArray {
		t.Errorf("array value: %v", err)
	}
}

func TestCompareEqual(t *testing.T) {
	t.Parallel()
	s := func(x string) Value { return Value{Type: S, Str: x} }
	n := func(x string) Value { return Value{Type: N, Str: x} }
	b := func(x string) Value { return Value{Type: B, Bytes: []byte(x)} }
	cmp := []struct {
		a, b Value
		want int
		ok   bool
	}{
		{s("a"), s("b"), -1, true},
		{s("é"), s("z"), 1, true}, // UTF-8 bytes
		{n("10"), n("9"), 1, true},
		{b("\x01"), b("\x00\xff"), 1, true},
		{s("1"), n("1"), 0, false},
		{Value{Type: BOOL}, Value{Type: BOOL}, 0, false},
	}
	for _, tt := range cmp {
		got, ok := Compare(tt.a, tt.b)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Compare(%+v, %+v) = %d, %v", tt.a, tt.b, got, ok)
		}
	}
	eq := []struct {
		a, b string
		want bool
	}{
		{`{"SS":["a","b"]}`, `{"SS":["b","a"]}`, true},
		{`{"SS":["a","b"]}`, `{"SS":["a"]}`, false},
		{`{"NS":["1","2"]}`, `{"NS":["2","1"]}`, true},
		{`{"BS":["AQ==","Ag=="]}`, `{"BS":["Ag==","AQ=="]}`, true},
		{`{"L":[{"S":"a"},{"N":"1"}]}`, `{"L":[{"S":"a"},{"N":"1"}]}`, true},
		{`{"L":[{"S":"a"},{"N":"1"}]}`, `{"L":[{"N":"1"},{"S":"a"}]}`, false},
		{`{"M":{"a":{"S":"x"}}}`, `{"M":{"a":{"S":"x"}}}`, true},
		{`{"M":{"a":{"S":"x"}}}`, `{"M":{"b":{"S":"x"}}}`, false},
		{`{"NULL":true}`, `{"NULL":true}`, true},
		{`{"BOOL":true}`, `{"BOOL":false}`, false},
		{`{"S":"1"}`, `{"N":"1"}`, false},
	}
	for _, tt := range eq {
		a, _ := ParseValueJSON([]byte(tt.a))
		b, _ := ParseValueJSON([]byte(tt.b))
		if got := Equal(a, b); got != tt.want {
			t.Errorf("Equal(%s, %s) = %v", tt.a, tt.b, got)
		}
	}
}

func TestSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int
	}{
		{`{"S":"abc"}`, 3},
		{`{"S":"é"}`, 2},
		{`{"B":"AQID"}`, 3},
		{`{"N":"0"}`, 1},
		{`{"N":"1"}`, 2},
		{`{"N":"27"}`, 2},
		{`{"N":"-27"}`, 3},
		{`{"N":"461"}`, 3},
		{`{"N":"1.5"}`, 3},
		{`{"N":"100"}`, 2},
		{`{"N":"12345678901234567890123456789012345678"}`, 20},
		{`{"N":"1.2345678901234567890123456789012345678"}`, 21},
		{`{"BOOL":true}`, 1},
		{`{"NULL":true}`, 1},
		{`{"SS":["ab","c"]}`, 3},
		{`{"NS":["1","27"]}`, 4},
		{`{"L":[]}`, 3},
		{`{"L":[{"S":"ab"},{"NULL":true}]}`, 3 + 2 + 2 + 1},
		{`{"M":{}}`, 3},
		{`{"M":{"ab":{"S":"cd"}}}`, 3 + 1 + 2 + 2},
	}
	for _, tt := range tests {
		v, _ := ParseValueJSON([]byte(tt.in))
		if got := v.Size(); got != tt.want {
			t.Errorf("Size(%s) = %d, want %d", tt.in, got, tt.want)
		}
	}
	if got := ItemSize(Item{"id": {Type: S, Str: "abc"}, "n": {Type: N, Str: "1"}}); got != 2+3+1+2 {
		t.Errorf("ItemSize = %d", got)
	}
}

func TestClone(t *testing.T) {
	t.Parallel()
	v, _ := ParseValueJSON([]byte(`{"M":{"l":{"L":[{"SS":["a"]},{"B":"AQ=="},{"BS":["AQ=="]}]}}}`))
	c := v.Clone()
	if !Equal(v, c) {
		t.Fatal("clone differs")
	}
	l := c.Map["l"].List
	l[0].Strs[0] = "z"
	l[1].Bytes[0] = 9
	l[2].Bins[0][0] = 9
	c.Map["new"] = Value{Type: NULL, Bool: true}
	orig := v.Map["l"].List
	if orig[0].Strs[0] != "a" || orig[1].Bytes[0] != 1 || orig[2].Bins[0][0] != 1 || len(v.Map) != 1 {
		t.Errorf("clone shares memory: %+v", v)
	}
}

func TestArith(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b      string
		sub       bool
		want, err string
	}{
		{"1", "2", false, "3", ""},
		{"0.1", "0.2", false, "0.3", ""},
		{"0.3", "0.1", true, "0.2", ""},
		{"100000000000000000000.00000001", "1", true, "99999999999999999999.00000001", ""},
		{"-5", "5", false, "0", ""},
		{"9.9999999999999999999999999999999999999e125", "9e125", false, "", msgNumOverflow},
		{"1e30", "1e-10", false, "", msgNumDigits},
	}
	for _, tt := range tests {
		f := AddNumbers
		if tt.sub {
			f = SubtractNumbers
		}
		got, err := f(tt.a, tt.b)
		if tt.err != "" {
			if err == nil || err.(*Error).Message != tt.err {
				t.Errorf("%s op %s: err %v, want %q", tt.a, tt.b, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s op %s = %q, %v; want %q", tt.a, tt.b, got, err, tt.want)
		}
	}
}

var benchItem = []byte(`{"id":{"S":"user#12345"},"sk":{"S":"profile"},"name":{"S":"Alice Example"},"age":{"N":"42"},"score":{"N":"1234.5"},"active":{"BOOL":true},"tags":{"SS":["a","b","c"]},"addr":{"M":{"city":{"S":"Paris"},"zip":{"S":"75001"}}},"hist":{"L":[{"N":"1"},{"N":"2"},{"N":"3"}]}}`)

func BenchmarkParseItemJSON(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchItem)))
	for b.Loop() {
		item, err := ParseItemJSON(benchItem)
		if err != nil {
			b.Fatal(err)
		}
		if err := ValidateItem(item); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendItemJSON(b *testing.B) {
	item, _ := ParseItemJSON(benchItem)
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		buf = AppendItemJSON(buf[:0], item)
	}
}

// TestDecodeNoPanic feeds mutated JSON to the decoder: it must return a
// value or an *Error, never panic, and whatever it accepts must validate or
// fail with an *Error.
func TestDecodeNoPanic(t *testing.T) {
	t.Parallel()
	alphabet := []string{"{", "}", "[", "]", ",", ":", `"`, `\`, `\u`, "null", "true", "1", "-", "e", `"N"`, `"S"`, `"M"`, `"L"`, `"SS"`, " ", "é"}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 5000; i++ {
		b := append([]byte(nil), benchItem...)
		for k := rng.Intn(4) + 1; k > 0; k-- {
			pos := rng.Intn(len(b) + 1)
			switch rng.Intn(3) {
			case 0:
				b = append(b[:pos], append([]byte(alphabet[rng.Intn(len(alphabet))]), b[pos:]...)...)
			case 1:
				if pos < len(b) {
					b = append(b[:pos], b[pos+1:]...)
				}
			case 2:
				b = b[:pos]
			}
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("panic on %q: %v", b, r)
				}
			}()
			item, err := ParseItemJSON(b)
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("%q: error %T", b, err)
				}
				return
			}
			if err := ValidateItem(item); err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("%q: validate error %T", b, err)
				}
				return
			}
			out := AppendItemJSON(nil, item)
			if _, err := ParseItemJSON(out); err != nil {
				t.Fatalf("re-decode of %s: %v", out, err)
			}
			_ = ItemSize(item)
		}()
	}
}

func TestNesting(t *testing.T) {
	t.Parallel()
	nest := func(depth int, list bool) Value {
		v := Value{Type: S, Str: "leaf"}
		for i := 0; i < depth; i++ {
			if list {
				v = Value{Type: L, List: []Value{v}}
			} else {
				v = Value{Type: M, Map: map[string]Value{"n": v}}
			}
		}
		return v
	}
	for _, list := range []bool{false, true} {
		if err := ValidateItem(Item{"a": nest(MaxNesting, list)}); err != nil {
			t.Errorf("depth %d: %v", MaxNesting, err)
		}
		err := ValidateItem(Item{"a": nest(MaxNesting+1, list)})
		if err == nil || err.(*Error).Message != msgNesting {
			t.Errorf("depth %d: %v", MaxNesting+1, err)
		}
	}
}
