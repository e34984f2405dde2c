package ddb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// maxTxActions is DynamoDB's limit on the actions of one transaction.
const maxTxActions = 100

// WriteTx is a write transaction: up to 100 puts, updates, deletes and
// condition checks on items of any tables, applied all together or not at
// all. Add actions with the Tx methods of each Table (TxPut, TxUpdate,
// TxDelete, TxCheck), then call Run:
//
//	tx := ddb.NewWriteTx()
//	accounts.TxUpdate(tx, ddb.Key{"alice"}, ddb.NewUpdate().Increment(ddb.Attr("balance"), -10),
//		ddb.If(ddb.Attr("balance").Ge(10)))
//	accounts.TxUpdate(tx, ddb.Key{"bob"}, ddb.NewUpdate().Increment(ddb.Attr("balance"), 10))
//	err := tx.Run(ctx, client)
//
// Actions are validated as they are added; the first problem (a bad key,
// an invalid expression, an item touched twice...) is reported by Run,
// before any request. Versioned items are checked and bumped as by Put and
// Update, and automatic timestamps are set. A WriteTx is not safe for
// concurrent use.
type WriteTx struct {
	acts   []txWrite
	ids    map[string]int // action index by table and key
	token  string
	client Client // the first table's client
	err    error
}

// txWrite is one action of a WriteTx.
type txWrite struct {
	table  string
	item   types.TransactWriteItem
	vc     versionCheck
	onFail func(map[string]types.AttributeValue) error // stores the current item on failure
}

// TxOption configures a WriteTx.
type TxOption func(*WriteTx)

// IdempotencyToken sets the transaction's ClientRequestToken (1 to 36
// characters): DynamoDB applies a transaction with the same token (and
// the same actions) at most once within ten minutes, so Run — or another
// process sending the same transaction — can be repeated safely after a
// network error. Without it, Run draws a new random token for every call,
// which all the SDK's retries of that call carry.
func IdempotencyToken(token string) TxOption {
	return func(tx *WriteTx) { tx.token = token }
}

// NewWriteTx returns an empty write transaction.
func NewWriteTx(opts ...TxOption) *WriteTx {
	tx := &WriteTx{ids: map[string]int{}}
	for _, opt := range opts {
		if opt != nil {
			opt(tx)
		}
	}
	return tx
}

// Len returns the number of actions added so far.
func (tx *WriteTx) Len() int { return len(tx.acts) }

// fail records the first error of tx.
func (tx *WriteTx) fail(err error) {
	if tx.err == nil {
		tx.err = err
	}
}

// add records an action on the item with key k of table t, rejecting a
// second action on the same item.
func (tx *WriteTx) add(op, table string, client Client, k map[string]types.AttributeValue, attrs []KeyAttr, w txWrite) {
	id := table + "\x00" + keyID(k, attrs)
	if j, dup := tx.ids[id]; dup {
		tx.fail(&Error{Op: op, Table: table, Kind: ErrInvalidInput,
			Msg: fmt.Sprintf("item {%s} is already in the transaction (action %d); DynamoDB allows one action per item", keyID(k, attrs), j)})
		return
	}
	if tx.client == nil {
		tx.client = client
	}
	tx.ids[id] = len(tx.acts)
	w.table = table
	tx.acts = append(tx.acts, w)
}

// condParts builds the condition expression of an action.
func (t *Table[T]) condParts(op string, c Condition) (*string, map[string]string, map[string]types.AttributeValue, error) {
	b := t.exprs(op)
	s, err := t.condExpr(&b, c)
	return s, b.names(), b.values(), err
}

// TxPut adds a put of item to tx, checked and completed as by Put.
// Options are those of Put, except ReturnOld.
func (t *Table[T]) TxPut(tx *WriteTx, item T, opts ...WriteOption) {
	const op = "TxPut"
	ws, err := t.setup(op, opts, 0)
	if err != nil {
		tx.fail(err)
		return
	}
	av, p, err := t.preparePut(op, item, now())
	if err != nil {
		tx.fail(err)
		return
	}
	p.withCond(ws.o.cond)
	f, err := t.writeRequest(op, ws, p)
	if err != nil {
		tx.fail(err)
		return
	}
	w := txWrite{vc: p.vc, onFail: t.onFail(op, ws.cur), item: t.txPutItem(av, f)}
	tx.add(op, t.name, t.client, av, t.schema.keyAttrs(), w)
}

