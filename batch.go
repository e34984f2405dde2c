package ddb

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"iter"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoDB's per-request batch limits.
const (
	maxBatchGet   = 100
	maxBatchWrite = 25
)

// defaultBatchConcurrency is the number of batch requests in flight at once
// unless Concurrency says otherwise.
const defaultBatchConcurrency = 4

// BatchOption configures BatchGet, BatchGetAll, BatchWrite and Writer.
type BatchOption func(*batchOptions)

type batchOptions struct {
	concurrency int
	backoff     backoff
	collapse    bool
	consistent  bool
	progress    func(done int)
}

// Concurrency sets how many batch requests may be in flight at once
// (default 4). Values below 1 mean 1.
func Concurrency(n int) BatchOption {
	return func(o *batchOptions) { o.concurrency = max(n, 1) }
}

// RetryBackoff sets the exponential backoff between retries of unprocessed
// items, throttled requests and server errors: before retry n a batch
// waits a random time below min(max, base·2ⁿ) ("full jitter"). The
// defaults are 25ms and 5s. Retries go on until everything is processed,
// a non-retryable error occurs, or the context ends.
func RetryBackoff(base, max time.Duration) BatchOption {
	return func(o *batchOptions) { o.backoff = backoff{base: base, max: max} }
}

// CollapseDuplicates makes a batch accept the same key several times
// instead of failing with ErrInvalidInput: writes keep only the last write
// of each key (puts come before deletes in BatchWrite, and a Writer keeps
// call order), and reads read each key once.
func CollapseDuplicates() BatchOption {
	return func(o *batchOptions) { o.collapse = true }
}

// ConsistentReads makes BatchGet and BatchGetAll use strongly consistent
// reads.
func ConsistentReads() BatchOption {
	return func(o *batchOptions) { o.consistent = true }
}

// Progress calls fn after every batch request that processed items, with
// the number of items processed so far by the call (or by the Writer since
// it was created). Calls are serialized.
func Progress(fn func(done int)) BatchOption {
	return func(o *batchOptions) { o.progress = fn }
}

func batchOpts(opts []BatchOption) batchOptions {
	o := batchOptions{concurrency: defaultBatchConcurrency}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return o
}

// BatchError reports a batch that gave up before processing every item:
// it lists exactly the items that were not written (Unprocessed for puts,
// UnprocessedKeys for deletes) or the keys that were not read
// (UnprocessedKeys), in the caller's order, and wraps the cause (the
// context's error, or the request error, which matches ErrThrottled and
// the other sentinels as usual). Everything else was processed.
type BatchError[T any] struct {
	Op              string // "BatchWrite", "BatchGet" or "Writer"
	Table           string
	Unprocessed     []T   // put items not written
	UnprocessedKeys []Key // delete keys not applied, or keys not read
	Err             error // why the batch gave up
}

// Error implements error.
func (e *BatchError[T]) Error() string {
	return fmt.Sprintf("ddb: %s %s: %d item(s) and %d key(s) not processed: %v",
		e.Op, e.Table, len(e.Unprocessed), len(e.UnprocessedKeys), e.Err)
}

// Unwrap returns the cause.
func (e *BatchError[T]) Unwrap() error { return e.Err }

// batchReq is one put, delete or get of a batch.
type batchReq[T any] struct {
	pos  int  // position in the caller's input, for ordering
	put  bool // a put (item) rather than a delete or get (key)
	item T    // the caller's item, for puts
	key  Key  // the caller's key, for deletes and gets
	av   map[string]types.AttributeValue
	id   string // keyID of the request's key
}

// what describes r in messages.
func (r *batchReq[T]) what() string {
	if r.put {
		return "put #" + strconv.Itoa(r.pos)
	}
	return "key #" + strconv.Itoa(r.pos)
}

// keyID returns a string identifying the primary key in item (an item or a
// key), equal for equal keys whatever the spelling of numbers. It is
// readable, for messages: pk="a", sk=5.
func keyID(item map[string]types.AttributeValue, attrs []KeyAttr) string {
	var b strings.Builder
	for i, a := range attrs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.Name)
		b.WriteByte('=')
		switch v := item[a.Name].(type) {
		case *types.AttributeValueMemberS:
			b.WriteString(strconv.Quote(v.Value))
		case *types.AttributeValueMemberN:
			b.WriteString(canonicalNumber(v.Value))
		case *types.AttributeValueMemberB:
			b.WriteString("b64:")
			b.WriteString(base64.StdEncoding.EncodeToString(v.Value))
		default:
			b.WriteString("?")
		}
	}
	return b.String()
}

