package ddbtest

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// Faults describes failures the server injects, for testing retries and
// error handling. Decisions are drawn from a pseudo-random sequence seeded
// with Seed, so a sequential test sees the same faults on every run; under
// concurrency the sequence is shared and the assignment of draws to
// requests follows arrival order.
type Faults struct {
	// Seed seeds the random sequence.
	Seed int64
	// Rules are checked in order for every request; every matching rule
	// draws, and the first that fires decides the request's fate (a
	// FaultDelay rule delays the request and lets later rules draw too).
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
)

// String returns the kind's name ("FaultThrottle", ...).
func (k FaultKind) String() string {
	switch k {
	case FaultThrottle:
		return "FaultThrottle"
	case FaultInternalError:
		return "FaultInternalError"
	case FaultUnprocessed:
		return "FaultUnprocessed"
	case FaultDelay:
		return "FaultDelay"
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
	// Delay is FaultDelay's pause.
	Delay time.Duration
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

// before runs the request-level rules for op: it may sleep, or return the
// error to answer instead of running the operation.
func (f *faultState) before(ctx context.Context, op string) *apiError {
	for i := range f.rules {
		r := &f.rules[i]
		if r.Kind == FaultUnprocessed || !r.matches(op) || !f.draw(r.Rate) {
			continue
		}
		switch r.Kind {
		case FaultThrottle:
			return dynamoError("ProvisionedThroughputExceededException", "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API. (injected by ddbtest)")
		case FaultInternalError:
			return internalError("Internal server error (injected by ddbtest)")
		case FaultDelay:
			tm := time.NewTimer(r.Delay)
			select {
			case <-tm.C:
			case <-ctx.Done():
				tm.Stop()
			}
		}
	}
	return nil
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
