package ddb

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// Default backoff of ddb's own retries (unprocessed batch items, and
// throttling or server errors the SDK's retryer gave up on).
const (
	defaultBackoffBase = 25 * time.Millisecond
	defaultBackoffMax  = 5 * time.Second
)

// backoff is an exponential backoff policy with full jitter: before retry
// n (counting from 0) it sleeps a uniformly random duration in
// [0, min(max, base·2ⁿ)).
type backoff struct {
	base, max time.Duration
}

// delay returns the pause before retry n.
func (b backoff) delay(n int) time.Duration {
	base, ceil := b.base, b.max
	if base <= 0 {
		base = defaultBackoffBase
	}
	if ceil <= 0 {
		ceil = defaultBackoffMax
	}
	d := ceil
	if n < 62 && base<<n > 0 && base<<n < ceil {
		d = base << n
	}
	return rand.N(d) + 1
}

// errRetry is returned by a retry step to ask for another attempt after a
// backoff pause even though the step itself did not fail (for example
// because DynamoDB left some batch items unprocessed).
var errRetry = errors.New("ddb: retry")

// retryLoop runs step until it returns nil or an error that is neither
// errRetry nor retryable (see isRetryable), pausing between attempts with
// b's backoff. The attempt counter restarts at 0 after a step that made
// progress (progress reports it), so a slowly draining batch never waits
// for the maximum pause. It gives up when ctx ends, returning the last
// step error joined with ctx's error (or ctx's error alone when the last
// step only asked for a retry). This is the one retry loop of the package.
func retryLoop(ctx context.Context, b backoff, step func() (progress bool, err error)) error {
	n := 0
	for {
		progress, err := step()
		if err == nil || (err != errRetry && !isRetryable(err)) {
			return err
		}
		if progress {
			n = 0
		}
		t := time.NewTimer(b.delay(n))
		select {
		case <-ctx.Done():
			t.Stop()
			if err == errRetry {
				return ctx.Err()
			}
			return errors.Join(err, ctx.Err())
		case <-t.C:
		}
		n++
	}
}

var sdkRetryables = retry.IsErrorRetryables(retry.DefaultRetryables)

// isRetryable reports whether err is worth retrying: throttling, a server
// error (HTTP 5xx) or a transient connection error, including those the
// SDK's own retryer already gave up on. Context errors are not retryable.
func isRetryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, ErrThrottled) {
		return true
	}
	return sdkRetryables.IsErrorRetryable(err) == aws.TrueTernary
}
