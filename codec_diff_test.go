package ddb

// Differential tests: for types written for attributevalue, Marshal,
// MarshalItem, Unmarshal and UnmarshalItem must give exactly what
// attributevalue's Marshal, MarshalMap, Unmarshal and UnmarshalMap give
// with their default options. The deliberate differences are tested at the
// end of this file.

import (
	"encoding/json"
	"errors"
	"math"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

type dInner struct {
	A string
	B int `dynamodbav:"b"`
	C *float64
	D []string `dynamodbav:",omitempty"`
}

type dEmbedded struct {
	E1 string
	E2 int `dynamodbav:",omitempty"`
}

type DEmbeddedPtr struct {
	P1     string
	Shadow string
}

type dMyString string
type dMyInt int
type dMyBytes []byte
type dMyTime time.Time
type dKey string

type dAll struct {
	Str     string
	Int     int
	I8      int8
	I16     int16
	I32     int32
	I64     int64
	U       uint
	U8      uint8
	U16     uint16
	U32     uint32
	U64     uint64
	F32     float32
	F64     float64
	Bool    bool
	Bytes   []byte
	MyBytes dMyBytes
	Arr     [3]int
	ByteArr [4]byte
	Arr0    [0]int
	PStr    *string
	PInt    *int
	PP      **int
	Slice   []string
	Ints    []int
	Nested  []dInner
	PSlice  []*dInner
	BSlices [][]byte
	Map     map[string]int
	MapAny  map[string]any
	MapIn   map[string]dInner
	MapStr  map[string]string
	MapKey  map[dKey]string
	IntKey  map[int]string
	BoolKey map[bool]int
	FltKey  map[float64]string
	Any     any
	Time    time.Time
	PTime   *time.Time
	MyTime  dMyTime
	Dur     time.Duration
	Num     json.Number
	AVNum   attributevalue.Number
	MyStr   dMyString
	MyInt   dMyInt
	Inner   dInner
	PInner  *dInner
	dEmbedded
	*DEmbeddedPtr
	Shadow     int
	Skip       string `dynamodbav:"-"`
	unexported int
	Renamed    string `dynamodbav:"renamed_attr"`
	Func       func()
	Chan       chan int
	Cplx       complex128
	Uptr       uintptr
}

type dTags struct {
	OEStr    string            `dynamodbav:",omitempty"`
	OEInt    int               `dynamodbav:",omitempty"`
	OEUint   uint16            `dynamodbav:",omitempty"`
	OEBool   bool              `dynamodbav:",omitempty"`
	OEFloat  float64           `dynamodbav:",omitempty"`
	OEPtr    *int              `dynamodbav:",omitempty"`
	OESlice  []int             `dynamodbav:",omitempty"`
	OEMap    map[string]int    `dynamodbav:",omitempty"`
	OEAny    any               `dynamodbav:",omitempty"`
	OETime   time.Time         `dynamodbav:",omitempty"`
	OEStruct dInner            `dynamodbav:",omitempty"`
	OEArr0   [0]int            `dynamodbav:",omitempty"`
	OEArr    [2]int            `dynamodbav:",omitempty"`
	OEBytes  []byte            `dynamodbav:",omitempty"`
	OEPP     **int             `dynamodbav:",omitempty"`
	OEPPE    **int             `dynamodbav:",omitempty,omitemptyelem"`
	NEStr    string            `dynamodbav:",nullempty"`
	NEInt    int               `dynamodbav:",nullempty"`
	NEBool   bool              `dynamodbav:",nullempty"`
	NESlice  []string          `dynamodbav:",nullempty"`
	NEStruct dInner            `dynamodbav:",nullempty"`
	SS       []string          `dynamodbav:",stringset"`
	SSArr    [2]string         `dynamodbav:",stringset"`
	SSPtr    []*string         `dynamodbav:",stringset,omitemptyelem"`
	NS       []int             `dynamodbav:",numberset"`
	NSF      []float64         `dynamodbav:",numberset"`
	NSNum    []json.Number     `dynamodbav:",numberset"`
	BS       [][]byte          `dynamodbav:",binaryset"`
	BSArr    [][2]byte         `dynamodbav:",binaryset"`
	BSDef    [][]byte          `dynamodbav:"bs_default"`
	StrInt   int               `dynamodbav:",string"`
	StrUint  uint64            `dynamodbav:",string"`
	StrFlt   float64           `dynamodbav:",string"`
	StrPtr   *int              `dynamodbav:",string"`
	StrNum   json.Number       `dynamodbav:",string"`
	StrBool  bool              `dynamodbav:",string"`
	Unix     time.Time         `dynamodbav:",unixtime"`
	UnixPtr  *time.Time        `dynamodbav:",unixtime"`
	OEE      []string          `dynamodbav:",omitemptyelem"`
	OEEMap   map[string]string `dynamodbav:",omitemptyelem"`
	OEEPtrs  []*int            `dynamodbav:",omitemptyelem"`
	NEE      []string          `dynamodbav:",nullemptyelem"`
	NEEMap   map[string]int    `dynamodbav:",nullemptyelem"`
	NEEAny   []any             `dynamodbav:",nullemptyelem"`
	Both     string            `dynamodbav:",omitempty,nullempty"`
	Unknown  string            `dynamodbav:"unk,bogusoption"`
	Dash     string            `dynamodbav:"-,omitempty"`
}

// dKinds has omitempty and string variants of every scalar kind.
type dKinds struct {
	I    int     `dynamodbav:",omitempty"`
	I8   int8    `dynamodbav:",omitempty"`
	I16  int16   `dynamodbav:",omitempty"`
	I32  int32   `dynamodbav:",omitempty"`
	I64  int64   `dynamodbav:",omitempty"`
	U    uint    `dynamodbav:",omitempty"`
	U8   uint8   `dynamodbav:",omitempty"`
	U16  uint16  `dynamodbav:",omitempty"`
	U32  uint32  `dynamodbav:",omitempty"`
	U64  uint64  `dynamodbav:",omitempty"`
	F32  float32 `dynamodbav:",omitempty"`
	F64  float64 `dynamodbav:",omitempty"`
	S    string  `dynamodbav:",omitempty"`
	B    bool    `dynamodbav:",omitempty"`
	SI8  int8    `dynamodbav:",string"`
	SU16 uint16  `dynamodbav:",string"`
	SF32 float32 `dynamodbav:",string"`
	NI   int     `dynamodbav:",nullempty"`
	NF   float64 `dynamodbav:",nullempty"`
	MyS  dMyString
	MyI  dMyInt `dynamodbav:",omitempty"`
	Num  json.Number
}

// dAnyHolder holds interface values in every tag variant.
type dAnyHolder struct {
	A   any
	OE  any `dynamodbav:",omitempty"`
	NE  any `dynamodbav:",nullempty"`
	OEE any `dynamodbav:",omitempty,omitemptyelem"`
	Str any `dynamodbav:",string"`
	SS  any `dynamodbav:",stringset"`
	UT  any `dynamodbav:",unixtime"`
}

// Embedding conflicts, resolved with Go's rules as attributevalue does.
type dConfA struct {
	X string
	Y string `dynamodbav:"Y"`
	Z string
}
type dConfB struct {
	X string
	Y string
	W string `dynamodbav:"Z"`
}
type dConflicts struct {
	dConfA
	dConfB
	Top string
}
type dNamedEmbed struct {
	dInner `dynamodbav:"inner"`
	Own    int
}
type dDeep struct {
	dConflicts
	X int // shallower wins
}

type dRecursive struct {
	Name     string
	Children []*dRecursive `dynamodbav:",omitempty"`
	Next     *dRecursive
}

// attributevalue.Marshaler / Unmarshaler types, value and pointer receivers.
type dAVValue struct{ V int }

func (d dAVValue) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	return &types.AttributeValueMemberS{Value: "v" + time.Duration(d.V).String()}, nil
}

