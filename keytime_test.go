package ddb

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// event has time keys in every role: table sort key, GSI partition and
// sort keys (a pointer), LSI sort key.
type event struct {
	Stream string     `ddb:"pk"`
	At     time.Time  `ddb:"sk"`
	Day    time.Time  `ddb:"gsi=ByDay:pk"`
	Seen   *time.Time `ddb:"gsi=ByDay:sk"`
	Due    time.Time  `ddb:"lsi=ByDue"`
	Note   time.Time  // not a key: attributevalue's text
	N      int
}

// unixEvent stores its sort key as epoch seconds.
type unixEvent struct {
	Stream string    `ddb:"pk"`
	At     time.Time `ddb:"sk" dynamodbav:",unixtime"`
}

// legacyEvent keeps attributevalue's text for its sort key.
type legacyEvent struct {
	Stream string    `ddb:"pk"`
	At     time.Time `ddb:"sk,timefmt=rfc3339"`
}

var keyTimeZones = func() []*time.Location {
	zs := []*time.Location{time.UTC, time.FixedZone("UTC+5:30", 5*3600+1800), time.FixedZone("UTC-8", -8*3600), time.FixedZone("UTC+14", 14*3600)}
	if l, err := time.LoadLocation("America/New_York"); err == nil {
		zs = append(zs, l)
	}
	return zs
}()

// randomInstant returns a random time between 1900 and 2200 in a random
// zone, with a random number of trailing zero digits in its nanoseconds.
func randomInstant(r *rand.Rand) time.Time {
	lo, hi := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	ns := r.Int64N(1e9)
	for range r.IntN(10) {
		ns -= ns % 10
		ns /= 10
		ns *= 10
	}
	if r.IntN(4) == 0 {
		ns = 0
	}
	return time.Unix(lo+r.Int64N(hi-lo), ns).In(keyTimeZones[r.IntN(len(keyTimeZones))])
}

func TestKeyTimeEncoding(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 5, 6, 7, 8, 9, 120000000, time.FixedZone("X", 3600))
	item, err := MarshalItem(event{Stream: "s", At: at, Day: at, Seen: &at, Due: at, Note: at})
	if err != nil {
		t.Fatal(err)
	}
	want := "2024-05-06T06:08:09.120000000Z"
	for _, name := range []string{"At", "Day", "Seen", "Due"} {
		if s, ok := item[name].(*types.AttributeValueMemberS); !ok || s.Value != want {
			t.Errorf("%s = %#v, want S %q", name, item[name], want)
		}
	}
	if s := item["Note"].(*types.AttributeValueMemberS).Value; s != "2024-05-06T07:08:09.12+01:00" {
		t.Errorf("non-key Note = %q, want attributevalue's text", s)
	}
	u, _ := MarshalItem(unixEvent{Stream: "s", At: at})
	if n, ok := u["At"].(*types.AttributeValueMemberN); !ok || n.Value != "1714975689" {
		t.Errorf("unixtime key = %#v", u["At"])
	}
	l, _ := MarshalItem(legacyEvent{Stream: "s", At: at})
	if s, ok := l["At"].(*types.AttributeValueMemberS); !ok || s.Value != "2024-05-06T07:08:09.12+01:00" {
		t.Errorf("timefmt=rfc3339 key = %#v", l["At"])
	}
	if _, err := MarshalItem(event{Stream: "s", At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}); !errors.Is(err, ErrInvalidValue) {
		t.Errorf("year 10000 key: %v, want ErrInvalidValue", err)
	}
}

func TestKeyTimeSchemaErrors(t *testing.T) {
	t.Parallel()
	for name, typ := range map[string]reflect.Type{
		"timefmt on a string": reflect.TypeFor[struct {
			P string `ddb:"pk,timefmt=rfc3339"`
		}](),
		"unknown timefmt": reflect.TypeFor[struct {
			P string    `ddb:"pk"`
			S time.Time `ddb:"sk,timefmt=unix"`
		}](),
	} {
		if _, err := buildSchema(typ, &tableOptions{}); !errors.Is(err, ErrInvalidSchema) {
			t.Errorf("%s: %v, want ErrInvalidSchema", name, err)
		}
	}
}

