package ddbtest

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"go.uber.org/goleak"
)

// The tests of the network faults are not parallel: goleak compares all
// goroutines of the process. Each runs over both ways of reaching a
// server: the in-process Transport and loopback HTTP.
var netModes = []string{"transport", "listening"}

// hookRetryer is the SDK's standard retryer that tells hook about every
// error it retries (before the retry).
type hookRetryer struct {
	aws.RetryerV2
	hook func(attempt int, err error)
}

func (r hookRetryer) RetryDelay(attempt int, err error) (time.Duration, error) {
	r.hook(attempt, err)
	return r.RetryerV2.RetryDelay(attempt, err)
}

// tbl is the table of the network fault tests, one per server.
const tbl = "nft"

// faultEnv is a server with faults and a client of it.
type faultEnv struct {
	srv     *Server
	c       *dynamodb.Client
	retried []error // the errors the client's retryer retried
	// clearOnRetry turns the faults off at the first retry, so that only
	// the first attempt meets them.
	clearOnRetry bool
}

// verifyNoLeaks checks, once the test and its cleanups are done, that it
// left no goroutine behind.
func verifyNoLeaks(t *testing.T) {
	opts := []goleak.Option{goleak.IgnoreCurrent()}
	t.Cleanup(func() { goleak.VerifyNone(t, opts...) })
}

// newFaultEnv starts a server injecting f (listening on loopback when mode
// is "listening") with table tbl, and a client of it whose retryer makes
// at most 3 attempts without waiting.
func newFaultEnv(t *testing.T, mode string, f Faults) *faultEnv {
	t.Helper()
	e := &faultEnv{srv: NewUnstartedServer()}
	t.Cleanup(e.srv.Close)
	var hc *http.Client
	if mode == "listening" {
		e.srv.Start()
		tr := &http.Transport{}
		t.Cleanup(tr.CloseIdleConnections)
		hc = &http.Client{Transport: tr}
	}
	e.c = e.srv.Client(func(o *dynamodb.Options) {
		if hc != nil {
			o.HTTPClient = hc
		}
		std := retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = 3
			so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			so.RateLimiter = ratelimit.None
		})
		o.Retryer = hookRetryer{RetryerV2: std, hook: func(_ int, err error) {
			e.retried = append(e.retried, err)
			if e.clearOnRetry {
				e.srv.SetFaults(Faults{})
			}
		}}
	})
	mkTable(t, e.c, tbl, "")
	e.srv.SetFaults(f)
	return e
}

// addOne adds 1 to attribute v of the item "ctr", without a condition.
func (e *faultEnv) addOne() error {
	_, err := e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(tbl), Key: item{"pk": s("ctr")},
		UpdateExpression:          aws.String("ADD v :one"),
		ExpressionAttributeValues: item{":one": n("1")},
	})
	return err
}

// create puts item "new" only if absent.
func (e *faultEnv) create() error {
	_, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(tbl), Item: item{"pk": s("new")},
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	})
	return err
}

func rule(kind FaultKind, ops ...string) FaultRule {
	return FaultRule{Ops: ops, Kind: kind, Rate: 1}
}

// TestFaultLostResponse: a lost response was applied, and the SDK retries
// it: an unconditional counter is applied at every attempt, and a create
// (attribute_not_exists) that succeeded fails its retry with
// ConditionalCheckFailedException — the trap of issue 14.
func TestFaultLostResponse(t *testing.T) {
	verifyNoLeaks(t)
	for _, mode := range netModes {
		for _, status := range []int{0, 500} {
			t.Run(mode+"/status"+itoa(status), func(t *testing.T) {
				lost := rule(FaultLostResponse, "PutItem", "UpdateItem")
				lost.Status = status
				e := newFaultEnv(t, mode, Faults{Rules: []FaultRule{lost}})
				if err := e.addOne(); err == nil {
					t.Fatal("UpdateItem succeeded with every response lost")
				}
				if len(e.retried) != 2 {
					t.Fatalf("retried %d times, want 2: %v", len(e.retried), e.retried)
				}
				e.srv.SetFaults(Faults{})
				if v := numOf(get(t, e.c, tbl, item{"pk": s("ctr")})["v"]); v != "3" {
					t.Fatalf("counter = %s after 3 lost attempts, want 3 (each applied)", v)
				}

				e.srv.SetFaults(Faults{Rules: []FaultRule{lost}})
				e.retried, e.clearOnRetry = nil, true
				err := e.create()
				var ccf *types.ConditionalCheckFailedException
				if !errors.As(err, &ccf) || len(e.retried) != 1 {
					t.Fatalf("create after a lost response: %v (retried %d), want ConditionalCheckFailedException after 1 retry", err, len(e.retried))
				}
				if get(t, e.c, tbl, item{"pk": s("new")}) == nil {
					t.Fatal("the lost create was not applied")
				}
			})
		}
	}
}

