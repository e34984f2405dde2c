package ddb

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/ddb-go/ddb/ddbtest"
)

// doc has attribute names that are reserved words or contain dots,
// dashes and spaces.
type doc struct {
	ID     string   `ddb:"pk"`
	Status string   `dynamodbav:"status"`
	Dotted string   `dynamodbav:"a.b"`
	Spaced string   `dynamodbav:"x-y z"`
	Count  int      `dynamodbav:"count"`
	Tags   []string `dynamodbav:",omitempty"`
	Note   *string
}

func TestTableUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tbl, _ := newCountedTable[doc](t)

	u := NewUpdate().Set(Attr("status"), "new").Set(Attr("a.b"), "dot").Set(Attr("x-y z"), "space").Increment(Attr("count"), 2)
	if err := tbl.Update(ctx, Key{"d1"}, u); err != nil {
		t.Fatalf("Update (creating): %v", err)
	}
	var old *doc
	err := tbl.Update(ctx, Key{"d1"}, NewUpdate().Increment(Attr("count"), 1).Set(Attr("status"), "open"),
		If(Attr("status").Eq("new")), If(Attr("a.b").BeginsWith("do")), ReturnOld(&old))
	if err != nil {
		t.Fatalf("conditional Update: %v", err)
	}
	if old == nil || old.Status != "new" || old.Count != 2 || old.Dotted != "dot" || old.Spaced != "space" {
		t.Fatalf("ReturnOld = %+v", old)
	}
	err = tbl.Update(ctx, Key{"d1"}, NewUpdate().Set(Attr("status"), "x"), If(Attr("x-y z").Eq("nope")))
	var ccf *types.ConditionalCheckFailedException
	if !errors.Is(err, ErrConditionFailed) || !errors.As(err, &ccf) {
		t.Fatalf("failed condition: err = %v, want ErrConditionFailed", err)
	}
	got, err := tbl.Get(ctx, Key{"d1"}, Project(Attr("a.b"), Attr("x-y z"), Attr("count")))
	if err != nil {
		t.Fatal(err)
	}
	if want := (doc{ID: "d1", Dotted: "dot", Spaced: "space", Count: 3}); got.ID != want.ID || got.Dotted != want.Dotted ||
		got.Spaced != want.Spaced || got.Count != want.Count || got.Status != "" {
		t.Fatalf("projected item = %+v, want %+v", got, want)
	}
	if err := tbl.Update(ctx, Key{"d1"}, NewUpdate().Remove(Attr("a.b"), Attr("x-y z"))); err != nil {
		t.Fatalf("Update remove: %v", err)
	}
	if got, _ = tbl.Get(ctx, Key{"d1"}); got.Dotted != "" || got.Spaced != "" || got.Status != "open" {
		t.Fatalf("after remove: %+v", got)
	}
}

func TestCreateReplace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tbl, _ := newCountedTable[doc](t)
	if err := tbl.Replace(ctx, doc{ID: "r", Status: "a"}); !errors.Is(err, ErrConditionFailed) {
		t.Fatalf("Replace of a missing item: err = %v, want ErrConditionFailed", err)
	}
	if err := tbl.Create(ctx, doc{ID: "r", Status: "a"}); err != nil {
		t.Fatalf("Create: %v", err)
	}
	if err := tbl.Create(ctx, doc{ID: "r", Status: "b"}); !errors.Is(err, ErrConditionFailed) {
		t.Fatalf("second Create: err = %v, want ErrConditionFailed", err)
	}
	if err := tbl.Replace(ctx, doc{ID: "r", Status: "c"}, If(Attr("status").Eq("a"))); err != nil {
		t.Fatalf("Replace: %v", err)
	}
	if got, err := tbl.Get(ctx, Key{"r"}); err != nil || got.Status != "c" {
		t.Fatalf("Get = %+v, %v; want status c", got, err)
	}
}

