package ddb

// Fuzz targets comparing the codec with attributevalue. Their seed corpora
// run as ordinary tests; run one with e.g.
//
//	go test -run '^$' -fuzz FuzzRoundTrip -fuzztime 30s .

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

type codecFuzzNested struct {
	X string `dynamodbav:",omitempty"`
	Y *float64
	Z []byte `dynamodbav:",nullempty"`
}

type codecFuzzRec struct {
	S    string
	I    int64
	I8   int8
	U    uint64
	F    float64
	F32  float32
	B    bool
	Raw  []byte
	PS   *string
	PI   *int `dynamodbav:",omitempty"`
	L    []string
	M    map[string]int64
	Keys map[string]string `dynamodbav:",omitemptyelem"`
	A    any
	AL   []any
	T    time.Time
	TU   time.Time `dynamodbav:",unixtime"`
	SS   []string  `dynamodbav:",stringset,omitempty"`
	NS   []int64   `dynamodbav:",numberset"`
	Str  int64     `dynamodbav:",string"`
	Num  json.Number
	N    codecFuzzNested
	PN   *codecFuzzNested
	codecFuzzNested
}

func FuzzRoundTrip(f *testing.F) {
	f.Add("hello", int64(-5), uint64(7), 1.5, true, []byte("raw"))
	f.Add("", int64(0), uint64(0), 0.0, false, []byte(nil))
	f.Add("k", int64(math.MaxInt64), uint64(math.MaxUint64), 1e300, false, []byte{})
	f.Add("\xff", int64(math.MinInt64), uint64(1), -5e-324, true, []byte{0})
	f.Add("ключ", int64(1<<40), uint64(3), math.Inf(1), false, []byte("x"))
	f.Fuzz(func(t *testing.T, s string, i int64, u uint64, fl float64, b bool, raw []byte) {
		in := codecFuzzRec{
			S: s, I: i, I8: int8(i), U: u, F: fl, F32: float32(fl), B: b, Raw: raw,
			L: []string{s, ""}, M: map[string]int64{s: i}, Keys: map[string]string{"k" + s: s},
			A: map[string]any{"s": s, "f": fl, "l": []any{b, nil}}, AL: []any{s, i, u, fl, raw},
			T: time.Unix(i%(1<<35), int64(u%1e9)).UTC(), TU: time.Unix(i%(1<<35), 0),
			Str: i, Num: json.Number(fmt.Sprint(u)),
			N: codecFuzzNested{X: s, Z: raw}, codecFuzzNested: codecFuzzNested{X: s},
		}
		if b {
			in.PS, in.PI = &s, cptr(int(i))
			in.SS, in.NS = []string{s}, []int64{i}
			in.PN = &codecFuzzNested{Y: &fl}
		}
		finite := !math.IsNaN(fl) && !math.IsInf(fl, 0) && !math.IsInf(float64(float32(fl)), 0)
		want, werr := attributevalue.MarshalMap(in)
		got, gerr := MarshalItem(in)
		if !finite {
			if !errors.Is(gerr, ErrInvalidValue) {
				t.Fatalf("non-finite %v: MarshalItem error %v", fl, gerr)
			}
			return
		}
		if (werr != nil) != (gerr != nil) {
			t.Fatalf("MarshalItem errors differ: attributevalue %v, ddb %v", werr, gerr)
		}
		if werr != nil {
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("MarshalItem differs\n got %s\nwant %s", codecDump(&types.AttributeValueMemberM{Value: got}), codecDump(&types.AttributeValueMemberM{Value: want}))
		}
		codecCompareDecode(t, want, reflect.TypeFor[codecFuzzRec]())
		codecCompareDecode(t, want, reflect.TypeFor[map[string]any]())
	})
}

// codecCompareDecode decodes item into fresh values of type typ with both
// libraries; attributevalue panics on some inputs, which are skipped.
func codecCompareDecode(t *testing.T, item map[string]types.AttributeValue, typ reflect.Type) {
	t.Helper()
	// With two names for one field (X and x), at any depth, attributevalue
	// decodes both in random map order: only errors can be compared.
	ambiguous := codecFoldAmbiguous(&types.AttributeValueMemberM{Value: item})
	want := reflect.New(typ)
	werr, panicked := func() (err error, panicked bool) {
		defer func() {
			if recover() != nil {
				panicked = true
			}
		}()
		return attributevalue.UnmarshalMap(item, want.Interface()), false
	}()
	got := reflect.New(typ)
	gerr := UnmarshalItem(item, got.Interface())
	if panicked {
		return
	}
	if codecFloat32Diff(werr) && gerr == nil {
		return // documented difference; TestFloatRoundTrip checks the values
	}
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("UnmarshalItem into %v: errors differ: attributevalue %v, ddb %v", typ, werr, gerr)
	}
	if gerr != nil {
		if !errors.Is(gerr, ErrInvalidValue) && !errors.Is(gerr, ErrUnsupportedType) {
			t.Fatalf("error %v matches no codec sentinel", gerr)
		}
		return
	}
	if ambiguous {
		return
	}
	// %#v compares NaNs and pointers' targets alike where DeepEqual would not.
	if g, w := fmt.Sprintf("%#v", got.Elem().Interface()), fmt.Sprintf("%#v", want.Elem().Interface()); !reflect.DeepEqual(got.Interface(), want.Interface()) && g != w {
		t.Fatalf("UnmarshalItem into %v differs\n got %s\nwant %s", typ, g, w)
	}
}