// TestKeyTimeOrderProperty writes random instants from random zones and
// reads them back in key order: the stored order is time order, for the
// table's sort key, a GSI and an LSI, and every item reads back equal.
func TestKeyTimeOrderProperty(t *testing.T) {
	t.Parallel()
	tbl, _ := newTestTable[event](t)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(11, uint64(time.Now().UnixNano())))
	const n = 60
	var times []time.Time
	for i := range n {
		at := randomInstant(r)
		seen := at.Add(time.Duration(r.IntN(1000)) * time.Nanosecond)
		e := event{Stream: "s", At: at, Day: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Seen: &seen, Due: at, N: i}
		if err := tbl.Put(ctx, e); err != nil {
			t.Fatalf("Put %v: %v", at, err)
		}
		times = append(times, at)
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	times = slices.CompactFunc(times, time.Time.Equal)
	for _, q := range []struct {
		name string
		q    *Query[event]
		at   func(event) time.Time
	}{
		{"table", tbl.Query("s"), func(e event) time.Time { return e.At }},
		{"LSI", tbl.Query("s").Index("ByDue"), func(e event) time.Time { return e.Due }},
		{"GSI", tbl.Query(time.Date(2024, 1, 1, 9, 0, 0, 0, time.FixedZone("", 9*3600))).Index("ByDay"), func(e event) time.Time { return *e.Seen }},
	} {
		got, err := q.q.Collect(ctx)
		if err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		if len(got) != len(times) {
			t.Fatalf("%s: %d items, want %d", q.name, len(got), len(times))
		}
		for i := 1; i < len(got); i++ {
			if q.at(got[i]).Before(q.at(got[i-1])) {
				t.Fatalf("%s: item %d (%v) sorts after %v", q.name, i, q.at(got[i]), q.at(got[i-1]))
			}
		}
		for i, e := range got {
			if q.name != "GSI" && !e.At.Equal(times[i]) {
				t.Fatalf("%s: item %d At %v, want %v", q.name, i, e.At, times[i])
			}
		}
	}
}