func (d *dAVValue) UnmarshalDynamoDBAttributeValue(av types.AttributeValue) error {
	if s, ok := av.(*types.AttributeValueMemberS); ok {
		x, err := time.ParseDuration(s.Value[1:])
		d.V = int(x)
		return err
	}
	d.V = -1
	return nil
}

type dAVPtr struct{ V string }

func (d *dAVPtr) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	return &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberS{Value: d.V}}}, nil
}

func (d *dAVPtr) UnmarshalDynamoDBAttributeValue(av types.AttributeValue) error {
	if l, ok := av.(*types.AttributeValueMemberL); ok && len(l.Value) == 1 {
		d.V = l.Value[0].(*types.AttributeValueMemberS).Value
	}
	return nil
}

type dAVNil struct{ V int }

func (dAVNil) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) { return nil, nil }

type dWithMarshalers struct {
	Val    dAVValue
	PVal   *dAVValue
	Ptr    dAVPtr
	PPtr   *dAVPtr
	Unix   attributevalue.UnixTime
	Nil    dAVNil
	Vals   []dAVValue
	ValMap map[string]dAVValue
	OE     dAVValue `dynamodbav:",omitempty"`
}

func cptr[T any](v T) *T { return &v }

var (
	ct0    = time.Date(2024, 2, 29, 13, 14, 15, 123456789, time.UTC)
	ctZone = time.Date(2001, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 2*3600+1800))
)

