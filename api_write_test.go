package ddb

import (
	"context"
	"testing"
	"time"
)

// stampedDoc has a version and both timestamps.
type stampedDoc struct {
	ID      string    `ddb:"pk"`
	N       int       `dynamodbav:"n"`
	V       int64     `ddb:"version"`
	Created time.Time `ddb:"created"`
	Updated time.Time `ddb:"updated"`
}

// TestPutReturnNew: Put, Create and Replace give back the item as stored
// (new version, timestamps) without another request, equal to what a Get
// reads.
func TestPutReturnNew(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tbl, rc := newCountedTable[stampedDoc](t)
	var created, put, replaced *stampedDoc
	if err := tbl.Create(ctx, stampedDoc{ID: "a", N: 1}, ReturnNew(&created)); err != nil {
		t.Fatal(err)
	}
	if err := tbl.Put(ctx, *created, ReturnNew(&put)); err != nil {
		t.Fatal(err)
	}
	replace := *put
	replace.N = 3
	if err := tbl.Replace(ctx, replace, ReturnNew(&replaced)); err != nil {
		t.Fatal(err)
	}
	if n := rc.n("GetItem"); n != 0 {
		t.Fatalf("%d GetItem requests, want none", n)
	}
	for i, c := range []struct {
		got  *stampedDoc
		n    int
		v    int64
		prev *stampedDoc
	}{{created, 1, 1, nil}, {put, 1, 2, created}, {replaced, 3, 3, put}} {
		if c.got == nil || c.got.N != c.n || c.got.V != c.v || c.got.Created.IsZero() || c.got.Updated.IsZero() {
			t.Fatalf("write %d: stored = %+v, want n %d version %d with timestamps", i, c.got, c.n, c.v)
		}
		if c.prev != nil && (!c.got.Created.Equal(c.prev.Created) || c.got.Updated.Before(c.prev.Updated)) {
			t.Errorf("write %d: timestamps %v/%v after %v/%v", i, c.got.Created, c.got.Updated, c.prev.Created, c.prev.Updated)
		}
	}
	got, err := tbl.Get(ctx, Key{"a"})
	if err != nil || got.V != replaced.V || !got.Created.Equal(replaced.Created) || !got.Updated.Equal(replaced.Updated) || got.N != 3 {
		t.Fatalf("Get = %+v, %v; ReturnNew gave %+v", got, err, replaced)
	}
}
