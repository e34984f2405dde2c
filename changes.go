package ddb

import (
	"context"
	"errors"
	"iter"
	"sort"
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
func FromLatest() ChangeOption {
	return func(o *changeOptions) { o.start, o.pos = stypes.ShardIteratorTypeLatest, "" }
}

// FromPosition resumes after pos, the Position of a change a previous feed
// of the same table yielded: the feed yields the changes strictly after it,
// with no gap and no repeat. A position that is malformed, modified or from
// another table fails with ErrInvalidCursor.
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
// they are written. It reads one shard at a time in lineage order: a
// parent shard to its end before its children, siblings in shard id
// order; an open shard is polled (see PollInterval). The sequence ends
// only with an error (a failed request, ctx's end, an undecodable image),
// or when the stream was disabled and every shard read; breaking out of
// the loop stops it at once and leaves no goroutine. A SingleTable's feed
// is its Table().Changes, whose items are of their entity types.
//
// Changes reads shards one after the other, which suits a stream with one
// open shard at a time (as ddbtest's); on a stream whose shard was split
// in several open shards, the later siblings are read only once the
// first is closed.
func (t *Table[T]) Changes(ctx context.Context, sc StreamsClient, opts ...ChangeOption) iter.Seq2[Change[T], error] {
	o := changeOptions{start: stypes.ShardIteratorTypeTrimHorizon, poll: defaultPoll}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return func(yield func(Change[T], error) bool) {
		f := &feed[T]{t: t, sc: sc, o: o, done: map[string]bool{}}
		if err := f.run(ctx, yield); err != nil {
			yield(Change[T]{}, err)
		}
	}
}

const changesOp = "Changes"

// errStopped ends a feed whose consumer broke out of the loop.
var errStopped = errors.New("ddb: feed stopped")

// feed is the state of one Changes iteration.
type feed[T any] struct {
	t    *Table[T]
	sc   StreamsClient
	o    changeOptions
	arn  string
	done map[string]bool // shards read to their end (or skipped)
}

// run reads shard after shard until the stream ends, an error or a stop.
func (f *feed[T]) run(ctx context.Context, yield func(Change[T], error) bool) error {
	shard, it, err := f.begin(ctx)
	for err == nil {
		if err = f.readShard(ctx, shard, it, yield); err != nil {
			break
		}
		f.done[shard] = true
		var ok bool
		if shard, ok, err = f.next(ctx); err == nil && !ok {
			return nil
		}
		it = &dynamodbstreams.GetShardIteratorInput{ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon}
	}
	if errors.Is(err, errStopped) {
		return nil
	}
	return mapErr(changesOp, f.t.name, err)
}

// begin finds the stream and the first shard to read, with the iterator
// request that starts it.
func (f *feed[T]) begin(ctx context.Context) (string, *dynamodbstreams.GetShardIteratorInput, error) {
	var p feedPosition
	if f.o.pos != "" {
		var err error
		if p, err = f.t.decodePosition(f.o.pos); err != nil {
			return "", nil, err
		}
		f.arn = p.Stream
	} else {
		d, err := f.t.client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(f.t.name)})
		if err != nil {
			return "", nil, err
		}
		if d.Table == nil || d.Table.LatestStreamArn == nil {
			return "", nil, opErr(changesOp, f.t.name, ErrInvalidInput, "table %q has no stream", f.t.name)
		}
		f.arn = *d.Table.LatestStreamArn
	}
	shards, _, err := f.describe(ctx)
	if err != nil {
		return "", nil, err
	}
	order := lineageOrder(shards)
	switch {
	case f.o.pos != "":
		for _, s := range order {
			if aws.ToString(s.ShardId) == p.Shard {
				return p.Shard, &dynamodbstreams.GetShardIteratorInput{
					ShardIteratorType: stypes.ShardIteratorTypeAfterSequenceNumber, SequenceNumber: aws.String(p.Seq)}, nil
			}
			f.done[aws.ToString(s.ShardId)] = true
		}
		return "", nil, opErr(changesOp, f.t.name, ErrInvalidCursor, "the position's shard %s is no longer in the stream", p.Shard)
	case f.o.start == stypes.ShardIteratorTypeLatest:
		for _, s := range order {
			if s.SequenceNumberRange == nil || s.SequenceNumberRange.EndingSequenceNumber == nil {
				return aws.ToString(s.ShardId), &dynamodbstreams.GetShardIteratorInput{ShardIteratorType: stypes.ShardIteratorTypeLatest}, nil
			}
			f.done[aws.ToString(s.ShardId)] = true
		}
	}
	shard, ok, err := f.next(ctx)
	if err == nil && !ok {
		err = errStopped // a disabled stream with nothing to read
	}
	return shard, &dynamodbstreams.GetShardIteratorInput{ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon}, err
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

