package ddb

import (
	"context"
	"errors"
	"iter"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

// StreamsClient is the part of the DynamoDB Streams API that Changes uses.
// *dynamodbstreams.Client implements it.
type StreamsClient interface {
	DescribeStream(ctx context.Context, in *dynamodbstreams.DescribeStreamInput, optFns ...func(*dynamodbstreams.Options)) (*dynamodbstreams.DescribeStreamOutput, error)
	GetShardIterator(ctx context.Context, in *dynamodbstreams.GetShardIteratorInput, optFns ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetShardIteratorOutput, error)
	GetRecords(ctx context.Context, in *dynamodbstreams.GetRecordsInput, optFns ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetRecordsOutput, error)
}

var _ StreamsClient = (*dynamodbstreams.Client)(nil)

// ChangeKind says what a stream record did to its item.
type ChangeKind int

// The kinds of change, from a stream record's eventName.
const (
	Insert ChangeKind = iota + 1 // INSERT: a new item
	Modify                       // MODIFY: an existing item changed
	Remove                       // REMOVE: an item was deleted (or expired by TTL)
)

// changeKinds maps stream event names to kinds.
var changeKinds = map[stypes.OperationType]ChangeKind{
	stypes.OperationTypeInsert: Insert,
	stypes.OperationTypeModify: Modify,
	stypes.OperationTypeRemove: Remove,
}

// String returns the stream's event name of k (INSERT, MODIFY, REMOVE).
func (k ChangeKind) String() string {
	for op, kind := range changeKinds {
		if kind == k {
			return string(op)
		}
	}
	return "ChangeKind(?)"
}

// Change is one item-level change read from a table's stream.
type Change[T any] struct {
	Kind ChangeKind
	// Old and New are the item before and after the change, decoded like
	// Get's result; nil when the change has none (no Old on Insert, no New
	// on Remove) or the stream's view type does not carry it.
	Old, New *T
	// Key is the item's primary key attributes.
	Key map[string]types.AttributeValue
	// SequenceNumber is the record's sequence number in its shard.
	SequenceNumber string
	// Time is the record's approximate creation time.
	Time time.Time
	// Position is an opaque, checksummed position after this change:
	// Changes with FromPosition(Position) resumes with the next change.
	Position string
}

// ChangeOption configures Changes.
type ChangeOption func(*changeOptions)

type changeOptions struct {
	start stypes.ShardIteratorType // TRIM_HORIZON or LATEST, unless pos is set
	pos   string
	poll  time.Duration
}

// Default pause between reads of an open shard that had no new records;
// it grows with backoff to defaultPollMax while the shard stays empty.
const (
	defaultPoll    = 250 * time.Millisecond
	defaultPollMax = 5 * time.Second
)

// FromTrimHorizon starts with the oldest record the stream still holds
// (the default).
func FromTrimHorizon() ChangeOption {
	return func(o *changeOptions) { o.start, o.pos = stypes.ShardIteratorTypeTrimHorizon, "" }
}

// FromLatest starts with the changes made after Changes reads the stream.
// A Position taken before any change of some open shard was read resumes
// that shard from its oldest record, which may precede the start.
func FromLatest() ChangeOption {
	return func(o *changeOptions) { o.start, o.pos = stypes.ShardIteratorTypeLatest, "" }
}

// FromPosition resumes after pos, the Position of a change a previous feed
// of the same table yielded: the feed yields the changes strictly after it,
// with no gap and no repeat. A position that is malformed, modified or from
// another table fails with ErrInvalidCursor. A position older than the
// stream's 24-hour retention, whose shards or next records were trimmed,
// resumes at the oldest records the stream still holds, after yielding
// ErrTrimmed.
func FromPosition(pos string) ChangeOption {
	return func(o *changeOptions) { o.pos = pos }
}

// PollInterval sets the first pause before reading again an open shard
// that had no new records (default 250ms). Pauses grow with the package's
// jittered exponential backoff, up to 20 times d, while the shard stays
// empty, and start over after a read that returned records.
func PollInterval(d time.Duration) ChangeOption {
	return func(o *changeOptions) { o.poll = d }
}

// Changes reads the table's stream (see the table's DescribeTable
// LatestStreamArn) through sc and yields its changes, decoded into T, as
// they are written. It follows shard lineage: a shard is read only once
// its parent was read to its end, and the readable shards (the children
// of a split, the shards of other partitions) are read at the same time,
// their changes merged as they arrive, with at most 8 reads in flight. An
// item's changes are in one shard at a time, so they come in order. A
// shard whose parent is no longer listed (trimmed by the stream's
// retention) is read at once. An open shard is polled (see PollInterval).
// The sequence ends with an error (a failed request, ctx's end, an
// undecodable image) other than ErrTrimmed, or when the stream was
// disabled and every shard read; breaking out of the loop stops it at once
// and leaves no goroutine. A SingleTable's feed is its
// Table().Changes, whose items are of their entity types.
func (t *Table[T]) Changes(ctx context.Context, sc StreamsClient, opts ...ChangeOption) iter.Seq2[Change[T], error] {
	o := changeOptions{start: stypes.ShardIteratorTypeTrimHorizon, poll: defaultPoll}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return func(yield func(Change[T], error) bool) {
		f := &feed[T]{t: t, sc: sc, o: o, pos: map[string]string{}, active: map[string]*shardRead{}}
		if err := f.run(ctx, yield); err != nil {
			yield(Change[T]{}, err)
		}
	}
}

const changesOp = "Changes"

// ErrTrimmed is yielded by Changes, with an empty Change, when changes
// after the feed's position may have been lost to the stream's 24-hour
// retention: a position (or a feed fallen behind) older than that, whose
// shard or next records are gone. It is the one error after which the
// feed goes on if the loop continues, as DynamoDB's Kinesis client does,
// from the oldest records the stream still holds; a consumer that cannot
// tolerate the gap stops and rebuilds its state (from a Scan, say).
var ErrTrimmed = errors.New("ddb: stream records trimmed")

// errStopped ends a feed whose consumer broke out of the loop.
var errStopped = errors.New("ddb: feed stopped")

// maxShardReads bounds the reads (and goroutines) a feed has in flight.
const maxShardReads = 8

// Shard states in a position besides a sequence number.
const (
	shardStarted = ""  // read from its start, no change yielded yet
	shardEnded   = "*" // read to its end
)

// feed is the state of one Changes iteration. Only the goroutine running
// the iteration touches it, but for the shardRead a fetch has in flight.
type feed[T any] struct {
	t   *Table[T]
	sc  StreamsClient
	o   changeOptions
	arn string
	// pos is the position: for each shard being read, or read to its end
	// while its children are not, the last sequence number yielded (or a
	// shard state). The shards it names and their ancestors are read; the
	// others are not.
	pos     map[string]string
	legacy  string                // the shard of a version 1 position, until the first describe
	active  map[string]*shardRead // the shards being read
	parents map[string]string     // shard -> parent, of the last DescribeStream
	enabled bool                  // the stream was enabled at the last DescribeStream
	first   bool                  // the first DescribeStream is done
	trimmed bool                  // changes were lost to retention: yield ErrTrimmed
	busy    int                   // fetches in flight
	results chan fetched
	wg      sync.WaitGroup
}

// shardRead is the reading of one shard.
type shardRead struct {
	id      string
	start   *dynamodbstreams.GetShardIteratorInput // gets an iterator after the last change yielded
	it      *string                                // the next read's iterator, nil to get one
	empties int                                    // empty reads in a row
	due     time.Time                              // next read not before
	busy    bool                                   // a fetch is in flight
}

// fetched is the result of one fetch.
type fetched struct {
	r       *shardRead
	recs    []stypes.Record
	end     bool // the shard was read to its end
	trimmed bool // records to read were lost to retention
	err     error
}

// run reads the stream until it ends, an error or a stop, and then waits
// for its fetches.
func (f *feed[T]) run(ctx context.Context, yield func(Change[T], error) bool) error {
	ctx, cancel := context.WithCancel(ctx)
	f.results = make(chan fetched, maxShardReads) // fetches never block on it
	defer func() {
		cancel()
		f.wg.Wait()
	}()
	err := f.loop(ctx, yield)
	if errors.Is(err, errStopped) {
		return nil
	}
	return mapErr(changesOp, f.t.name, err)
}

// loop describes the stream when its shards may have changed, starts
// fetches of the shards due, and yields what they read.
func (f *feed[T]) loop(ctx context.Context, yield func(Change[T], error) bool) error {
	if err := f.begin(ctx); err != nil {
		return err
	}
	describeDue, describes := time.Now(), 0
	timer := time.NewTimer(time.Hour) // since Go 1.23, Reset and Stop need no draining
	defer timer.Stop()
	for {
		now := time.Now()
		if !describeDue.IsZero() && !now.Before(describeDue) {
			waiting, err := f.refresh(ctx)
			if err != nil {
				return err
			}
			if err := f.yieldTrimmed(yield); err != nil {
				return err
			}
			switch {
			case len(f.active) == 0 && !f.enabled:
				return nil // the disabled stream is read
			case waiting || len(f.active) == 0:
				describeDue = now.Add(f.backoff().delay(describes))
				describes++
			default:
				describeDue, describes = time.Time{}, 0
			}
		}
		wake := describeDue
		for _, r := range f.active {
			switch {
			case r.busy || f.busy == maxShardReads: // a fetch's result wakes the loop
			case !now.Before(r.due):
				r.busy = true
				f.busy++
				f.wg.Add(1)
				go f.fetch(ctx, r)
			case wake.IsZero() || r.due.Before(wake):
				wake = r.due
			}
		}
		timer.Stop()
		if !wake.IsZero() {
			timer.Reset(time.Until(wake))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		case res := <-f.results:
			end, err := f.yieldFetched(res, yield)
			if err != nil {
				return err
			}
			if end {
				describeDue, describes = time.Now(), 0 // look for the shard's children
			}
		}
	}
}

// yieldFetched yields the changes of a fetch and schedules the shard's
// next read; it reports whether the shard was read to its end.
func (f *feed[T]) yieldFetched(res fetched, yield func(Change[T], error) bool) (bool, error) {
	r := res.r
	r.busy = false
	f.busy--
	if res.err != nil {
		return false, res.err
	}
	f.trimmed = f.trimmed || res.trimmed
	if err := f.yieldTrimmed(yield); err != nil {
		return false, err
	}
	for _, rec := range res.recs {
		ch, err := f.change(r.id, rec)
		if err != nil {
			return false, err
		}
		if !yield(ch, nil) {
			return false, errStopped
		}
		r.start.ShardIteratorType, r.start.SequenceNumber = stypes.ShardIteratorTypeAfterSequenceNumber, aws.String(ch.SequenceNumber)
	}
	switch {
	case res.end:
		delete(f.active, r.id)
		f.pos[r.id] = shardEnded
		return true, nil
	case len(res.recs) == 0:
		r.due = time.Now().Add(f.backoff().delay(r.empties))
		r.empties++
	default:
		r.due, r.empties = time.Time{}, 0
	}
	return false, nil
}

// yieldTrimmed yields ErrTrimmed if changes were lost since it last did.
func (f *feed[T]) yieldTrimmed(yield func(Change[T], error) bool) error {
	if !f.trimmed {
		return nil
	}
	f.trimmed = false
	if !yield(Change[T]{}, opErr(changesOp, f.t.name, ErrTrimmed, "changes after the position were trimmed from the stream; reading on from its oldest records")) {
		return errStopped
	}
	return nil
}

// fetch reads the next records of r (getting an iterator first if it has
// none), retrying throttling and expired iterators with the package's
// backoff, and sends the result to f.results. A shard gone or trimmed
// past r's next record is read from its trim horizon, or as ended.
func (f *feed[T]) fetch(ctx context.Context, r *shardRead) {
	defer f.wg.Done()
	res := fetched{r: r}
	res.err = retryLoop(ctx, f.backoff(), func() (bool, error) {
		var out *dynamodbstreams.GetRecordsOutput
		err := error(nil)
		if r.it == nil {
			var it *dynamodbstreams.GetShardIteratorOutput
			if it, err = f.sc.GetShardIterator(ctx, r.start); err == nil {
				r.it = it.ShardIterator
			}
		}
		if err == nil {
			out, err = f.sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: r.it})
		}
		var expired *stypes.ExpiredIteratorException
		var trimmed *stypes.TrimmedDataAccessException
		var gone *stypes.ResourceNotFoundException
		switch {
		case errors.As(err, &expired):
			r.it = nil // resume after the last change yielded
			return false, errRetry
		case errors.As(err, &trimmed):
			r.it, res.trimmed = nil, true
			r.start.ShardIteratorType, r.start.SequenceNumber = stypes.ShardIteratorTypeTrimHorizon, nil
			return false, errRetry
		case errors.As(err, &gone):
			// The shard was trimmed: refresh, finding it no longer
			// listed, signals it (or fails if the stream is gone).
			res.end = true
			return true, nil
		case err != nil:
			return false, err
		}
		res.recs, r.it, res.end = out.Records, out.NextShardIterator, out.NextShardIterator == nil
		return true, nil
	})
	f.results <- res
}