func codecDiffCases() []struct {
	name string
	in   any
} {
	one, zero := 1, 0
	pOne, pZero := &one, &zero
	var nilInt *int
	full := dAll{
		Str: "héllo", Int: -42, I8: math.MinInt8, I16: math.MaxInt16, I32: math.MinInt32, I64: math.MinInt64,
		U: 7, U8: 255, U16: 65535, U32: math.MaxUint32, U64: math.MaxUint64,
		F32: 3.4028235e38, F64: -1.5e-300, Bool: true,
		Bytes: []byte{0, 1, 2}, MyBytes: dMyBytes("xy"), Arr: [3]int{1, 2, 3}, ByteArr: [4]byte{1, 2, 3, 4},
		PStr: cptr("p"), PInt: cptr(0), PP: &pOne,
		Slice: []string{"a", "", "c"}, Ints: []int{}, Nested: []dInner{{A: "x", B: 1}, {}}, PSlice: []*dInner{nil, {A: "y"}},
		BSlices: [][]byte{{1}, {}},
		Map:     map[string]int{"a": 1, "b": 0}, MapAny: map[string]any{
			"s": "x", "n": 1.5, "i": 3, "b": false, "nil": nil, "l": []any{"a", 2.0, nil, map[string]any{"k": "v"}},
			"m": map[string]any{"deep": []any{}}, "bytes": []byte("b"), "ss": []string{"q"}, "nilmap": map[string]any(nil),
			"nilslice": []any(nil), "cptr": cptr(5), "nilptr": nilInt, "t": ct0, "inner": dInner{A: "i"},
		},
		MapIn: map[string]dInner{"k": {A: "v", C: cptr(2.5)}}, MapStr: map[string]string{"x": "", "y": "z"},
		MapKey: map[dKey]string{"k": "v"}, IntKey: map[int]string{-1: "neg", 10: "ten"}, BoolKey: map[bool]int{true: 1},
		FltKey: map[float64]string{1.5: "a", 1e21: "big"},
		Any:    map[string]any{"x": []any{1.0}}, Time: ct0, PTime: &ctZone, MyTime: dMyTime(ct0), Dur: 90 * time.Second,
		Num: "12.50", AVNum: "-7", MyStr: "named", MyInt: 12,
		Inner: dInner{A: "in", B: -1, C: cptr(0.0), D: []string{"d"}}, PInner: &dInner{},
		dEmbedded: dEmbedded{E1: "e1", E2: 2}, DEmbeddedPtr: &DEmbeddedPtr{P1: "p1", Shadow: "hidden"}, Shadow: 3,
		Skip: "skip", unexported: 1, Renamed: "r", Func: func() {}, Chan: make(chan int), Cplx: 1i, Uptr: 5,
	}
	tagsFull := dTags{
		OEStr: "s", OEInt: -1, OEUint: 1, OEBool: true, OEFloat: 0.5, OEPtr: pZero, OESlice: []int{}, OEMap: map[string]int{},
		OEAny: "", OETime: ct0, OEStruct: dInner{A: "a"}, OEArr: [2]int{}, OEBytes: []byte{}, OEPP: &nilInt, OEPPE: &nilInt,
		NEStr: "x", NEInt: 1, NEBool: true, NESlice: []string{}, SS: []string{"b", "a"}, SSArr: [2]string{"x", "y"},
		SSPtr: []*string{cptr("p"), nil}, NS: []int{3, -1}, NSF: []float64{0.1, 1e20}, NSNum: []json.Number{"1", "2.50"},
		BS: [][]byte{{1}, {2, 3}}, BSArr: [][2]byte{{1, 2}}, BSDef: [][]byte{{9}},
		StrInt: -5, StrUint: math.MaxUint64, StrFlt: 2.25, StrPtr: cptr(8), StrNum: "3.0", StrBool: true,
		Unix: ct0, UnixPtr: &ctZone, OEE: []string{"", "a", ""}, OEEMap: map[string]string{"e": "", "f": "g"},
		OEEPtrs: []*int{nil, pOne}, NEE: []string{"", "b"}, NEEMap: map[string]int{"z": 0, "o": 1},
		NEEAny: []any{nil, "", 0, "x"}, Both: "nonzero", Unknown: "u", Dash: "d",
	}
	tagsEmptySets := dTags{SS: []string{}, NS: []int{}, BS: [][]byte{}, NSF: []float64{}, Both: "x"}
	return []struct {
		name string
		in   any
	}{
		{"all zero", dAll{}},
		{"all full", full},
		{"all full cptr", &full},
		{"tags zero", dTags{Both: "x"}},
		{"tags full", tagsFull},
		{"tags empty sets", tagsEmptySets},
		{"conflicts", dConflicts{dConfA: dConfA{"ax", "ay", "az"}, dConfB: dConfB{"bx", "by", "bw"}, Top: "t"}},
		{"named embed", dNamedEmbed{dInner: dInner{A: "a"}, Own: 1}},
		{"deep", dDeep{dConflicts: dConflicts{Top: "t"}, X: 5}},
		{"recursive", &dRecursive{Name: "root", Children: []*dRecursive{{Name: "c1"}, nil}, Next: &dRecursive{Name: "n"}}},
		{"marshalers cptr", &dWithMarshalers{Val: dAVValue{5}, PVal: &dAVValue{6}, Ptr: dAVPtr{"p"}, PPtr: &dAVPtr{"pp"},
			Unix: attributevalue.UnixTime(ct0), Nil: dAVNil{3}, Vals: []dAVValue{{1}}, ValMap: map[string]dAVValue{"k": {2}}}},
		{"marshalers zero cptr", &dWithMarshalers{}},
		{"map string any", map[string]any{"a": 1, "b": []any{true, nil}, "c": map[string]any{}}},
		{"map string int", map[string]int{"x": 1}},
		{"map int keys", map[int8]bool{-3: true}},
		{"empty map", map[string]string{}},
		{"slice of structs", []dInner{{A: "a"}, {B: 2}}},
		{"nil slice", []string(nil)},
		{"empty slice", []int{}},
		{"bytes", []byte("raw")},
		{"empty bytes", []byte{}},
		{"bytes list", [][]byte{[]byte("a"), []byte("b")}},
		{"string", "s"},
		{"empty string", ""},
		{"int", -9},
		{"uint64 max", uint64(math.MaxUint64)},
		{"int64 min", int64(math.MinInt64)},
		{"float big", 1e300},
		{"float small", 5e-324},
		{"float neg zero", math.Copysign(0, -1)},
		{"float32", float32(0.1)},
		{"float32 max", float32(math.MaxFloat32)},
		{"float frac", 123456.789},
		{"bool", true},
		{"time", ct0},
		{"zero time", time.Time{}},
		{"time zone", ctZone},
		{"duration", -time.Millisecond},
		{"json number", json.Number("1e3")},
		{"nil cptr", (*dInner)(nil)},
		{"cptr to cptr", &pOne},
		{"array", [2]string{"a", "b"}},
		{"any slice", []any{"a", 1, 2.5, false, nil, []byte("x"), map[string]any{"k": nil}}},
		{"anonymous struct", struct {
			A int
			B string `dynamodbav:"bee,omitempty"`
		}{A: 1}},
		{"unixtime type", attributevalue.UnixTime(ct0)},
		{"map of slices", map[string][]int{"a": {1, 2}, "b": nil, "c": {}}},
		{"map of ptrs", map[string]*int{"a": pOne, "b": nil}},
		{"nested maps", map[string]map[string][]string{"a": {"b": {"c"}}, "n": nil}},
		{"kinds zero", dKinds{}},
		{"kinds full", dKinds{I: -1, I8: -2, I16: -3, I32: -4, I64: -5, U: 1, U8: 2, U16: 3, U32: 4, U64: 5, F32: 0.25, F64: -1e-7,
			S: "s", B: true, SI8: -8, SU16: 16, SF32: 1.5, NI: 1, NF: 2, MyS: "m", MyI: 3, Num: "0.1"}},
		{"kinds max", dKinds{I: math.MaxInt, I8: math.MaxInt8, I16: math.MinInt16, I32: math.MaxInt32, I64: math.MaxInt64,
			U: math.MaxUint, U8: math.MaxUint8, U16: math.MaxUint16, U32: math.MaxUint32, U64: math.MaxUint64,
			F32: math.SmallestNonzeroFloat32, F64: math.MaxFloat64, SF32: -math.MaxFloat32}},
		{"any nil", dAnyHolder{}},
		{"any zero values", dAnyHolder{A: "", OE: "", NE: 0, OEE: false, Str: 0.0, SS: []string{}, UT: time.Time{}}},
		{"any pointers", dAnyHolder{A: pZero, OE: pZero, NE: &nilInt, OEE: &nilInt, Str: pOne, SS: []*string{cptr("x")}, UT: &ct0}},
		{"any values", dAnyHolder{A: dInner{A: "x"}, OE: []string{"a"}, NE: map[string]int{"k": 1}, OEE: []any{"", nil},
			Str: json.Number("5"), SS: [2]string{"a", "b"}, UT: ct0}},
		{"any nested empties", dAnyHolder{A: map[string]any{}, OE: []any{}, NE: []int(nil), OEE: map[string]any{"e": "", "z": 0}}},
		{"text keys", map[netip.Addr]int{netip.MustParseAddr("10.0.0.1"): 1, netip.MustParseAddr("::1"): 2}},
		{"named string keys", map[dMyString]bool{"a": true}},
		{"hidden embedded", struct {
			dInner `dynamodbav:"named"`
			dEmbedded
		}{dInner{A: "h"}, dEmbedded{E1: "e"}}},
		// Both libraries fail on these.
		{"error: omitempty and nullempty", dTags{}},
		{"error: empty map key", map[string]int{"": 1}},
		{"error: unsupported map key", map[[1]int]int{{1}: 1}},
		{"error: string in number set", struct {
			S []string `dynamodbav:",numberset"`
		}{[]string{"x"}}},
		{"error: number in string set", struct {
			S []int `dynamodbav:",stringset"`
		}{[]int{1}}},
		{"error: nil in binary set", [][]byte{nil}},
		{"error: nil in string set", struct {
			S []*string `dynamodbav:",stringset"`
		}{[]*string{nil}}},
	}
}