// TestKeyTimeMatchAcrossZones checks that an instant finds its item
// whatever the zone it is given in: Get, Delete, Update, key conditions,
// batches and transactions, cursors.
func TestKeyTimeMatchAcrossZones(t *testing.T) {
	t.Parallel()
	tbl, _ := newTableOn[event](t, txClient(t)) // transactions below
	ctx := context.Background()
	tokyo := time.FixedZone("JST", 9*3600)
	base := time.Date(2024, 5, 6, 7, 8, 9, 500000000, tokyo) // written from a non-UTC zone
	for i := range 6 {
		at := base.Add(time.Duration(i) * 250 * time.Millisecond)
		if err := tbl.Put(ctx, event{Stream: "s", At: at, Day: at, Seen: &at, Due: at, N: i}); err != nil {
			t.Fatal(err)
		}
	}
	utc := base.UTC()
	ny := base.In(time.FixedZone("EDT", -4*3600))

	got, err := tbl.Get(ctx, Key{"s", utc})
	if err != nil || got.N != 0 || !got.At.Equal(base) {
		t.Fatalf("Get in UTC = %+v, %v", got, err)
	}
	if got, err = tbl.Get(ctx, Key{"s", &ny}); err != nil || got.N != 0 {
		t.Fatalf("Get with a *time.Time in another zone = %+v, %v", got, err)
	}

	nums := func(q *Query[event]) []int {
		t.Helper()
		es, err := q.Collect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ns []int
		for _, e := range es {
			ns = append(ns, e.N)
		}
		return ns
	}
	for name, tc := range map[string]struct {
		q    *Query[event]
		want []int
	}{
		"Ge in UTC":         {tbl.Query("s", Ge(utc.Add(500*time.Millisecond))), []int{2, 3, 4, 5}},
		"Gt":                {tbl.Query("s", Gt(ny.Add(500*time.Millisecond))), []int{3, 4, 5}},
		"Lt":                {tbl.Query("s", Lt(utc.Add(time.Second))), []int{0, 1, 2, 3}},
		"Le pointer":        {tbl.Query("s", Le(&ny)), []int{0}},
		"Eq":                {tbl.Query("s", Eq(ny.Add(250*time.Millisecond))), []int{1}},
		"Between zones":     {tbl.Query("s", Between(ny.Add(250*time.Millisecond), utc.Add(time.Second))), []int{1, 2, 3, 4}},
		"BeginsWith layout": {tbl.Query("s", BeginsWith(utc.Format("2006-01-02T15:04:05"))), []int{0, 1}},
		"LSI Ge":            {tbl.Query("s", Ge(ny.Add(time.Second))).Index("ByDue"), []int{4, 5}},
		"GSI pk in UTC":     {tbl.Query(utc.Add(250 * time.Millisecond)).Index("ByDay"), []int{1}},
		"GSI sk Ge":         {tbl.Query(utc, Ge(ny)).Index("ByDay"), []int{0}},
	} {
		if got := nums(tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", name, got, tc.want)
		}
	}

	// Cursor resume: pages of two, each resumed from the last cursor.
	var seen []int
	cursor := ""
	for {
		q := tbl.Query("s", Ge(ny)).PageSize(2).Limit(2)
		if cursor != "" {
			q = q.StartFrom(cursor)
		}
		var page *Page[event]
		for p, err := range q.Pages(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			page = p
			break
		}
		for _, e := range page.Items {
			seen = append(seen, e.N)
		}
		if cursor = page.Cursor; cursor == "" || len(seen) >= 6 {
			break
		}
	}
	if !slices.Equal(seen, []int{0, 1, 2, 3, 4, 5}) {
		t.Errorf("resumed pages = %v", seen)
	}

	// Update, transactions and batches by an equal instant in other zones.
	if err := tbl.Update(ctx, Key{"s", ny}, NewUpdate().Set(Attr("N"), 10)); err != nil {
		t.Fatal(err)
	}
	tx := NewWriteTx()
	tbl.TxUpdate(tx, Key{"s", utc.Add(250 * time.Millisecond)}, NewUpdate().Set(Attr("N"), 11))
	tbl.TxCheck(tx, Key{"s", ny.Add(500 * time.Millisecond)}, Attr("N").Eq(2))
	if err := tx.Run(ctx, tbl.client); err != nil {
		t.Fatal(err)
	}
	var g *event
	gtx := NewGetTx()
	tbl.TxGet(gtx, Key{"s", utc}, &g)
	if err := gtx.Run(ctx, tbl.client); err != nil || g == nil || g.N != 10 {
		t.Fatalf("TxGet = %+v, %v", g, err)
	}
	items, err := tbl.BatchGet(ctx, []Key{{"s", ny.Add(250 * time.Millisecond)}, {"s", utc.Add(750 * time.Millisecond)}})
	if err != nil || len(items) != 2 || items[0].N != 11 || items[1].N != 3 {
		t.Fatalf("BatchGet = %+v, %v", items, err)
	}
	if err := tbl.BatchWrite(ctx, nil, []Key{{"s", ny.Add(time.Second)}}); err != nil {
		t.Fatal(err)
	}
	if err := tbl.Delete(ctx, Key{"s", utc.Add(1250 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	if got := nums(tbl.Query("s")); !slices.Equal(got, []int{10, 11, 2, 3}) {
		t.Errorf("after updates and deletes: %v", got)
	}

	// An Update setting an index key time from another zone stores it as a
	// key: the GSI finds it by an equal instant.
	later := base.Add(time.Hour).In(time.FixedZone("EDT", -4*3600))
	if err := tbl.Update(ctx, Key{"s", utc}, NewUpdate().Set(Attr("Seen"), later).Set(Attr("Day"), &later)); err != nil {
		t.Fatal(err)
	}
	if got := nums(tbl.Query(later.UTC(), Ge(later.UTC())).Index("ByDay")); !slices.Equal(got, []int{10}) {
		t.Errorf("GSI after Update of its key times: %v", got)
	}
}

// TestKeyTimeUnixAndLegacy covers the two other encodings: unixtime sorts
// and matches by the second; timefmt=rfc3339 reads and writes the text an
// attributevalue table holds.
func TestKeyTimeUnixAndLegacy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ut, _ := newTestTable[unixEvent](t)
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.FixedZone("X", -3600))
	if err := ut.Put(ctx, unixEvent{Stream: "s", At: at}); err != nil {
		t.Fatal(err)
	}
	if got, err := ut.Get(ctx, Key{"s", at.UTC()}); err != nil || !got.At.Equal(at) {
		t.Fatalf("unixtime Get = %+v, %v", got, err)
	}
	if n, err := ut.Query("s", Ge(at.Add(-time.Second).UTC())).Count(ctx); err != nil || n != 1 {
		t.Fatalf("unixtime Ge: %d, %v", n, err)
	}

	lt, _ := newTestTable[legacyEvent](t)
	old := map[string]types.AttributeValue{"Stream": cvS("s"), "At": cvS("2024-05-06T07:08:09.5+01:00")} // as attributevalue wrote it
	if _, err := lt.client.PutItem(ctx, putInput(lt.name, old)); err != nil {
		t.Fatal(err)
	}
	written := time.Date(2024, 5, 6, 7, 8, 9, 500000000, time.FixedZone("", 3600))
	if got, err := lt.Get(ctx, Key{"s", written}); err != nil || !got.At.Equal(written) {
		t.Fatalf("legacy Get = %+v, %v", got, err)
	}
	if err := lt.Put(ctx, legacyEvent{Stream: "s", At: written}); err != nil {
		t.Fatal(err)
	}
	if n, err := lt.Query("s").Count(ctx); err != nil || n != 1 {
		t.Fatalf("legacy Put made %d items (%v), want the old one replaced", n, err)
	}
}

// TestKeyTimeMapAndOptionKeys covers keys without ddb tags: a map table
// and a struct whose key is declared with WithKey.
func TestKeyTimeMapAndOptionKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.FixedZone("X", 7200))

	mt, _ := newTestTable[map[string]any](t, WithKey(StringKey("pk"), StringKey("sk")))
	if err := mt.Put(ctx, map[string]any{"pk": "p", "sk": at}); err != nil {
		t.Fatal(err)
	}
	m, err := mt.Get(ctx, Key{"p", at.UTC()})
	if err != nil || m["sk"] != "2024-05-06T05:08:09.000000000Z" {
		t.Fatalf("map Get = %v, %v", m, err)
	}

	type untagged struct {
		ID   string
		When time.Time
	}
	st, _ := newTestTable[untagged](t, WithKey(StringKey("ID"), StringKey("When")))
	if err := st.Put(ctx, untagged{"p", at}); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Get(ctx, Key{"p", at.UTC()}); err != nil || !got.When.Equal(at) {
		t.Fatalf("WithKey struct Get = %+v, %v", got, err)
	}
	if n, err := st.Query("p", Ge(at)).Count(ctx); err != nil || n != 1 {
		t.Fatalf("WithKey struct Ge: %d, %v", n, err)
	}
}