// begin finds the stream: the position's, or the table's latest.
func (f *feed[T]) begin(ctx context.Context) error {
	if f.o.pos != "" {
		p, err := f.t.decodePosition(f.o.pos)
		if err != nil {
			return err
		}
		f.arn, f.pos, f.legacy = p.Stream, p.Shards, p.legacy
		return nil
	}
	d, err := f.t.client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(f.t.name)})
	if err != nil {
		return err
	}
	if d.Table == nil || d.Table.LatestStreamArn == nil {
		return opErr(changesOp, f.t.name, ErrInvalidInput, "table %q has no stream", f.t.name)
	}
	f.arn = *d.Table.LatestStreamArn
	return nil
}

// refresh describes the stream and starts reading the shards that became
// readable: those the position names as being read, and the unread ones
// whose parent was read (or is gone). It reports whether a shard read to
// its end still waits for its children to be listed.
func (f *feed[T]) refresh(ctx context.Context) (waiting bool, err error) {
	var shards []stypes.Shard
	err = retryLoop(ctx, f.backoff(), func() (bool, error) {
		var err error
		shards, f.enabled, err = f.describe(ctx)
		return false, err
	})
	if err != nil {
		return false, err
	}
	order := lineageOrder(shards)
	f.parents = make(map[string]string, len(shards))
	for _, s := range shards {
		f.parents[aws.ToString(s.ShardId)] = aws.ToString(s.ParentShardId)
	}
	if !f.first {
		f.first = true
		f.resume(order)
	}
	read := f.ancestors()
	for _, s := range order {
		id := aws.ToString(s.ShardId)
		q, named := f.pos[id]
		if read[id] || f.active[id] != nil || q == shardEnded {
			continue
		}
		if !named { // unread: readable once its parent was read
			p := f.parents[id]
			if _, listed := f.parents[p]; listed && f.pos[p] != shardEnded && !read[p] {
				continue
			}
			f.pos[id] = shardStarted
		}
		start := &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(f.arn), ShardId: aws.String(id),
			ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon}
		if q != shardStarted {
			start.ShardIteratorType, start.SequenceNumber = stypes.ShardIteratorTypeAfterSequenceNumber, aws.String(q)
		}
		f.active[id] = &shardRead{id: id, start: start}
	}
	// Forget the shards that are gone (trimmed, with the changes after the
	// position in them, or maybe in their children's trimmed records), and
	// the ended shards whose children are named.
	read = f.ancestors()
	hasChild := map[string]bool{}
	for _, p := range f.parents {
		hasChild[p] = true
	}
	for id, q := range f.pos {
		_, listed := f.parents[id]
		switch {
		case !listed && f.active[id] == nil:
			delete(f.pos, id)
			f.trimmed = true
		case q != shardEnded:
		case read[id]:
			delete(f.pos, id)
		case !hasChild[id]:
			waiting = f.enabled
		}
	}
	return waiting, nil
}