// codecFoldAmbiguous reports whether some map in av, at any depth, has two
// names equal under case folding (the documented case-insensitive field
// match, where attributevalue's result depends on map order).
func codecFoldAmbiguous(av types.AttributeValue) bool {
	switch v := av.(type) {
	case *types.AttributeValueMemberM:
		folded := make(map[string]bool, len(v.Value))
		for k, e := range v.Value {
			if folded[strings.ToLower(k)] || codecFoldAmbiguous(e) {
				return true
			}
			folded[strings.ToLower(k)] = true
		}
	case *types.AttributeValueMemberL:
		for _, e := range v.Value {
			if codecFoldAmbiguous(e) {
				return true
			}
		}
	}
	return false
}

// codecFuzzNumbers has one field of each number kind, decoded through the
// struct decoder's in-place fast path.
type codecFuzzNumbers struct {
	I8  int8
	I16 int16
	I   int
	I64 int64
	U8  uint8
	U32 uint32
	U64 uint64
	F32 float32
	F64 float64
	S   string
	JN  json.Number
	A   any
	T   time.Time
	PI  *int32
}

func FuzzUnmarshalNumber(f *testing.F) {
	for _, s := range []string{"0", "-1", "127", "128", "-129", "255", "256", "65535", "4294967296", "18446744073709551615",
		"18446744073709551616", "-9223372036854775808", "1.5", "1e3", "1E+2", "-0", "3.4028235e38", "3.5e38", "1e400",
		"NaN", "Inf", "-Infinity", "0x10", "1_000", " 1", "", "+5", "00012", ".5", "5."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		item := map[string]types.AttributeValue{}
		for _, name := range []string{"I8", "I16", "I", "I64", "U8", "U32", "U64", "F32", "F64", "S", "JN", "A", "T", "PI"} {
			item[name] = &types.AttributeValueMemberN{Value: s}
		}
		codecCompareDecode(t, item, reflect.TypeFor[codecFuzzNumbers]())
		// One field at a time, so that a failing field does not hide
		// another's value.
		for name, av := range item {
			codecCompareDecode(t, map[string]types.AttributeValue{name: av}, reflect.TypeFor[codecFuzzNumbers]())
		}
		// And as S with the string option.
		type strTagged struct {
			I int64   `dynamodbav:",string"`
			F float64 `dynamodbav:",string"`
		}
		codecCompareDecode(t, map[string]types.AttributeValue{"I": cvS(s), "F": cvS(s)}, reflect.TypeFor[strTagged]())
	})
}

// avFromBytes builds an attribute value tree from fuzz input.
type codecAVReader struct{ b []byte }

func (r *codecAVReader) byte() byte {
	if len(r.b) == 0 {
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *codecAVReader) str() string {
	n := int(r.byte() % 8)
	n = min(n, len(r.b))
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *codecAVReader) av(depth int) types.AttributeValue {
	op := r.byte() % 11
	if depth > 3 && op >= 8 {
		op %= 8
	}
	switch op {
	case 0:
		return cvS(r.str())
	case 1:
		return cvN(fmt.Sprint(int64(r.byte()) - 128))
	case 2:
		return cvN(r.str())
	case 3:
		return &types.AttributeValueMemberB{Value: []byte(r.str())}
	case 4:
		return cvBool(r.byte()%2 == 0)
	case 5:
		return cvNull()
	case 6:
		return &types.AttributeValueMemberSS{Value: []string{r.str(), r.str()}}
	case 7:
		return &types.AttributeValueMemberNS{Value: []string{fmt.Sprint(r.byte()), r.str()}}
	case 8:
		return &types.AttributeValueMemberBS{Value: [][]byte{[]byte(r.str())}}
	case 9:
		n := int(r.byte() % 4)
		l := make([]types.AttributeValue, n)
		for i := range l {
			l[i] = r.av(depth + 1)
		}
		return cvL(l...)
	}
	return &types.AttributeValueMemberM{Value: r.item(depth + 1)}
}

var codecFuzzNames = []string{"S", "I", "U", "F", "B", "Raw", "PS", "L", "M", "A", "AL", "T", "TU", "SS", "NS", "Str", "N", "PN", "X", "x", "y", "Keys"}

func (r *codecAVReader) item(depth int) map[string]types.AttributeValue {
	n := int(r.byte() % 6)
	m := make(map[string]types.AttributeValue, n)
	for i := 0; i < n; i++ {
		m[codecFuzzNames[int(r.byte())%len(codecFuzzNames)]] = r.av(depth)
	}
	return m
}

func FuzzUnmarshalItem(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{3, 0, 0, 3, 'a', 'b', 'c', 9, 10, 3, 1, 2, 3})
	f.Add([]byte{5, 9, 10, 3, 0, 11, 2, 1, 5, 10, 2, 16, 6, 1, 'x', 0, 17, 7, 9, 1, '1'})
	f.Add([]byte{4, 18, 10, 2, 19, 2, 3, 'N', 'a', 'N', 20, 9, 3, 0, 1, 'q', 5, 4, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &codecAVReader{b: data}
		item := r.item(0)
		codecCompareDecode(t, item, reflect.TypeFor[codecFuzzRec]())
		codecCompareDecode(t, item, reflect.TypeFor[map[string]any]())
		// Whatever decodes into map[string]any encodes back the same way.
		var m map[string]any
		if err := UnmarshalItem(item, &m); err != nil {
			return
		}
		want, werr := attributevalue.MarshalMap(m)
		got, gerr := MarshalItem(m)
		if werr != nil || gerr != nil {
			if (werr != nil) != (gerr != nil) && !errors.Is(gerr, ErrInvalidValue) {
				t.Fatalf("MarshalItem errors differ: attributevalue %v, ddb %v", werr, gerr)
			}
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("MarshalItem differs\n got %s\nwant %s", codecDump(&types.AttributeValueMemberM{Value: got}), codecDump(&types.AttributeValueMemberM{Value: want}))
		}
	})
}
