package compat

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/ddb-go/ddb/ddbtest"
	"github.com/ddb-go/ddb/internal/dynalite"
	"github.com/guregu/dynamo/v2"
)

// The server, as the root package's tests pick it: DDB_ENDPOINT when set,
// dynalite (one per test binary) when DDB_TEST_SERVER=dynalite, otherwise
// an in-process ddbtest server per test.

var (
	dynaliteOnce sync.Once
	dynaliteURL  string
	dynaliteStop func()
	dynaliteErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if dynaliteStop != nil {
		dynaliteStop()
	}
	os.Exit(code)
}

// newDB returns a guregu DB on the test server.
func newDB(t *testing.T) *dynamo.DB {
	t.Helper()
	ep := os.Getenv("DDB_ENDPOINT")
	if ep == "" && os.Getenv("DDB_TEST_SERVER") == "dynalite" {
		dynaliteOnce.Do(func() { dynaliteURL, dynaliteStop, dynaliteErr = dynalite.Start() })
		if dynaliteErr != nil {
			t.Fatalf("dynalite: %v", dynaliteErr)
		}
		ep = dynaliteURL
	}
	if ep == "" {
		return dynamo.NewFromIface(ddbtest.New(t))
	}
	return dynamo.NewFromIface(dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(ep),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "test"}, nil
		}),
	}))
}

// widget is guregu's model: a hash and range key, a GSI and an LSI.
type widget struct {
	UserID int       `dynamo:"UserID,hash" index:"Msg-Time-index,range"`
	Time   time.Time `dynamo:",range"`
	Msg    string    `index:"Msg-Time-index,hash"`
	Count  int       `dynamo:"Cnt" localIndex:"UserID-Cnt-index,range"`
	Tags   []string  `dynamo:",set"`
	Meta   map[string]string
}

var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// newTable creates a uniquely named widget table and fills it with n
// widgets of user 1 (Time epoch+i seconds, Count i, Msg "even"/"odd")
// and one of user 2.
func newTable(t *testing.T, n int) (*dynamo.DB, dynamo.Table) {
	t.Helper()
	ctx := context.Background()
	db := newDB(t)
	name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()) + fmt.Sprint(time.Now().UnixNano()%1e6)
	if err := db.CreateTable(name, widget{}).OnDemand(true).Project("Msg-Time-index", dynamo.AllProjection).Wait(ctx); err != nil { // Wait: until ACTIVE
		t.Fatalf("CreateTable: %v", err)
	}
	tbl := db.Table(name)
	t.Cleanup(func() { _ = tbl.DeleteTable().Run(context.Background()) })
	var items []any
	for i := 0; i < n; i++ {
		items = append(items, widget{UserID: 1, Time: epoch.Add(time.Duration(i) * time.Second), Msg: [2]string{"even", "odd"}[i%2], Count: i,
			Tags: []string{"t" + fmt.Sprint(i%3)}, Meta: map[string]string{"k": fmt.Sprint(i)}})
	}
	items = append(items, widget{UserID: 2, Time: epoch, Msg: "even", Count: 100})
	if _, err := tbl.Batch().Write().Put(items...).Run(ctx); err != nil {
		t.Fatalf("batch put: %v", err)
	}
	return db, tbl
}

func counts(ws []widget) string {
	var out []string
	for _, w := range ws {
		out = append(out, fmt.Sprint(w.Count))
	}
	return strings.Join(out, ",")
}

func TestGureguPutGetDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, tbl := newTable(t, 3)
	w := widget{UserID: 9, Time: epoch, Msg: "new", Count: 7, Tags: []string{"a", "b"}, Meta: map[string]string{"x": "y"}}
	if err := tbl.Put(w).If("attribute_not_exists(UserID)").Run(ctx); err != nil {
		t.Fatalf("Put: %v", err)
	}
	err := tbl.Put(w).If("attribute_not_exists(UserID)").Run(ctx)
	if !dynamo.IsCondCheckFailed(err) {
		t.Fatalf("conditional Put = %v, want a failed condition", err)
	}
	var got widget
	if err := tbl.Get("UserID", 9).Range("Time", dynamo.Equal, epoch).One(ctx, &got); err != nil {
		t.Fatalf("Get: %v", err)
	}
	sort.Strings(got.Tags)
	if fmt.Sprint(got) != fmt.Sprint(w) {
		t.Errorf("Get = %+v, want %+v", got, w)
	}
	var proj widget
	if err := tbl.Get("UserID", 9).Range("Time", dynamo.Equal, epoch).Project("Msg").One(ctx, &proj); err != nil || proj.Msg != "new" || proj.Count != 0 {
		t.Errorf("projected Get = %+v, %v", proj, err)
	}
	var old widget
	if err := tbl.Delete("UserID", 9).Range("Time", epoch).If("Msg = ?", "new").OldValue(ctx, &old); err != nil || old.Count != 7 {
		t.Fatalf("Delete = %+v, %v", old, err)
	}
	if err := tbl.Get("UserID", 9).Range("Time", dynamo.Equal, epoch).One(ctx, &got); !errors.Is(err, dynamo.ErrNotFound) {
		t.Errorf("Get after Delete = %v, want ErrNotFound", err)
	}
}