func TestUpdateFields(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tbl, _ := newCountedTable[doc](t)
	note := "keep"
	if err := tbl.Put(ctx, doc{ID: "f", Status: "s", Dotted: "d", Count: 4, Tags: []string{"t"}, Note: &note}); err != nil {
		t.Fatal(err)
	}
	if err := tbl.UpdateFields(ctx, doc{ID: "f", Spaced: "new", Count: 9}); err != nil {
		t.Fatalf("UpdateFields: %v", err)
	}
	got, err := tbl.Get(ctx, Key{"f"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "s" || got.Dotted != "d" || got.Spaced != "new" || got.Count != 9 || len(got.Tags) != 1 || got.Note == nil || *got.Note != "keep" {
		t.Fatalf("after UpdateFields: %+v", got)
	}
}

// vcounter is a versioned item.
type vcounter struct {
	ID string `ddb:"pk"`
	N  int
	V  int64 `ddb:"version"`
}

func TestVersioning(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tbl, _ := newCountedTable[vcounter](t)
	c := vcounter{ID: "c", N: 1}
	if err := tbl.Put(ctx, c); err != nil {
		t.Fatalf("first Put: %v", err)
	}
	if c.V != 0 {
		t.Fatalf("Put changed the caller's item: %+v", c)
	}
	if err := tbl.Put(ctx, c); !errors.Is(err, ErrVersionConflict) || !errors.Is(err, ErrConditionFailed) {
		t.Fatalf("second Put of version 0: err = %v, want ErrVersionConflict", err)
	}
	stored, err := tbl.Get(ctx, Key{"c"})
	if err != nil || stored.V != 1 {
		t.Fatalf("stored = %+v, %v; want version 1", stored, err)
	}
	stored.N = 2
	if err := tbl.Put(ctx, stored); err != nil {
		t.Fatalf("Put of version 1: %v", err)
	}
	if err := tbl.Put(ctx, stored); !errors.Is(err, ErrVersionConflict) {
		t.Fatalf("stale Put: err = %v, want ErrVersionConflict", err)
	}
	// Update bumps the version; UpdateFields checks it.
	if err := tbl.Update(ctx, Key{"c"}, NewUpdate().Increment(Attr("N"), 10)); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if err := tbl.UpdateFields(ctx, vcounter{ID: "c", N: 5, V: 2}); !errors.Is(err, ErrVersionConflict) {
		t.Fatalf("UpdateFields with stale version: err = %v, want ErrVersionConflict", err)
	}
	if err := tbl.UpdateFields(ctx, vcounter{ID: "c", N: 5, V: 3}); err != nil {
		t.Fatalf("UpdateFields: %v", err)
	}
	if got, _ := tbl.Get(ctx, Key{"c"}); got.V != 4 || got.N != 5 {
		t.Fatalf("after updates: %+v, want N 5 version 4", got)
	}
	// A caller's condition that fails on the right version is not a
	// conflict; CurrentOnFail gets the stored item either way. Both need
	// ReturnValuesOnConditionCheckFailure, which dynalite lacks.
	if !returnsItemOnConditionFail(t, tbl.client) {
		t.Log("server ignores ReturnValuesOnConditionCheckFailure (dynalite): skipping the CurrentOnFail checks")
		return
	}
	got, _ := tbl.Get(ctx, Key{"c"})
	var cur *vcounter
	err = tbl.Put(ctx, got, If(Attr("N").Eq(99)), CurrentOnFail(&cur))
	if !errors.Is(err, ErrConditionFailed) || errors.Is(err, ErrVersionConflict) {
		t.Fatalf("failed caller condition: err = %v, want ErrConditionFailed only", err)
	}
	if cur == nil || *cur != got {
		t.Fatalf("CurrentOnFail = %+v, want %+v", cur, got)
	}
	got.V = 1
	if err = tbl.Put(ctx, got, If(Attr("N").Eq(5)), CurrentOnFail(&cur)); !errors.Is(err, ErrVersionConflict) || cur == nil || cur.V != 4 {
		t.Fatalf("stale Put with a true condition: err = %v, current %+v; want ErrVersionConflict and version 4", err, cur)
	}

	// IfVersion for Update and Delete; ReturnNew and OnlyUpdated.
	var after *vcounter
	if err := tbl.Update(ctx, Key{"c"}, NewUpdate().Increment(Attr("N"), 1), IfVersion(3)); !errors.Is(err, ErrVersionConflict) {
		t.Fatalf("Update IfVersion(3): err = %v, want ErrVersionConflict", err)
	}
	if err := tbl.Update(ctx, Key{"c"}, NewUpdate().Increment(Attr("N"), 1), IfVersion(4), ReturnNew(&after)); err != nil {
		t.Fatalf("Update IfVersion(4): %v", err)
	}
	if after == nil || after.N != 6 || after.V != 5 {
		t.Fatalf("ReturnNew = %+v, want N 6 version 5", after)
	}
	if err := tbl.Update(ctx, Key{"c"}, NewUpdate().Increment(Attr("N"), 1), ReturnNew(&after), OnlyUpdated()); err != nil {
		t.Fatal(err)
	}
	if after == nil || after.ID != "" || after.N != 7 || after.V != 6 {
		t.Fatalf("ReturnNew with OnlyUpdated = %+v, want only N 7 and version 6", after)
	}
	if err := tbl.Delete(ctx, Key{"c"}, IfVersion(5)); !errors.Is(err, ErrVersionConflict) {
		t.Fatalf("Delete IfVersion(5): err = %v, want ErrVersionConflict", err)
	}
	if err := tbl.Delete(ctx, Key{"c"}, IfVersion(6)); err != nil {
		t.Fatalf("Delete IfVersion(6): %v", err)
	}
	if err := tbl.Update(ctx, Key{"c"}, NewUpdate().Set(Attr("N"), 1), IfVersion(0)); err != nil {
		t.Fatalf("Update IfVersion(0) of a deleted item: %v", err)
	}
}

// TestVersionedCounter: 16 goroutines each do 100 read-modify-write
// increments of one versioned item; conflicts are retried, none is lost.
func TestVersionedCounter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tbl, _ := newCountedTable[vcounter](t)
	if err := tbl.Put(ctx, vcounter{ID: "hot"}); err != nil {
		t.Fatal(err)
	}
	const workers, each = 16, 100
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	var conflicts sync.Map
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			for range each {
				for {
					c, err := tbl.Get(ctx, Key{"hot"})
					if err != nil {
						errs <- err
						return
					}
					c.N++
					err = tbl.Put(ctx, c)
					if err == nil {
						break
					}
					if !errors.Is(err, ErrVersionConflict) {
						errs <- err
						return
					}
					n++
				}
			}
			conflicts.Store(w, n)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	c, err := tbl.Get(ctx, Key{"hot"}, Consistent())
	if err != nil {
		t.Fatal(err)
	}
	if c.N != workers*each || c.V != workers*each+1 {
		t.Fatalf("vcounter = %+v, want N %d and version %d", c, workers*each, workers*each+1)
	}
	total := 0
	conflicts.Range(func(_, v any) bool { total += v.(int); return true })
	t.Logf("%d conflicts retried", total)
}

type session struct {
	ID      string     `ddb:"pk"`
	Data    string     `dynamodbav:",omitempty"`
	Created time.Time  `ddb:"created"`
	Updated *time.Time `ddb:"updated"`
	Expires time.Time  `ddb:"ttl"`
}

func TestAutoAttributes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tbl, rc := newCountedTable[session](t)
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	before := time.Now().Add(-time.Second)
	if err := tbl.Put(ctx, session{ID: "s", Expires: exp}); err != nil {
		t.Fatal(err)
	}
	raw, err := rc.Client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(tbl.Name()),
		Key: map[string]types.AttributeValue{"ID": &types.AttributeValueMemberS{Value: "s"}}})
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := raw.Item["Expires"].(*types.AttributeValueMemberN); !ok || n.Value != strconv.FormatInt(exp.Unix(), 10) {
		t.Fatalf("stored TTL = %#v, want N %d", raw.Item["Expires"], exp.Unix())
	}
	s1, err := tbl.Get(ctx, Key{"s"})
	if err != nil {
		t.Fatal(err)
	}
	if !s1.Expires.Equal(exp) || s1.Created.Before(before) || s1.Updated == nil || !s1.Updated.Equal(s1.Created) {
		t.Fatalf("after Put: %+v", s1)
	}
	time.Sleep(5 * time.Millisecond)
	if err := tbl.Update(ctx, Key{"s"}, NewUpdate().Set(Attr("Data"), "x")); err != nil {
		t.Fatal(err)
	}
	s2, _ := tbl.Get(ctx, Key{"s"})
	if !s2.Created.Equal(s1.Created) || !s2.Updated.After(*s1.Updated) || s2.Data != "x" {
		t.Fatalf("after Update: created %v (was %v), updated %v (was %v)", s2.Created, s1.Created, s2.Updated, s1.Updated)
	}
	// A Put of a read item keeps its created time.
	s2.Data = "y"
	if err := tbl.Put(ctx, s2); err != nil {
		t.Fatal(err)
	}
	if s3, _ := tbl.Get(ctx, Key{"s"}); !s3.Created.Equal(s1.Created) || s3.Data != "y" {
		t.Fatalf("after second Put: %+v", s3)
	}
	// Update creating an item sets created.
	if err := tbl.Update(ctx, Key{"new"}, NewUpdate().Set(Attr("Data"), "z")); err != nil {
		t.Fatal(err)
	}
	if s4, _ := tbl.Get(ctx, Key{"new"}); s4.Created.Before(before) || s4.Updated == nil {
		t.Fatalf("item created by Update: %+v", s4)
	}
}