// resume adapts the start to the first listing of the stream's shards, in
// lineage order: it marks as read the shards a version 1 position or
// FromLatest skips. (The shards a position names that are no longer listed
// are dropped by refresh.)
func (f *feed[T]) resume(order []stypes.Shard) {
	switch {
	case f.o.pos != "":
		// A version 1 position whose shard is listed: the shards before
		// its own in lineage order were read.
		if _, listed := f.parents[f.legacy]; !listed {
			return
		}
		for i := 0; i < len(order) && aws.ToString(order[i].ShardId) != f.legacy; i++ {
			f.pos[aws.ToString(order[i].ShardId)] = shardEnded
		}
	case f.o.start == stypes.ShardIteratorTypeLatest:
		for _, s := range order {
			id := aws.ToString(s.ShardId)
			if s.SequenceNumberRange != nil && s.SequenceNumberRange.EndingSequenceNumber != nil {
				f.pos[id] = shardEnded
				continue
			}
			f.pos[id] = shardStarted
			f.active[id] = &shardRead{id: id, start: &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(f.arn),
				ShardId: aws.String(id), ShardIteratorType: stypes.ShardIteratorTypeLatest}}
		}
	}
}

// ancestors returns the listed ancestors of the shards the position
// names: they were read.
func (f *feed[T]) ancestors() map[string]bool {
	read := map[string]bool{}
	for id := range f.pos {
		for p := f.parents[id]; p != "" && !read[p]; p = f.parents[p] {
			read[p] = true
		}
	}
	return read
}

