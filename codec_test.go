package ddb

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"net/netip"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// codecMoney has our own Marshaler and Unmarshaler, with pointer receivers.
type codecMoney struct{ cents int64 }

func (m *codecMoney) MarshalDDB() (types.AttributeValue, error) {
	if m.cents < 0 {
		return nil, errCodecNegative
	}
	return &types.AttributeValueMemberS{Value: fmt.Sprintf("$%d.%02d", m.cents/100, m.cents%100)}, nil
}

func (m *codecMoney) UnmarshalDDB(av types.AttributeValue) error {
	s, ok := av.(*types.AttributeValueMemberS)
	if !ok {
		m.cents = -1
		return nil
	}
	var d, c int64
	if _, err := fmt.Sscanf(s.Value, "$%d.%02d", &d, &c); err != nil {
		return err
	}
	m.cents = d*100 + c
	return nil
}

var errCodecNegative = errors.New("negative amount")

// codecSecret is left out by its Marshaler when empty.
type codecSecret string

func (s codecSecret) MarshalDDB() (types.AttributeValue, error) {
	if s == "" {
		return nil, nil
	}
	return &types.AttributeValueMemberS{Value: "***"}, nil
}

type codecHooked struct {
	Price  codecMoney
	PPrice *codecMoney
	Prices []codecMoney
	Secret codecSecret
	Empty  codecSecret
}

func TestCodecCustomHooks(t *testing.T) {
	t.Parallel()
	in := codecHooked{Price: codecMoney{1234}, PPrice: &codecMoney{5}, Prices: []codecMoney{{100}}, Secret: "pw"}
	for _, v := range []any{in, &in} {
		item, err := MarshalItem(v)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]types.AttributeValue{
			"Price":  &types.AttributeValueMemberS{Value: "$12.34"},
			"PPrice": &types.AttributeValueMemberS{Value: "$0.05"},
			"Prices": &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberS{Value: "$1.00"}}},
			"Secret": &types.AttributeValueMemberS{Value: "***"},
		}
		if !reflect.DeepEqual(item, want) {
			t.Fatalf("got %s", codecDump(&types.AttributeValueMemberM{Value: item}))
		}
		var back codecHooked
		if err := UnmarshalItem(item, &back); err != nil {
			t.Fatal(err)
		}
		if back.Price.cents != 1234 || back.PPrice.cents != 5 || back.Prices[0].cents != 100 || back.Secret != "***" {
			t.Fatalf("decoded %+v", back)
		}
	}
	_, err := MarshalItem(codecHooked{Prices: []codecMoney{{1}, {-1}}})
	var e *Error
	if !errors.Is(err, errCodecNegative) || !errors.Is(err, ErrInvalidValue) || !errors.As(err, &e) || e.Field != "Prices[1]" || e.Op != "Marshal" {
		t.Fatalf("marshaler error = %v (%#v)", err, e)
	}
	// A non-pointer field's Unmarshaler also sees NULL.
	var back codecHooked
	if err := UnmarshalItem(map[string]types.AttributeValue{"Price": cvNull()}, &back); err != nil || back.Price.cents != -1 {
		t.Fatalf("NULL into Unmarshaler: %+v %v", back, err)
	}
	err = UnmarshalItem(map[string]types.AttributeValue{"Prices": cvL(cvS("bad"))}, &back)
	if !errors.Is(err, ErrInvalidValue) || !errors.As(err, &e) || e.Field != "Prices[0]" {
		t.Fatalf("unmarshaler error = %v", err)
	}
}

func TestCodecBigAndText(t *testing.T) {
	t.Parallel()
	type nums struct {
		I    *big.Int
		F    *big.Float
		IV   big.Int
		Addr netip.Addr
		PA   *netip.Addr
		Nil  *big.Int
	}
	huge, _ := new(big.Int).SetString("-123456789012345678901234567890123456789", 10)
	f, _, _ := big.ParseFloat("1234567890.0987654321", 10, 200, big.ToNearestEven)
	in := nums{I: huge, F: f, IV: *big.NewInt(42), Addr: netip.MustParseAddr("10.1.2.3"), PA: cptr(netip.MustParseAddr("::1"))}
	item, err := MarshalItem(&in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]types.AttributeValue{
		"I": cvN("-123456789012345678901234567890123456789"), "F": cvN("1234567890.0987654321"), "IV": cvN("42"),
		"Addr": cvS("10.1.2.3"), "PA": cvS("::1"), "Nil": cvNull(),
	}
	if !reflect.DeepEqual(item, want) {
		t.Fatalf("got %s", codecDump(&types.AttributeValueMemberM{Value: item}))
	}
	var back nums
	if err := UnmarshalItem(item, &back); err != nil {
		t.Fatal(err)
	}
	if back.I.Cmp(huge) != 0 || back.F.Text('f', -1) != "1234567890.0987654321" || back.IV.Int64() != 42 ||
		back.Addr != in.Addr || *back.PA != *in.PA || back.Nil != nil {
		t.Fatalf("decoded %+v", back)
	}
	if err := UnmarshalItem(map[string]types.AttributeValue{"I": cvN("1E+3")}, &back); err != nil || back.I.Int64() != 1000 {
		t.Fatalf("exponent into big.Int: %v %v", back.I, err)
	}
	if err := UnmarshalItem(map[string]types.AttributeValue{"I": cvN("1.5")}, &back); !errors.Is(err, ErrInvalidValue) {
		t.Fatalf("fraction into big.Int: %v", err)
	}
	if err := UnmarshalItem(map[string]types.AttributeValue{"Addr": cvS("nope")}, &back); !errors.Is(err, ErrInvalidValue) {
		t.Fatalf("bad text: %v", err)
	}
}

