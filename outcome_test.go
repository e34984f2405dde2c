package ddb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/ddb-go/ddb/ddbtest"
)

// vitem is a versioned item.
type vitem struct {
	PK  string `ddb:"pk"`
	Val string
	N   int
	V   int64 `ddb:"version"`
}

// TestRetriedWriteOutcome stages, deterministically, one write whose first
// attempt meets a network fault (a lost response: applied; a reset: not
// applied), optionally another writer's write before the retry, and checks
// what ddb reports: a retried success is recognised where the README's
// Reliability section says it is, and a real conflict stays one.
func TestRetriedWriteOutcome(t *testing.T) {
	t.Parallel()
	seed := vitem{PK: "a", Val: "x"} // stored as version 1 before the write
	var newItem *vitem
	cases := []struct {
		name  string
		fault ddbtest.FaultKind
		// other runs before the retry, as another writer (raw client).
		other func(c Client, table string) error
		write func(ctx context.Context, tbl *Table[vitem]) error
		want  error // nil: success
		check func(t *testing.T, stored *vitem)
	}{{
		name:  "versioned Put, lost response",
		fault: ddbtest.FaultLostResponse,
		write: func(ctx context.Context, tbl *Table[vitem]) error {
			return tbl.Put(ctx, vitem{PK: "a", Val: "y", V: 1})
		},
		check: wantStored(vitem{PK: "a", Val: "y", V: 2}),
	}, {
		name:  "Create, lost response",
		fault: ddbtest.FaultLostResponse,
		write: func(ctx context.Context, tbl *Table[vitem]) error {
			return tbl.Create(ctx, vitem{PK: "new", Val: "y"})
		},
	}, {
		name:  "versioned Update with ReturnNew, lost response",
		fault: ddbtest.FaultLostResponse,
		write: func(ctx context.Context, tbl *Table[vitem]) error {
			err := tbl.Update(ctx, Key{"a"}, NewUpdate().Set(Attr("Val"), "y"), IfVersion(1), ReturnNew(&newItem))
			if err == nil && (newItem == nil || newItem.Val != "y" || newItem.V != 2) {
				return errors.New("ReturnNew not filled from the recognised item")
			}
			return err
		},
		check: wantStored(vitem{PK: "a", Val: "y", V: 2}),
	}, {
		name:  "versioned Delete, lost response",
		fault: ddbtest.FaultLostResponse,
		write: func(ctx context.Context, tbl *Table[vitem]) error {
			return tbl.Delete(ctx, Key{"a"}, IfVersion(1))
		},
		check: wantStored(vitem{}),
	}, {
		name:  "versioned Put, reset, another writer wrote version 2 meanwhile",
		fault: ddbtest.FaultReset,
		other: func(c Client, table string) error {
			_, err := c.PutItem(context.Background(), putInput(table, map[string]types.AttributeValue{
				"PK": &types.AttributeValueMemberS{Value: "a"}, "Val": &types.AttributeValueMemberS{Value: "other"},
				"N": &types.AttributeValueMemberN{Value: "0"}, "V": &types.AttributeValueMemberN{Value: "2"}}))
			return err
		},
		write: func(ctx context.Context, tbl *Table[vitem]) error {
			return tbl.Put(ctx, vitem{PK: "a", Val: "y", V: 1})
		},
		want:  ErrVersionConflict,
		check: wantStored(vitem{PK: "a", Val: "other", V: 2}),
	}, {
		name:  "versioned Update that only increments, lost response: not recognisable",
		fault: ddbtest.FaultLostResponse,
		write: func(ctx context.Context, tbl *Table[vitem]) error {
			return tbl.Update(ctx, Key{"a"}, NewUpdate().Increment(Attr("N"), 1), IfVersion(1))
		},
		want:  ErrVersionConflict,
		check: wantStored(vitem{PK: "a", Val: "x", N: 1, V: 2}),
	}, {
		name:  "versioned Put with ReturnOld, lost response: not recognised",
		fault: ddbtest.FaultLostResponse,
		write: func(ctx context.Context, tbl *Table[vitem]) error {
			var old *vitem
			return tbl.Put(ctx, vitem{PK: "a", Val: "y", V: 1}, ReturnOld(&old))
		},
		want: ErrVersionConflict,
	}, {
		name:  "unversioned If update, lost response: not recognisable",
		fault: ddbtest.FaultLostResponse,
		write: func(ctx context.Context, tbl *Table[vitem]) error {
			return tbl.Update(ctx, Key{"a"}, NewUpdate().Set(Attr("Val"), "y"), If(Attr("Val").Eq("x")))
		},
		want: ErrConditionFailed,
	}, {
		name:  "unconditional Increment, lost response: applied twice",
		fault: ddbtest.FaultLostResponse,
		write: func(ctx context.Context, tbl *Table[vitem]) error {
			return tbl.Update(ctx, Key{"a"}, NewUpdate().Increment(Attr("N"), 1))
		},
		check: wantStored(vitem{PK: "a", Val: "x", N: 2, V: 3}),
	}, {
		name:  "unconditional Increment with ExactlyOnce, lost response: applied once",
		fault: ddbtest.FaultLostResponse,
		write: func(ctx context.Context, tbl *Table[vitem]) error {
			return tbl.Update(ctx, Key{"a"}, NewUpdate().Increment(Attr("N"), 1), ExactlyOnce())
		},
		check: wantStored(vitem{PK: "a", Val: "x", N: 1, V: 2}),
	}, {
		name:  "versioned Update that only increments, ExactlyOnce, lost response",
		fault: ddbtest.FaultLostResponse,
		write: func(ctx context.Context, tbl *Table[vitem]) error {
			return tbl.Update(ctx, Key{"a"}, NewUpdate().Increment(Attr("N"), 1), IfVersion(1), ExactlyOnce())
		},
		check: wantStored(vitem{PK: "a", Val: "x", N: 1, V: 2}),
	}, {
		name:  "Create with ExactlyOnce, reset, another writer created it meanwhile",
		fault: ddbtest.FaultReset,
		other: func(c Client, table string) error {
			_, err := c.PutItem(context.Background(), putInput(table, map[string]types.AttributeValue{
				"PK": &types.AttributeValueMemberS{Value: "new"}, "V": &types.AttributeValueMemberN{Value: "1"}}))
			return err
		},
		write: func(ctx context.Context, tbl *Table[vitem]) error {
			return tbl.Create(ctx, vitem{PK: "new", Val: "y"}, ExactlyOnce())
		},
		want: ErrVersionConflict,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv := ddbtest.NewTB(t)
			raw := srv.Client()
			var once sync.Once
			var otherErr error
			var name string // the table's, once created
			c := srv.Client(func(o *dynamodb.Options) {
				std := retry.NewStandard(func(so *retry.StandardOptions) { so.RateLimiter = ratelimit.None })
				o.Retryer = retryHook{RetryerV2: std, hook: func() {
					once.Do(func() { // before the first retry
						srv.SetFaults(ddbtest.Faults{})
						if tc.other != nil {
							otherErr = tc.other(raw, name)
						}
					})
				}}
			})
			tbl, _ := newTableOn[vitem](t, c)
			name = tbl.Name()
			if err := tbl.Put(ctx, seed); err != nil {
				t.Fatal(err)
			}
			srv.SetFaults(ddbtest.Faults{Rules: []ddbtest.FaultRule{
				{Ops: []string{"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems"}, Kind: tc.fault, Rate: 1},
			}})
			err := tc.write(ctx, tbl)
			srv.SetFaults(ddbtest.Faults{})
			if otherErr != nil {
				t.Fatalf("other writer: %v", otherErr)
			}
			switch {
			case tc.want == nil && err != nil:
				t.Fatalf("err = %v, want success", err)
			case tc.want != nil && !errors.Is(err, tc.want):
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if tc.check != nil {
				got, err := tbl.Get(ctx, Key{"a"}, Consistent())
				if errors.Is(err, ErrNotFound) {
					tc.check(t, &vitem{})
					return
				} else if err != nil {
					t.Fatal(err)
				}
				tc.check(t, &got)
			}
		})
	}
}