func TestCodecDiffMarshal(t *testing.T) {
	t.Parallel()
	for _, c := range codecDiffCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := attributevalue.Marshal(c.in)
			if wantErr := strings.HasPrefix(c.name, "error:"); (err != nil) != wantErr {
				t.Fatalf("attributevalue.Marshal error %v, want error %v", err, wantErr)
			}
			checkMarshalDiff(t, c.in)
			checkRoundTripDiff(t, c.in)
		})
	}
}

// checkMarshalDiff compares Marshal and MarshalItem with attributevalue.
func checkMarshalDiff(t *testing.T, in any) {
	t.Helper()
	want, werr := attributevalue.Marshal(in)
	got, gerr := Marshal(in)
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("Marshal errors differ: attributevalue %v, ddb %v", werr, gerr)
	}
	if werr != nil {
		if !errors.Is(gerr, ErrInvalidValue) && !errors.Is(gerr, ErrUnsupportedType) {
			t.Fatalf("Marshal error %v matches no codec sentinel", gerr)
		}
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Marshal differs\n got: %s\nwant: %s", codecDump(got), codecDump(want))
	}
	if _, isMap := want.(*types.AttributeValueMemberM); !isMap {
		return
	}
	wantItem, werr := attributevalue.MarshalMap(in)
	gotItem, gerr := MarshalItem(in)
	if werr != nil || gerr != nil {
		t.Fatalf("MarshalItem errors: attributevalue %v, ddb %v", werr, gerr)
	}
	if !reflect.DeepEqual(gotItem, wantItem) {
		t.Fatalf("MarshalItem differs\n got: %s\nwant: %s", codecDump(&types.AttributeValueMemberM{Value: gotItem}), codecDump(&types.AttributeValueMemberM{Value: wantItem}))
	}
}

