package ddb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

type nested struct {
	Name  string
	Score float64
	Tags  []string
	Inner *nested
}

type allTypes struct {
	ID        string `ddb:"pk"`
	Str       string
	I         int
	I8        int8
	I16       int16
	I32       int32
	I64       int64
	U         uint
	U8        uint8
	U16       uint16
	U32       uint32
	U64       uint64
	F32       float32
	F64       float64
	Bool      bool
	Bytes     []byte
	Time      time.Time
	Dur       time.Duration
	Map       map[string]int
	Any       map[string]any
	Slice     []string
	Ints      []int
	Nested    nested
	Ptr       *string
	NilPtr    *int
	PtrNested *nested
	Set       []string `dynamodbav:",stringset"`
	Renamed   string   `dynamodbav:"renamed_attr"`
	Skipped   string   `dynamodbav:"-"`
}

func TestPutGetRoundTrip(t *testing.T) {
	t.Parallel()
	tbl, _ := newTestTable[allTypes](t)
	ctx := context.Background()
	s := "pointed"
	in := allTypes{
		ID: "u1", Str: "héllo, wörld", I: -42, I8: -8, I16: 1 << 14, I32: -1 << 30, I64: 1<<62 + 7,
		U: 42, U8: 255, U16: 65535, U32: 1<<32 - 1, U64: 1<<64 - 1, F32: 1.5, F64: 3.141592653589793,
		Bool: true, Bytes: []byte{0, 1, 2, 255}, Time: time.Date(2024, 5, 1, 12, 30, 45, 123456789, time.UTC),
		Dur: 90 * time.Second, Map: map[string]int{"a": 1, "b": -2}, Any: map[string]any{"s": "x", "n": 1.25, "b": true, "l": []any{"y", 2.0}},
		Slice: []string{"x", "", "z"}, Ints: []int{3, 1, 2},
		Nested:    nested{Name: "n", Score: -0.5, Tags: []string{"t"}, Inner: &nested{Name: "deep"}},
		Ptr:       &s,
		PtrNested: &nested{Name: "p"},
		Set:       []string{"s1", "s2"},
		Renamed:   "r",
		Skipped:   "not stored",
	}
	if err := tbl.Put(ctx, in); err != nil {
		t.Fatalf("Put: %v", err)
	}
	got, err := tbl.Get(ctx, Key{"u1"})
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	want := in
	want.Skipped = ""
	if !got.Time.Equal(want.Time) {
		t.Errorf("Time = %v, want %v", got.Time, want.Time)
	}
	got.Time, want.Time = time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip mismatch:\n got %+v\nwant %+v", got, want)
	}
}

type order struct {
	Customer string `ddb:"pk"`
	Seq      int    `ddb:"sk"`
	Status   string `ddb:"gsi=ByStatus:pk" dynamodbav:",omitempty"`
	Total    int    `ddb:"gsi=ByStatus:sk"`
	Date     string `ddb:"lsi=ByDate" dynamodbav:",omitempty"`
	Note     string
}

func TestGetMissing(t *testing.T) {
	t.Parallel()
	tbl, _ := newTestTable[order](t)
	_, err := tbl.Get(context.Background(), Key{"nobody", 1})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get missing: err = %v, want ErrNotFound", err)
	}
	var de *Error
	if !errors.As(err, &de) || de.Op != "Get" || de.Table != tbl.Name() {
		t.Errorf("error = %#v, want *Error with Op Get and the table name", err)
	}
}

