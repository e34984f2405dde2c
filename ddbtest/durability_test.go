package ddbtest

import (
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// failingBatchStore is a bolt store whose batches fail after fn staged
// every write, as a crash before the commit would: the transaction is
// rolled back.
type failingBatchStore struct {
	Store
	fail bool
}

var errBatchFailed = errors.New("batch failed")

func (s *failingBatchStore) Batch(fn func(w BatchWriter) error) error {
	return s.Store.(Batcher).Batch(func(w BatchWriter) error {
		if err := fn(w); err != nil {
			return err
		}
		if s.fail {
			return errBatchFailed
		}
		return nil
	})
}

// TestBatchAtomic: with a Batcher store, an item write (table and index
// trees) and a whole transaction are applied entirely or not at all.
func TestBatchAtomic(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "atomic.db")
	bolt, err := OpenBoltStore(path)
	if err != nil {
		t.Fatal(err)
	}
	st := &failingBatchStore{Store: bolt}
	srv := NewTB(t, WithStore(st))
	c := srv.Client(func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
	mkTable(t, c, "atomic", "", withGSI("g", types.ProjectionTypeAll))
	put(t, c, "atomic", item{"pk": s("kept"), "g": s("x")})

	st.fail = true
	var ise *types.InternalServerError
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("atomic"), Item: item{"pk": s("lost"), "g": s("x")}})
	if !errors.As(err, &ise) {
		t.Fatalf("PutItem with a failing batch: %v", err)
	}
	_, err = c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("atomic"), Item: item{"pk": s("tx1"), "g": s("x")}}},
		{Delete: &types.Delete{TableName: aws.String("atomic"), Key: item{"pk": s("kept")}}},
	}})
	if !errors.As(err, &ise) {
		t.Fatalf("TransactWriteItems with a failing batch: %v", err)
	}
	st.fail = false

	check := func(c *dynamodb.Client) {
		t.Helper()
		q, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("atomic"), IndexName: aws.String("by_g"),
			KeyConditionExpression: aws.String("g = :g"), ExpressionAttributeValues: item{":g": s("x")}})
		if err != nil || q.Count != 1 || strOf(q.Items[0]["pk"]) != "kept" {
			t.Fatalf("index after failed batches: %v %+v", err, q)
		}
		sc, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("atomic")})
		if err != nil || sc.Count != 1 {
			t.Fatalf("table after failed batches: %v %+v", err, sc)
		}
		d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("atomic")})
		if err != nil || *d.Table.ItemCount != 1 || *d.Table.GlobalSecondaryIndexes[0].ItemCount != 1 {
			t.Fatalf("counts after failed batches: %v %+v", err, d)
		}
	}
	check(c)
	// What was committed is what a reopened store holds.
	srv.Close()
	bolt2, err := OpenBoltStore(path)
	if err != nil {
		t.Fatal(err)
	}
	srv2 := NewTB(t, WithStore(bolt2))
	check(srv2.Client(func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 }))
}

// orderStore records the catalog and drop calls made to a store.
type orderStore struct {
	Store
	mu    sync.Mutex
	calls []string
}

func (s *orderStore) record(call string) {
	s.mu.Lock()
	s.calls = append(s.calls, call)
	s.mu.Unlock()
}

func (s *orderStore) Drop(name string) error {
	s.record("Drop " + name)
	return s.Store.Drop(name)
}

func (s *orderStore) DeleteMeta(name string) error {
	s.record("DeleteMeta " + name)
	return s.Store.DeleteMeta(name)
}