// TestFaultReset: a reset request is not applied; the SDK retries it.
func TestFaultReset(t *testing.T) {
	verifyNoLeaks(t)
	for _, mode := range netModes {
		t.Run(mode, func(t *testing.T) {
			e := newFaultEnv(t, mode, Faults{Rules: []FaultRule{rule(FaultReset, "UpdateItem", "PutItem")}})
			if err := e.addOne(); err == nil || len(e.retried) != 2 {
				t.Fatalf("UpdateItem with every connection reset: %v, retried %d times; want an error after 2 retries", err, len(e.retried))
			}
			e.srv.SetFaults(Faults{})
			if got := get(t, e.c, tbl, item{"pk": s("ctr")}); got != nil {
				t.Fatalf("a reset UpdateItem was applied: %v", got)
			}
			e.srv.SetFaults(Faults{Rules: []FaultRule{rule(FaultReset, "PutItem")}})
			e.retried, e.clearOnRetry = nil, true
			if err := e.create(); err != nil || len(e.retried) != 1 {
				t.Fatalf("create after a reset: %v (retried %d), want success after 1 retry", err, len(e.retried))
			}
		})
	}
}

// TestFaultSlowResponse: a slow response outlives the client's deadline,
// yet the request was applied; the held response ends when the client
// gives up (goleak checks that nothing is left waiting).
func TestFaultSlowResponse(t *testing.T) {
	verifyNoLeaks(t)
	for _, mode := range netModes {
		t.Run(mode, func(t *testing.T) {
			slow := rule(FaultSlowResponse, "PutItem")
			slow.Delay = time.Minute
			e := newFaultEnv(t, mode, Faults{Rules: []FaultRule{slow}})
			cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := e.c.PutItem(cctx, &dynamodb.PutItemInput{TableName: aws.String(tbl), Item: item{"pk": s("slow")}})
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("PutItem: %v, want context.DeadlineExceeded", err)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Fatalf("PutItem returned after %v", d)
			}
			e.srv.SetFaults(Faults{})
			if get(t, e.c, tbl, item{"pk": s("slow")}) == nil {
				t.Fatal("the slow PutItem was not applied")
			}
		})
	}
}

// TestFaultThrottlingCodes: DynamoDB's throttling errors are classified as
// throttles by the SDK's retryer, which retries them; nothing is applied
// by the throttled attempt.
func TestFaultThrottlingCodes(t *testing.T) {
	verifyNoLeaks(t)
	for _, mode := range netModes {
		for _, tc := range []struct {
			kind FaultKind
			code string
		}{
			{FaultThrottle, "ProvisionedThroughputExceededException"},
			{FaultThrottling, "ThrottlingException"},
			{FaultRequestLimitExceeded, "RequestLimitExceeded"},
		} {
			t.Run(mode+"/"+tc.code, func(t *testing.T) {
				e := newFaultEnv(t, mode, Faults{Rules: []FaultRule{rule(tc.kind, "UpdateItem")}})
				e.clearOnRetry = true
				if err := e.addOne(); err != nil || len(e.retried) != 1 {
					t.Fatalf("UpdateItem: %v (retried %d), want success after 1 retry", err, len(e.retried))
				}
				err := e.retried[0]
				if apiCode(err) != tc.code {
					t.Fatalf("retried %v, want %s", err, tc.code)
				}
				if retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) != aws.TrueTernary {
					t.Fatalf("the SDK does not classify %v as a throttle", err)
				}
				if v := numOf(get(t, e.c, tbl, item{"pk": s("ctr")})["v"]); v != "1" {
					t.Fatalf("counter = %s, want 1", v)
				}
			})
		}
	}
}