// TestWriteBadInput checks that bad input fails with a typed error before
// any request.
func TestWriteBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	docs, rc := newCountedTable[doc](t)
	counters, rc2 := newCountedTable[vcounter](t)
	tests := []struct {
		name string
		kind error
		run  func() error
	}{
		{"empty update", ErrInvalidInput, func() error { return docs.Update(ctx, Key{"a"}, NewUpdate()) }},
		{"nil update", ErrInvalidInput, func() error { return docs.Update(ctx, Key{"a"}, nil) }},
		{"update of the key", ErrInvalidInput, func() error { return docs.Update(ctx, Key{"a"}, NewUpdate().Set(Attr("ID"), "b")) }},
		{"update of a key's nested path", ErrInvalidInput, func() error { return docs.Update(ctx, Key{"a"}, NewUpdate().Remove(Attr("ID").Field("x"))) }},
		{"condition on no attribute", ErrInvalidExpression, func() error {
			return docs.Update(ctx, Key{"a"}, NewUpdate().Set(Attr("status"), "x"), If(Attr("").Eq(1)))
		}},
		{"put condition on the zero path", ErrInvalidExpression, func() error { return docs.Put(ctx, doc{ID: "a"}, If(Path{}.Exists())) }},
		{"update with a bad value", ErrInvalidExpression, func() error { return docs.Update(ctx, Key{"a"}, NewUpdate().Increment(Attr("count"), "x")) }},
		{"update with a missing key", ErrInvalidKey, func() error { return docs.Update(ctx, Key{}, NewUpdate().Set(Attr("status"), "x")) }},
		{"UpdateFields with nothing set", ErrInvalidInput, func() error { return docs.UpdateFields(ctx, doc{ID: "a"}) }},
		{"UpdateFields without a key", ErrInvalidKey, func() error { return docs.UpdateFields(ctx, doc{Status: "a"}) }},
		{"batch with duplicate keys", ErrInvalidInput, func() error { return docs.BatchWrite(ctx, []doc{{ID: "a"}, {ID: "a"}}, nil) }},
		{"batch delete of a bad key", ErrInvalidKey, func() error { return docs.BatchWrite(ctx, nil, []Key{{"a", "b"}}) }},
		{"update of the version key", ErrInvalidInput, func() error { return counters.Update(ctx, Key{"a"}, NewUpdate().Set(Attr("ID"), "x")) }},
		{"IfVersion on Put", ErrInvalidInput, func() error { return counters.Put(ctx, vcounter{ID: "a"}, IfVersion(1)) }},
		{"IfVersion without a version field", ErrInvalidInput, func() error { return docs.Delete(ctx, Key{"a"}, IfVersion(1)) }},
		{"ReturnNew on Delete", ErrInvalidInput, func() error {
			var n *doc
			return docs.Delete(ctx, Key{"a"}, ReturnNew(&n))
		}},
		{"OnlyUpdated on Put", ErrInvalidInput, func() error { return docs.Put(ctx, doc{ID: "a"}, OnlyUpdated()) }},
		{"ReturnOld with ReturnNew on Put", ErrInvalidInput, func() error {
			var o, n *doc
			return docs.Put(ctx, doc{ID: "a"}, ReturnOld(&o), ReturnNew(&n))
		}},
		{"ReturnOld with ReturnNew", ErrInvalidInput, func() error {
			var o, n *doc
			return docs.Update(ctx, Key{"a"}, NewUpdate().Set(Attr("status"), "x"), ReturnOld(&o), ReturnNew(&n))
		}},
		{"CurrentOnFail of another type", ErrInvalidInput, func() error {
			var c *vcounter
			return docs.Put(ctx, doc{ID: "a"}, CurrentOnFail(&c))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			var e *Error
			if !errors.Is(err, tt.kind) || !errors.As(err, &e) {
				t.Fatalf("err = %v, want %v as *Error", err, tt.kind)
			}
		})
	}
	if n := rc.total() + rc2.total(); n != 0 {
		t.Fatalf("%d requests sent for bad input, want 0", n)
	}
}

