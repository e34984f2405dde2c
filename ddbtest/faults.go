package ddbtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// Faults describes failures the server injects, for testing retries and
// error handling: errors DynamoDB answers (throttling, internal errors,
// transaction conflicts, unprocessed batch items), delays, and the faults
// of a network, after which the client cannot tell whether its request was
// applied: a lost response (applied, then no answer), a reset (not
// applied) and a slow response (applied, answered after the client's
// deadline). ParseFaults
// reads them from text, as ddblocal's -faults flag does.
//
// Decisions are drawn from a pseudo-random sequence seeded with Seed, so a
// sequential test sees the same faults on every run; under concurrency the
// sequence is shared and the assignment of draws to requests follows
// arrival order.
type Faults struct {
	// Seed seeds the random sequence.
	Seed int64
	// Rules are checked in order for every request; every matching rule
	// draws, and the first that fires decides the request's fate (a
	// FaultDelay or FaultSlowResponse rule delays the request or its
	// response and lets later rules draw too).
	Rules []FaultRule
}

// FaultKind is what a FaultRule does when it fires.
type FaultKind int

const (
	// FaultThrottle answers ProvisionedThroughputExceededException (the
	// operation is not applied). The SDK retries it.
	FaultThrottle FaultKind = iota + 1
	// FaultInternalError answers HTTP 500 InternalServerError (the
	// operation is not applied). The SDK retries it.
	FaultInternalError
	// FaultUnprocessed applies to BatchWriteItem and BatchGetItem only: each
	// request item is left unprocessed (returned in UnprocessedItems or
	// UnprocessedKeys, and not applied or read) with probability Rate; at
	// least one item is always processed when the batch has several.
	FaultUnprocessed
	// FaultDelay sleeps for Delay before handling the request (returning
	// early if the request's context is canceled).
	FaultDelay
	// FaultLostResponse applies the operation, then fails the HTTP
	// exchange so that the client cannot tell it was applied: with Status
	// 0 the connection is closed without a response (the in-process
	// Transport returns an error instead); with a Status such as 500 that
	// status is answered with an empty body. The SDK retries either, so
	// the operation reaches the server again.
	FaultLostResponse
	// FaultReset fails the HTTP exchange without applying the operation:
	// the listening server resets the connection (TCP RST), the in-process
	// Transport returns a "connection reset" error. The SDK retries it.
	FaultReset
	// FaultSlowResponse applies the operation, then holds the response for
	// Delay, or until the client gives up (its context is done or it closes
	// the connection) or the server is closed: a client whose deadline is
	// shorter sees its context expire although the operation was applied.
	// Later rules still draw.
	FaultSlowResponse
	// FaultThrottling answers ThrottlingException
	// (com.amazon.coral.availability#ThrottlingException, "Rate of requests
	// exceeds the allowed throughput."), DynamoDB's answer to a too-fast
	// control-plane or on-demand request rate. The operation is not
	// applied; the SDK retries it as a throttle.
	FaultThrottling
	// FaultRequestLimitExceeded answers RequestLimitExceeded, DynamoDB's
	// answer when the account's throughput quota is exceeded. The
	// operation is not applied; the SDK retries it as a throttle.
	FaultRequestLimitExceeded
	// FaultTransactionConflict answers as DynamoDB does when the request
	// meets an item in another transaction: TransactWriteItems,
	// TransactGetItems and ExecuteTransaction fail with
	// TransactionCanceledException whose first cancellation reason is
	// TransactionConflict (the others None), other operations with
	// TransactionConflictException. Nothing is applied. The SDK does not
	// retry either.
	FaultTransactionConflict
)

// faultKindNames are the kinds' names, by kind.
var faultKindNames = [...]string{
	FaultThrottle:             "FaultThrottle",
	FaultInternalError:        "FaultInternalError",
	FaultUnprocessed:          "FaultUnprocessed",
	FaultDelay:                "FaultDelay",
	FaultLostResponse:         "FaultLostResponse",
	FaultReset:                "FaultReset",
	FaultSlowResponse:         "FaultSlowResponse",
	FaultThrottling:           "FaultThrottling",
	FaultRequestLimitExceeded: "FaultRequestLimitExceeded",
	FaultTransactionConflict:  "FaultTransactionConflict",
}

// String returns the kind's name ("FaultThrottle", ...).
func (k FaultKind) String() string {
	if k > 0 && int(k) < len(faultKindNames) {
		return faultKindNames[k]
	}
	return "FaultKind(" + itoa(int(k)) + ")"
}

// FaultRule injects one kind of fault into some operations.
type FaultRule struct {
	// Ops names the operations affected ("PutItem", "BatchWriteItem", ...);
	// empty means every operation.
	Ops []string
	// Kind is the fault to inject.
	Kind FaultKind
	// Rate is the probability, from 0 to 1, that the rule fires for a
	// request (for FaultUnprocessed: for each item of a batch).
	Rate float64
	// Delay is the pause of FaultDelay and FaultSlowResponse.
	Delay time.Duration
	// Status is the HTTP status FaultLostResponse answers with an empty
	// body; 0 closes the connection instead.
	Status int
}

func (r *FaultRule) matches(op string) bool {
	if len(r.Ops) == 0 {
		return true
	}
	for _, o := range r.Ops {
		if o == op {
			return true
		}
	}
	return false
}

// faultState is the live fault injector of a server.
type faultState struct {
	rules []FaultRule
	mu    sync.Mutex
	rng   *rand.Rand
}

func newFaultState(f Faults) *faultState {
	if len(f.Rules) == 0 {
		return nil
	}
	return &faultState{
		rules: append([]FaultRule(nil), f.Rules...),
		rng:   rand.New(rand.NewPCG(uint64(f.Seed), 0x9e3779b97f4a7c15)),
	}
}