// checkRoundTripDiff decodes attributevalue's encoding of in back into a new
// value of in's type with both libraries and compares the results.
func checkRoundTripDiff(t *testing.T, in any) {
	t.Helper()
	av, err := attributevalue.Marshal(in)
	if err != nil || av == nil {
		return
	}
	checkUnmarshalDiff(t, av, reflect.TypeOf(in))
}

// checkUnmarshalDiff decodes av into fresh values of type typ with both
// libraries (Unmarshal, and UnmarshalItem for an M) and compares.
func checkUnmarshalDiff(t *testing.T, av types.AttributeValue, typ reflect.Type) {
	t.Helper()
	want := reflect.New(typ)
	werr := attributevalue.Unmarshal(av, want.Interface())
	got := reflect.New(typ)
	gerr := Unmarshal(av, got.Interface())
	if codecFloat32Diff(werr) && gerr == nil {
		werr = nil // documented difference; the value is checked by TestFloatRoundTrip
		want = got
	}
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("Unmarshal into %v: errors differ: attributevalue %v, ddb %v", typ, werr, gerr)
	}
	if gerr != nil && !errors.Is(gerr, ErrInvalidValue) && !errors.Is(gerr, ErrUnsupportedType) {
		t.Fatalf("Unmarshal error %v matches no codec sentinel", gerr)
	}
	if werr == nil && !reflect.DeepEqual(got.Elem().Interface(), want.Elem().Interface()) {
		t.Fatalf("Unmarshal into %v differs\n got: %#v\nwant: %#v", typ, got.Elem().Interface(), want.Elem().Interface())
	}
	m, ok := av.(*types.AttributeValueMemberM)
	if !ok {
		return
	}
	want = reflect.New(typ)
	werr = attributevalue.UnmarshalMap(m.Value, want.Interface())
	got = reflect.New(typ)
	gerr = UnmarshalItem(m.Value, got.Interface())
	if codecFloat32Diff(werr) && gerr == nil {
		werr, want = nil, got
	}
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("UnmarshalItem into %v: errors differ: attributevalue %v, ddb %v", typ, werr, gerr)
	}
	if werr == nil && !reflect.DeepEqual(got.Elem().Interface(), want.Elem().Interface()) {
		t.Fatalf("UnmarshalItem into %v differs\n got: %#v\nwant: %#v", typ, got.Elem().Interface(), want.Elem().Interface())
	}
}

// codecFloat32Diff reports whether err is attributevalue rejecting as
// overflowing float32 a number that rounds to a finite float32, which ddb
// decodes (a documented difference, e.g. ±math.MaxFloat32 as Marshal
// writes it).
func codecFloat32Diff(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	const pre, post = "number overflow, ", " into Go value type float32"
	i, j := strings.Index(msg, pre), strings.LastIndex(msg, post)
	if i < 0 || j < i+len(pre) {
		return false
	}
	_, perr := strconv.ParseFloat(msg[i+len(pre):j], 32)
	return perr == nil
}

func codecDump(av types.AttributeValue) string {
	b, _ := json.Marshal(codecJSON(av))
	return string(b)
}

// codecJSON renders an attribute value in DynamoDB's JSON shape, for messages.
func codecJSON(av types.AttributeValue) any {
	switch a := av.(type) {
	case *types.AttributeValueMemberS:
		return map[string]any{"S": a.Value}
	case *types.AttributeValueMemberN:
		return map[string]any{"N": a.Value}
	case *types.AttributeValueMemberB:
		return map[string]any{"B": a.Value}
	case *types.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": a.Value}
	case *types.AttributeValueMemberNULL:
		return map[string]any{"NULL": a.Value}
	case *types.AttributeValueMemberSS:
		return map[string]any{"SS": a.Value}
	case *types.AttributeValueMemberNS:
		return map[string]any{"NS": a.Value}
	case *types.AttributeValueMemberBS:
		return map[string]any{"BS": a.Value}
	case *types.AttributeValueMemberL:
		l := make([]any, len(a.Value))
		for i, e := range a.Value {
			l[i] = codecJSON(e)
		}
		return map[string]any{"L": l}
	case *types.AttributeValueMemberM:
		m := map[string]any{}
		for k, e := range a.Value {
			m[k] = codecJSON(e)
		}
		return map[string]any{"M": m}
	}
	return map[string]any{"?": reflect.TypeOf(av).String()}
}

func cvS(s string) types.AttributeValue  { return &types.AttributeValueMemberS{Value: s} }
func cvN(s string) types.AttributeValue  { return &types.AttributeValueMemberN{Value: s} }
func cvB(b ...byte) types.AttributeValue { return &types.AttributeValueMemberB{Value: b} }
func cvBool(b bool) types.AttributeValue { return &types.AttributeValueMemberBOOL{Value: b} }
func cvNull() types.AttributeValue       { return &types.AttributeValueMemberNULL{Value: true} }
func cvL(l ...types.AttributeValue) types.AttributeValue {
	return &types.AttributeValueMemberL{Value: l}
}
func cvM(kv ...any) *types.AttributeValueMemberM {
	m := map[string]types.AttributeValue{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1].(types.AttributeValue)
	}
	return &types.AttributeValueMemberM{Value: m}
}