func TestPutGetDeleteCompositeKey(t *testing.T) {
	t.Parallel()
	tbl, _ := newTestTable[order](t)
	ctx := context.Background()
	o1 := order{Customer: "c1", Seq: 1, Status: "open", Total: 10, Date: "2024-05-01", Note: "first"}
	o2 := order{Customer: "c1", Seq: 2, Note: "second"}
	for _, o := range []order{o1, o2} {
		if err := tbl.Put(ctx, o); err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	got, err := tbl.Get(ctx, Key{"c1", 1})
	if err != nil || got != o1 {
		t.Fatalf("Get = %+v, %v; want %+v", got, err, o1)
	}
	// Replace, returning the old item.
	o1b := o1
	o1b.Note = "replaced"
	var old *order
	if err := tbl.Put(ctx, o1b, ReturnOld(&old)); err != nil {
		t.Fatalf("Put ReturnOld: %v", err)
	}
	if old == nil || *old != o1 {
		t.Fatalf("old = %+v, want %+v", old, o1)
	}
	// A new item has no old item.
	if err := tbl.Put(ctx, order{Customer: "c9", Seq: 1}, ReturnOld(&old)); err != nil || old != nil {
		t.Fatalf("Put new ReturnOld: old = %+v, err = %v", old, err)
	}
	if err := tbl.Delete(ctx, Key{"c1", 1}, ReturnOld(&old)); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if old == nil || *old != o1b {
		t.Fatalf("deleted old = %+v, want %+v", old, o1b)
	}
	if _, err := tbl.Get(ctx, Key{"c1", 1}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
	}
	// Deleting a missing item is fine.
	if err := tbl.Delete(ctx, Key{"c1", 1}); err != nil {
		t.Fatalf("Delete missing: %v", err)
	}
	if got, err := tbl.Get(ctx, Key{"c1", 2}); err != nil || got != o2 {
		t.Fatalf("other item: %+v, %v", got, err)
	}
}

func TestGetOptions(t *testing.T) {
	t.Parallel()
	tbl, cc := newTestTable[order](t)
	ctx := context.Background()
	o := order{Customer: "c1", Seq: 1, Status: "open", Total: 10, Date: "d", Note: "n"}
	if err := tbl.Put(ctx, o); err != nil {
		t.Fatal(err)
	}
	got, err := tbl.Get(ctx, Key{"c1", 1}, Consistent(), Project(Attr("Note")))
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	want := order{Customer: "c1", Seq: 1, Note: "n"} // keys always read
	if got != want {
		t.Errorf("projected = %+v, want %+v", got, want)
	}
	if _, err := tbl.Get(ctx, Key{"c1", 1}, Project(Path{})); !errors.Is(err, ErrInvalidExpression) {
		t.Errorf("empty path: %v, want ErrInvalidExpression", err)
	}
	if n := cc.n("GetItem"); n != 1 {
		t.Errorf("GetItem requests = %d, want 1", n)
	}
}

func TestConditionalWrites(t *testing.T) {
	t.Parallel()
	tbl, _ := newTestTable[order](t)
	ctx := context.Background()
	o := order{Customer: "c1", Seq: 1, Note: "a"}
	notExists := If(Attr("Customer").NotExists())
	if err := tbl.Put(ctx, o, notExists); err != nil {
		t.Fatalf("first conditional Put: %v", err)
	}
	err := tbl.Put(ctx, o, notExists)
	if !errors.Is(err, ErrConditionFailed) {
		t.Fatalf("second conditional Put: %v, want ErrConditionFailed", err)
	}
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		t.Errorf("errors.As ConditionalCheckFailedException failed for %v", err)
	}
	err = tbl.Delete(ctx, Key{"c1", 1}, If(Attr("Note").Eq("b")))
	if !errors.Is(err, ErrConditionFailed) {
		t.Fatalf("conditional Delete: %v, want ErrConditionFailed", err)
	}
	if err := tbl.Delete(ctx, Key{"c1", 1}, If(Attr("Note").Eq("a")), If(Attr("Seq").Eq(1))); err != nil {
		t.Fatalf("conditional Delete (true): %v", err)
	}
}

type stringNumKey struct {
	ID   int    `ddb:"pk" dynamodbav:",string"`
	Name string `dynamodbav:"name"`
}

func TestKeyWithCodecOptions(t *testing.T) {
	t.Parallel()
	tbl, _ := newTestTable[stringNumKey](t)
	if tbl.schema.pk != StringKey("ID") {
		t.Fatalf("pk = %+v, want StringKey(ID)", tbl.schema.pk)
	}
	ctx := context.Background()
	if err := tbl.Put(ctx, stringNumKey{ID: 7, Name: "seven"}); err != nil {
		t.Fatal(err)
	}
	for _, key := range []any{7, "7"} {
		got, err := tbl.Get(ctx, Key{key})
		if err != nil || got.Name != "seven" {
			t.Errorf("Get(%#v) = %+v, %v", key, got, err)
		}
	}
}