func TestAutoFieldTypes(t *testing.T) {
	t.Parallel()
	c := newTestClient(t)
	type badVersion struct {
		ID string `ddb:"pk"`
		V  string `ddb:"version"`
	}
	type badCreated struct {
		ID string `ddb:"pk"`
		C  int64  `ddb:"created"`
	}
	type badTTL struct {
		ID string `ddb:"pk"`
		E  string `ddb:"ttl"`
	}
	check := func(name string, err error) {
		t.Helper()
		if !errors.Is(err, ErrInvalidSchema) {
			t.Errorf("%s: err = %v, want ErrInvalidSchema", name, err)
		}
	}
	// The check runs at NewTable (or, at the latest, on the first write,
	// before any request).
	for name, f := range map[string]func() error{
		"string version": func() error {
			tb, err := NewTable[badVersion](c, "tbl")
			if err == nil {
				err = tb.Put(context.Background(), badVersion{ID: "a"})
			}
			return err
		},
		"int created": func() error {
			tb, err := NewTable[badCreated](c, "tbl")
			if err == nil {
				err = tb.Put(context.Background(), badCreated{ID: "a"})
			}
			return err
		},
		"string ttl": func() error {
			tb, err := NewTable[badTTL](c, "tbl")
			if err == nil {
				err = tb.Put(context.Background(), badTTL{ID: "a"})
			}
			return err
		},
	} {
		check(name, f())
	}
}

