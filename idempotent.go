package ddb

// Exactly-once single writes: a write sent as a one-action
// TransactWriteItems with a ClientRequestToken of its own, which DynamoDB
// applies at most once however many times the SDK retries it.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// ExactlyOnce makes a Put, Create, Replace, Update, UpdateFields or Delete
// apply at most once however often the SDK retries it, and report its
// true outcome after a lost response or a reset connection: the write is
// sent as a one-action TransactWriteItems whose ClientRequestToken is
// drawn once per call and kept by every attempt, so DynamoDB answers a
// replay of an applied write from its idempotency window (ten minutes)
// instead of applying it again or failing its condition. Use it for
// writes that are not idempotent by themselves — an unconditional
// Increment or Add, an Append — and where a retried conditional write
// cannot be recognised from the item alone (see the README's Reliability
// section).
//
// It costs twice the write capacity of the plain write. ReturnOld, and
// ReturnNew of an Update or UpdateFields, are not available (a
// transaction returns neither): they fail with ErrInvalidInput before any
// request; Put's ReturnNew, which needs no response, works. A failed
// condition still fails with ErrConditionFailed or ErrVersionConflict
// (CurrentOnFail works), wrapping the SDK's
// *types.TransactionCanceledException instead of a
// *types.ConditionalCheckFailedException. A write that meets a
// transaction in progress on its item fails with ErrTxConflict; it was
// not applied. Transaction actions (TxPut, ...) do not take ExactlyOnce:
// WriteTx.Run gives every transaction a token already.
//
//	err := counters.Update(ctx, ddb.Key{"page:/"}, ddb.NewUpdate().Increment(ddb.Attr("views"), 1), ddb.ExactlyOnce())
func ExactlyOnce() WriteOption {
	return func(o *writeOptions) { o.x.once = true }
}

// newToken returns a new ClientRequestToken: 32 random hex digits
// (DynamoDB accepts 1 to 36 characters).
func newToken() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// runOnce applies the single write action as a one-action transaction
// with a token of its own (ExactlyOnce), and maps its failure as the
// plain write's: a failed condition to ErrConditionFailed or
// ErrVersionConflict (storing the current item in *cur), another
// cancellation reason to its sentinel.
func (t *Table[T]) runOnce(ctx context.Context, op string, action types.TransactWriteItem, vc versionCheck, cur **T) error {
	_, err := t.client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{
		TransactItems:      []types.TransactWriteItem{action},
		ClientRequestToken: aws.String(newToken()),
	})
	var tce *types.TransactionCanceledException
	if err == nil || !errors.As(err, &tce) || len(tce.CancellationReasons) == 0 {
		return mapErr(op, t.name, err)
	}
	r := tce.CancellationReasons[0]
	code := aws.ToString(r.Code)
	kind := codeKind(code)
	if kind == nil {
		kind = ErrTxCanceled
	}
	e := &Error{Op: op, Table: t.name, Kind: kind, Msg: aws.ToString(r.Message), Err: err}
	if kind != ErrConditionFailed {
		return e
	}
	return t.condFailed(op, e, r.Item, vc, cur)
}