func TestMapItems(t *testing.T) {
	t.Parallel()
	tbl, _ := newTestTable[map[string]any](t, WithKey(StringKey("pk"), NumberKey("sk")))
	ctx := context.Background()
	item := map[string]any{"pk": "a", "sk": 1.0, "v": "x", "list": []any{1.0, "two"}}
	if err := tbl.Put(ctx, item); err != nil {
		t.Fatalf("Put: %v", err)
	}
	got, err := tbl.Get(ctx, Key{"a", 1})
	if err != nil || !reflect.DeepEqual(got, item) {
		t.Fatalf("Get = %v, %v; want %v", got, err, item)
	}
	if err := tbl.Put(ctx, map[string]any{"pk": "a"}); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("Put without sort key: %v, want ErrInvalidKey", err)
	}
}

func TestBadKeys(t *testing.T) {
	t.Parallel()
	tbl, cc := newTestTable[order](t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		key  Key
	}{
		{"no values", Key{}},
		{"one value", Key{"c1"}},
		{"three values", Key{"c1", 1, 2}},
		{"pk wrong type", Key{1, 1}},
		{"sk wrong type", Key{"c1", "1"}},
		{"pk empty", Key{"", 1}},
		{"pk nil", Key{nil, 1}},
		{"pk bool", Key{true, 1}},
		{"pk struct", Key{struct{}{}, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tbl.Get(ctx, tc.key); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("Get: %v, want ErrInvalidKey", err)
			}
			if err := tbl.Delete(ctx, tc.key); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("Delete: %v, want ErrInvalidKey", err)
			}
			if strings.HasPrefix(tc.name, "pk") {
				if _, err := tbl.Query(tc.key[0]).First(ctx); !errors.Is(err, ErrInvalidKey) {
					t.Errorf("Query: %v, want ErrInvalidKey", err)
				}
			}
		})
	}
	// Items with bad keys are rejected before any request: nothing written.
	for _, o := range []order{
		{Customer: "", Seq: 1},
		{Customer: "c1", Seq: 1, Status: ""}, // empty omitted GSI key is fine
	} {
		err := tbl.Put(ctx, o)
		if o.Customer == "" && !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Put %+v: %v, want ErrInvalidKey", o, err)
		}
		if o.Customer != "" && err != nil {
			t.Errorf("Put %+v: %v", o, err)
		}
	}
	if n := cc.total(); n != 1 {
		t.Errorf("requests sent = %d, want 1 (the valid Put only)", n)
	}
	if n, err := tbl.Scan().Count(ctx); err != nil || n != 1 {
		t.Errorf("items stored = %d, %v; want 1", n, err)
	}
}

func TestIndexKeyTypeChecked(t *testing.T) {
	t.Parallel()
	type gsiBytes struct {
		ID  string `ddb:"pk"`
		Tag string `ddb:"gsi=ByTag:pk"`
	}
	tbl, cc := newTestTable[gsiBytes](t)
	// An empty string is not a valid index key value.
	if err := tbl.Put(context.Background(), gsiBytes{ID: "a"}); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("Put with empty GSI key: %v, want ErrInvalidKey", err)
	}
	if cc.total() != 0 {
		t.Errorf("requests sent: %d", cc.total())
	}
}