// canonicalNumber returns one spelling for all spellings of a number.
func canonicalNumber(s string) string {
	plain := s != "" && s != "-" && s != "0" && s[0] != '0' && !strings.HasPrefix(s, "-0")
	for i := 0; plain && i < len(s); i++ {
		plain = s[i] >= '0' && s[i] <= '9' || i == 0 && s[i] == '-'
	}
	if plain {
		return s
	}
	f, _, err := big.ParseFloat(s, 10, 200, big.ToNearestEven)
	if err != nil {
		return s
	}
	return f.Text('g', 40)
}

// dedupeReqs rejects (or, with collapse, resolves to the last one) requests for
// the same key.
func dedupeReqs[T any](op, table string, reqs []batchReq[T], collapse bool) ([]batchReq[T], error) {
	seen := make(map[string]int, len(reqs))
	out := reqs[:0:0]
	for _, r := range reqs {
		j, dup := seen[r.id]
		switch {
		case !dup:
			seen[r.id] = len(out)
			out = append(out, r)
		case collapse:
			out[j] = r
		default:
			return nil, &Error{Op: op, Table: table, Kind: ErrInvalidInput,
				Msg: fmt.Sprintf("duplicate key {%s} (%s and %s); use CollapseDuplicates to keep the last", r.id, out[j].what(), r.what())}
		}
	}
	return out, nil
}

// runChunks splits reqs into chunks of size and runs each through send,
// at most conc at a time. send processes its chunk until done or it gives
// up, returning the requests left. After the first error no new chunk
// starts; runChunks returns every request left (sorted by pos) and that
// error.
func runChunks[T any](ctx context.Context, reqs []batchReq[T], size, conc int,
	send func(ctx context.Context, chunk []batchReq[T]) ([]batchReq[T], error)) ([]batchReq[T], error) {
	var (
		mu       sync.Mutex
		left     []batchReq[T]
		firstErr error
		next     int
		wg       sync.WaitGroup
	)
	nChunks := (len(reqs) + size - 1) / size
	worker := func() {
		defer wg.Done()
		for {
			mu.Lock()
			if firstErr == nil && ctx.Err() != nil {
				firstErr = ctx.Err()
			}
			if next >= nChunks || firstErr != nil {
				mu.Unlock()
				return
			}
			i := next
			next++
			mu.Unlock()
			chunk := reqs[i*size : min((i+1)*size, len(reqs))]
			rest, err := send(ctx, chunk)
			mu.Lock()
			left = append(left, rest...)
			if err != nil && firstErr == nil {
				firstErr = err
			}
			mu.Unlock()
		}
	}
	for range min(conc, nChunks) {
		wg.Add(1)
		go worker()
	}
	wg.Wait()
	if firstErr != nil {
		left = append(left, reqs[min(next*size, len(reqs)):]...)
	}
	slices.SortFunc(left, func(a, b batchReq[T]) int { return a.pos - b.pos })
	return left, firstErr
}

// counter reports progress: it adds up processed items and calls fn.
type counter struct {
	mu   sync.Mutex
	done int
	fn   func(int)
}

func (c *counter) add(n int) {
	if n == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.done += n
	if c.fn != nil {
		c.fn(c.done)
	}
}

// pendingByID indexes pending requests by key.
func pendingByID[T any](reqs []batchReq[T]) map[string]*batchReq[T] {
	m := make(map[string]*batchReq[T], len(reqs))
	for i := range reqs {
		m[reqs[i].id] = &reqs[i]
	}
	return m
}

