package ddb

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// floatHolder decodes floats through the struct fast path (F32, F64), the
// general path (pointers, slices) and the string option.
type floatHolder struct {
	F32  float32
	F64  float64
	P32  *float32
	L32  []float32
	S32  float32   `dynamodbav:",string"`
	Set  []float32 `dynamodbav:",numberset"`
	PK   string    `ddb:"pk"`
	Keep int
}

// floatExtremes are the float32 values most likely to break a round trip.
var floatExtremes = []float32{
	math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
	math.Float32frombits(0x007fffff), math.Float32frombits(0x00800000), // largest subnormal, smallest normal
	math.Float32frombits(0x7f7ffffe), 1, -1, 0, float32(math.Copysign(0, -1)), 0.1, 16777217, 3.4028233e38,
}

var float64Extremes = []float64{
	math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, math.Float64frombits(0x000fffffffffffff),
	math.Float64frombits(0x0010000000000000), 0.1, 1e23, 5e-324, float64(math.MaxFloat32), 9007199254740993,
}

// checkFloatRoundTrip marshals f32 and f64 in every position and decodes
// them back: each must come back bit for bit.
func checkFloatRoundTrip(t *testing.T, f32 float32, f64 float64) {
	t.Helper()
	in := floatHolder{F32: f32, F64: f64, P32: &f32, L32: []float32{f32}, S32: f32, Set: []float32{f32}, PK: "p"}
	item, err := MarshalItem(in)
	if err != nil {
		t.Fatalf("MarshalItem(%v, %v): %v", f32, f64, err)
	}
	var out floatHolder
	if err := UnmarshalItem(item, &out); err != nil {
		t.Fatalf("UnmarshalItem of %v (%v): %v", f32, codecDump(item["F32"]), err)
	}
	same32 := func(x float32) bool { return math.Float32bits(x) == math.Float32bits(f32) }
	if !same32(out.F32) || out.P32 == nil || !same32(*out.P32) || len(out.L32) != 1 || !same32(out.L32[0]) ||
		!same32(out.S32) || len(out.Set) != 1 || (!same32(out.Set[0]) && f32 != 0) {
		t.Fatalf("float32 %v (%#x) came back as %+v (P32 %v)", f32, math.Float32bits(f32), out, out.P32)
	}
	if math.Float64bits(out.F64) != math.Float64bits(f64) {
		t.Fatalf("float64 %v came back as %v", f64, out.F64)
	}
	var back float32
	if err := Unmarshal(item["F32"], &back); err != nil || !same32(back) {
		t.Fatalf("Unmarshal of %v into a float32: %v, %v", f32, back, err)
	}
}

// TestFloatRoundTrip sweeps float extremes, subnormals and random bit
// patterns: what Marshal writes, Unmarshal reads back exactly.
func TestFloatRoundTrip(t *testing.T) {
	t.Parallel()
	for i, f := range floatExtremes {
		checkFloatRoundTrip(t, f, float64Extremes[i%len(float64Extremes)])
	}
	r := rand.New(rand.NewPCG(3, uint64(time.Now().UnixNano())))
	for range 20000 {
		f32 := math.Float32frombits(r.Uint32())
		f64 := math.Float64frombits(r.Uint64())
		if r.IntN(4) == 0 { // subnormals
			f32 = math.Float32frombits(r.Uint32() & 0x807fffff)
			f64 = math.Float64frombits(r.Uint64() & 0x800fffffffffffff)
		}
		if math.IsNaN(float64(f32)) || math.IsInf(float64(f32), 0) || math.IsNaN(f64) || math.IsInf(f64, 0) {
			continue
		}
		checkFloatRoundTrip(t, f32, f64)
	}
}

// TestFloat32MaxThroughServer stores ±math.MaxFloat32 through the real
// client and reads it back (it used to fail with "overflows float32").
func TestFloat32MaxThroughServer(t *testing.T) {
	t.Parallel()
	tbl, _ := newTestTable[floatHolder](t)
	ctx := context.Background()
	for _, f := range floatExtremes {
		in := floatHolder{PK: "p", F32: f, S32: -f, P32: &f, L32: []float32{f, -f}}
		if err := tbl.Put(ctx, in); err != nil {
			t.Fatalf("Put %v: %v", f, err)
		}
		got, err := tbl.Get(ctx, Key{"p"})
		if err != nil {
			t.Fatalf("Get %v: %v", f, err)
		}
		if got.F32 != f || got.S32 != -f || *got.P32 != f || got.L32[1] != -f {
			t.Fatalf("stored %v, read %+v", f, got)
		}
	}
}