// wantStored checks the stored item "a" (the zero vitem: absent).
func wantStored(want vitem) func(*testing.T, *vitem) {
	return func(t *testing.T, got *vitem) {
		t.Helper()
		if *got != want {
			t.Errorf("stored %+v, want %+v", *got, want)
		}
	}
}

// TestExactlyOnceOptions: the options a one-action transaction cannot
// honour fail before any request, and failures map as for plain writes.
func TestExactlyOnceOptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tbl, rc := newTableOn[vitem](t, txClient(t))
	if err := tbl.Put(ctx, vitem{PK: "a", Val: "x"}); err != nil {
		t.Fatal(err)
	}
	var old, cur *vitem
	tx := NewWriteTx()
	tbl.TxPut(tx, vitem{PK: "b"}, ExactlyOnce())
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"Put ReturnOld", tbl.Put(ctx, vitem{PK: "a", V: 1}, ExactlyOnce(), ReturnOld(&old)), ErrInvalidInput},
		{"Delete ReturnOld", tbl.Delete(ctx, Key{"a"}, ExactlyOnce(), ReturnOld(&old)), ErrInvalidInput},
		{"Update ReturnNew", tbl.Update(ctx, Key{"a"}, NewUpdate().Set(Attr("Val"), "y"), ExactlyOnce(), ReturnNew(&old)), ErrInvalidInput},
		{"TxPut", tx.Run(ctx, nil), ErrInvalidInput},
		{"stale Put", tbl.Put(ctx, vitem{PK: "a", Val: "z", V: 5}, ExactlyOnce(), CurrentOnFail(&cur)), ErrVersionConflict},
		{"Create of an existing item", tbl.Create(ctx, vitem{PK: "a"}, ExactlyOnce()), ErrConditionFailed},
	} {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, tc.err, tc.want)
		}
	}
	if cur == nil || cur.Val != "x" || cur.V != 1 {
		t.Errorf("CurrentOnFail = %+v, want the stored item", cur)
	}
	if put, tx := rc.n("PutItem")+rc.n("UpdateItem")+rc.n("DeleteItem"), rc.n("TransactWriteItems"); put != 1 || tx != 2 {
		t.Errorf("%d PutItem/UpdateItem/DeleteItem and %d TransactWriteItems requests, want 1 (the first Put) and 2", put, tx)
	}
	var stored *vitem
	if err := tbl.Put(ctx, vitem{PK: "a", Val: "w", V: 1}, ExactlyOnce(), ReturnNew(&stored)); err != nil || stored == nil || stored.V != 2 {
		t.Fatalf("Put ExactlyOnce ReturnNew: %v, %+v", err, stored)
	}
	if err := tbl.Delete(ctx, Key{"a"}, IfVersion(2), ExactlyOnce()); err != nil {
		t.Fatal(err)
	}
}