func TestBadSchemas(t *testing.T) {
	t.Parallel()
	c := sdkClient("http://127.0.0.1:1") // never contacted
	type noPK struct{ A string }
	type twoPK struct {
		A string `ddb:"pk"`
		B string `ddb:"pk"`
	}
	type twoSK struct {
		A string `ddb:"pk"`
		B string `ddb:"sk"`
		C string `ddb:"sk"`
	}
	type boolPK struct {
		A bool `ddb:"pk"`
	}
	type mapSK struct {
		A string         `ddb:"pk"`
		B map[string]int `ddb:"sk"`
	}
	type unknownOpt struct {
		A string `ddb:"pk,primary"`
	}
	type badGSI struct {
		A string `ddb:"pk"`
		B string `ddb:"gsi=XIdx"`
	}
	type gsiNoPK struct {
		A string `ddb:"pk"`
		B string `ddb:"gsi=XIdx:sk"`
	}
	type lsiNoSK struct {
		A string `ddb:"pk"`
		B string `ddb:"lsi=XIdx"`
	}
	type twoVersions struct {
		A string `ddb:"pk"`
		V int    `ddb:"version"`
		W int    `ddb:"version"`
	}
	type anyPK struct {
		A any `ddb:"pk"`
	}
	check := func(name, field string, err error) {
		t.Helper()
		if !errors.Is(err, ErrInvalidSchema) {
			t.Errorf("%s: err = %v, want ErrInvalidSchema", name, err)
			return
		}
		var de *Error
		if field != "" && (!errors.As(err, &de) || de.Field != field) {
			t.Errorf("%s: error %v does not name field %q", name, err, field)
		}
	}
	_, err := NewTable[noPK](c, "tbl")
	check("no pk", "", err)
	_, err = NewTable[twoPK](c, "tbl")
	check("two pk", "B", err)
	_, err = NewTable[twoSK](c, "tbl")
	check("two sk", "C", err)
	_, err = NewTable[boolPK](c, "tbl")
	check("bool pk", "A", err)
	_, err = NewTable[mapSK](c, "tbl")
	check("map sk", "B", err)
	_, err = NewTable[unknownOpt](c, "tbl")
	check("unknown option", "A", err)
	_, err = NewTable[badGSI](c, "tbl")
	check("gsi without role", "B", err)
	_, err = NewTable[gsiNoPK](c, "tbl")
	check("gsi without pk", "B", err)
	_, err = NewTable[lsiNoSK](c, "tbl")
	check("lsi without table sk", "B", err)
	_, err = NewTable[twoVersions](c, "tbl")
	check("two versions", "W", err)
	_, err = NewTable[anyPK](c, "tbl")
	check("interface pk", "A", err)
	_, err = NewTable[string](c, "tbl", WithKey(StringKey("a")))
	check("string item", "", err)
	_, err = NewTable[*order](c, "tbl")
	check("pointer item", "", err)
	_, err = NewTable[map[string]any](c, "tbl")
	check("map without WithKey", "", err)
	_, err = NewTable[order](c, "tbl", WithKey(StringKey("Customer")))
	check("WithKey and tags", "", err)
	_, err = NewTable[noPK](c, "tbl", WithKey(NumberKey("A")))
	check("WithKey wrong type", "A", err)
	_, err = NewTable[noPK](c, "tbl", WithKey(StringKey("Missing")))
	check("WithKey missing field", "Missing", err)
	_, err = NewTable[map[string]any](c, "tbl", WithKey(StringKey("a"), StringKey("b"), StringKey("c")))
	check("WithKey two sort keys", "", err)
	_, err = NewTable[map[string]any](c, "tbl", WithKey(KeyAttr{Name: "a", Type: "BOOL"}))
	check("WithKey bad type", "a", err)

	// Valid variants.
	if _, err := NewTable[noPK](c, "tbl", WithKey(StringKey("A"))); err != nil {
		t.Errorf("struct with WithKey: %v", err)
	}
	if _, err := NewTable[order](c, "tbl"); err != nil {
		t.Errorf("order: %v", err)
	}
	type reserved struct {
		A   string    `ddb:"pk"`
		V   int64     `ddb:"version"`
		C   time.Time `ddb:"created"`
		U   time.Time `ddb:"updated"`
		TTL time.Time `ddb:"ttl" dynamodbav:",unixtime"`
		G   []byte    `ddb:"gsi=GS1:pk,gsi=GS2:sk"`
		H   float64   `ddb:"gsi=GS2:pk"`
	}
	tbl, err := NewTable[reserved](c, "tbl")
	if err != nil {
		t.Fatalf("reserved roles: %v", err)
	}
	s := tbl.schema
	if s.version == nil || s.version.Name != "V" || s.created.Name != "C" || s.updated.Name != "U" || s.ttl.Name != "TTL" {
		t.Errorf("reserved roles not recorded: %+v", s)
	}
	if g := s.indexes["GS1"]; g == nil || !slices.Equal(g.PK, []KeyAttr{BinaryKey("G")}) || len(g.SK) != 0 {
		t.Errorf("GS1 = %+v", g)
	}
	if g := s.indexes["GS2"]; g == nil || !slices.Equal(g.PK, []KeyAttr{NumberKey("H")}) || !slices.Equal(g.SK, []KeyAttr{BinaryKey("G")}) {
		t.Errorf("GS2 = %+v", g)
	}
	if _, err := NewTable[order](nil, "tbl"); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("nil client: %v", err)
	}
}

