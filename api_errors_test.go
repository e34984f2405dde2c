package ddb

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// TestRequestErrorsMatchSentinels checks that errors DynamoDB answers with
// match a sentinel and stay *Error.
func TestRequestErrorsMatchSentinels(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	accounts, audit, _ := txTables(t)
	if _, err := audit.Get(ctx, Key{"x", 1}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get missing: %v", err)
	}
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"ValidationException", func() error {
			// The server refuses to add a number to a string.
			if err := audit.Put(ctx, auditEntry{Account: "a", Seq: 1, Note: "text"}); err != nil {
				return err
			}
			return audit.Update(ctx, Key{"a", 1}, NewUpdate().Increment(Attr("Note"), 1))
		}, ErrValidation},
		{"IdempotentParameterMismatchException", func() error {
			if err := transfer(accounts, audit, "alice", "bob", 1, 1, IdempotencyToken("tok-mismatch")).Run(ctx, nil); err != nil {
				return err
			}
			return transfer(accounts, audit, "alice", "bob", 2, 2, IdempotencyToken("tok-mismatch")).Run(ctx, nil)
		}, ErrIdempotentMismatch},
	}
	for _, tc := range tests {
		err := tc.run()
		var de *Error
		if !errors.Is(err, tc.want) || !errors.As(err, &de) {
			t.Errorf("%s: err = %v (%T), want a *Error matching %v", tc.name, err, err, tc.want)
		}
	}
}

// TestTxVersionConflictIsConditionFailed: a version conflict inside a
// transaction matches ErrConditionFailed, as for a single write.
func TestTxVersionConflictIsConditionFailed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	accounts, _, _ := txTables(t)
	single := accounts.Put(ctx, account{ID: "alice", Balance: 1, Version: 7})
	tx := NewWriteTx()
	accounts.TxPut(tx, account{ID: "alice", Balance: 1, Version: 7})
	inTx := tx.Run(ctx, nil)
	for name, err := range map[string]error{"Put": single, "TxPut": inTx} {
		if !errors.Is(err, ErrVersionConflict) || !errors.Is(err, ErrConditionFailed) {
			t.Errorf("%s: err = %v, want ErrVersionConflict and ErrConditionFailed", name, err)
		}
	}
}

// TestContextEndIsVisible: a canceled or expired context shows as the
// context's error and as a *Error, whatever the call.
func TestContextEndIsVisible(t *testing.T) {
	t.Parallel()
	accounts, audit, _ := txTables(t)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithTimeout(context.Background(), -1)
	defer cancel2()
	calls := map[string]func(ctx context.Context) error{
		"Get": func(ctx context.Context) error { _, err := accounts.Get(ctx, Key{"alice"}); return err },
		"Put": func(ctx context.Context) error { return audit.Put(ctx, auditEntry{Account: "a", Seq: 1}) },
		"Query": func(ctx context.Context) error {
			_, err := audit.Query("a").Collect(ctx)
			return err
		},
		"BatchWrite": func(ctx context.Context) error {
			return audit.BatchWrite(ctx, []auditEntry{{Account: "a", Seq: 2}}, nil)
		},
		"BatchGet": func(ctx context.Context) error {
			_, err := audit.BatchGet(ctx, []Key{{"a", 1}})
			return err
		},
		"WriteTx": func(ctx context.Context) error {
			tx := NewWriteTx()
			audit.TxPut(tx, auditEntry{Account: "a", Seq: 3})
			return tx.Run(ctx, nil)
		},
	}
	for name, call := range calls {
		for want, ctx := range map[error]context.Context{context.Canceled: canceled, context.DeadlineExceeded: expired} {
			err := call(ctx)
			var de *Error
			if !errors.Is(err, want) || !errors.As(err, &de) {
				t.Errorf("%s: err = %v (%T), want a *Error matching %v", name, err, err, want)
			}
		}
	}
}

// TestLogRequestsNilUsesDefault: LogRequests(nil) logs to slog.Default().
// Not parallel: it replaces the default logger.
func TestLogRequestsNilUsesDefault(t *testing.T) {
	var logs bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	defer slog.SetDefault(prev)
	tbl := observedTable[adminOrder](t, OnRequest(LogRequests(nil)))
	if err := tbl.Put(context.Background(), adminOrder{Customer: "c1", Placed: 1}); err != nil {
		t.Fatal(err)
	}
	if out := logs.String(); !strings.Contains(out, "op=PutItem") {
		t.Errorf("default logger got %q", out)
	}
}

// TestEnsureMissingTableIsNotAWarning: Ensure's existence check on a
// missing table is logged at debug level, not as a warning.
func TestEnsureMissingTableIsNotAWarning(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var infos []RequestInfo
	c := newTestClient(t)
	tbl, err := NewTable[adminOrder](c, testTableName(t), WithObserve(OnRequest(LogRequests(logger)),
		OnRequest(func(_ context.Context, ri RequestInfo) { infos = append(infos, ri) })))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := tbl.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tbl.DeleteTable(context.Background()) })
	if len(infos) == 0 || infos[0].Operation != "DescribeTable" || infos[0].Err == nil || !infos[0].Expected {
		t.Fatalf("first request = %+v, want an expected DescribeTable failure", infos)
	}
	if out := logs.String(); strings.Contains(out, "level=WARN") || !strings.Contains(out, "op=DescribeTable") {
		t.Errorf("log:\n%s", out)
	}
	// A Get on a missing table is still a warning.
	missing, _ := NewTable[adminOrder](c, testTableName(t)+"-none", WithObserve(OnRequest(LogRequests(logger))))
	if _, err := missing.Get(ctx, Key{"c", int64(1)}); !errors.Is(err, ErrTableNotFound) {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("failed Get not logged as a warning:\n%s", logs.String())
	}
}
