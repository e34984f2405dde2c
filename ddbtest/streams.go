package ddbtest

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// DynamoDB Streams.
//
// A table's StreamSpecification (CreateTable, UpdateTable) enables a
// stream: from then on every write that changes an item appends one record
// to it, in the same store batch as the write, so a durable store keeps
// records across restarts. Each stream is a tree of the store called
// "s/TABLE/LABEL" mapping a sequence number (21 decimal digits, increasing
// per table) to 8 bytes of creation time (Unix milliseconds) followed by
// the record in the Streams API's JSON. Disabling the stream keeps it
// readable; enabling it again starts a new stream with a new label and ARN.
//
// Shards: a stream starts with one open shard, which holds every item.
// Each shard holds the items whose partition key hashes (the first 4
// bytes of the MD5 of its type and value) into its range, so an item's
// records are in one open shard at a time. RollStreamShard closes every
// open shard (its EndingSequenceNumber set) and opens one child for each,
// with the same hash range and a ParentShardId naming it; so does a write
// once the open shards hold WithStreamShardSize records, and a write or
// the TTL sweep once they are WithStreamShardAge old. SplitStreamShard
// closes every open shard and opens two children for each, which share
// its hash range half and half, as DynamoDB splits a partition's shard.
// Shards roll over in no other way. A record's value starts with 8 bytes
// of creation time, then a 0 byte and the 4 bytes of its key's hash (in
// records written before shards could split, the JSON follows the time).
//
// Retention: records older than 24 hours of the server's clock are not
// returned; they are trimmed from the store after writes (at most once a
// second) and by the TTL sweep (every second, or SweepTTL with WithClock),
// which also forgets streams disabled more than 24 hours ago and stops
// listing the shards closed more than 24 hours ago whose records are all
// trimmed (keptShards). Each shard records the last of its records
// trimmed (shardMeta.Trimmed): a read starting at or before it answers
// TrimmedDataAccessException, as DynamoDB does. DeleteTable
// disables the table's stream and keeps its streams (retiredStreams),
// recorded in the store under retiredPrefix, until the sweep forgets them.

// Stream view types.
const (
	viewKeysOnly = "KEYS_ONLY"
	viewNew      = "NEW_IMAGE"
	viewOld      = "OLD_IMAGE"
	viewNewOld   = "NEW_AND_OLD_IMAGES"
)

// streamRetention is how long records are kept.
const streamRetention = 24 * time.Hour

// iteratorLifetime is how long a shard iterator stays valid.
const iteratorLifetime = 15 * time.Minute

// maxGetRecords is GetRecords' default and largest Limit.
const maxGetRecords = 1000

// streamSpec is a StreamSpecification of a request.
type streamSpec struct {
	StreamEnabled  *bool
	StreamViewType string
}

// streamSpecOut is the StreamSpecification of a table description.
type streamSpecOut struct {
	StreamEnabled  bool
	StreamViewType string `json:",omitempty"`
}

// streamMeta is one stream of a table, recorded in its tableMeta.
type streamMeta struct {
	Label    string
	ViewType string
	Created  float64
	Disabled bool        `json:",omitempty"`
	Shards   []shardMeta // oldest first; the last is open while enabled
	// DisabledAt is when the stream was disabled (Unix seconds): a day
	// later, it is forgotten (trimStreams).
	DisabledAt float64 `json:",omitempty"`
}

// shardMeta is one shard of a stream; End is empty while it is open.
// It holds the items whose key hash is in [Lo, Hi), Hi 0 standing for
// hashSpace.
type shardMeta struct {
	ID, Parent string `json:",omitempty"`
	Start, End string `json:",omitempty"`
	Lo, Hi     uint64 `json:",omitempty"`
	Closed     int64  `json:",omitempty"` // when End was set (Unix ms)
	// Trimmed is the sequence number of the last of its records trimmed
	// from the store: reading from there on would miss records.
	Trimmed string `json:",omitempty"`
}

// hashSpace is the number of key hashes.
const hashSpace = 1 << 32

// hashRange returns the key hashes sh holds, [lo, hi).
func (sh shardMeta) hashRange() (lo, hi uint64) {
	if sh.Hi == 0 {
		return sh.Lo, hashSpace
	}
	return sh.Lo, sh.Hi
}

// holds reports whether sh holds the items whose key hash is h.
func (sh shardMeta) holds(h uint32) bool {
	lo, hi := sh.hashRange()
	return uint64(h) >= lo && uint64(h) < hi
}

// opened returns when sh was opened, from its id (see newShard).
func (sh shardMeta) opened() time.Time {
	ms, _ := strconv.ParseInt(strings.TrimPrefix(sh.ID, "shardId-")[:min(20, len(sh.ID))], 10, 64)
	return time.UnixMilli(ms)
}

// closedAt returns when sh was closed (when it was opened, for a shard
// closed before that was recorded).
func (sh shardMeta) closedAt() time.Time {
	if sh.Closed != 0 {
		return time.UnixMilli(sh.Closed)
	}
	return sh.opened()
}