func TestCodecDiffUnmarshal(t *testing.T) {
	t.Parallel()
	typeOf := reflect.TypeFor[any]
	_ = typeOf
	cases := []struct {
		name string
		av   types.AttributeValue
		typ  reflect.Type
	}{
		{"N into string", cvN("12.5"), reflect.TypeFor[string]()},
		{"N into json.Number", cvN("12.5"), reflect.TypeFor[json.Number]()},
		{"N into int", cvN("-12"), reflect.TypeFor[int]()},
		{"N frac into int", cvN("1.5"), reflect.TypeFor[int]()},
		{"N exp into int", cvN("1e3"), reflect.TypeFor[int]()},
		{"N overflow int8", cvN("128"), reflect.TypeFor[int8]()},
		{"N neg into uint", cvN("-1"), reflect.TypeFor[uint]()},
		{"N uint64 max", cvN("18446744073709551615"), reflect.TypeFor[uint64]()},
		{"N overflow float32", cvN("1e39"), reflect.TypeFor[float32]()},
		{"N into float32", cvN("0.1"), reflect.TypeFor[float32]()},
		{"N into any", cvN("3"), reflect.TypeFor[any]()},
		{"N huge into any", cvN("1e400"), reflect.TypeFor[any]()},
		{"N into time", cvN("1700000000"), reflect.TypeFor[time.Time]()},
		{"N into bool", cvN("1"), reflect.TypeFor[bool]()},
		{"N into *int", cvN("7"), reflect.TypeFor[*int]()},
		{"N into **int", cvN("7"), reflect.TypeFor[**int]()},
		{"N garbage", cvN("x"), reflect.TypeFor[float64]()},
		{"S into time", cvS("2024-01-02T03:04:05.5+01:00"), reflect.TypeFor[time.Time]()},
		{"S bad time", cvS("yesterday"), reflect.TypeFor[time.Time]()},
		{"S into my time", cvS("2024-01-02T03:04:05Z"), reflect.TypeFor[dMyTime]()},
		{"S into int", cvS("1"), reflect.TypeFor[int]()},
		{"S into any", cvS("x"), reflect.TypeFor[any]()},
		{"S into bytes", cvS("x"), reflect.TypeFor[[]byte]()},
		{"S into named", cvS("x"), reflect.TypeFor[dMyString]()},
		{"B into bytes", cvB(1, 2), reflect.TypeFor[[]byte]()},
		{"B into named bytes", cvB(1, 2), reflect.TypeFor[dMyBytes]()},
		{"B into array", cvB(1, 2, 3, 4), reflect.TypeFor[[4]byte]()},
		{"B into any", cvB(1), reflect.TypeFor[any]()},
		{"B into string", cvB(1), reflect.TypeFor[string]()},
		{"B into ints", cvB(1), reflect.TypeFor[[]int]()},
		{"BOOL into bool", cvBool(true), reflect.TypeFor[bool]()},
		{"BOOL into any", cvBool(true), reflect.TypeFor[any]()},
		{"BOOL into string", cvBool(true), reflect.TypeFor[string]()},
		{"NULL into int", cvNull(), reflect.TypeFor[int]()},
		{"NULL into cptr", cvNull(), reflect.TypeFor[*int]()},
		{"NULL into struct", cvNull(), reflect.TypeFor[dInner]()},
		{"NULL into any", cvNull(), reflect.TypeFor[any]()},
		{"NULL into unmarshaler", cvNull(), reflect.TypeFor[dAVValue]()},
		{"NULL into cptr unmarshaler", cvNull(), reflect.TypeFor[*dAVValue]()},
		{"L into slice", cvL(cvN("1"), cvN("2")), reflect.TypeFor[[]int]()},
		{"L into bytes", cvL(cvN("1"), cvN("2")), reflect.TypeFor[[]byte]()},
		{"L into short array", cvL(cvN("1"), cvN("2"), cvN("3")), reflect.TypeFor[[2]int]()},
		{"L into long array", cvL(cvN("1")), reflect.TypeFor[[3]int]()},
		{"L into any", cvL(cvS("a"), cvNull(), cvL()), reflect.TypeFor[any]()},
		{"L mixed into []any", cvL(cvS("a"), cvN("2"), cvBool(false)), reflect.TypeFor[[]any]()},
		{"L into []*string", cvL(cvS("a"), cvNull()), reflect.TypeFor[[]*string]()},
		{"L empty", cvL(), reflect.TypeFor[[]string]()},
		{"L into map", cvL(), reflect.TypeFor[map[string]int]()},
		{"L bad elem", cvL(cvS("a")), reflect.TypeFor[[]int]()},
		{"SS into strings", &types.AttributeValueMemberSS{Value: []string{"a", "b"}}, reflect.TypeFor[[]string]()},
		{"SS into named strings", &types.AttributeValueMemberSS{Value: []string{"a"}}, reflect.TypeFor[[]dMyString]()},
		{"SS into any", &types.AttributeValueMemberSS{Value: []string{"a"}}, reflect.TypeFor[any]()},
		{"SS into array", &types.AttributeValueMemberSS{Value: []string{"a", "b", "c"}}, reflect.TypeFor[[2]string]()},
		{"SS into times", &types.AttributeValueMemberSS{Value: []string{"2024-01-02T03:04:05Z"}}, reflect.TypeFor[[]time.Time]()},
		{"SS into ints", &types.AttributeValueMemberSS{Value: []string{"1"}}, reflect.TypeFor[[]int]()},
		{"SS into ptrs", &types.AttributeValueMemberSS{Value: []string{"x"}}, reflect.TypeFor[[]*string]()},
		{"NS into ints", &types.AttributeValueMemberNS{Value: []string{"1", "-2"}}, reflect.TypeFor[[]int]()},
		{"NS into floats", &types.AttributeValueMemberNS{Value: []string{"1.5"}}, reflect.TypeFor[[]float64]()},
		{"NS into strings", &types.AttributeValueMemberNS{Value: []string{"1.5"}}, reflect.TypeFor[[]string]()},
		{"NS into any", &types.AttributeValueMemberNS{Value: []string{"1.5"}}, reflect.TypeFor[any]()},
		{"NS into []any", &types.AttributeValueMemberNS{Value: []string{"1.5"}}, reflect.TypeFor[[]any]()},
		{"NS bad", &types.AttributeValueMemberNS{Value: []string{"z"}}, reflect.TypeFor[[]int]()},
		{"BS into bytes list", &types.AttributeValueMemberBS{Value: [][]byte{{1}, {}}}, reflect.TypeFor[[][]byte]()},
		{"BS into any", &types.AttributeValueMemberBS{Value: [][]byte{{1}}}, reflect.TypeFor[any]()},
		{"BS into strings", &types.AttributeValueMemberBS{Value: [][]byte{{1}}}, reflect.TypeFor[[]string]()},
		{"M into struct", cvM("A", cvS("a"), "b", cvN("2"), "Extra", cvS("x")), reflect.TypeFor[dInner]()},
		{"M case-insensitive", cvM("a", cvS("lower"), "B", cvN("3"), "c", cvN("1.5")), reflect.TypeFor[dInner]()},
		{"M into embedded", cvM("E1", cvS("x"), "P1", cvS("p"), "Shadow", cvN("4")), reflect.TypeFor[dAll]()},
		{"M into map any", cvM("a", cvN("1"), "b", cvNull()), reflect.TypeFor[map[string]any]()},
		{"M into map int keys", cvM("1", cvS("a"), "-2", cvS("b")), reflect.TypeFor[map[int]string]()},
		{"M bad int key", cvM("x", cvS("a")), reflect.TypeFor[map[int]string]()},
		{"M into map bool keys", cvM("true", cvN("1")), reflect.TypeFor[map[bool]int]()},
		{"M into map float keys", cvM("1.5", cvN("1")), reflect.TypeFor[map[float64]int]()},
		{"M into map named keys", cvM("k", cvN("1")), reflect.TypeFor[map[dKey]int]()},
		{"M into map of structs", cvM("k", cvM("A", cvS("a"))), reflect.TypeFor[map[string]dInner]()},
		{"M into map of ptrs", cvM("k", cvNull(), "j", cvN("1")), reflect.TypeFor[map[string]*int]()},
		{"M into map string", cvM("k", cvS("v"), "n", cvN("1"), "z", cvNull()), reflect.TypeFor[map[string]string]()},
		{"M into map string bad", cvM("k", cvBool(true)), reflect.TypeFor[map[string]string]()},
		{"M into any", cvM("k", cvM("j", cvL(cvN("1")))), reflect.TypeFor[any]()},
		{"M into time", cvM(), reflect.TypeFor[time.Time]()},
		{"M into slice", cvM(), reflect.TypeFor[[]int]()},
		{"M wrong field type", cvM("A", cvN("1")), reflect.TypeFor[dInner]()},
		{"M tags", cvM("StrInt", cvS("12"), "StrFlt", cvS("1.5"), "StrPtr", cvS("3"), "StrNum", cvS("9"), "Unix", cvN("1700000000"),
			"UnixPtr", cvS("2020-01-01T00:00:00Z"), "SS", &types.AttributeValueMemberSS{Value: []string{"a"}}), reflect.TypeFor[dTags]()},
		{"M bad string tag", cvM("StrInt", cvS("x")), reflect.TypeFor[dTags]()},
		{"M marshalers", cvM("Val", cvS("v1s"), "PVal", cvS("v2s"), "Ptr", cvL(cvS("q")), "PPtr", cvL(cvS("r")),
			"Unix", cvN("1700000000"), "Vals", cvL(cvS("v3s"))), reflect.TypeFor[dWithMarshalers]()},
		{"M nulls into marshalers", cvM("Val", cvNull(), "PVal", cvNull()), reflect.TypeFor[dWithMarshalers]()},
		{"M recursive", cvM("Name", cvS("a"), "Next", cvM("Name", cvS("b"), "Next", cvNull())), reflect.TypeFor[dRecursive]()},
		{"M into cptr struct", cvM("A", cvS("a")), reflect.TypeFor[*dInner]()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			checkUnmarshalDiff(t, c.av, c.typ)
		})
	}
}