// retryChunk runs one batch request after another for the requests of a
// chunk, with backoff, until none is left or it gives up. send makes one
// request for pending and returns the attribute maps (items or keys) that
// the response left unprocessed.
func (t *Table[T]) retryChunk(ctx context.Context, o *batchOptions, progress *counter, chunk []batchReq[T],
	send func(pending []batchReq[T]) ([]map[string]types.AttributeValue, error)) ([]batchReq[T], error) {
	pending := chunk
	attrs := t.schema.keyAttrs()
	err := retryLoop(ctx, o.backoff, func() (bool, error) {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		un, err := send(pending)
		if err != nil {
			return false, err
		}
		if len(un) == 0 {
			progress.add(len(pending))
			pending = nil
			return true, nil
		}
		byID := pendingByID(pending)
		left := make([]batchReq[T], 0, len(un))
		for _, av := range un {
			if r, ok := byID[keyID(av, attrs)]; ok {
				left = append(left, *r)
			}
		}
		progress.add(len(pending) - len(left))
		made := len(left) < len(pending)
		pending = left
		return made, errRetry
	})
	return pending, err
}

// batchFail wraps the requests left by a batch in a *BatchError.
func (t *Table[T]) batchFail(op string, left []batchReq[T], err error) error {
	if err == nil {
		return nil
	}
	var de *Error
	if !errors.As(err, &de) { // the end of ctx, noticed between requests
		err = &Error{Op: op, Table: t.name, Err: err}
	}
	e := &BatchError[T]{Op: op, Table: t.name, Err: err}
	for _, r := range left {
		if r.put {
			e.Unprocessed = append(e.Unprocessed, r.item)
		} else {
			e.UnprocessedKeys = append(e.UnprocessedKeys, r.key)
		}
	}
	return e
}

// putReq prepares a batch put of item (automatic attributes included; a
// version is bumped but cannot be checked in a batch).
func (t *Table[T]) putReq(op string, pos int, item T, at time.Time) (batchReq[T], error) {
	av, _, err := t.preparePut(op, item, at)
	if err != nil {
		return batchReq[T]{}, err
	}
	return batchReq[T]{pos: pos, put: true, item: item, av: av, id: keyID(av, t.schema.keyAttrs())}, nil
}

// keyReq prepares a batch delete or get of key.
func (t *Table[T]) keyReq(op string, pos int, key Key) (batchReq[T], error) {
	k, err := t.keyFromValues(op, key)
	if err != nil {
		return batchReq[T]{}, err
	}
	return batchReq[T]{pos: pos, key: key, av: k, id: keyID(k, t.schema.keyAttrs())}, nil
}

// BatchWrite puts puts and deletes the items with keys deletes, with as
// many BatchWriteItem requests (25 items each, Concurrency at a time) as
// needed. Items DynamoDB leaves unprocessed, and requests that are
// throttled or hit a server error, are retried with RetryBackoff until
// done or ctx ends. Bad items or keys, and a key appearing twice (unless
// CollapseDuplicates), fail with ErrInvalidKey or ErrInvalidInput before
// any request.
//
// If it gives up, the error is a *BatchError listing exactly the puts and
// deletes not applied; all others were. Batches have no conditions:
// automatic timestamps and TTL are stored as by Put, and a version field
// is stored incremented, but the stored version is not checked.
func (t *Table[T]) BatchWrite(ctx context.Context, puts []T, deletes []Key, opts ...BatchOption) error {
	const op = "BatchWrite"
	o := batchOpts(opts)
	reqs := make([]batchReq[T], 0, len(puts)+len(deletes))
	at := now()
	for i, item := range puts {
		r, err := t.putReq(op, i, item, at)
		if err != nil {
			return err
		}
		reqs = append(reqs, r)
	}
	for i, key := range deletes {
		r, err := t.keyReq(op, len(puts)+i, key)
		if err != nil {
			return err
		}
		reqs = append(reqs, r)
	}
	return t.writeBatch(ctx, op, reqs, &o, &counter{fn: o.progress})
}