// describe lists the stream's shards (all pages) and reports whether the
// stream is still enabled.
func (f *feed[T]) describe(ctx context.Context) ([]stypes.Shard, bool, error) {
	var shards []stypes.Shard
	in := &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(f.arn)}
	for {
		out, err := f.sc.DescribeStream(ctx, in)
		if err != nil {
			return nil, false, err
		}
		d := out.StreamDescription
		if d == nil {
			return shards, false, nil
		}
		shards = append(shards, d.Shards...)
		if d.LastEvaluatedShardId == nil {
			return shards, d.StreamStatus != stypes.StreamStatusDisabled, nil
		}
		in.ExclusiveStartShardId = d.LastEvaluatedShardId
	}
}

// lineageOrder sorts shards parents first, siblings (and roots) by id.
func lineageOrder(shards []stypes.Shard) []stypes.Shard {
	byID := make(map[string]bool, len(shards))
	children := map[string][]stypes.Shard{}
	for _, s := range shards {
		byID[aws.ToString(s.ShardId)] = true
	}
	var roots []stypes.Shard
	for _, s := range shards {
		if p := aws.ToString(s.ParentShardId); p != "" && byID[p] {
			children[p] = append(children[p], s)
		} else {
			roots = append(roots, s)
		}
	}
	byShardID := func(l []stypes.Shard) {
		sort.Slice(l, func(i, j int) bool { return aws.ToString(l[i].ShardId) < aws.ToString(l[j].ShardId) })
	}
	var out []stypes.Shard
	for level := roots; len(level) > 0; {
		byShardID(level)
		out = append(out, level...)
		var nextLevel []stypes.Shard
		for _, s := range level {
			nextLevel = append(nextLevel, children[aws.ToString(s.ShardId)]...)
		}
		level = nextLevel
	}
	return out
}