// keyHash returns the hash of partition key value v that routes its
// item's records to a shard.
func keyHash(v av.Value) uint32 {
	h := md5.New()
	h.Write([]byte{byte(v.Type)})
	h.Write([]byte(v.Str))
	h.Write(v.Bytes)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// recordHeader is the size of a stored record's header: creation time,
// a 0 byte, key hash.
const recordHeader = 13

// storedRecord splits a stored record into its key hash (all reports a
// record from before shards could split, which any shard holds) and its
// JSON.
func storedRecord(v []byte) (hash uint32, all bool, js []byte) {
	if len(v) > recordHeader && v[8] == 0 {
		return binary.BigEndian.Uint32(v[9:recordHeader]), false, v[recordHeader:]
	}
	return 0, true, v[8:]
}

// streamLog is a table's live stream state. It is guarded by table.mu.
type streamLog struct {
	seq      uint64           // last sequence number handed out
	tree     Tree             // the tree of the enabled stream, nil when none
	trees    map[string]Tree  // every stream's tree, by label
	clock    func() time.Time // the server's
	save     func() error     // records the table's definition
	policy   shardPolicy
	rollDue  bool // the open shards are full
	batch    func(fn func(w BatchWriter) error) error
	lastTrim time.Time // when the enabled stream was last trimmed
}

// shardPolicy says when open shards roll over by themselves.
type shardPolicy struct {
	size int           // WithStreamShardSize
	age  time.Duration // WithStreamShardAge
}

// WithStreamShardSize makes a stream's open shards close, and children
// open, once n records were written to them (as DynamoDB rolls shards
// over from time to time), so that consumers following shard lineage are
// tested without calling RollStreamShard. n <= 0 means never (the default).
func WithStreamShardSize(n int) Option {
	return func(c *config) { c.shards.size = n }
}

// WithStreamShardAge makes a stream's open shards close, and children
// open, once they are d old by the server's clock (DynamoDB rolls shards
// over about every four hours). The rollover happens on the next write or
// TTL sweep (every second, or SweepTTL with WithClock). d <= 0 means
// never (the default).
func WithStreamShardAge(d time.Duration) Option {
	return func(c *config) { c.shards.age = d }
}

// streamCommitted rolls the open shard over if it filled up, and trims
// the expired records of the enabled stream (at most once a second). It
// runs once a write is applied, outside the write's store batch, which
// must not read trees; the caller holds t.mu for writing.
func (t *table) streamCommitted() {
	if t.stream.tree == nil {
		return
	}
	now := t.stream.clock()
	t.rollIfDue(now)
	if now.Sub(t.stream.lastTrim) >= time.Second {
		t.stream.lastTrim = now
		if sm := t.liveStream(); trimStreamTree(t.stream.batch, t.stream.tree, sm.Shards, now) {
			_ = t.stream.save()
		}
	}
}

func streamTreeName(table, label string) string { return "s/" + table + "/" + label }

// streamArn is the ARN of the stream of the table called name with label.
func streamArn(region, name, label string) string {
	return tableArn(region, name) + "/stream/" + label
}

// formatSeq renders sequence number n as 21 decimal digits.
func formatSeq(n uint64) string { return "1" + fmt.Sprintf("%020d", n) }

// parseSeq parses a sequence number formatSeq wrote.
func parseSeq(s string) (uint64, bool) {
	if len(s) != 21 || s[0] != '1' {
		return 0, false
	}
	n, err := strconv.ParseUint(s[1:], 10, 64)
	return n, err == nil
}

// liveStream returns t's enabled stream, or nil.
func (t *table) liveStream() *streamMeta {
	if n := len(t.meta.Streams); n > 0 && !t.meta.Streams[n-1].Disabled {
		return &t.meta.Streams[n-1]
	}
	return nil
}

// checkStreamSpec checks a StreamSpecification's members against each
// other.
func checkStreamSpec(spec *streamSpec, creating bool) error {
	if *spec.StreamEnabled && spec.StreamViewType == "" {
		return validationError("One or more parameter values were invalid: StreamViewType is required when StreamEnabled is true")
	}
	if !*spec.StreamEnabled && spec.StreamViewType != "" && creating {
		return validationError("One or more parameter values were invalid: Table is being created with a stream disabled, UpdateViewType should not be specified")
	}
	return nil
}

// applyStreamSpec enables or disables the stream of m as spec says, as of
// now. The caller then opens the stream tree (openStreams) and saves m.
func applyStreamSpec(m *tableMeta, spec *streamSpec, creating bool, now time.Time, seq uint64) error {
	if spec == nil {
		return nil
	}
	if err := checkStreamSpec(spec, creating); err != nil {
		return err
	}
	m.Streams = append([]streamMeta(nil), m.Streams...)
	n := len(m.Streams)
	live := n > 0 && !m.Streams[n-1].Disabled
	if !*spec.StreamEnabled {
		if creating {
			return nil
		}
		if !live {
			return validationError("Table already has no enabled stream: TableName: " + m.Name)
		}
		// Disabling closes the open shards: no record follows.
		sm := &m.Streams[n-1]
		sm.Disabled, sm.DisabledAt = true, float64(now.UnixMilli())/1000
		sm.Shards = append([]shardMeta(nil), sm.Shards...)
		for i := range sm.Shards {
			if sh := &sm.Shards[i]; sh.End == "" {
				start, _ := parseSeq(sh.Start)
				sh.End, sh.Closed = formatSeq(max(seq, start)), now.UnixMilli()
			}
		}
		return nil
	}
	if live {
		return validationError("Table already has an enabled stream: TableName: " + m.Name)
	}
	label := now.UTC().Format(streamLabelLayout)
	for n > 0 && label <= m.Streams[n-1].Label {
		now = now.Add(time.Millisecond)
		label = now.UTC().Format(streamLabelLayout)
	}
	m.Streams = append(m.Streams, streamMeta{
		Label:    label,
		ViewType: spec.StreamViewType,
		Created:  float64(now.UnixMilli()) / 1000,
		Shards:   []shardMeta{newShard(now, seq+1, "", 0, hashSpace)},
	})
	return nil
}

// newShard returns an open shard whose first sequence number is start,
// child of the shard called parent ("" for none), holding the key hashes
// in [lo, hi).
func newShard(now time.Time, start uint64, parent string, lo, hi uint64) shardMeta {
	sum := md5.Sum([]byte(strconv.FormatUint(start, 10) + parent + strconv.FormatUint(lo, 10)))
	id := fmt.Sprintf("shardId-%020d-%s", now.UnixMilli(), hex.EncodeToString(sum[:4]))
	if hi == hashSpace {
		hi = 0
	}
	return shardMeta{ID: id, Parent: parent, Start: formatSeq(start), Lo: lo, Hi: hi}
}

// openStreams opens t's enabled stream tree and sets its sequence number
// past every one its streams used. The caller holds t.mu or owns t.
func (s *Server) openStreams(t *table) error {
	t.stream.tree, t.stream.trees, t.stream.clock = nil, map[string]Tree{}, s.clock
	t.stream.save = func() error { return s.saveMeta(t) }
	t.stream.batch = s.batch
	t.stream.policy = s.regions.shards
	for _, sm := range t.meta.Streams {
		tr, err := s.store.Tree(streamTreeName(t.name, sm.Label))
		if err != nil {
			return err
		}
		tr.Descend(nil, func(k, _ []byte) bool {
			if n, ok := parseSeq(string(k)); ok && n > t.stream.seq {
				t.stream.seq = n
			}
			return false
		})
		for _, sh := range sm.Shards {
			if n, ok := parseSeq(sh.Start); ok && n-1 > t.stream.seq {
				t.stream.seq = n - 1
			}
			if n, ok := parseSeq(sh.End); ok && n > t.stream.seq {
				t.stream.seq = n
			}
		}
		t.stream.trees[sm.Label] = tr
		if !sm.Disabled {
			t.stream.tree = tr
		}
	}
	return nil
}

// dropStreams drops the trees of t's streams.
func (s *Server) dropStreams(t *table) error {
	for _, sm := range t.meta.Streams {
		if err := s.store.Drop(streamTreeName(t.name, sm.Label)); err != nil {
			return err
		}
	}
	return nil
}

// RollStreamShard closes the open shards of the stream of table in region
// and opens a child of each (same key hashes, ParentShardId naming it), as
// DynamoDB does from time to time, so that tests can exercise consumers
// that follow shard lineage. It fails when the table does not exist or
// has no enabled stream.
func (s *Server) RollStreamShard(region, table string) error {
	return s.changeShards(region, table, 1)
}

// SplitStreamShard closes the open shards of the stream of table in
// region and opens two children of each, which share its key hashes half
// and half, as DynamoDB does when it splits a partition: an item's records
// go to one child, and both children are open at once. It fails when the
// table does not exist or has no enabled stream.
func (s *Server) SplitStreamShard(region, table string) error {
	return s.changeShards(region, table, 2)
}

// changeShards closes the open shards of table's stream and opens n
// children of each.
func (s *Server) changeShards(region, table string, n uint64) error {
	ns, err := s.namespace(region)
	if err != nil {
		return err
	}
	t, err := ns.lookupTable(&table)
	if err != nil {
		return err
	}
	if err := t.lock(true); err != nil {
		return err
	}
	defer t.mu.Unlock()
	return t.rollShards(n)
}

// rollIfDue rolls the open shards over if they are full or old. The
// caller holds t.mu for writing.
func (t *table) rollIfDue(now time.Time) {
	sm := t.liveStream()
	if sm == nil {
		return
	}
	newest := sm.Shards[len(sm.Shards)-1]
	if t.stream.rollDue || t.stream.policy.age > 0 && now.Sub(newest.opened()) >= t.stream.policy.age {
		t.stream.rollDue = false
		_ = t.rollShards(1)
	}
}

// rollShards closes the open shards of t's enabled stream and opens n
// children of each, which share its key hashes. The caller holds t.mu for
// writing.
func (t *table) rollShards(n uint64) error {
	sm := t.liveStream()
	if sm == nil {
		return validationError("ddbtest: table " + t.name + " has no enabled stream")
	}
	old := sm.Shards
	sm.Shards = append([]shardMeta(nil), old...)
	t.stream.seq++
	now := t.stream.clock()
	for i := range old {
		if old[i].End != "" {
			continue
		}
		sm.Shards[i].End, sm.Shards[i].Closed = formatSeq(t.stream.seq), now.UnixMilli()
		lo, hi := old[i].hashRange()
		for k := range n {
			// Child k holds the k-th n-th of the parent's hashes (none
			// when the parent holds fewer than n).
			if from, to := lo+(hi-lo)*k/n, lo+(hi-lo)*(k+1)/n; from < to {
				sm.Shards = append(sm.Shards, newShard(now, t.stream.seq+1, old[i].ID, from, to))
			}
		}
	}
	if err := t.stream.save(); err != nil {
		sm.Shards = old
		return err
	}
	return nil
}

// appendStreamRecord stages in w the stream record of the change res made
// to an item, if t has an enabled stream and the item changed. It reads
// no tree (it runs inside the write's store batch). The caller holds t.mu
// for writing.
func (t *table) appendStreamRecord(w BatchWriter, res *writeResult) error {
	sm := t.liveStream()
	if sm == nil || t.stream.tree == nil {
		return nil
	}
	now := t.stream.clock()
	old := res.old
	if old == nil && res.oldRec != nil {
		old = decodeRecord(res.oldRec)
	}
	event := "MODIFY"
	switch {
	case old == nil && res.new == nil:
		return nil
	case old == nil:
		event = "INSERT"
	case res.new == nil:
		event = "REMOVE"
	case av.Equal(av.Value{Type: av.M, Map: old}, av.Value{Type: av.M, Map: res.new}):
		return nil
	}
	t.stream.seq++
	seq := formatSeq(t.stream.seq)
	if start, _ := parseSeq(sm.Shards[len(sm.Shards)-1].Start); t.stream.policy.size > 0 && t.stream.seq+1-start >= uint64(t.stream.policy.size) {
		t.stream.rollDue = true
	}
	keys := t.keyItem(res.new)
	if res.new == nil {
		keys = t.keyItem(old)
	}
	size := av.ItemSize(keys)
	b := make([]byte, recordHeader, 256)
	binary.BigEndian.PutUint64(b, uint64(now.UnixMilli()))
	binary.BigEndian.PutUint32(b[9:], keyHash(keys[t.hash.name]))
	b = append(b, `{"awsRegion":`...)
	b = appendJSONString(b, t.region)
	b = append(b, `,"dynamodb":{"ApproximateCreationDateTime":`...)
	b = strconv.AppendInt(b, now.Unix(), 10)
	b = append(b, `,"Keys":`...)
	b = appendItem(b, keys)
	if res.new != nil && (sm.ViewType == viewNew || sm.ViewType == viewNewOld) {
		b = append(b, `,"NewImage":`...)
		b = appendItem(b, res.new)
		size += av.ItemSize(res.new)
	}
	if old != nil && (sm.ViewType == viewOld || sm.ViewType == viewNewOld) {
		b = append(b, `,"OldImage":`...)
		b = appendItem(b, old)
		size += av.ItemSize(old)
	}
	b = append(b, `,"SequenceNumber":"`...)
	b = append(b, seq...)
	b = append(b, `","SizeBytes":`...)
	b = strconv.AppendInt(b, int64(size), 10)
	b = append(b, `,"StreamViewType":"`...)
	b = append(b, sm.ViewType...)
	sum := md5.Sum([]byte(streamArn(t.region, t.name, sm.Label) + seq))
	b = append(b, `"},"eventID":"`...)
	b = hex.AppendEncode(b, sum[:])
	b = append(b, `","eventName":"`...)
	b = append(b, event...)
	b = append(b, `","eventSource":"aws:dynamodb","eventVersion":"1.1"`...)
	if res.byTTL {
		b = append(b, `,"userIdentity":{"PrincipalId":"dynamodb.amazonaws.com","Type":"Service"}`...)
	}
	b = append(b, '}')
	return w.Put(t.stream.tree, []byte(seq), b)
}

// trimStreamTree deletes from tr, in one batch, the records older than
// the retention period, and sets the Trimmed of the shards that held
// them. It reports whether it deleted any.
func trimStreamTree(batch func(fn func(w BatchWriter) error) error, tr Tree, shards []shardMeta, now time.Time) bool {
	cutoff := uint64(now.Add(-streamRetention).UnixMilli())
	var old [][]byte
	trimmed := make([]string, len(shards)) // the last record trimmed, by shard
	tr.Ascend(nil, func(k, v []byte) bool {
		if len(v) < 8 || binary.BigEndian.Uint64(v) >= cutoff {
			return false
		}
		old = append(old, k)
		seq, _ := parseSeq(string(k))
		hash, all, _ := storedRecord(v)
		for i, sh := range shards {
			start, _ := parseSeq(sh.Start)
			end, closed := parseSeq(sh.End)
			if seq >= start && (!closed || seq <= end) && (all || sh.holds(hash)) {
				trimmed[i] = string(k)
			}
		}
		return true
	})
	if len(old) == 0 {
		return false
	}
	err := batch(func(w BatchWriter) error {
		for _, k := range old {
			if err := w.Delete(tr, k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false
	}
	for i, k := range trimmed {
		if k != "" {
			shards[i].Trimmed = k
		}
	}
	return true
}

// keptShards returns the shards that stay listed: all but the closed ones
// closed longer than the retention period ago whose records are all
// trimmed from tr, which DynamoDB no longer lists either.
func keptShards(shards []shardMeta, tr Tree, now time.Time) []shardMeta {
	var first uint64 // of the oldest record tr holds, 0 for none
	tr.Ascend(nil, func(k, _ []byte) bool {
		first, _ = parseSeq(string(k))
		return false
	})
	keep := make([]shardMeta, 0, len(shards))
	for _, sh := range shards {
		end, closed := parseSeq(sh.End)
		if !closed || now.Sub(sh.closedAt()) <= streamRetention || first != 0 && first <= end {
			keep = append(keep, sh)
		}
	}
	return keep
}

// trimStreams rolls the open shards of t's stream over if they are due,
// deletes from t's streams the records older than the retention period,
// stops listing the closed shards whose records are all gone (keptShards)
// and forgets the streams disabled longer ago than that, as the TTL sweep
// runs.
func (s *Server) trimStreams(t *table, now time.Time) error {
	t.mu.RLock()
	n := len(t.meta.Streams)
	t.mu.RUnlock()
	if n == 0 {
		return nil
	}
	if err := t.lock(true); err != nil {
		return nil // deleted meanwhile
	}
	defer t.mu.Unlock()
	if len(t.meta.Streams) == 0 {
		return nil
	}
	t.rollIfDue(now)
	var keep []streamMeta
	var gone []string
	changed := false
	for _, sm := range t.meta.Streams {
		if sm.Disabled && sm.DisabledAt > 0 && now.Sub(time.UnixMilli(int64(sm.DisabledAt*1000))) > streamRetention {
			gone = append(gone, sm.Label)
			continue
		}
		tr := t.stream.trees[sm.Label]
		sm.Shards = slices.Clone(sm.Shards) // trimStreamTree sets their Trimmed
		if trimStreamTree(s.batch, tr, sm.Shards, now) {
			changed = true
		}
		if shards := keptShards(sm.Shards, tr, now); len(shards) < len(sm.Shards) {
			sm.Shards, changed = shards, true
		}
		keep = append(keep, sm)
	}
	if len(gone) == 0 && !changed {
		return nil
	}
	old := t.meta.Streams
	t.meta.Streams = keep
	if err := t.stream.save(); err != nil {
		t.meta.Streams = old
		return err
	}
	for _, label := range gone {
		delete(t.stream.trees, label)
		if err := s.store.Drop(streamTreeName(t.name, label)); err != nil {
			return err
		}
	}
	return nil
}

// retiredPrefix starts the names under which the store records the
// streams of deleted tables, as table definitions: retiredPrefix, the
// table's name, "/", its latest stream's label.
const retiredPrefix = "deleted/"

// retiredStreams are the streams of a deleted table, kept readable (and
// disabled) for the retention period as DynamoDB does: a table of their
// own, with no items, which only the Streams API and the TTL sweep see.
type retiredStreams struct {
	t      *table
	key    string   // its name in the store's table definitions
	labels []string // of its streams, as retired
}

// streamLabelLayout formats a stream's label from its creation time.
const streamLabelLayout = "2006-01-02T15:04:05.000"

// streamTime returns the time of a new stream of the table called name:
// the server's clock, or just after the labels of the retired streams of
// a table of that name if they are later, so that a table made again
// within the millisecond (or on a stopped clock) has a stream of its own.
func (s *Server) streamTime(name string) time.Time {
	now := s.clock()
	s.retiredMu.Lock()
	defer s.retiredMu.Unlock()
	for _, r := range s.retired {
		for _, label := range r.labels {
			if l, err := time.Parse(streamLabelLayout, label); err == nil && r.t.name == name && !now.After(l) {
				now = l.Add(time.Millisecond)
			}
		}
	}
	return now
}

// retireStreams disables the stream of t, which is being deleted, and
// keeps its streams as retiredStreams. The caller holds s.mu and t.mu for
// writing.
func (s *Server) retireStreams(t *table) error {
	n := len(t.meta.Streams)
	if n == 0 {
		return nil
	}
	m := t.meta
	if !m.Streams[n-1].Disabled {
		off := false
		if err := applyStreamSpec(&m, &streamSpec{StreamEnabled: &off}, false, s.clock(), t.stream.seq); err != nil {
			return err
		}
	}
	key := retiredPrefix + t.name + "/" + m.Streams[n-1].Label
	if err := s.openRetired(&m, key); err != nil {
		return err
	}
	s.retiredMu.Lock()
	r := s.retired[len(s.retired)-1]
	s.retiredMu.Unlock()
	if err := r.t.stream.save(); err != nil {
		s.retiredMu.Lock()
		s.retired = slices.DeleteFunc(s.retired, func(x retiredStreams) bool { return x.t == r.t })
		s.retiredMu.Unlock()
		return err
	}
	t.meta.Streams = nil // dropTrees keeps their trees
	return nil
}

// openRetired opens the streams of the deleted table m, recorded in the
// store under key, and adds them to s.retired.
func (s *Server) openRetired(m *tableMeta, key string) error {
	r := &table{name: m.Name, region: s.region, meta: *m}
	if err := s.openStreams(r); err != nil {
		return err
	}
	r.stream.save = func() error {
		b, err := json.Marshal(&r.meta)
		if err != nil {
			return err
		}
		return s.store.PutMeta(key, b)
	}
	var labels []string
	for _, sm := range m.Streams {
		labels = append(labels, sm.Label)
	}
	s.retiredMu.Lock()
	s.retired = append(s.retired, retiredStreams{r, key, labels})
	s.retiredMu.Unlock()
	return nil
}

// trimRetired trims the streams of deleted tables, and forgets those
// whose streams are all gone.
func (s *Server) trimRetired(now time.Time) {
	s.retiredMu.Lock()
	retired := append([]retiredStreams(nil), s.retired...)
	s.retiredMu.Unlock()
	for _, r := range retired {
		if s.trimStreams(r.t, now) != nil || len(r.t.meta.Streams) > 0 {
			continue
		}
		s.retiredMu.Lock()
		s.retired = slices.DeleteFunc(s.retired, func(x retiredStreams) bool { return x.t == r.t })
		s.retiredMu.Unlock()
		_ = s.store.DeleteMeta(r.key)
	}
}

// describeStream fills d's stream members from t. The caller holds t.mu.
func (t *table) describeStream(d *tableDescription) {
	n := len(t.meta.Streams)
	if n == 0 {
		return
	}
	sm := &t.meta.Streams[n-1]
	d.LatestStreamLabel = sm.Label
	d.LatestStreamArn = streamArn(t.region, t.name, sm.Label)
	if !sm.Disabled {
		d.StreamSpecification = &streamSpecOut{StreamEnabled: true, StreamViewType: sm.ViewType}
	}
}

// The Streams API (DynamoDBStreams_20120810).

// StreamsClient returns a DynamoDB Streams client that talks to the server
// in-process, like Client: region us-east-1, static dummy credentials.
// optFns adjust its options, as with dynamodbstreams.New.
func (s *Server) StreamsClient(optFns ...func(*dynamodbstreams.Options)) *dynamodbstreams.Client {
	endpoint := s.URL
	if endpoint == "" {
		endpoint = fakeEndpoint
	}
	o := dynamodbstreams.Options{
		Region:       DefaultRegion,
		BaseEndpoint: aws.String(endpoint),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDDDBTEST", SecretAccessKey: "ddbtest", Source: "ddbtest"}, nil
		}),
		HTTPClient: &http.Client{Transport: s.Transport()},
	}
	return dynamodbstreams.New(o, optFns...)
}

// streamOps maps the Streams API's operation names to their
// implementations.
var streamOps = map[string]opFunc{
	"ListStreams":      (*Server).listStreams,
	"DescribeStream":   (*Server).describeStream,
	"GetShardIterator": (*Server).getShardIterator,
	"GetRecords":       (*Server).getRecords,
}

func streamNotFound(arn string) *apiError {
	return dynamoError("ResourceNotFoundException", "Requested resource not found: Stream: "+arn+" not found")
}

// findStream returns the table and the stream arn names, with the table
// read-locked: the caller calls t.mu.RUnlock.
func (s *Server) findStream(arn string) (*table, *streamMeta, error) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:dynamodb:"+s.region+":"+accountID+":table/")
	name, label, ok2 := strings.Cut(rest, "/stream/")
	if !ok || !ok2 {
		return nil, nil, streamNotFound(arn)
	}
	var tables []*table
	if t, err := s.lookupTable(&name); err == nil {
		tables = append(tables, t)
	}
	s.retiredMu.Lock()
	for _, r := range s.retired {
		if r.t.name == name {
			tables = append(tables, r.t)
		}
	}
	s.retiredMu.Unlock()
	for _, t := range tables {
		t.mu.RLock()
		for i := range t.meta.Streams {
			if t.meta.Streams[i].Label == label {
				return t, &t.meta.Streams[i], nil
			}
		}
		t.mu.RUnlock()
	}
	return nil, nil, streamNotFound(arn)
}

// streamArnInput is the StreamArn member of a request naming a stream.
type streamArnInput struct{ StreamArn *string }

func (in *streamArnInput) streamArn() string { return *in.StreamArn }

// decodeStreamRequest decodes body into in and returns the table and
// stream it names, the table read-locked as findStream leaves it.
func (s *Server) decodeStreamRequest(body []byte, in interface{ streamArn() string }) (*table, *streamMeta, error) {
	if err := decodeRequest(body, in); err != nil {
		return nil, nil, err
	}
	return s.findStream(in.streamArn())
}

type streamSummary struct {
	StreamArn, TableName, StreamLabel string
}

func (s *Server) listStreams(body []byte) ([]byte, error) {
	var in struct {
		TableName               *string
		Limit                   *int
		ExclusiveStartStreamArn *string
	}
	if err := decodeRequest(body, &in); err != nil {
		return nil, err
	}
	s.mu.RLock()
	tables := make([]*table, 0, len(s.tables))
	for name, t := range s.tables {
		if !s.gone(t) && (in.TableName == nil || *in.TableName == name) {
			tables = append(tables, t)
		}
	}
	s.mu.RUnlock()
	s.retiredMu.Lock()
	for _, r := range s.retired {
		if in.TableName == nil || *in.TableName == r.t.name {
			tables = append(tables, r.t)
		}
	}
	s.retiredMu.Unlock()
	if in.TableName != nil && len(tables) == 0 {
		return nil, tableNotFoundError(*in.TableName)
	}
	var all []streamSummary
	for _, t := range tables {
		t.mu.RLock()
		for _, sm := range t.meta.Streams {
			all = append(all, streamSummary{streamArn(t.region, t.name, sm.Label), t.name, sm.Label})
		}
		t.mu.RUnlock()
	}
	sort.Slice(all, func(i, j int) bool { return all[i].StreamArn < all[j].StreamArn })
	if in.ExclusiveStartStreamArn != nil {
		i := sort.Search(len(all), func(i int) bool { return all[i].StreamArn > *in.ExclusiveStartStreamArn })
		all = all[i:]
	}
	limit := 100
	if in.Limit != nil {
		limit = *in.Limit
	}
	var out struct {
		Streams                []streamSummary
		LastEvaluatedStreamArn string `json:",omitempty"`
	}
	out.Streams = all
	if len(all) > limit {
		out.Streams = all[:limit]
		out.LastEvaluatedStreamArn = all[limit-1].StreamArn
	}
	if out.Streams == nil {
		out.Streams = []streamSummary{}
	}
	return encodeResponse(&out)
}

type seqRange struct {
	StartingSequenceNumber string `json:",omitempty"`
	EndingSequenceNumber   string `json:",omitempty"`
}

type shardOut struct {
	ShardId             string
	ParentShardId       string `json:",omitempty"`
	SequenceNumberRange seqRange
}

func (s *Server) describeStream(body []byte) ([]byte, error) {
	var in struct {
		streamArnInput
		Limit                 *int
		ExclusiveStartShardId *string
	}
	t, sm, err := s.decodeStreamRequest(body, &in)
	if err != nil {
		return nil, err
	}
	defer t.mu.RUnlock()
	limit := 100
	if in.Limit != nil {
		limit = *in.Limit
	}
	type description struct {
		StreamArn               string
		StreamLabel             string
		StreamStatus            string
		StreamViewType          string
		CreationRequestDateTime float64
		TableName               string
		KeySchema               []keyElem
		Shards                  []shardOut
		LastEvaluatedShardId    string `json:",omitempty"`
	}
	d := description{
		StreamArn:               *in.StreamArn,
		StreamLabel:             sm.Label,
		StreamStatus:            map[bool]string{false: "ENABLED", true: "DISABLED"}[sm.Disabled],
		StreamViewType:          sm.ViewType,
		CreationRequestDateTime: sm.Created,
		TableName:               t.name,
		KeySchema:               t.meta.KeySchema,
		Shards:                  []shardOut{},
	}
	started := in.ExclusiveStartShardId == nil
	for _, sh := range sm.Shards {
		if !started {
			started = sh.ID == *in.ExclusiveStartShardId
			continue
		}
		if len(d.Shards) == limit {
			d.LastEvaluatedShardId = d.Shards[limit-1].ShardId
			break
		}
		d.Shards = append(d.Shards, shardOut{sh.ID, sh.Parent, seqRange{sh.Start, sh.End}})
	}
	return encodeResponse(struct{ StreamDescription description }{d})
}

// shardIterator is the position a shard iterator stands for: the next
// record to read is the first at or after from.
type shardIterator struct {
	arn, shard string
	from       uint64
	created    time.Time
}

func (it shardIterator) encode() string {
	raw := it.arn + "|" + it.shard + "|" + strconv.FormatUint(it.from, 10) + "|" + strconv.FormatInt(it.created.UnixNano(), 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decodeIterator(s string) (shardIterator, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return shardIterator{}, false
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 4 {
		return shardIterator{}, false
	}
	from, err1 := strconv.ParseUint(parts[2], 10, 64)
	ns, err2 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil {
		return shardIterator{}, false
	}
	return shardIterator{parts[0], parts[1], from, time.Unix(0, ns)}, true
}

// findShard returns the shard of sm called id.
func findShard(sm *streamMeta, id string) (shardMeta, error) {
	for _, sh := range sm.Shards {
		if sh.ID == id {
			return sh, nil
		}
	}
	return shardMeta{}, dynamoError("ResourceNotFoundException", "Requested resource not found: Shard does not exist")
}

// trimmedError is the error of a read of shard that starts with a
// trimmed record: past the shard's trim horizon.
func trimmedError(shard string) *apiError {
	return dynamoError("TrimmedDataAccessException", "The data you are trying to access has been trimmed: shard "+shard+" no longer holds records this old")
}

func (s *Server) getShardIterator(body []byte) ([]byte, error) {
	var in struct {
		streamArnInput
		ShardId           *string
		ShardIteratorType string
		SequenceNumber    *string
	}
	t, sm, err := s.decodeStreamRequest(body, &in)
	if err != nil {
		return nil, err
	}
	defer t.mu.RUnlock()
	sh, err := findShard(sm, *in.ShardId)
	if err != nil {
		return nil, err
	}
	start, _ := parseSeq(sh.Start)
	end, closed := parseSeq(sh.End)
	trimmed, _ := parseSeq(sh.Trimmed)
	it := shardIterator{arn: *in.StreamArn, shard: sh.ID, created: s.clock()}
	switch in.ShardIteratorType {
	case "TRIM_HORIZON":
		it.from = max(start, trimmed+1)
	case "LATEST":
		it.from = t.stream.seq + 1
		if closed {
			it.from = end + 1
		}
	default: // AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER
		if in.SequenceNumber == nil {
			return nil, validationError("Must provide a SequenceNumber for ShardIteratorType " + in.ShardIteratorType)
		}
		n, ok := parseSeq(*in.SequenceNumber)
		if !ok || n < start || closed && n > end || n > t.stream.seq {
			return nil, validationError("Invalid SequenceNumber " + *in.SequenceNumber + " for shard " + sh.ID)
		}
		it.from = n
		if in.ShardIteratorType == "AFTER_SEQUENCE_NUMBER" {
			it.from++
		}
		if it.from <= trimmed {
			return nil, trimmedError(sh.ID)
		}
	}
	return encodeResponse(struct{ ShardIterator string }{it.encode()})
}

func (s *Server) getRecords(body []byte) ([]byte, error) {
	var in struct {
		ShardIterator *string
		Limit         *int
	}
	if err := decodeRequest(body, &in); err != nil {
		return nil, err
	}
	it, ok := decodeIterator(*in.ShardIterator)
	if !ok {
		return nil, validationError("Invalid ShardIterator")
	}
	now := s.clock()
	if now.Sub(it.created) > iteratorLifetime {
		return nil, dynamoError("ExpiredIteratorException", "Iterator expired. The iterator was created at time "+
			it.created.UTC().Format(time.RFC1123)+" while right now it is "+now.UTC().Format(time.RFC1123)+
			" which is further in the future than the tolerated delay of 900000 milliseconds.")
	}
	t, sm, err := s.findStream(it.arn)
	if err != nil {
		return nil, err
	}
	defer t.mu.RUnlock()
	limit := maxGetRecords
	if in.Limit != nil {
		limit = *in.Limit
	}
	sh, err := findShard(sm, it.shard)
	if err != nil {
		return nil, err
	}
	if trimmed, _ := parseSeq(sh.Trimmed); it.from <= trimmed {
		return nil, trimmedError(sh.ID)
	}
	end, closed := parseSeq(sh.End)
	tr := t.stream.trees[sm.Label]
	cutoff := uint64(now.Add(-streamRetention).UnixMilli())
	b := append(make([]byte, 0, 1024), `{"Records":[`...)
	n, next, more := 0, it.from, false
	tr.Ascend([]byte(formatSeq(it.from)), func(k, v []byte) bool {
		seq, _ := parseSeq(string(k))
		if closed && seq > end {
			return false
		}
		if n == limit {
			more = true
			return false
		}
		next = seq + 1
		hash, all, js := storedRecord(v)
		if binary.BigEndian.Uint64(v) < cutoff || !all && !sh.holds(hash) {
			return true
		}
		if n > 0 {
			b = append(b, ',')
		}
		b = append(b, js...)
		n++
		return true
	})
	b = append(b, ']')
	if !closed || more {
		it.from, it.created = next, now
		b = append(b, `,"NextShardIterator":`...)
		b = appendJSONString(b, it.encode())
	}
	return append(b, '}'), nil
}