// TestDeleteTableOrder: DeleteTable forgets the definition before dropping
// the trees, and a table created again after a crash between the two does
// not see the orphaned items.
func TestDeleteTableOrder(t *testing.T) {
	t.Parallel()
	st := &orderStore{Store: NewMemStore()}
	srv := NewTB(t, WithStore(st))
	c := srv.Client()
	mkTable(t, c, "order", "", withGSI("g", types.ProjectionTypeAll))
	st.calls = nil
	if _, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("order")}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(st.calls, "; "); got != "DeleteMeta order; Drop i/order/by_g; Drop t/order" {
		t.Fatalf("DeleteTable calls: %s", got)
	}

	// A crash after DeleteMeta: the trees of the table remain.
	path := filepath.Join(t.TempDir(), "crash.db")
	bolt, err := OpenBoltStore(path)
	if err != nil {
		t.Fatal(err)
	}
	srv2, err := Open(WithStore(bolt))
	if err != nil {
		t.Fatal(err)
	}
	c2 := srv2.Client()
	mkTable(t, c2, "crash", "", withGSI("g", types.ProjectionTypeAll))
	put(t, c2, "crash", item{"pk": s("old"), "g": s("x")})
	if err := bolt.DeleteMeta("crash"); err != nil {
		t.Fatal(err)
	}
	srv2.Close()
	bolt, err = OpenBoltStore(path)
	if err != nil {
		t.Fatal(err)
	}
	srv3 := NewTB(t, WithStore(bolt))
	c3 := srv3.Client()
	_, err = c3.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("crash")})
	wantCode(t, err, "ResourceNotFoundException", "Table: crash not found")
	mkTable(t, c3, "crash", "", withGSI("g", types.ProjectionTypeAll))
	sc, err := c3.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("crash")})
	if err != nil || sc.Count != 0 {
		t.Fatalf("recreated table: %v %+v", err, sc)
	}
	q, err := c3.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("crash"), IndexName: aws.String("by_g"),
		KeyConditionExpression: aws.String("g = :g"), ExpressionAttributeValues: item{":g": s("x")}})
	if err != nil || q.Count != 0 {
		t.Fatalf("recreated index: %v %+v", err, q)
	}
}

// TestOpenError: Open reports a store whose tables cannot be loaded;
// NewUnstartedServer panics with the same error.
func TestOpenError(t *testing.T) {
	t.Parallel()
	st := NewMemStore()
	if err := st.PutMeta("bad", []byte("{")); err != nil {
		t.Fatal(err)
	}
	srv, err := Open(WithStore(st))
	if err == nil || srv != nil || !strings.Contains(err.Error(), "ddbtest: loading tables from store: ") {
		t.Fatalf("Open = %v, %v", srv, err)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "loading tables") {
			t.Fatalf("NewUnstartedServer recovered %v", r)
		}
	}()
	NewUnstartedServer(WithStore(st))
}

// TestBoltBatch: a bolt batch is applied as a whole (key counts included)
// or not at all; the memory store's batch writes through.
func TestBoltBatch(t *testing.T) {
	t.Parallel()
	bolt, err := OpenBoltStore(filepath.Join(t.TempDir(), "batch.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer bolt.Close()
	for _, st := range []Store{bolt, NewMemStore()} {
		a, _ := st.Tree("a")
		b, _ := st.Tree("b")
		if err := a.Put([]byte("k1"), []byte("v1")); err != nil {
			t.Fatal(err)
		}
		batch := func(fail bool) error {
			return st.(Batcher).Batch(func(w BatchWriter) error {
				for _, err := range []error{
					w.Put(a, []byte("k2"), []byte("v2")), w.Put(a, []byte("k1"), []byte("v1b")),
					w.Delete(a, []byte("nope")), w.Put(b, []byte("x"), []byte("y")), w.Delete(b, []byte("x")),
					w.Put(b, []byte("z"), []byte("z")),
				} {
					if err != nil {
						return err
					}
				}
				if fail {
					return errBatchFailed
				}
				return nil
			})
		}
		if _, isBolt := st.(*boltStore); isBolt {
			if err := batch(true); !errors.Is(err, errBatchFailed) {
				t.Fatalf("failing batch: %v", err)
			}
			if v, _ := a.Get([]byte("k1")); string(v) != "v1" || a.Len() != 1 || b.Len() != 0 {
				t.Fatalf("failed batch applied: %q %d %d", v, a.Len(), b.Len())
			}
		}
		if err := batch(false); err != nil {
			t.Fatal(err)
		}
		v1, _ := a.Get([]byte("k1"))
		v2, _ := a.Get([]byte("k2"))
		_, x := b.Get([]byte("x"))
		if string(v1) != "v1b" || string(v2) != "v2" || x || a.Len() != 2 || b.Len() != 1 {
			t.Fatalf("%T batch: %q %q %v %d %d", st, v1, v2, x, a.Len(), b.Len())
		}
	}
}