func (f *faultState) draw(rate float64) bool {
	if rate <= 0 {
		return false
	}
	f.mu.Lock()
	x := f.rng.Float64()
	f.mu.Unlock()
	return x < rate
}

// netFault is what the fault rules do to a request's HTTP exchange.
type netFault struct {
	// drop fails the exchange (the listening server closes the connection,
	// the Transport returns transportError): before applying the operation for
	// FaultReset, after it for FaultLostResponse.
	drop FaultKind
	// slow holds the response this long after applying the operation.
	slow time.Duration
}

// The errors the in-process Transport returns for a dropped exchange, as
// a socket would: the SDK treats both as connection errors and retries.
var (
	errLostResponse = fmt.Errorf("ddbtest: connection closed before the response (injected lost response): %w", io.ErrUnexpectedEOF)
	errReset        = fmt.Errorf("ddbtest: read: connection reset by peer (injected): %w", syscall.ECONNRESET)
)

// transportError is the error the in-process Transport returns for the
// exchange, nil when it is not dropped.
func (nf netFault) transportError() error {
	switch nf.drop {
	case FaultLostResponse:
		return errLostResponse
	case FaultReset:
		return errReset
	}
	return nil
}

// hold waits d before a response is sent (FaultSlowResponse): it returns
// ctx's error if the client gives up first, and nil early if the server
// is closed.
func (s *Server) hold(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.stop:
	}
	return nil
}

// dropConnection fails the HTTP exchange of w without a response: it
// closes the connection, resetting it (TCP RST) when reset. A writer that
// cannot be hijacked (HTTP/2) has its handler aborted instead.
func dropConnection(w http.ResponseWriter, reset bool) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// before runs the request-level rules for op, whose request body is body:
// it may sleep, return the error to answer instead of running the
// operation, the status to answer with an empty body after running it
// (a lost response), or a fault of the HTTP exchange.
func (f *faultState) before(ctx context.Context, op string, body []byte) (nf netFault, status int, e *apiError) {
	for i := range f.rules {
		r := &f.rules[i]
		if r.Kind == FaultUnprocessed || !r.matches(op) || !f.draw(r.Rate) {
			continue
		}
		switch r.Kind {
		case FaultDelay:
			tm := time.NewTimer(r.Delay)
			select {
			case <-tm.C:
			case <-ctx.Done():
				tm.Stop()
			}
		case FaultSlowResponse:
			nf.slow = max(nf.slow, r.Delay)
		case FaultLostResponse:
			if r.Status != 0 {
				return nf, r.Status, nil
			}
			nf.drop = FaultLostResponse
			return nf, 0, nil
		case FaultReset:
			nf.drop = FaultReset
			return nf, 0, nil
		case FaultTransactionConflict:
			return nf, 0, transactionConflict(op, body)
		default:
			if mk := faultErrors[r.Kind]; mk != nil {
				return nf, 0, mk()
			}
		}
	}
	return nf, 0, nil
}

// faultErrors make the errors that fault kinds answer instead of running
// the operation.
var faultErrors = map[FaultKind]func() *apiError{
	FaultThrottle: func() *apiError {
		return dynamoError("ProvisionedThroughputExceededException", "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API. (injected by ddbtest)")
	},
	FaultInternalError: func() *apiError { return internalError("Internal server error (injected by ddbtest)") },
	FaultThrottling: func() *apiError {
		return &apiError{status: 400, typ: "com.amazon.coral.availability#ThrottlingException", msg: "Rate of requests exceeds the allowed throughput."}
	},
	FaultRequestLimitExceeded: func() *apiError {
		return dynamoError("RequestLimitExceeded", "Throughput exceeds the current throughput limit for your account. Please contact AWS Support at https://aws.amazon.com/support request a limit increase")
	},
}

// msgTransactionConflict is the message of DynamoDB's transaction conflicts.
const msgTransactionConflict = "Transaction is ongoing for the item"

// transactionConflict is the error of a request of operation op (body
// body) that meets an item in another transaction.
func transactionConflict(op string, body []byte) *apiError {
	var req struct {
		TransactItems      []json.RawMessage // TransactWriteItems, TransactGetItems
		TransactStatements []json.RawMessage // ExecuteTransaction
	}
	switch op {
	case "TransactWriteItems", "TransactGetItems", "ExecuteTransaction":
		_ = json.Unmarshal(body, &req)
	default:
		return dynamoError("TransactionConflictException", msgTransactionConflict)
	}
	reasons := make([]cancelReason, max(1, len(req.TransactItems)+len(req.TransactStatements)))
	for i := range reasons {
		reasons[i] = cancelReason{Code: "None"}
	}
	reasons[0] = cancelReason{Code: "TransactionConflict", Message: msgTransactionConflict}
	return canceledError(reasons)
}

// unprocessed returns, for a batch of n items of operation op, which items
// to leave unprocessed (nil when none).
func (f *faultState) unprocessed(op string, n int) []bool {
	if f == nil || n < 2 {
		return nil
	}
	var skip []bool
	for i := range f.rules {
		r := &f.rules[i]
		if r.Kind != FaultUnprocessed || !r.matches(op) {
			continue
		}
		if skip == nil {
			skip = make([]bool, n)
		}
		for j := range skip {
			if !skip[j] && f.draw(r.Rate) {
				skip[j] = true
			}
		}
	}
	if skip == nil {
		return nil
	}
	all := true
	for _, s := range skip {
		all = all && s
	}
	if all {
		skip[0] = false
	}
	return skip
}