// txPutItem is the transaction action putting av with the request fields
// f (TxPut, and Put with ExactlyOnce).
func (t *Table[T]) txPutItem(av map[string]types.AttributeValue, f writeFields) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(t.name), Item: av, ConditionExpression: f.cond,
		ExpressionAttributeNames: f.names, ExpressionAttributeValues: f.values,
		ReturnValuesOnConditionCheckFailure: f.onFail,
	}}
}

// TxUpdate adds an update of the item with the given key to tx. It is
// checked and completed as by Update; options are those of Update (If,
// IfVersion, CurrentOnFail), except ReturnOld and ReturnNew.
func (t *Table[T]) TxUpdate(tx *WriteTx, key Key, u *Update, opts ...WriteOption) {
	const op = "TxUpdate"
	ws, err := t.setup(op, opts, allowIfVersion)
	if err != nil {
		tx.fail(err)
		return
	}
	k, err := t.keyFromValues(op, key)
	if err != nil {
		tx.fail(err)
		return
	}
	r, err := t.buildUpdate(op, k, u, ws.vc, ws.o.cond)
	if err != nil {
		tx.fail(err)
		return
	}
	w := txWrite{vc: r.vc, onFail: t.onFail(op, ws.cur), item: t.txUpdateItem(r, ws.onFailReturn(r.vc))}
	tx.add(op, t.name, t.client, k, t.schema.keyAttrs(), w)
}

// txUpdateItem is the transaction action of the prepared update r
// (TxUpdate, and Update with ExactlyOnce).
func (t *Table[T]) txUpdateItem(r *updateReq, onFail types.ReturnValuesOnConditionCheckFailure) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(t.name), Key: r.key, UpdateExpression: &r.update,
		ConditionExpression: r.cond, ExpressionAttributeNames: r.names, ExpressionAttributeValues: r.values,
		ReturnValuesOnConditionCheckFailure: onFail,
	}}
}

// TxDelete adds a delete of the item with the given key to tx. Options
// are those of Delete (If, IfVersion, CurrentOnFail), except ReturnOld.
func (t *Table[T]) TxDelete(tx *WriteTx, key Key, opts ...WriteOption) {
	const op = "TxDelete"
	ws, err := t.setup(op, opts, allowIfVersion)
	if err != nil {
		tx.fail(err)
		return
	}
	k, err := t.keyFromValues(op, key)
	if err != nil {
		tx.fail(err)
		return
	}
	p := ws.parts()
	f, err := t.writeRequest(op, ws, p)
	if err != nil {
		tx.fail(err)
		return
	}
	w := txWrite{vc: p.vc, onFail: t.onFail(op, ws.cur), item: t.txDeleteItem(k, f)}
	tx.add(op, t.name, t.client, k, t.schema.keyAttrs(), w)
}

// txDeleteItem is the transaction action deleting the item with key k
// with the request fields f (TxDelete, and Delete with ExactlyOnce).
func (t *Table[T]) txDeleteItem(k map[string]types.AttributeValue, f writeFields) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{
		TableName: aws.String(t.name), Key: k, ConditionExpression: f.cond,
		ExpressionAttributeNames: f.names, ExpressionAttributeValues: f.values,
		ReturnValuesOnConditionCheckFailure: f.onFail,
	}}
}

// TxCheck adds to tx a check that cond holds for the item with the given
// key, without changing it: the transaction is canceled if it does not.
// The zero Condition is an error.
func (t *Table[T]) TxCheck(tx *WriteTx, key Key, cond Condition) {
	const op = "TxCheck"
	k, err := t.keyFromValues(op, key)
	if err != nil {
		tx.fail(err)
		return
	}
	if cond.IsZero() {
		tx.fail(opErr(op, t.name, ErrInvalidInput, "condition check without a condition"))
		return
	}
	c, names, values, err := t.condParts(op, cond)
	if err != nil {
		tx.fail(err)
		return
	}
	w := txWrite{item: types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName: aws.String(t.name), Key: k, ConditionExpression: c,
		ExpressionAttributeNames: names, ExpressionAttributeValues: values,
	}}}
	tx.add(op, t.name, t.client, k, t.schema.keyAttrs(), w)
}

// checkCount validates the number of actions of a transaction.
// txTarget checks a transaction before it is sent — an error recorded
// while it was built, its number of actions — and picks its client: the
// caller's, or else the first table's.
func txTarget(op string, recorded error, n int, client, first Client) (Client, error) {
	if recorded != nil {
		return nil, recorded
	}
	if err := checkCount(op, n); err != nil {
		return nil, err
	}
	if client == nil {
		client = first
	}
	return client, nil
}