func TestCodecMarshalErrors(t *testing.T) {
	t.Parallel()
	type both struct {
		X int `dynamodbav:",omitempty,nullempty"`
	}
	type nested struct {
		Inner struct{ Vals []float64 }
		M     map[string]float32
	}
	type badSet struct {
		S []int `dynamodbav:",stringset"`
	}
	type nilBin struct {
		B [][]byte
	}
	cases := []struct {
		name  string
		in    any
		kind  error
		field string
	}{
		{"NaN", math.NaN(), ErrInvalidValue, ""},
		{"Inf in list", nested{Inner: struct{ Vals []float64 }{[]float64{1, math.Inf(-1)}}}, ErrInvalidValue, "Inner.Vals[1]"},
		{"Inf in map", nested{M: map[string]float32{"k": float32(math.Inf(1))}}, ErrInvalidValue, `M["k"]`},
		{"omitempty and nullempty", both{}, ErrInvalidValue, "X"},
		{"empty map key", map[string]int{"": 1}, ErrInvalidValue, ""},
		{"empty key in map[string]any", map[string]any{"": 1}, ErrInvalidValue, ""},
		{"bad map key", map[[2]int]int{{1, 2}: 3}, ErrUnsupportedType, ""},
		{"set of wrong type", badSet{S: []int{1}}, ErrInvalidValue, "S[0]"},
		{"nil in binary set", nilBin{B: [][]byte{{1}, nil}}, ErrInvalidValue, "B[1]"},
		{"func", func() {}, ErrUnsupportedType, ""},
		{"chan", make(chan int), ErrUnsupportedType, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := Marshal(c.in)
			var e *Error
			if !errors.Is(err, c.kind) || !errors.As(err, &e) || e.Field != c.field || e.Op != "Marshal" {
				t.Fatalf("Marshal = %v; want kind %v, field %q", err, c.kind, c.field)
			}
			if !strings.HasPrefix(err.Error(), "ddb: Marshal") {
				t.Fatalf("message %q", err)
			}
		})
	}
	if _, err := MarshalItem(42); !errors.Is(err, ErrUnsupportedType) {
		t.Fatalf("MarshalItem(42) = %v", err)
	}
	if _, err := MarshalItem((*codecHooked)(nil)); !errors.Is(err, ErrInvalidValue) {
		t.Fatalf("MarshalItem(nil) = %v", err)
	}
}

func TestCodecUnmarshalErrors(t *testing.T) {
	t.Parallel()
	type inner struct{ N int8 }
	type outer struct {
		In   inner
		List []inner
		Map  map[string]inner
		Ch   chan int
		T    time.Time
	}
	cases := []struct {
		name  string
		item  map[string]types.AttributeValue
		kind  error
		field string
	}{
		{"wrong type", map[string]types.AttributeValue{"In": cvS("x")}, ErrInvalidValue, "In"},
		{"overflow", map[string]types.AttributeValue{"In": cvM("N", cvN("300"))}, ErrInvalidValue, "In.N"},
		{"malformed", map[string]types.AttributeValue{"List": cvL(cvM(), cvM("N", cvN("1x")))}, ErrInvalidValue, "List[1].N"},
		{"in map", map[string]types.AttributeValue{"Map": cvM("k", cvM("N", cvBool(true)))}, ErrInvalidValue, `Map["k"].N`},
		{"unsupported", map[string]types.AttributeValue{"Ch": cvN("1")}, ErrUnsupportedType, "Ch"},
		{"bad time", map[string]types.AttributeValue{"T": cvS("noon")}, ErrInvalidValue, "T"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var out outer
			err := UnmarshalItem(c.item, &out)
			var e *Error
			if !errors.Is(err, c.kind) || !errors.As(err, &e) || e.Field != c.field || e.Op != "Unmarshal" {
				t.Fatalf("UnmarshalItem = %v; want kind %v, field %q", err, c.kind, c.field)
			}
		})
	}
	var x int
	for _, out := range []any{nil, x, (*int)(nil)} {
		if err := Unmarshal(cvN("1"), out); !errors.Is(err, ErrInvalidValue) {
			t.Errorf("Unmarshal into %T = %v", out, err)
		}
		if err := UnmarshalItem(nil, out); !errors.Is(err, ErrInvalidValue) {
			t.Errorf("UnmarshalItem into %T = %v", out, err)
		}
	}
}

