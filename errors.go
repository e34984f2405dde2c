package ddb

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Every error ddb returns that belongs to one of these
// classes matches it with errors.Is; use errors.As with *Error for the
// table, operation and field involved.
var (
	// ErrNotFound: the item asked for does not exist.
	ErrNotFound = errors.New("ddb: item not found")
	// ErrConditionFailed: a condition expression evaluated to false.
	ErrConditionFailed = errors.New("ddb: condition failed")
	// ErrVersionConflict: the stored item's version is not the one the write expected.
	ErrVersionConflict = errors.New("ddb: version conflict")
	// ErrInvalidKey: missing, extra or wrongly typed key values.
	ErrInvalidKey = errors.New("ddb: invalid key")
	// ErrInvalidSchema: a Go type cannot describe a table (no partition key, two sort keys, ...).
	ErrInvalidSchema = errors.New("ddb: invalid schema")
	// ErrInvalidExpression: a condition, filter, projection or update cannot be built.
	ErrInvalidExpression = errors.New("ddb: invalid expression")
	// ErrInvalidCursor: a pagination cursor is malformed, tampered with or from another query.
	ErrInvalidCursor = errors.New("ddb: invalid cursor")
	// ErrUnsupportedType: the codec cannot encode or decode a Go type.
	ErrUnsupportedType = errors.New("ddb: unsupported type")
	// ErrInvalidValue: a value the codec cannot represent (NaN, Inf, out-of-range number, mismatched attribute type).
	ErrInvalidValue = errors.New("ddb: invalid value")
	// ErrInvalidInput: any other argument rejected before a request (empty update, too many actions, duplicate keys...).
	ErrInvalidInput = errors.New("ddb: invalid input")
	// ErrThrottled: DynamoDB rejected the request for exceeding throughput, after the SDK's retries.
	ErrThrottled = errors.New("ddb: throttled")
	// ErrTableNotFound: the table (or index) does not exist.
	ErrTableNotFound = errors.New("ddb: table not found")
	// ErrTxCanceled: a transaction was canceled; errors.As with *TxCanceledError gives the reasons.
	ErrTxCanceled = errors.New("ddb: transaction canceled")
	// ErrUnknownAttribute: an expression of a Table[T] names a top-level
	// attribute that struct T does not store (see AllowExtraAttributes). It
	// also matches ErrInvalidExpression.
	ErrUnknownAttribute = fmt.Errorf("ddb: unknown attribute (%w)", ErrInvalidExpression)
	// ErrValidation: DynamoDB rejected the request as invalid (ValidationException).
	ErrValidation = errors.New("ddb: validation failed")
	// ErrIdempotentMismatch: a transaction's idempotency token was reused
	// with different actions (IdempotentParameterMismatchException).
	ErrIdempotentMismatch = errors.New("ddb: idempotency token reused with other parameters")
	// ErrTxConflict: another transaction or write is in progress on the same
	// items (TransactionConflictException, TransactionInProgressException,
	// ReplicatedWriteConflictException, or a transaction action's
	// TransactionConflict reason).
	ErrTxConflict = errors.New("ddb: transaction conflict")
	// ErrItemCollectionTooLarge: a local secondary index's item collection
	// would exceed 10 GB (ItemCollectionSizeLimitExceededException).
	ErrItemCollectionTooLarge = errors.New("ddb: item collection size limit exceeded")
	// ErrLimitExceeded: too many concurrent control-plane operations or
	// another account limit (LimitExceededException).
	ErrLimitExceeded = errors.New("ddb: limit exceeded")
	// ErrResourceInUse: the table, index or backup is being created,
	// updated or deleted, or already exists (ResourceInUseException and the
	// other ...InUse / ...AlreadyExists / ...Conflict exceptions).
	ErrResourceInUse = errors.New("ddb: resource in use")
	// ErrInternal: DynamoDB failed (InternalServerError, HTTP 5xx) after the retries.
	ErrInternal = errors.New("ddb: internal server error")
	// ErrRequest: any other failure of a request: a connection error, an
	// exception ddb has no sentinel for. The end of the request's context
	// is not one of these: it matches context.Canceled or
	// context.DeadlineExceeded instead (and is still a *Error).
	ErrRequest = errors.New("ddb: request failed")
)

// Error describes a failed ddb operation. It wraps a sentinel above (Kind)
// and, when there is one, the underlying cause such as the SDK's typed
// exception, so both errors.Is(err, ddb.ErrConditionFailed) and
// errors.As(err, &*types.ConditionalCheckFailedException) work.
type Error struct {
	Op    string // ddb operation, e.g. "Put", "Query"
	Table string // table name, when known
	Field string // attribute or Go field involved, when known
	Kind  error  // one of the sentinel errors, or nil
	Msg   string // human detail
	Err   error  // underlying cause, or nil
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("ddb: ")
	if e.Op != "" {
		b.WriteString(e.Op)
	}
	if e.Table != "" {
		b.WriteString(" ")
		b.WriteString(e.Table)
	}
	if e.Field != "" {
		b.WriteString(" (field ")
		b.WriteString(e.Field)
		b.WriteString(")")
	}
	if e.Op != "" || e.Table != "" || e.Field != "" {
		b.WriteString(": ")
	}
	switch {
	case e.Msg != "":
		b.WriteString(e.Msg)
	case e.Kind != nil:
		b.WriteString(strings.TrimPrefix(e.Kind.Error(), "ddb: "))
	}
	if e.Err != nil {
		if e.Msg != "" || e.Kind != nil {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the sentinel kind and the cause.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}