func TestTableNotFound(t *testing.T) {
	t.Parallel()
	tbl, err := NewTable[order](newTestClient(t), "no-such-table-"+testTableName(t))
	if err != nil {
		t.Fatal(err)
	}
	_, err = tbl.Get(context.Background(), Key{"c", 1})
	if !errors.Is(err, ErrTableNotFound) {
		t.Fatalf("Get on missing table: %v, want ErrTableNotFound", err)
	}
	var rnf *types.ResourceNotFoundException
	if !errors.As(err, &rnf) {
		t.Errorf("errors.As ResourceNotFoundException failed: %v", err)
	}
}

func TestReturnOldWrongType(t *testing.T) {
	t.Parallel()
	tbl, cc := newTestTable[order](t)
	var old *allTypes
	err := tbl.Put(context.Background(), order{Customer: "c", Seq: 1}, ReturnOld(&old))
	if !errors.Is(err, ErrInvalidInput) || cc.total() != 0 {
		t.Errorf("ReturnOld of another type: %v (requests %d), want ErrInvalidInput and none", err, cc.total())
	}
}

func TestDecodeErrorIsReported(t *testing.T) {
	t.Parallel()
	tbl, cc := newTestTable[order](t)
	ctx := context.Background()
	_, err := cc.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(tbl.Name()), Item: map[string]types.AttributeValue{
		"Customer": &types.AttributeValueMemberS{Value: "c"},
		"Seq":      &types.AttributeValueMemberN{Value: "1"},
		"Note":     &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tbl.Get(ctx, Key{"c", 1}); err == nil || errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of undecodable item: %v, want a decode error", err)
	}
}

func TestMapErr(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error {
		return &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "PutItem", Err: err}
	}
	for _, tc := range []struct {
		err  error
		kind error
	}{
		{&types.ConditionalCheckFailedException{Message: aws.String("no")}, ErrConditionFailed},
		{&types.ProvisionedThroughputExceededException{}, ErrThrottled},
		{&types.RequestLimitExceeded{}, ErrThrottled},
		{&smithy.GenericAPIError{Code: "ThrottlingException"}, ErrThrottled},
		{&types.ResourceNotFoundException{}, ErrTableNotFound},
		{&types.TransactionCanceledException{}, ErrTxCanceled},
		{&smithy.GenericAPIError{Code: "ValidationException"}, ErrValidation},
		{&types.IdempotentParameterMismatchException{}, ErrIdempotentMismatch},
		{&types.TransactionConflictException{}, ErrTxConflict},
		{&types.TransactionInProgressException{}, ErrTxConflict},
		{&types.ItemCollectionSizeLimitExceededException{}, ErrItemCollectionTooLarge},
		{&types.LimitExceededException{}, ErrLimitExceeded},
		{&types.ResourceInUseException{}, ErrResourceInUse},
		{&types.InternalServerError{}, ErrInternal},
		{&types.TableNotFoundException{}, ErrTableNotFound},
		{&smithy.GenericAPIError{Code: "SomeFutureException"}, ErrRequest},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, ErrRequest},
	} {
		err := mapErr("Put", "tbl", wrap(tc.err))
		var de *Error
		if !errors.As(err, &de) || de.Op != "Put" || de.Table != "tbl" || de.Kind != tc.kind {
			t.Errorf("mapErr(%T) = %#v, want kind %v", tc.err, err, tc.kind)
		}
		if target := reflect.New(reflect.TypeOf(tc.err)); !errors.As(err, target.Interface()) {
			t.Errorf("mapErr(%T) lost the SDK error", tc.err)
		}
	}
	// The end of the context keeps the context's error and no other kind.
	err := mapErr("Put", "tbl", wrap(fmt.Errorf("send: %w", context.Canceled)))
	var de *Error
	if !errors.As(err, &de) || de.Kind != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("mapErr(canceled) = %#v", err)
	}
	if mapErr("Put", "tbl", nil) != nil {
		t.Error("mapErr(nil) != nil")
	}
}