// TestKeyTimeEntityTemplate checks that a time in an entity key template
// sorts in time order and matches across zones.
func TestKeyTimeEntityTemplate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newTestClient(t)
	name := createTestTable(t, c, StringKey("PK"), StringKey("SK"))
	st, err := NewSingleTable(c, name)
	if err != nil {
		t.Fatal(err)
	}
	type visit struct {
		User string
		At   time.Time
	}
	visits, err := DefineEntity[visit](st, "Visit", Keys("USER#{User}", "VISIT#{At}"))
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2024, 5, 6, 7, 8, 9, 0, time.FixedZone("X", 3600))
	for _, d := range []time.Duration{time.Second, 250 * time.Millisecond, 500 * time.Millisecond, 0} {
		if err := visits.Put(ctx, visit{"u", base.Add(d)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := visits.Query(visit{User: "u"}).Collect(ctx)
	if err != nil || len(got) != 4 {
		t.Fatalf("Query = %v, %v", got, err)
	}
	for i := 1; i < len(got); i++ {
		if !got[i].At.After(got[i-1].At) {
			t.Fatalf("entity order: %v after %v", got[i].At, got[i-1].At)
		}
	}
	if v, err := visits.Get(ctx, visit{User: "u", At: base.UTC().Add(250 * time.Millisecond)}); err != nil || !v.At.Equal(base.Add(250*time.Millisecond)) {
		t.Fatalf("entity Get across zones = %+v, %v", v, err)
	}
}

// TestKeyTimeFiltersAndConditions checks that a time compared with a key
// attribute in a filter or condition is encoded as that key stores it, so
// comparisons follow time order and match equal instants in any zone.
func TestKeyTimeFiltersAndConditions(t *testing.T) {
	t.Parallel()
	tbl, _ := newTestTable[event](t)
	ctx := context.Background()
	tokyo, ny := time.FixedZone("JST", 9*3600), time.FixedZone("EST", -5*3600)
	base := time.Date(2024, 5, 6, 7, 8, 9, 0, tokyo)
	// 1.25 s, 1.5 s, 1 s, 2 s: attributevalue's text would sort these wrongly.
	offsets := []time.Duration{1250 * time.Millisecond, 1500 * time.Millisecond, time.Second, 2 * time.Second, 0}
	for i, off := range offsets {
		at := base.Add(off)
		if err := tbl.Put(ctx, event{Stream: "s", At: at, Day: at, Seen: &at, Due: at, N: i}); err != nil {
			t.Fatal(err)
		}
	}
	since := base.Add(time.Second).In(ny) // the same instants, another zone
	tests := []struct {
		name string
		cond Condition
		want []int // N of the items, in any order
	}{
		{"Ge sort key", Attr("At").Ge(since), []int{2, 0, 1, 3}},
		{"Gt GSI key", Attr("Day").Gt(since), []int{0, 1, 3}},
		{"Lt LSI key", Attr("Due").Lt(since), []int{4}},
		{"Eq in another zone", Attr("At").Eq(base.Add(1500 * time.Millisecond).In(ny)), []int{1}},
		{"Between", Attr("At").Between(since, base.Add(1500*time.Millisecond).UTC()), []int{2, 0, 1}},
		{"In", Attr("Day").In(since, base.In(ny)), []int{4, 2}},
	}
	for _, tt := range tests {
		var got []int
		for e, err := range tbl.Scan().Filter(tt.cond).All(ctx) {
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			got = append(got, e.N)
		}
		slices.Sort(got)
		slices.Sort(tt.want)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	// A condition on the key, given in another zone, holds for the stored item.
	at := base.Add(2 * time.Second)
	err := tbl.Put(ctx, event{Stream: "s", At: at, Day: at, Seen: &at, Due: at, N: 30}, If(Attr("Day").Eq(at.In(ny))))
	if err != nil {
		t.Fatalf("conditional put on an equal instant: %v", err)
	}
}