// next waits for the next shard to read: the first in lineage order not
// yet read whose parent was read (or is gone). It reports false when the
// stream is disabled and all its shards were read.
func (f *feed[T]) next(ctx context.Context) (string, bool, error) {
	var shard string
	err := retryLoop(ctx, f.backoff(), func() (bool, error) {
		shards, enabled, err := f.describe(ctx)
		if err != nil {
			return false, err
		}
		for _, s := range lineageOrder(shards) {
			id := aws.ToString(s.ShardId)
			if !f.done[id] {
				shard = id
				return false, nil
			}
		}
		if !enabled {
			return false, nil
		}
		return false, errRetry
	})
	if err != nil {
		return "", false, err
	}
	return shard, shard != "", nil
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

// readShard yields the records of shard from the iterator request start
// until the shard's end.
func (f *feed[T]) readShard(ctx context.Context, shard string, start *dynamodbstreams.GetShardIteratorInput, yield func(Change[T], error) bool) error {
	start.StreamArn, start.ShardId = aws.String(f.arn), aws.String(shard)
	iterator := func() (*string, error) {
		out, err := f.sc.GetShardIterator(ctx, start)
		if err != nil {
			return nil, err
		}
		return out.ShardIterator, nil
	}
	it, err := iterator()
	for err == nil && it != nil {
		var recs []stypes.Record
		err = retryLoop(ctx, f.backoff(), func() (bool, error) {
			out, err := f.sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it})
			var expired *stypes.ExpiredIteratorException
			if errors.As(err, &expired) {
				if it, err = iterator(); err != nil { // resume where the last read ended
					return false, err
				}
				return false, errRetry
			}
			if err != nil {
				return false, err
			}
			recs, it = out.Records, out.NextShardIterator
			if len(recs) == 0 && it != nil {
				return false, errRetry
			}
			return true, nil
		})
		for _, r := range recs {
			ch, cerr := f.change(shard, r)
			if cerr != nil {
				return cerr
			}
			if !yield(ch, nil) {
				return errStopped
			}
			start.ShardIteratorType, start.SequenceNumber = stypes.ShardIteratorTypeAfterSequenceNumber, aws.String(ch.SequenceNumber)
		}
	}
	return err
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
	ch.Position = f.t.encodePosition(feedPosition{Table: f.t.name, Stream: f.arn, Shard: shard, Seq: ch.SequenceNumber})
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

const positionVersion = 0x10 | cursorVersion

// feedPosition is the body of a position: the last change read.
type feedPosition struct {
	Table  string `json:"f"`
	Stream string `json:"a"`
	Shard  string `json:"s"`
	Seq    string `json:"q"`
}

// encodePosition returns the opaque position of p.
func (t *Table[T]) encodePosition(p feedPosition) string {
	return t.schema.cursorKeys.frame(positionVersion, p)
}

// decodePosition checks a position of this table and returns its body.
func (t *Table[T]) decodePosition(pos string) (feedPosition, error) {
	var p feedPosition
	bad := func(format string, args ...any) error {
		return opErr(changesOp, t.name, ErrInvalidCursor, format, args...)
	}
	if err := t.schema.cursorKeys.unframe(pos, positionVersion, "change feed position", &p); err != nil {
		return p, bad("%v", err)
	}
	if p.Stream == "" || p.Shard == "" || p.Seq == "" {
		return p, bad("malformed change feed position body")
	}
	if p.Table != t.name {
		return p, bad("position is for table %q", p.Table)
	}
	return p, nil
}