// TestCodecDiffDecodeIntoExisting decodes into values that already hold data.
func TestCodecDiffDecodeIntoExisting(t *testing.T) {
	t.Parallel()
	av := cvM("A", cvS("new"), "D", cvL(cvS("x")))
	for _, lib := range []string{"attributevalue", "ddb"} {
		v := dInner{A: "old", B: 7, D: []string{"1", "2", "3"}}
		var err error
		if lib == "ddb" {
			err = UnmarshalItem(av.Value, &v)
		} else {
			err = attributevalue.UnmarshalMap(av.Value, &v)
		}
		want := dInner{A: "new", B: 7, D: []string{"x"}}
		if err != nil || !reflect.DeepEqual(v, want) {
			t.Errorf("%s: got %+v, %v; want %+v", lib, v, err, want)
		}
	}
	// A map is added to, not replaced.
	m := map[string]int{"keep": 1}
	if err := Unmarshal(cvM("new", cvN("2")), &m); err != nil || !reflect.DeepEqual(m, map[string]int{"keep": 1, "new": 2}) {
		t.Errorf("map merge: %v %v", m, err)
	}
	// An interface holding a pointer is decoded through.
	n := 0
	var x any = &n
	if err := Unmarshal(cvN("5"), &x); err != nil || n != 5 {
		t.Errorf("interface holding a pointer: n=%d %v", n, err)
	}
}