func checkCount(op string, n int) error {
	switch {
	case n == 0:
		return opErr(op, "", ErrInvalidInput, "empty transaction")
	case n > maxTxActions:
		return opErr(op, "", ErrInvalidInput, "%d actions, more than DynamoDB's limit of %d", n, maxTxActions)
	}
	return nil
}

// Run applies the transaction's actions atomically with client (nil means
// the client of the first action's table). A transaction with problems
// recorded while actions were added, no action or more than 100 fails
// with ErrInvalidInput (or the recorded error's kind) before any request.
// Every attempt of one Run carries the same ClientRequestToken (see
// IdempotencyToken), so a transaction whose response was lost is not
// applied again when the SDK retries it.
//
// If DynamoDB cancels the transaction — a condition is false, a version
// conflicts, another transaction touches the same items — nothing was
// applied and the error is a *TxCanceledError, matching ErrTxCanceled, and
// also ErrConditionFailed or ErrVersionConflict when an action failed for
// that reason.
func (tx *WriteTx) Run(ctx context.Context, client Client) error {
	const op = "WriteTx"
	client, err := txTarget(op, tx.err, len(tx.acts), client, tx.client)
	if err != nil {
		return err
	}
	in := &dynamodb.TransactWriteItemsInput{TransactItems: make([]types.TransactWriteItem, len(tx.acts))}
	for i, a := range tx.acts {
		in.TransactItems[i] = a.item
	}
	// Every attempt of this Run (the SDK's retries) carries one token, so
	// DynamoDB answers the replay of an applied transaction whose response
	// was lost from its idempotency window instead of applying it again.
	// It is drawn here, not by the SDK, so that it holds with any Client,
	// and anew for every Run unless the caller gave one.
	token := tx.token
	if token == "" {
		token = newToken()
	}
	in.ClientRequestToken = aws.String(token)
	_, err = client.TransactWriteItems(ctx, in)
	if err == nil {
		return nil
	}
	return txErr(op, err, len(tx.acts), func(i int, r *TxReason) {
		a := tx.acts[i]
		r.Table = a.table
		if r.Code != "ConditionalCheckFailed" {
			return
		}
		if a.vc.conflict(r.Item) {
			r.Err = ErrVersionConflict
		}
		if a.onFail != nil {
			if err := a.onFail(r.Item); err != nil && r.Err == nil {
				r.Err = err
			}
		}
	})
}

// TxCanceledError is the error of a canceled transaction. Nothing of the
// transaction was applied. It matches ErrTxCanceled with errors.Is, and
// also ErrConditionFailed and ErrVersionConflict when some action failed
// for that reason.
type TxCanceledError struct {
	// Reasons has one entry per action, in the order they were added.
	Reasons []TxReason
	// Err is the SDK's *types.TransactionCanceledException.
	Err error
}

// TxReason is why DynamoDB canceled one action of a transaction.
type TxReason struct {
	Table   string // the action's table
	Code    string // DynamoDB's code: "None" (no problem), "ConditionalCheckFailed", "TransactionConflict", ...
	Message string // DynamoDB's message, if any
	// Item is the item stored under the action's key when the action
	// failed its condition and asked for it (CurrentOnFail, or a version
	// check), as attribute values; nil otherwise.
	Item map[string]types.AttributeValue
	// Err is the sentinel of the action's failure: ErrConditionFailed or
	// ErrVersionConflict for a failed condition, ErrTxConflict,
	// ErrThrottled, ErrValidation... for the other codes; nil for "None".
	Err error
}

// Error implements error.
func (e *TxCanceledError) Error() string {
	var b strings.Builder
	b.WriteString("ddb: transaction canceled")
	sep := ": "
	for i, r := range e.Reasons {
		if r.Code == "" || r.Code == "None" {
			continue
		}
		b.WriteString(sep)
		sep = "; "
		b.WriteString("action " + strconv.Itoa(i))
		if r.Table != "" {
			b.WriteString(" (" + r.Table + ")")
		}
		b.WriteString(": " + r.Code)
		if r.Message != "" {
			b.WriteString(": " + r.Message)
		}
	}
	return b.String()
}