// writeBatch sends prepared writes.
func (t *Table[T]) writeBatch(ctx context.Context, op string, reqs []batchReq[T], o *batchOptions, progress *counter) error {
	reqs, err := dedupeReqs(op, t.name, reqs, o.collapse)
	if err != nil {
		return err
	}
	send := func(pending []batchReq[T]) ([]map[string]types.AttributeValue, error) {
		wr := make([]types.WriteRequest, len(pending))
		for i, r := range pending {
			if r.put {
				wr[i].PutRequest = &types.PutRequest{Item: r.av}
			} else {
				wr[i].DeleteRequest = &types.DeleteRequest{Key: r.av}
			}
		}
		out, err := t.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
			RequestItems: map[string][]types.WriteRequest{t.name: wr},
		})
		if err != nil {
			return nil, mapErr(op, t.name, err)
		}
		un := out.UnprocessedItems[t.name]
		avs := make([]map[string]types.AttributeValue, 0, len(un))
		for _, w := range un {
			switch {
			case w.PutRequest != nil:
				avs = append(avs, w.PutRequest.Item)
			case w.DeleteRequest != nil:
				avs = append(avs, w.DeleteRequest.Key)
			}
		}
		return avs, nil
	}
	left, err := runChunks(ctx, reqs, maxBatchWrite, o.concurrency, func(ctx context.Context, chunk []batchReq[T]) ([]batchReq[T], error) {
		return t.retryChunk(ctx, o, progress, chunk, send)
	})
	return t.batchFail(op, left, err)
}

// getBatch reads the items of keys, passing each item read to emit
// (serialized), and returns the *BatchError of the keys not read.
func (t *Table[T]) getBatch(ctx context.Context, op string, keys []Key, o *batchOptions, emit func(map[string]types.AttributeValue)) error {
	reqs := make([]batchReq[T], 0, len(keys))
	for i, key := range keys {
		r, err := t.keyReq(op, i, key)
		if err != nil {
			return err
		}
		reqs = append(reqs, r)
	}
	reqs, err := dedupeReqs(op, t.name, reqs, o.collapse)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	send := func(pending []batchReq[T]) ([]map[string]types.AttributeValue, error) {
		ka := types.KeysAndAttributes{Keys: make([]map[string]types.AttributeValue, len(pending))}
		for i, r := range pending {
			ka.Keys[i] = r.av
		}
		if o.consistent {
			ka.ConsistentRead = aws.Bool(true)
		}
		out, err := t.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{
			RequestItems: map[string]types.KeysAndAttributes{t.name: ka},
		})
		if err != nil {
			return nil, mapErr(op, t.name, err)
		}
		mu.Lock()
		for _, item := range out.Responses[t.name] {
			emit(item)
		}
		mu.Unlock()
		return out.UnprocessedKeys[t.name].Keys, nil
	}
	progress := &counter{fn: o.progress}
	left, err := runChunks(ctx, reqs, maxBatchGet, o.concurrency, func(ctx context.Context, chunk []batchReq[T]) ([]batchReq[T], error) {
		return t.retryChunk(ctx, o, progress, chunk, send)
	})
	return t.batchFail(op, left, err)
}

// BatchGet reads the items with the given keys with as many BatchGetItem
// requests (100 keys each, Concurrency at a time) as needed, retrying
// unprocessed keys as BatchWrite retries unprocessed items. It returns
// the items found in the order of keys; keys with no item are skipped.
// A key appearing twice fails with ErrInvalidInput before any request,
// unless CollapseDuplicates. If it gives up, the error is a *BatchError
// whose UnprocessedKeys lists the keys not read, and the items read so far
// are returned with it.
func (t *Table[T]) BatchGet(ctx context.Context, keys []Key, opts ...BatchOption) ([]T, error) {
	const op = "BatchGet"
	o := batchOpts(opts)
	got := make(map[string]map[string]types.AttributeValue, len(keys))
	attrs := t.schema.keyAttrs()
	err := t.getBatch(ctx, op, keys, &o, func(item map[string]types.AttributeValue) {
		got[keyID(item, attrs)] = item
	})
	if len(got) == 0 {
		return nil, err
	}
	out := make([]T, 0, len(got))
	for _, key := range keys {
		k, _ := t.keyFromValues(op, key)
		id := keyID(k, attrs)
		item, ok := got[id]
		if !ok {
			continue
		}
		delete(got, id)
		v, derr := t.decode(op, item)
		if derr != nil {
			return out, derr
		}
		out = append(out, v)
	}
	return out, err
}