// TestFaultTransactionConflict: a transaction conflict fails the request
// as DynamoDB does, unapplied, and the SDK does not retry it.
func TestFaultTransactionConflict(t *testing.T) {
	verifyNoLeaks(t)
	for _, mode := range netModes {
		t.Run(mode, func(t *testing.T) {
			e := newFaultEnv(t, mode, Faults{Rules: []FaultRule{rule(FaultTransactionConflict)}})
			_, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(tbl), Item: item{"pk": s("a")}})
			var tce *types.TransactionConflictException
			if !errors.As(err, &tce) || tce.ErrorMessage() != msgTransactionConflict {
				t.Fatalf("PutItem: %v, want TransactionConflictException", err)
			}
			_, err = e.c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
				{Put: &types.Put{TableName: aws.String(tbl), Item: item{"pk": s("b")}}},
				{Put: &types.Put{TableName: aws.String(tbl), Item: item{"pk": s("c")}}},
			}})
			var canceled *types.TransactionCanceledException
			if !errors.As(err, &canceled) || len(canceled.CancellationReasons) != 2 ||
				aws.ToString(canceled.CancellationReasons[0].Code) != "TransactionConflict" ||
				aws.ToString(canceled.CancellationReasons[1].Code) != "None" {
				t.Fatalf("TransactWriteItems: %v, want TransactionCanceledException [TransactionConflict, None]", err)
			}
			if canceled.ErrorMessage() != "Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None]" {
				t.Fatalf("message %q", canceled.ErrorMessage())
			}
			_, err = e.c.ExecuteTransaction(ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: []types.ParameterizedStatement{
				{Statement: aws.String(`INSERT INTO "` + tbl + `" VALUE {'pk': 'd'}`)},
			}})
			if !errors.As(err, &canceled) || len(canceled.CancellationReasons) != 1 ||
				aws.ToString(canceled.CancellationReasons[0].Code) != "TransactionConflict" {
				t.Fatalf("ExecuteTransaction: %v, want TransactionCanceledException [TransactionConflict]", err)
			}
			if len(e.retried) != 0 {
				t.Fatalf("the SDK retried %v", e.retried)
			}
			e.srv.SetFaults(Faults{})
			for _, k := range []string{"a", "b", "c", "d"} {
				if get(t, e.c, tbl, item{"pk": s(k)}) != nil {
					t.Fatalf("item %s was written", k)
				}
			}
		})
	}
}

// TestFaultRates: at a rate, every lost response was applied and retried,
// every reset was retried unapplied: 100 increments end at 100 plus the
// number of lost responses.
func TestFaultRates(t *testing.T) {
	verifyNoLeaks(t)
	for _, mode := range netModes {
		for _, kind := range []FaultKind{FaultLostResponse, FaultReset} {
			t.Run(mode+"/"+kind.String(), func(t *testing.T) {
				r := rule(kind, "UpdateItem")
				r.Rate = 0.2
				e := newFaultEnv(t, mode, Faults{Seed: 5, Rules: []FaultRule{r}})
				for i := 0; i < 100; i++ {
					if err := e.addOne(); err != nil {
						t.Fatalf("increment %d: %v", i, err)
					}
				}
				if len(e.retried) == 0 {
					t.Fatal("no fault injected at rate 0.2")
				}
				want := 100
				if kind == FaultLostResponse {
					want += len(e.retried)
				}
				e.srv.SetFaults(Faults{})
				if v := numOf(get(t, e.c, tbl, item{"pk": s("ctr")})["v"]); v != itoa(want) {
					t.Fatalf("counter = %s after %d retries, want %d", v, len(e.retried), want)
				}
			})
		}
	}
}

func TestParseFaults(t *testing.T) {
	t.Parallel()
	w := []string{"PutItem", "UpdateItem"}
	for _, tc := range []struct {
		spec string
		want Faults
		err  bool
	}{
		{spec: "", want: Faults{}},
		{spec: "seed=1,lost=0.1,reset=0.05,ops=PutItem+UpdateItem;throttling=0.02", want: Faults{Seed: 1, Rules: []FaultRule{
			{Ops: w, Kind: FaultLostResponse, Rate: 0.1}, {Ops: w, Kind: FaultReset, Rate: 0.05}, {Kind: FaultThrottling, Rate: 0.02}}}},
		{spec: "lost=1@500, slow=0.5@2s, delay=0.1@10ms, throttle=0.1, internal=0.1, unprocessed=0.2, limit=0.1, txconflict=0.1", want: Faults{Rules: []FaultRule{
			{Kind: FaultLostResponse, Rate: 1, Status: 500}, {Kind: FaultSlowResponse, Rate: 0.5, Delay: 2 * time.Second},
			{Kind: FaultDelay, Rate: 0.1, Delay: 10 * time.Millisecond}, {Kind: FaultThrottle, Rate: 0.1}, {Kind: FaultInternalError, Rate: 0.1},
			{Kind: FaultUnprocessed, Rate: 0.2}, {Kind: FaultRequestLimitExceeded, Rate: 0.1}, {Kind: FaultTransactionConflict, Rate: 0.1}}}},
		{spec: "lost", err: true},
		{spec: "lost=2", err: true},
		{spec: "lost=x", err: true},
		{spec: "lost=0.1@99", err: true},
		{spec: "reset=0.1@1s", err: true},
		{spec: "slow=0.1", err: true},
		{spec: "slow=0.1@soon", err: true},
		{spec: "nope=0.1", err: true},
		{spec: "seed=x", err: true},
		{spec: "ops=PutItem+Nope,lost=0.1", err: true},
		{spec: "ops=PutItem,ops=GetItem", err: true},
	} {
		got, err := ParseFaults(tc.spec)
		if (err != nil) != tc.err {
			t.Errorf("ParseFaults(%q): error %v, want error %v", tc.spec, err, tc.err)
			continue
		}
		if err == nil && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseFaults(%q) = %+v, want %+v", tc.spec, got, tc.want)
		}
	}
}