// backoff is the pause policy between empty reads.
func (f *feed[T]) backoff() backoff {
	return backoff{base: f.o.poll, max: 20 * f.o.poll}
}

// change decodes one stream record.
func (f *feed[T]) change(shard string, r stypes.Record) (Change[T], error) {
	ch := Change[T]{Kind: changeKinds[r.EventName]}
	if r.Dynamodb == nil {
		return ch, opErr(changesOp, f.t.name, ErrInvalidValue, "stream record %s has no dynamodb field", aws.ToString(r.EventID))
	}
	d := r.Dynamodb
	ch.SequenceNumber = aws.ToString(d.SequenceNumber)
	ch.Time = aws.ToTime(d.ApproximateCreationDateTime)
	ch.Key = fromStreamItem(d.Keys)
	var err error
	if ch.Old, err = f.image(d.OldImage); err == nil {
		ch.New, err = f.image(d.NewImage)
	}
	f.pos[shard] = ch.SequenceNumber
	ch.Position = f.t.encodePosition(feedPosition{Table: f.t.name, Stream: f.arn, Shards: f.pos})
	return ch, err
}

// image decodes a record's image (nil when absent).
func (f *feed[T]) image(img map[string]stypes.AttributeValue) (*T, error) {
	if img == nil {
		return nil, nil
	}
	v, err := f.t.decode(changesOp, fromStreamItem(img))
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// fromStreamItem converts a stream image to DynamoDB attribute values.
func fromStreamItem(m map[string]stypes.AttributeValue) map[string]types.AttributeValue {
	if m == nil {
		return nil
	}
	out := make(map[string]types.AttributeValue, len(m))
	for k, v := range m {
		out[k] = fromStreamAV(v)
	}
	return out
}

// fromStreamAV converts one stream attribute value.
func fromStreamAV(av stypes.AttributeValue) types.AttributeValue {
	switch v := av.(type) {
	case *stypes.AttributeValueMemberS:
		return &types.AttributeValueMemberS{Value: v.Value}
	case *stypes.AttributeValueMemberN:
		return &types.AttributeValueMemberN{Value: v.Value}
	case *stypes.AttributeValueMemberB:
		return &types.AttributeValueMemberB{Value: v.Value}
	case *stypes.AttributeValueMemberBOOL:
		return &types.AttributeValueMemberBOOL{Value: v.Value}
	case *stypes.AttributeValueMemberNULL:
		return &types.AttributeValueMemberNULL{Value: v.Value}
	case *stypes.AttributeValueMemberSS:
		return &types.AttributeValueMemberSS{Value: v.Value}
	case *stypes.AttributeValueMemberNS:
		return &types.AttributeValueMemberNS{Value: v.Value}
	case *stypes.AttributeValueMemberBS:
		return &types.AttributeValueMemberBS{Value: v.Value}
	case *stypes.AttributeValueMemberM:
		return &types.AttributeValueMemberM{Value: fromStreamItem(v.Value)}
	case *stypes.AttributeValueMemberL:
		l := make([]types.AttributeValue, len(v.Value))
		for i, e := range v.Value {
			l[i] = fromStreamAV(e)
		}
		return &types.AttributeValueMemberL{Value: l}
	}
	return nil
}

// Positions.
//
// A position is framed like a Query cursor (base64url of a version byte, a
// JSON body and the first 8 bytes of SHA-256 over both, sealed under the
// table's cursor keys), with its own version byte and body.

const (
	positionVersion  = 0x20 | cursorVersion // the state of every shard being read
	positionVersion1 = 0x10 | cursorVersion // one shard and sequence number (older feeds)
)

// feedPosition is the body of a position: for each shard being read, the
// last change yielded (or shardStarted), and the shards read to their
// end whose children are not being read (shardEnded).
type feedPosition struct {
	Table  string            `json:"f"`
	Stream string            `json:"a"`
	Shards map[string]string `json:"p"`
	legacy string            // the shard of a version 1 position
}

// feedPosition1 is the body of a version 1 position: the last change
// read, the shards before its own in lineage order being read.
type feedPosition1 struct {
	Table  string `json:"f"`
	Stream string `json:"a"`
	Shard  string `json:"s"`
	Seq    string `json:"q"`
}

// encodePosition returns the opaque position of p.
func (t *Table[T]) encodePosition(p feedPosition) string {
	return t.schema.cursorKeys.frame(positionVersion, p)
}

// decodePosition checks a position of this table (of either version) and
// returns its body.
func (t *Table[T]) decodePosition(pos string) (feedPosition, error) {
	var p feedPosition
	bad := func(format string, args ...any) error {
		return opErr(changesOp, t.name, ErrInvalidCursor, format, args...)
	}
	const what = "change feed position"
	if err := t.schema.cursorKeys.unframe(pos, positionVersion, what, &p); err != nil {
		var p1 feedPosition1
		if t.schema.cursorKeys.unframe(pos, positionVersion1, what, &p1) != nil {
			return p, bad("%v", err)
		}
		if p1.Shard == "" || p1.Seq == "" {
			return p, bad("malformed change feed position body")
		}
		p = feedPosition{Table: p1.Table, Stream: p1.Stream, Shards: map[string]string{p1.Shard: p1.Seq}, legacy: p1.Shard}
	}
	if _, blank := p.Shards[""]; p.Stream == "" || len(p.Shards) == 0 || blank {
		return p, bad("malformed change feed position body")
	}
	if p.Table != t.name {
		return p, bad("position is for table %q", p.Table)
	}
	return p, nil
}