// BatchGetAll is BatchGet as an iterator: it yields items as responses
// arrive, in no particular order, so a large read needs no slice of all
// items. An item that cannot be decoded is yielded as an error and
// iteration goes on; a failure to read (bad keys, or a *BatchError listing
// the keys not read) is yielded last. Stopping the loop early cancels the
// requests in flight.
func (t *Table[T]) BatchGetAll(ctx context.Context, keys []Key, opts ...BatchOption) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		const op = "BatchGet"
		o := batchOpts(opts)
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		type result struct {
			item map[string]types.AttributeValue
			err  error
		}
		ch := make(chan result, maxBatchGet)
		go func() {
			defer close(ch)
			err := t.getBatch(ctx, op, keys, &o, func(item map[string]types.AttributeValue) {
				select {
				case ch <- result{item: item}:
				case <-ctx.Done():
				}
			})
			if err != nil {
				ch <- result{err: err}
			}
		}()
		var zero T
		for r := range ch {
			var v T
			err := r.err
			if err == nil {
				v, err = t.decode(op, r.item)
			}
			if err != nil && !yield(zero, err) || err == nil && !yield(v, nil) {
				cancel()
				for range ch {
				}
				return
			}
		}
	}
}

// Writer buffers puts and deletes and writes them with BatchWriteItem, 25
// at a time, like boto3's batch_writer. It is safe for concurrent use.
//
//	w := users.Writer(ctx)
//	for _, u := range many {
//		if err := w.Put(u); err != nil { ... }
//	}
//	err := w.Close() // writes what is left
//
// A write fails as BatchWrite does: errors from Put, Delete, Flush and
// Close are *BatchError values listing exactly the buffered items that
// were not written (they are dropped from the buffer), or input errors
// about the item or key given. Options are those of BatchWrite;
// CollapseDuplicates resolves a key written twice within one buffer to
// the last write, which otherwise fails with ErrInvalidInput.
type Writer[T any] struct {
	t        *Table[T]
	ctx      context.Context
	o        batchOptions
	progress counter

	mu     sync.Mutex
	buf    []batchReq[T]
	ids    map[string]int // buf index by key
	n      int            // requests added so far, for positions
	closed bool
}

// Writer returns a buffered writer for the table. ctx governs every
// request it sends. Call Close when done.
func (t *Table[T]) Writer(ctx context.Context, opts ...BatchOption) *Writer[T] {
	o := batchOpts(opts)
	return &Writer[T]{t: t, ctx: ctx, o: o, progress: counter{fn: o.progress}, ids: map[string]int{}}
}

// Put adds a put of item to the buffer, writing the buffer if it is full.
func (w *Writer[T]) Put(item T) error {
	return w.add(func(pos int) (batchReq[T], error) { return w.t.putReq("Writer", pos, item, now()) })
}

// Delete adds a delete of the item with the given key (ddb.Key{pk} or
// ddb.Key{pk, sk}) to the buffer, writing the buffer if it is full.
func (w *Writer[T]) Delete(key Key) error {
	return w.add(func(pos int) (batchReq[T], error) { return w.t.keyReq("Writer", pos, key) })
}

func (w *Writer[T]) add(prepare func(pos int) (batchReq[T], error)) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return opErr("Writer", w.t.name, ErrInvalidInput, "writer is closed")
	}
	r, err := prepare(w.n)
	if err != nil {
		return err
	}
	if j, dup := w.ids[r.id]; dup {
		if !w.o.collapse {
			return &Error{Op: "Writer", Table: w.t.name, Kind: ErrInvalidInput,
				Msg: fmt.Sprintf("duplicate key {%s} in one batch (%s and %s); use CollapseDuplicates to keep the last", r.id, w.buf[j].what(), r.what())}
		}
		w.buf[j] = r
		w.n++
		return nil
	}
	w.n++
	w.ids[r.id] = len(w.buf)
	w.buf = append(w.buf, r)
	if len(w.buf) < maxBatchWrite {
		return nil
	}
	return w.flushLocked()
}

// Flush writes everything buffered.
func (w *Writer[T]) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flushLocked()
}

func (w *Writer[T]) flushLocked() error {
	if len(w.buf) == 0 {
		return nil
	}
	buf := w.buf
	w.buf = make([]batchReq[T], 0, maxBatchWrite)
	clear(w.ids)
	return w.t.writeBatch(w.ctx, "Writer", buf, &w.o, &w.progress)
}

// Close flushes the buffer and closes the writer; later Puts and Deletes
// fail. Closing twice is not an error.
func (w *Writer[T]) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	return w.flushLocked()
}