// timedTransport measures the time spent in the server (an in-process
// ddbtest transport), to tell client-side time from server time.
type timedTransport struct {
	rt     http.RoundTripper
	server *time.Duration
}

func (t timedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.rt.RoundTrip(req)
	*t.server += time.Since(start)
	return resp, err
}

// BenchmarkUpdateExprShare measures the expression builder's share of the
// client-side time of one Update call (the call's time minus the time the
// in-process server spends handling it). Metrics: expr-% of client-side
// time, and client-side and expression ns per call.
func BenchmarkUpdateExprShare(b *testing.B) {
	srv := ddbtest.NewTB(b)
	var server time.Duration
	client := srv.Client(func(o *dynamodb.Options) {
		o.HTTPClient = &http.Client{Transport: timedTransport{rt: srv.Transport(), server: &server}}
	})
	tbl, _ := newTableOn[doc](b, client)
	ctx := context.Background()
	u := NewUpdate().Set(Attr("status"), "open").Set(Attr("a.b"), "x").Increment(Attr("count"), 1).Remove(Attr("x-y z"))
	cond := And(Attr("status").Ne("closed"), Or(Attr("count").NotExists(), Attr("count").Lt(1000000000)))
	k, err := tbl.keyFromValues("Update", Key{"d"})
	if err != nil {
		b.Fatal(err)
	}
	server = 0
	b.ResetTimer()
	for range b.N {
		if err := tbl.Update(ctx, Key{"d"}, u, If(cond)); err != nil {
			b.Fatal(err)
		}
	}
	total := b.Elapsed()
	b.StopTimer()
	start := time.Now()
	for range b.N {
		if _, err := tbl.buildUpdate("Update", k, u, versionCheck{}, cond); err != nil {
			b.Fatal(err)
		}
	}
	build := time.Since(start)
	clientSide := total - server
	b.ReportMetric(100*build.Seconds()/clientSide.Seconds(), "expr-%")
	b.ReportMetric(float64(clientSide.Nanoseconds())/float64(b.N), "client-ns/op")
	b.ReportMetric(float64(build.Nanoseconds())/float64(b.N), "expr-ns/op")
}

// returnsItemOnConditionFail reports whether the test server returns the
// stored item in a ConditionalCheckFailedException when asked to
// (ReturnValuesOnConditionCheckFailure=ALL_OLD), as DynamoDB and ddbtest do
// and dynalite does not.
func returnsItemOnConditionFail(t testing.TB, c Client) bool {
	t.Helper()
	ctx := context.Background()
	name := createTestTable(t, c, StringKey("k"))
	item := map[string]types.AttributeValue{"k": &types.AttributeValueMemberS{Value: "probe"}}
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: &name, Item: item}); err != nil {
		t.Fatalf("probe put: %v", err)
	}
	_, err := c.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &name, Item: item,
		ConditionExpression:                 aws.String("attribute_not_exists(k)"),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf) && ccf.Item != nil
}