// Unwrap returns ErrTxCanceled, the sentinels of the actions' failures
// (a version conflict matching ErrConditionFailed too, as for a single
// write) and the SDK's exception.
func (e *TxCanceledError) Unwrap() []error {
	errs := []error{ErrTxCanceled}
	for _, r := range e.Reasons {
		kinds := []error{r.Err}
		if r.Err == ErrVersionConflict {
			kinds = append(kinds, ErrConditionFailed)
		}
		for _, k := range kinds {
			if k != nil && !slices.Contains(errs, k) {
				errs = append(errs, k)
			}
		}
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// txErr maps the error of a transaction request with n actions: a
// TransactionCanceledException becomes a *TxCanceledError whose reasons
// complete fills in; other errors are mapped as usual.
func txErr(op string, err error, n int, complete func(i int, r *TxReason)) error {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return mapErr(op, "", err)
	}
	e := &TxCanceledError{Reasons: make([]TxReason, n), Err: err}
	for i := range e.Reasons {
		r := &e.Reasons[i]
		if i < len(tce.CancellationReasons) {
			cr := tce.CancellationReasons[i]
			r.Code, r.Message, r.Item = aws.ToString(cr.Code), aws.ToString(cr.Message), cr.Item
			r.Err = codeKind(r.Code)
		}
		complete(i, r)
	}
	return e
}

// GetTx reads up to 100 items of any tables in one consistent snapshot
// (TransactGetItems). Add reads with each Table's TxGet, then call Run:
//
//	var u *User
//	var o *Order
//	tx := ddb.NewGetTx()
//	users.TxGet(tx, ddb.Key{"u1"}, &u)
//	orders.TxGet(tx, ddb.Key{"u1", "o7"}, &o)
//	err := tx.Run(ctx, client) // u and o are nil when absent
type GetTx struct {
	acts   []txGet
	ids    map[string]bool
	client Client
	err    error
}

// txGet is one read of a GetTx.
type txGet struct {
	get   types.TransactGetItem
	table string
	set   func(map[string]types.AttributeValue) error
}

// NewGetTx returns an empty read transaction.
func NewGetTx() *GetTx { return &GetTx{ids: map[string]bool{}} }

// TxGet adds to tx a read of the item with the given key, to be stored in
// *dst by Run: a new *T, or nil when there is no such item.
func (t *Table[T]) TxGet(tx *GetTx, key Key, dst **T) {
	const op = "TxGet"
	if dst == nil {
		tx.fail(opErr(op, t.name, ErrInvalidInput, "nil destination"))
		return
	}
	k, err := t.keyFromValues(op, key)
	if err != nil {
		tx.fail(err)
		return
	}
	id := t.name + "\x00" + keyID(k, t.schema.keyAttrs())
	if tx.ids[id] {
		tx.fail(opErr(op, t.name, ErrInvalidInput, "item {%s} is already read by the transaction", keyID(k, t.schema.keyAttrs())))
		return
	}
	tx.ids[id] = true
	if tx.client == nil {
		tx.client = t.client
	}
	tx.acts = append(tx.acts, txGet{
		get:   types.TransactGetItem{Get: &types.Get{TableName: aws.String(t.name), Key: k}},
		table: t.name,
		set:   func(item map[string]types.AttributeValue) error { return t.storeOld(op, dst, item) },
	})
}

func (tx *GetTx) fail(err error) {
	if tx.err == nil {
		tx.err = err
	}
}

// Len returns the number of reads added so far.
func (tx *GetTx) Len() int { return len(tx.acts) }

// Run reads every item of the transaction with client (nil means the
// client of the first read's table) and stores them in their destinations.
// Problems recorded by TxGet, no read or more than 100 fail before any
// request; a transaction DynamoDB cancels (for example because a write
// transaction is changing the items) fails with a *TxCanceledError.
func (tx *GetTx) Run(ctx context.Context, client Client) error {
	const op = "GetTx"
	client, err := txTarget(op, tx.err, len(tx.acts), client, tx.client)
	if err != nil {
		return err
	}
	in := &dynamodb.TransactGetItemsInput{TransactItems: make([]types.TransactGetItem, len(tx.acts))}
	for i, a := range tx.acts {
		in.TransactItems[i] = a.get
	}
	out, err := client.TransactGetItems(ctx, in)
	if err != nil {
		return txErr(op, err, len(tx.acts), func(i int, r *TxReason) { r.Table = tx.acts[i].table })
	}
	for i, a := range tx.acts {
		var item map[string]types.AttributeValue
		if i < len(out.Responses) {
			item = out.Responses[i].Item
		}
		if err := a.set(item); err != nil {
			return err
		}
	}
	return nil
}