// TestGureguQuery runs guregu's queries, which send the legacy
// KeyConditions with FilterExpression and ProjectionExpression.
func TestGureguQuery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, tbl := newTable(t, 10)
	for _, tc := range []struct {
		name string
		q    *dynamo.Query
		want string
	}{
		{"all", tbl.Get("UserID", 1), "0,1,2,3,4,5,6,7,8,9"},
		{"range", tbl.Get("UserID", 1).Range("Time", dynamo.Between, epoch.Add(2*time.Second), epoch.Add(4*time.Second)), "2,3,4"},
		{"greater desc", tbl.Get("UserID", 1).Range("Time", dynamo.Greater, epoch.Add(6*time.Second)).Order(dynamo.Descending), "9,8,7"},
		{"filter", tbl.Get("UserID", 1).Filter("Cnt >= ? AND Msg = ?", 5, "odd"), "5,7,9"},
		{"filter limit", tbl.Get("UserID", 1).Filter("Msg = ?", "even").Limit(2), "0,2"},
		{"projection", tbl.Get("UserID", 1).Range("Time", dynamo.LessOrEqual, epoch.Add(time.Second)).Project("Cnt", "UserID"), "0,1"},
		{"contains", tbl.Get("UserID", 1).Filter("contains(Tags, ?)", "t1"), "1,4,7"},
		{"nested", tbl.Get("UserID", 1).Filter("Meta.k = ?", "3"), "3"},
		{"gsi", tbl.Get("Msg", "even").Index("Msg-Time-index").Range("UserID", dynamo.Equal, 2), "100"},
		{"lsi", tbl.Get("UserID", 1).Index("UserID-Cnt-index").Range("Cnt", dynamo.GreaterOrEqual, 8), "8,9"},
		{"lsi desc limit", tbl.Get("UserID", 1).Index("UserID-Cnt-index").Order(dynamo.Descending).Limit(3), "9,8,7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []widget
			if err := tc.q.All(ctx, &got); err != nil {
				t.Fatal(err)
			}
			if c := counts(got); c != tc.want {
				t.Errorf("got %s, want %s", c, tc.want)
			}
		})
	}
	n, err := tbl.Get("UserID", 1).Filter("Msg = ?", "odd").Count(ctx)
	if err != nil || n != 5 {
		t.Errorf("Count = %d, %v", n, err)
	}
	// Paging: one item per request, resumed from LastEvaluatedKey.
	var all []widget
	var key dynamo.PagingKey
	for page := 0; ; page++ {
		var ws []widget
		itr := tbl.Get("UserID", 1).Range("Time", dynamo.GreaterOrEqual, epoch.Add(7*time.Second)).SearchLimit(1).StartFrom(key).Iter()
		var w widget
		for itr.Next(ctx, &w) {
			ws = append(ws, w)
		}
		if err := itr.Err(); err != nil {
			t.Fatal(err)
		}
		all = append(all, ws...)
		if key, err = itr.LastEvaluatedKey(ctx); err != nil {
			t.Fatal(err)
		}
		if key == nil || page > 10 {
			break
		}
	}
	if c := counts(all); c != "7,8,9" {
		t.Errorf("paged = %s", c)
	}
}

func TestGureguScan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, tbl := newTable(t, 6)
	var got []widget
	if err := tbl.Scan().Filter("Cnt > ?", 3).Project("Cnt").All(ctx, &got); err != nil {
		t.Fatal(err)
	}
	sort.Slice(got, func(i, j int) bool { return got[i].Count < got[j].Count })
	if c := counts(got); c != "4,5,100" {
		t.Errorf("Scan = %s", c)
	}
	n, err := tbl.Scan().Index("Msg-Time-index").Filter("Msg = ?", "odd").Count(ctx)
	if err != nil || n != 3 {
		t.Errorf("Scan count = %d, %v", n, err)
	}
	var seg []widget
	for s := 0; s < 3; s++ {
		var part []widget
		if err := tbl.Scan().Segment(s, 3).All(ctx, &part); err != nil {
			t.Fatal(err)
		}
		seg = append(seg, part...)
	}
	if len(seg) != 7 {
		t.Errorf("segmented scan found %d items, want 7", len(seg))
	}
}

func TestGureguBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, tbl := newTable(t, 4)
	keys := []dynamo.Keyed{dynamo.Keys{1, epoch}, dynamo.Keys{1, epoch.Add(3 * time.Second)}, dynamo.Keys{2, epoch}, dynamo.Keys{3, epoch}}
	var got []widget
	if err := tbl.Batch("UserID", "Time").Get(keys...).Project("UserID", "Time", "Cnt").All(ctx, &got); err != nil {
		t.Fatal(err)
	}
	sort.Slice(got, func(i, j int) bool { return got[i].Count < got[j].Count })
	if c := counts(got); c != "0,3,100" {
		t.Errorf("batch get = %s", c)
	}
	wrote, err := tbl.Batch("UserID", "Time").Write().Delete(keys[:2]...).Put(widget{UserID: 5, Time: epoch, Count: 50}).Run(ctx)
	if err != nil || wrote != 3 {
		t.Fatalf("batch write = %d, %v", wrote, err)
	}
	n, err := tbl.Scan().Count(ctx)
	if err != nil || n != 4 {
		t.Errorf("items after batch write = %d, %v", n, err)
	}
}

func TestGureguUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, tbl := newTable(t, 2)
	var w widget
	err := tbl.Update("UserID", 1).Range("Time", epoch).Add("Cnt", 5).Set("Msg", "upd").AddStringsToSet("Tags", "z").
		Set("Meta.nu", "v").If("Msg = ?", "even").Value(ctx, &w)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(w.Tags)
	if w.Count != 5 || w.Msg != "upd" || fmt.Sprint(w.Tags) != "[t0 z]" || w.Meta["nu"] != "v" {
		t.Errorf("updated = %+v", w)
	}
	err = tbl.Update("UserID", 1).Range("Time", epoch).Add("Cnt", 1).If("Msg = ?", "even").Run(ctx)
	if !dynamo.IsCondCheckFailed(err) {
		t.Errorf("conditional update = %v", err)
	}
	var old widget
	if err := tbl.Update("UserID", 1).Range("Time", epoch).Remove("Meta").DeleteStringsFromSet("Tags", "z").OnlyUpdatedOldValue(ctx, &old); err != nil {
		t.Fatal(err)
	}
	if old.Meta["nu"] != "v" || old.Count != 0 {
		t.Errorf("UPDATED_OLD = %+v", old)
	}
}

func TestGureguTransactions(t *testing.T) {
	t.Parallel()
	if os.Getenv("DDB_ENDPOINT") == "" && os.Getenv("DDB_TEST_SERVER") == "dynalite" {
		t.Skip("dynalite 4.0.0 has no transactions (UnknownOperationException)")
	}
	ctx := context.Background()
	db, tbl := newTable(t, 3)
	var cc dynamo.ConsumedCapacity
	err := db.WriteTx().
		Put(tbl.Put(widget{UserID: 7, Time: epoch, Count: 70})).
		Update(tbl.Update("UserID", 1).Range("Time", epoch).Add("Cnt", 10)).
		Delete(tbl.Delete("UserID", 1).Range("Time", epoch.Add(time.Second))).
		Check(tbl.Check("UserID", 2).Range("Time", epoch).If("Cnt = ?", 100)).
		ConsumedCapacity(&cc).Run(ctx)
	if err != nil {
		t.Fatalf("WriteTx: %v", err)
	}
	if cc.Total <= 0 {
		t.Errorf("WriteTx consumed capacity = %+v", cc)
	}
	err = db.WriteTx().Put(tbl.Put(widget{UserID: 8, Time: epoch})).Check(tbl.Check("UserID", 2).Range("Time", epoch).If("Cnt = ?", 0)).Run(ctx)
	if !dynamo.IsCondCheckFailed(err) {
		t.Errorf("failing WriteTx = %v", err)
	}
	var got []widget
	err = db.GetTx().Get(tbl.Get("UserID", 7).Range("Time", dynamo.Equal, epoch)).Get(tbl.Get("UserID", 1).Range("Time", dynamo.Equal, epoch)).All(ctx, &got)
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(got, func(i, j int) bool { return got[i].Count < got[j].Count })
	if c := counts(got); c != "10,70" {
		t.Errorf("GetTx = %s", c)
	}
	// An idempotent replay succeeds without writing again.
	tx := db.WriteTx().Idempotent(true).Update(tbl.Update("UserID", 2).Range("Time", epoch).Add("Cnt", 1))
	for i := 0; i < 2; i++ {
		if err := tx.Run(ctx); err != nil {
			t.Fatalf("idempotent run %d: %v", i, err)
		}
	}
	var w widget
	if err := tbl.Get("UserID", 2).Range("Time", dynamo.Equal, epoch).Consistent(true).One(ctx, &w); err != nil || w.Count != 101 {
		t.Errorf("after idempotent replay: %+v, %v", w, err)
	}
}