// TestCodecTTLTag checks the ddb:"ttl" hook: a time.Time encodes like unixtime.
func TestCodecTTLTag(t *testing.T) {
	t.Parallel()
	type withTTL struct {
		Expires time.Time  `ddb:"ttl"`
		Opt     *time.Time `ddb:"sk, ttl" dynamodbav:"opt"`
		Other   time.Time  `ddb:"created"`
	}
	type withUnix struct {
		Expires time.Time  `dynamodbav:",unixtime"`
		Opt     *time.Time `dynamodbav:"opt,unixtime"`
		Other   time.Time
	}
	got, err := MarshalItem(withTTL{Expires: ct0, Opt: &ctZone, Other: ct0})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := attributevalue.MarshalMap(withUnix{Expires: ct0, Opt: &ctZone, Other: ct0})
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %s want %s", codecDump(&types.AttributeValueMemberM{Value: got}), codecDump(&types.AttributeValueMemberM{Value: want}))
	}
	var back withTTL
	if err := UnmarshalItem(got, &back); err != nil || back.Expires.Unix() != ct0.Unix() || back.Opt.Unix() != ctZone.Unix() {
		t.Fatalf("decode: %+v %v", back, err)
	}
}

// Deliberate differences from attributevalue.

func TestCodecDiffDeliberate(t *testing.T) {
	t.Parallel()
	t.Run("NaN and Inf rejected", func(t *testing.T) {
		for _, f := range []any{math.NaN(), math.Inf(1), float32(math.Inf(-1)), map[string]any{"x": math.NaN()}} {
			if _, err := attributevalue.Marshal(f); err != nil {
				t.Errorf("attributevalue now rejects %v", f)
			}
			if _, err := Marshal(f); !errors.Is(err, ErrInvalidValue) {
				t.Errorf("Marshal(%v) = %v, want ErrInvalidValue", f, err)
			}
		}
	})
	t.Run("pointer-receiver marshaler on a value", func(t *testing.T) {
		v := dWithMarshalers{Ptr: dAVPtr{"p"}}
		byValue, _ := attributevalue.MarshalMap(v)
		byPtr, _ := attributevalue.MarshalMap(&v)
		got, err := MarshalItem(v)
		if err != nil {
			t.Fatal(err)
		}
		if reflect.DeepEqual(byValue["Ptr"], byPtr["Ptr"]) {
			t.Fatal("attributevalue no longer differs by addressability")
		}
		if !reflect.DeepEqual(got["Ptr"], byPtr["Ptr"]) {
			t.Errorf("got %s, want %s", codecDump(got["Ptr"]), codecDump(byPtr["Ptr"]))
		}
	})
	t.Run("MarshalItem of non-items", func(t *testing.T) {
		for _, in := range []any{nil, (*dInner)(nil), map[string]int(nil), 5, "s"} {
			m, err := attributevalue.MarshalMap(in)
			if err != nil || len(m) != 0 {
				t.Errorf("attributevalue.MarshalMap(%#v) = %v, %v", in, m, err)
			}
			if _, err := MarshalItem(in); !errors.Is(err, ErrInvalidValue) && !errors.Is(err, ErrUnsupportedType) {
				t.Errorf("MarshalItem(%#v) = %v", in, err)
			}
		}
	})
	t.Run("top-level func", func(t *testing.T) {
		if av, err := attributevalue.Marshal(func() {}); av != nil || err != nil {
			t.Errorf("attributevalue: %v %v", av, err)
		}
		if _, err := Marshal(func() {}); !errors.Is(err, ErrUnsupportedType) {
			t.Errorf("Marshal(func) = %v", err)
		}
	})
	t.Run("set of unmarshalers", func(t *testing.T) {
		av := &types.AttributeValueMemberSS{Value: []string{"v1ns", "v2ns"}}
		var want, got []dAVValue
		_ = attributevalue.Unmarshal(av, &want)
		if err := Unmarshal(av, &got); err != nil {
			t.Fatal(err)
		}
		if len(want) != 1 {
			t.Fatalf("attributevalue decoded %v", want)
		}
		if !reflect.DeepEqual(got, []dAVValue{{1}, {2}}) {
			t.Errorf("got %v", got)
		}
	})
	t.Run("empty list into non-empty slice", func(t *testing.T) {
		want, got := []int{1, 2}, []int{1, 2}
		_ = attributevalue.Unmarshal(cvL(), &want)
		if err := Unmarshal(cvL(), &got); err != nil {
			t.Fatal(err)
		}
		if len(want) != 2 || len(got) != 0 {
			t.Errorf("attributevalue %v, ddb %v", want, got)
		}
	})
	t.Run("interface holding a value", func(t *testing.T) {
		var x any = 5
		if err := Unmarshal(cvS("s"), &x); err != nil || x != "s" {
			t.Errorf("got %v %v", x, err)
		}
	})
}