func TestMapTableWithIndexes(t *testing.T) {
	t.Parallel()
	tbl, _ := newTestTable[map[string]any](t, WithKey(StringKey("pk"), NumberKey("sk")),
		WithGlobalIndex("ByG", StringKey("g")), WithLocalIndex("ByL", StringKey("l")))
	ctx := context.Background()
	for i := range 5 {
		item := map[string]any{"pk": "p", "sk": float64(i), "l": string(rune('e' - i))}
		if i%2 == 0 {
			item["g"] = "even"
		}
		if err := tbl.Put(ctx, item); err != nil {
			t.Fatal(err)
		}
	}
	evens, err := tbl.Query("even").Index("ByG").Count(ctx)
	if err != nil || evens != 3 {
		t.Errorf("GSI count = %d, %v", evens, err)
	}
	first, err := tbl.Query("p").Index("ByL").First(ctx)
	if err != nil || first["sk"] != 4.0 {
		t.Errorf("LSI first = %v, %v", first, err)
	}
	if err := tbl.Put(ctx, map[string]any{"pk": "p", "sk": 9, "g": 1}); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("wrongly typed index key: %v, want ErrInvalidKey", err)
	}
}

func TestKeyTypes(t *testing.T) {
	t.Parallel()
	type name string
	type keys struct {
		S     string            `ddb:"gsi=ixS:pk"`
		Named name              `ddb:"gsi=ixNamed:pk"`
		I     int               `ddb:"gsi=ixI:pk"`
		U8    uint8             `ddb:"gsi=ixU8:pk"`
		F     float64           `ddb:"gsi=ixF:pk"`
		B     []byte            `ddb:"gsi=ixB:pk"`
		P     *string           `ddb:"gsi=ixP:pk"`
		PI    *int64            `ddb:"gsi=ixPI:pk"`
		T     time.Time         `ddb:"gsi=ixT:pk"`
		TU    time.Time         `ddb:"gsi=ixTU:pk" dynamodbav:",unixtime"`
		IS    int               `ddb:"pk" dynamodbav:"is,string"`
		Omit  string            `ddb:"gsi=ixOmit:pk" dynamodbav:",omitempty"`
		M     map[string]string `dynamodbav:",omitempty"`
	}
	tbl, err := NewTable[keys](sdkClient("http://127.0.0.1:1"), "tbl")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]KeyAttr{
		"S": StringKey("S"), "Named": StringKey("Named"), "I": NumberKey("I"), "U8": NumberKey("U8"),
		"F": NumberKey("F"), "B": BinaryKey("B"), "P": StringKey("P"), "PI": NumberKey("PI"),
		"T": StringKey("T"), "TU": NumberKey("TU"), "Omit": StringKey("Omit"),
	}
	for ix, w := range want {
		if got := tbl.schema.indexes["ix"+ix].PK; !slices.Equal(got, []KeyAttr{w}) {
			t.Errorf("index %s key = %+v, want %+v", ix, got, w)
		}
	}
	if tbl.schema.pk != StringKey("is") {
		t.Errorf("pk = %+v, want StringKey(is)", tbl.schema.pk)
	}
}