// loseResponses is an HTTP client that sends every request but drops the
// response to the first n requests of operation op, as a connection lost
// after DynamoDB answered: the write is applied, the SDK sees a connection
// error and retries it.
type loseResponses struct {
	dynamodb.HTTPClient
	op   string
	left atomic.Int32
}

func (l *loseResponses) Do(req *http.Request) (*http.Response, error) {
	resp, err := l.HTTPClient.Do(req)
	if err == nil && req.Header.Get("X-Amz-Target") == "DynamoDB_20120810."+l.op && l.left.Add(-1) >= 0 {
		_ = resp.Body.Close()
		return nil, fmt.Errorf("injected: connection lost before the response: %w", io.ErrUnexpectedEOF)
	}
	return resp, err
}

// TestLostResponseOnHarness loses the first response of each write
// against the harness's server (dynalite too, which returns no item with
// a failed condition: ddb reads it) and checks that each retried write
// reports success.
func TestLostResponseOnHarness(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, op string
		write    func(ctx context.Context, tbl *Table[vitem]) error
		want     vitem // the stored item "a" after the write (zero: absent)
	}{
		{"Put", "PutItem", func(ctx context.Context, tbl *Table[vitem]) error {
			return tbl.Put(ctx, vitem{PK: "a", Val: "y", V: 1})
		}, vitem{PK: "a", Val: "y", V: 2}},
		{"Create", "PutItem", func(ctx context.Context, tbl *Table[vitem]) error {
			return tbl.Create(ctx, vitem{PK: "b", Val: "y"})
		}, vitem{PK: "a", Val: "x", V: 1}},
		{"Update", "UpdateItem", func(ctx context.Context, tbl *Table[vitem]) error {
			return tbl.Update(ctx, Key{"a"}, NewUpdate().Set(Attr("Val"), "y"), IfVersion(1))
		}, vitem{PK: "a", Val: "y", V: 2}},
		{"UpdateFields", "UpdateItem", func(ctx context.Context, tbl *Table[vitem]) error {
			return tbl.UpdateFields(ctx, vitem{PK: "a", Val: "y", V: 1})
		}, vitem{PK: "a", Val: "y", V: 2}},
		{"Delete", "DeleteItem", func(ctx context.Context, tbl *Table[vitem]) error {
			return tbl.Delete(ctx, Key{"a"}, IfVersion(1))
		}, vitem{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			var lossy *loseResponses
			c := newTestClient(t, func(o *dynamodb.Options) {
				lossy = &loseResponses{HTTPClient: o.HTTPClient, op: tc.op}
				o.HTTPClient = lossy
				o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
					so.MaxBackoff = 2 * time.Millisecond
					so.RateLimiter = ratelimit.None
				})
			})
			tbl, _ := newTableOn[vitem](t, c)
			if err := tbl.Put(ctx, vitem{PK: "a", Val: "x"}); err != nil {
				t.Fatal(err)
			}
			lossy.left.Store(1)
			if err := tc.write(ctx, tbl); err != nil {
				t.Fatalf("err = %v, want success", err)
			}
			if lossy.left.Load() >= 0 {
				t.Fatal("no response was lost")
			}
			got, err := tbl.Get(ctx, Key{"a"}, Consistent())
			if err != nil && !errors.Is(err, ErrNotFound) {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("stored %+v, want %+v", got, tc.want)
			}
		})
	}
}