func TestCodecStructFields(t *testing.T) {
	t.Parallel()
	type Base struct {
		ID      string `ddb:"pk"`
		Created time.Time
	}
	type hiddenBase struct{ Hidden int }
	type item struct {
		*Base
		hiddenBase
		Name    string `dynamodbav:"name,omitempty" ddb:"sk"`
		Skip    int    `dynamodbav:"-"`
		private int    //lint:ignore U1000 unexported fields are left out
		ID      int    // shadows Base.ID
	}
	got := structFields(reflect.TypeFor[item]())
	type row struct {
		Name  string
		Index []int
		Type  reflect.Type
		Tag   reflect.StructTag
	}
	var rows []row
	for _, f := range got {
		rows = append(rows, row{f.Name, f.Index, f.Type, f.Tag})
	}
	want := []row{
		{"Created", []int{0, 1}, reflect.TypeFor[time.Time](), ""},
		{"Hidden", []int{1, 0}, reflect.TypeFor[int](), ""},
		{"name", []int{2}, reflect.TypeFor[string](), `dynamodbav:"name,omitempty" ddb:"sk"`},
		{"ID", []int{5}, reflect.TypeFor[int](), ""},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("structFields:\n got %+v\nwant %+v", rows, want)
	}
	if &structFields(reflect.TypeFor[item]())[0] != &got[0] {
		t.Error("structFields is not cached")
	}
	if structFields(reflect.TypeFor[int]()) != nil {
		t.Error("structFields of a non-struct")
	}
}

func TestCodecRecursive(t *testing.T) {
	t.Parallel()
	type node struct {
		V    int
		Kids []node
		Next *node `dynamodbav:",omitempty"`
	}
	in := node{V: 1, Kids: []node{{V: 2, Next: &node{V: 3}}}}
	item, err := MarshalItem(in)
	if err != nil {
		t.Fatal(err)
	}
	var back node
	if err := UnmarshalItem(item, &back); err != nil || !reflect.DeepEqual(back, in) {
		t.Fatalf("round trip: %+v %v", back, err)
	}
}

// TestCodecConcurrent encodes and decodes from many goroutines (run with
// -race): results must not share the members that the encoder hands out.
func TestCodecConcurrent(t *testing.T) {
	t.Parallel()
	type rec struct {
		S string
		N int
		L []string
		M map[string]any
	}
	var wg sync.WaitGroup
	results := make([]map[string]types.AttributeValue, 16)
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				in := rec{S: fmt.Sprint(g), N: g, L: []string{fmt.Sprint(i)}, M: map[string]any{"g": float64(g)}}
				item, err := MarshalItem(&in)
				if err != nil {
					t.Error(err)
					return
				}
				var back rec
				if err := UnmarshalItem(item, &back); err != nil || !reflect.DeepEqual(back, in) {
					t.Errorf("round trip %+v: %+v %v", in, back, err)
					return
				}
				results[g] = item
			}
		}()
	}
	wg.Wait()
	results[0]["S"].(*types.AttributeValueMemberS).Value = "changed"
	for g := 1; g < len(results); g++ {
		if s := results[g]["S"].(*types.AttributeValueMemberS).Value; s != fmt.Sprint(g) {
			t.Fatalf("result %d changed to %q", g, s)
		}
	}
}

func TestCodecScalars(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   any
		want types.AttributeValue
	}{
		{nil, cvNull()},
		{"", cvS("")},
		{0.1, cvN("0.1")},
		{float32(0.1), cvN("0.1")},
		{1e21, cvN("1000000000000000000000")},
		{-2.5e-7, cvN("-0.00000025")},
		{uint8(200), cvN("200")},
		{[]byte(nil), cvNull()},
		{[3]byte{1, 2, 3}, cvB(1, 2, 3)},
		{time.Unix(0, 0).UTC(), cvS("1970-01-01T00:00:00Z")},
	}
	for _, c := range cases {
		got, err := Marshal(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Marshal(%#v) = %s, %v; want %s", c.in, codecDump(got), err, codecDump(c.want))
		}
	}
}
