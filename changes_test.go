package ddb

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/ddb-go/ddb/ddbtest"
	"go.uber.org/goleak"
)

// feedItem is the item type of the change feed tests.
type feedItem struct {
	ID   string `ddb:"pk"`
	Name string
	N    int
}

// newFeedTable creates a table for T with a stream of the given view type
// on an in-process server of its own (streams exist only on ddbtest among
// the test servers) and returns it with the server.
func newFeedTable[T any](t testing.TB, view types.StreamViewType, opts ...ddbtest.Option) (*Table[T], *ddbtest.Server) {
	t.Helper()
	srv := ddbtest.NewTB(t, opts...)
	tbl, err := NewTable[T](srv.Client(), testTableName(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := tbl.CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = srv.Client().UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String(tbl.Name()),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: view}})
	if err != nil {
		t.Fatal(err)
	}
	return tbl, srv
}

// takeChanges reads n changes from seq, failing the test on an error.
func takeChanges[T any](t testing.TB, seq iter.Seq2[Change[T], error], n int) []Change[T] {
	t.Helper()
	var out []Change[T]
	if n == 0 {
		return out
	}
	for ch, err := range seq {
		if err != nil {
			t.Fatalf("after %d changes: %v", len(out), err)
		}
		if out = append(out, ch); len(out) == n {
			break
		}
	}
	return out
}

// describeChange renders a change as "KIND id old→new".
func describeChange(ch Change[feedItem]) string {
	img := func(v *feedItem) string {
		if v == nil {
			return "-"
		}
		return fmt.Sprintf("%s/%d", v.Name, v.N)
	}
	id := ch.Key["ID"].(*types.AttributeValueMemberS).Value
	return fmt.Sprintf("%v %s %s→%s", ch.Kind, id, img(ch.Old), img(ch.New))
}

// writeAll makes every kind of write: single puts, updates and deletes, a
// batch and a transaction, including a put of an identical item, which
// writes no record.
func writeAll(t *testing.T, tbl *Table[feedItem]) {
	ctx := context.Background()
	steps := []func() error{
		func() error { return tbl.Put(ctx, feedItem{ID: "a", Name: "ada", N: 1}) },
		func() error { return tbl.Put(ctx, feedItem{ID: "a", Name: "ada", N: 1}) }, // unchanged: no record
		func() error { return tbl.Update(ctx, Key{"a"}, NewUpdate().Increment(Attr("N"), 1)) },
		func() error { return tbl.Update(ctx, Key{"b"}, NewUpdate().Set(Attr("Name"), "bob")) },
		func() error { return tbl.Delete(ctx, Key{"a"}) },
		func() error {
			return tbl.BatchWrite(ctx, []feedItem{{ID: "c", Name: "cy"}, {ID: "d", Name: "di"}}, []Key{{"b"}})
		},
		func() error {
			tx := NewWriteTx()
			tbl.TxPut(tx, feedItem{ID: "e", Name: "eve"})
			tbl.TxUpdate(tx, Key{"c"}, NewUpdate().Set(Attr("N"), 7))
			tbl.TxDelete(tx, Key{"d"})
			return tx.Run(ctx, nil)
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
}

func TestChangesKinds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		view types.StreamViewType
		want []string
	}{
		{types.StreamViewTypeNewAndOldImages, []string{
			"INSERT a -→ada/1", "MODIFY a ada/1→ada/2", "INSERT b -→bob/0", "REMOVE a ada/2→-",
			"INSERT c -→cy/0", "INSERT d -→di/0", "REMOVE b bob/0→-",
			"INSERT e -→eve/0", "MODIFY c cy/0→cy/7", "REMOVE d di/0→-",
		}},
		{types.StreamViewTypeKeysOnly, []string{
			"INSERT a -→-", "MODIFY a -→-", "INSERT b -→-", "REMOVE a -→-",
			"INSERT c -→-", "INSERT d -→-", "REMOVE b -→-",
			"INSERT e -→-", "MODIFY c -→-", "REMOVE d -→-",
		}},
		{types.StreamViewTypeNewImage, []string{
			"INSERT a -→ada/1", "MODIFY a -→ada/2", "INSERT b -→bob/0", "REMOVE a -→-",
			"INSERT c -→cy/0", "INSERT d -→di/0", "REMOVE b -→-",
			"INSERT e -→eve/0", "MODIFY c -→cy/7", "REMOVE d -→-",
		}},
		{types.StreamViewTypeOldImage, []string{
			"INSERT a -→-", "MODIFY a ada/1→-", "INSERT b -→-", "REMOVE a ada/2→-",
			"INSERT c -→-", "INSERT d -→-", "REMOVE b bob/0→-",
			"INSERT e -→-", "MODIFY c cy/0→-", "REMOVE d di/0→-",
		}},
	} {
		t.Run(string(tc.view), func(t *testing.T) {
			t.Parallel()
			tbl, srv := newFeedTable[feedItem](t, tc.view)
			writeAll(t, tbl)
			ctx := context.Background()
			got := takeChanges(t, tbl.Changes(ctx, srv.StreamsClient(), PollInterval(time.Millisecond)), len(tc.want))
			// Batch and transaction items need not be recorded in request
			// order: compare those groups as sets.
			for i, ch := range got {
				if ch.SequenceNumber == "" || ch.Time.IsZero() || ch.Position == "" {
					t.Errorf("change %d lacks sequence number, time or position: %+v", i, ch)
				}
				if i > 0 && ch.SequenceNumber <= got[i-1].SequenceNumber {
					t.Errorf("sequence numbers not increasing: %s after %s", ch.SequenceNumber, got[i-1].SequenceNumber)
				}
			}
			for _, group := range [][2]int{{0, 4}, {4, 7}, {7, 10}} {
				want := map[string]int{}
				for _, w := range tc.want[group[0]:group[1]] {
					want[w]++
				}
				for _, ch := range got[group[0]:group[1]] {
					want[describeChange(ch)]--
				}
				for w, n := range want {
					if n != 0 {
						t.Errorf("changes %d..%d: %q counted %+d", group[0], group[1], w, -n)
					}
				}
			}
			if t.Failed() {
				for _, ch := range got {
					t.Log(describeChange(ch))
				}
			}
		})
	}
}

func TestChangesStartAndResume(t *testing.T) {
	t.Parallel()
	tbl, srv := newFeedTable[feedItem](t, types.StreamViewTypeNewAndOldImages)
	sc := srv.StreamsClient()
	ctx := context.Background()
	poll := PollInterval(time.Millisecond)
	put := func(ids ...string) {
		for _, id := range ids {
			if err := tbl.Put(ctx, feedItem{ID: id}); err != nil {
				t.Fatal(err)
			}
		}
	}
	ids := func(chs []Change[feedItem]) string {
		s := ""
		for _, ch := range chs {
			s += ch.Key["ID"].(*types.AttributeValueMemberS).Value
		}
		return s
	}
	put("a", "b", "c")
	if err := srv.RollStreamShard("us-east-1", tbl.Name()); err != nil {
		t.Fatal(err)
	}
	put("d", "e")
	all := takeChanges(t, tbl.Changes(ctx, sc, poll), 5)
	if got := ids(all); got != "abcde" {
		t.Fatalf("trim horizon: got %q, want abcde", got)
	}
	for i := range all {
		rest := takeChanges(t, tbl.Changes(ctx, sc, poll, FromPosition(all[i].Position)), 4-i)
		if got, want := ids(rest), ids(all[i+1:]); got != want {
			t.Errorf("from position %d: got %q, want %q", i, got, want)
		}
	}

	// FromLatest skips what is there; a later put arrives.
	latest := tbl.Changes(ctx, sc, poll, FromLatest())
	next, stop := iter.Pull2(latest)
	defer stop()
	done := make(chan string)
	go func() {
		ch, err, _ := next()
		if err != nil {
			t.Error(err)
		}
		done <- ch.Key["ID"].(*types.AttributeValueMemberS).Value
	}()
	time.Sleep(50 * time.Millisecond) // let the feed take its LATEST iterator
	put("f")
	if got := <-done; got != "f" {
		t.Errorf("from latest: got %q, want f", got)
	}
}

func TestChangesErrors(t *testing.T) {
	t.Parallel()
	tbl, srv := newFeedTable[feedItem](t, types.StreamViewTypeNewImage)
	other, otherSrv := newFeedTable[feedItem](t, types.StreamViewTypeNewImage)
	ctx := context.Background()
	if err := other.Put(ctx, feedItem{ID: "x"}); err != nil {
		t.Fatal(err)
	}
	otherPos := takeChanges(t, other.Changes(ctx, otherSrv.StreamsClient()), 1)[0].Position
	plain, err := NewTable[feedItem](srv.Client(), tbl.Name()+"-nostream")
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	tampered := []byte(otherPos)
	tampered[5] ^= 1
	for _, tc := range []struct {
		name string
		tbl  *Table[feedItem]
		opts []ChangeOption
		want error
	}{
		{"no stream", plain, nil, ErrInvalidInput},
		{"garbage position", tbl, []ChangeOption{FromPosition("!!")}, ErrInvalidCursor},
		{"other table's position", tbl, []ChangeOption{FromPosition(otherPos)}, ErrInvalidCursor},
		{"tampered position", other, []ChangeOption{FromPosition(string(tampered))}, ErrInvalidCursor},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			for _, err := range tc.tbl.Changes(ctx, srv.StreamsClient(), tc.opts...) {
				if n++; !errors.Is(err, tc.want) {
					t.Errorf("got %v, want %v", err, tc.want)
				}
			}
			if n != 1 {
				t.Errorf("got %d results, want 1 error", n)
			}
		})
	}
	// A query cursor is not a position.
	if err := tbl.BatchWrite(ctx, []feedItem{{ID: "q"}, {ID: "r"}}, nil); err != nil {
		t.Fatal(err)
	}
	cursor := ""
	for page, err := range tbl.Scan().PageSize(1).Pages(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		cursor = page.Cursor
		break
	}
	for _, err := range tbl.Changes(ctx, srv.StreamsClient(), FromPosition(cursor)) {
		if !errors.Is(err, ErrInvalidCursor) {
			t.Errorf("query cursor as position: got %v", err)
		}
	}
}

// TestChangesStops is not parallel: goleak compares all goroutines.
func TestChangesStops(t *testing.T) {
	tbl, srv := newFeedTable[feedItem](t, types.StreamViewTypeNewImage)
	ctx := context.Background()
	if err := tbl.Put(ctx, feedItem{ID: "a"}); err != nil {
		t.Fatal(err)
	}
	t.Run("break", func(t *testing.T) {
		opts := leakOptions()
		takeChanges(t, tbl.Changes(ctx, srv.StreamsClient()), 1)
		goleak.VerifyNone(t, opts...)
	})
	t.Run("cancel while polling", func(t *testing.T) {
		opts := leakOptions()
		ctx, cancel := context.WithCancel(ctx)
		time.AfterFunc(50*time.Millisecond, cancel)
		var last error
		n := 0
		for _, err := range tbl.Changes(ctx, srv.StreamsClient(), PollInterval(time.Millisecond)) {
			n++
			last = err
		}
		if n != 2 || !errors.Is(last, context.Canceled) {
			t.Errorf("got %d results ending with %v, want a change then context.Canceled", n, last)
		}
		goleak.VerifyNone(t, opts...)
	})
	t.Run("break with reads in flight", func(t *testing.T) {
		opts := leakOptions()
		split, srv := newFeedTable[feedItem](t, types.StreamViewTypeNewImage)
		for range 3 { // 8 open shards
			if err := srv.SplitStreamShard("us-east-1", split.Name()); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 50 {
			if err := split.Put(ctx, feedItem{ID: fmt.Sprint(i)}); err != nil {
				t.Fatal(err)
			}
		}
		takeChanges(t, split.Changes(ctx, srv.StreamsClient(), PollInterval(time.Millisecond)), 20)
		srv.Close()
		goleak.VerifyNone(t, opts...)
	})
}

// TestChangesConcurrentWritersCheckpoints consumes 20k changes (2k with
// -short; DDB_FEED_CHANGES=100000, as .ci/run sets, for the 100k)
// from concurrent writers while the stream's shards split (up to 8 open
// at once) and roll over, restarting from the last position after a
// random number of changes: every change comes exactly once, in order per
// item.
func TestChangesConcurrentWritersCheckpoints(t *testing.T) {
	t.Parallel()
	const (
		writers = 4
		items   = 50 // per writer: every item is written total/writers/items times
	)
	total := 20000
	if n, err := strconv.Atoi(os.Getenv("DDB_FEED_CHANGES")); err == nil && n > 0 {
		total = n
	} else if testing.Short() {
		total /= 10
	}
	total -= total % (writers * items)
	tbl, srv := newFeedTable[feedItem](t, types.StreamViewTypeNewImage, ddbtest.WithStreamShardSize(total/20))
	sc := srv.StreamsClient()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var wg sync.WaitGroup
	written := make(chan struct{})
	go func() { // split the shards three times and roll them over 12 times while writers write
		for i := range 15 {
			select {
			case <-written:
				return
			case <-time.After(100 * time.Millisecond):
			}
			change := srv.RollStreamShard
			if i%4 == 1 {
				change = srv.SplitStreamShard
			}
			if err := change("us-east-1", tbl.Name()); err != nil {
				t.Error(err)
			}
		}
	}()
	defer close(written)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range total / writers {
				if err := tbl.Put(ctx, feedItem{ID: fmt.Sprintf("w%d-%d", w, j%items), N: j}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}

	last := map[string]int{} // item -> last N seen
	seen, restarts := 0, 0
	pos := ""
	for seen < total {
		opts := []ChangeOption{PollInterval(time.Millisecond)}
		if pos != "" {
			opts = append(opts, FromPosition(pos))
		}
		quota := 1 + rand.IntN(3000) // restart after a random number of changes
		for ch, err := range tbl.Changes(ctx, sc, opts...) {
			if err != nil {
				t.Fatalf("after %d changes: %v", seen, err)
			}
			id := ch.New.ID
			prev, ok := last[id]
			want := prev + items
			if !ok {
				want = ch.New.N % items // first write of the item
				if want != ch.New.N {
					t.Fatalf("item %s: first change N=%d, want %d", id, ch.New.N, want)
				}
			}
			if ch.New.N != want {
				t.Fatalf("item %s: change N=%d after N=%d (gap, repeat or disorder)", id, ch.New.N, prev)
			}
			last[id] = ch.New.N
			pos = ch.Position
			if seen++; seen == total || quota == 1 {
				break
			}
			quota--
		}
		restarts++
	}
	wg.Wait()
	// Nothing more comes after the last position.
	quiet, stop := context.WithTimeout(ctx, 100*time.Millisecond)
	defer stop()
	for ch, err := range tbl.Changes(quiet, sc, PollInterval(time.Millisecond), FromPosition(pos)) {
		if err == nil {
			t.Errorf("extra change after the last one: %+v", ch)
		} else if !errors.Is(err, context.DeadlineExceeded) {
			t.Error(err)
		}
	}
	d, err := tbl.client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(tbl.Name())})
	if err != nil {
		t.Fatal(err)
	}
	shards, _, err := (&feed[feedItem]{sc: sc, arn: aws.ToString(d.Table.LatestStreamArn)}).describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d changes over %d shards, %d restarts", seen, len(shards), restarts)
	if len(last) != writers*items {
		t.Errorf("saw %d items, want %d", len(last), writers*items)
	}
}

func TestChangesEndWithDisabledStream(t *testing.T) {
	t.Parallel()
	tbl, srv := newFeedTable[feedItem](t, types.StreamViewTypeNewImage)
	ctx := context.Background()
	for _, id := range []string{"a", "b"} {
		if err := tbl.Put(ctx, feedItem{ID: id}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := srv.Client().UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String(tbl.Name()),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(false)}})
	if err != nil {
		t.Fatal(err)
	}
	// DescribeTable still names the disabled stream (as DynamoDB does):
	// the feed reads it to its end, then ends.
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	n := 0
	for ch, err := range tbl.Changes(ctx, srv.StreamsClient(), PollInterval(time.Millisecond)) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; ch.Kind != Insert {
			t.Errorf("change %d: %v, want INSERT", n, ch.Kind)
		}
	}
	if n != 2 {
		t.Errorf("got %d changes, want 2", n)
	}
}

func TestChangesSingleTable(t *testing.T) {
	t.Parallel()
	srv := ddbtest.NewTB(t)
	ctx := context.Background()
	st, err := NewSingleTable(srv.Client(), testTableName(t))
	if err != nil {
		t.Fatal(err)
	}
	type user struct{ ID, Name string }
	type note struct{ User, Text string }
	users, err := DefineEntity[user](st, "User", Keys("USER#{ID}", "PROFILE"))
	if err != nil {
		t.Fatal(err)
	}
	notes, err := DefineEntity[note](st, "Note", Keys("USER#{User}", "NOTE#{Text}"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Table().CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = srv.Client().UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String(st.Name()),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewImage}})
	if err != nil {
		t.Fatal(err)
	}
	if err := users.Put(ctx, user{ID: "ada", Name: "Ada"}); err != nil {
		t.Fatal(err)
	}
	if err := notes.Put(ctx, note{User: "ada", Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	got := takeChanges(t, st.Table().Changes(ctx, srv.StreamsClient()), 2)
	if u, ok := As[user](*got[0].New); !ok || u.Name != "Ada" {
		t.Errorf("first change: %+v, want the user", got[0].New.Value())
	}
	if n, ok := As[note](*got[1].New); !ok || n.Text != "hi" {
		t.Errorf("second change: %+v, want the note", got[1].New.Value())
	}
}

// fakeClock returns a clock for ddbtest.WithClock, from 2026-01-02
// 03:04:05 UTC, and a function that moves it on.
func fakeClock() (clock func() time.Time, advance func(time.Duration)) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return func() time.Time { mu.Lock(); defer mu.Unlock(); return now },
		func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
}

func TestChangesExpiredIterator(t *testing.T) {
	t.Parallel()
	clock, advance := fakeClock()
	tbl, srv := newFeedTable[feedItem](t, types.StreamViewTypeNewImage, ddbtest.WithClock(clock))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tbl.Put(ctx, feedItem{ID: "a"}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for ch, err := range tbl.Changes(ctx, srv.StreamsClient(), PollInterval(time.Millisecond)) {
		if err != nil {
			t.Fatal(err)
		}
		if got = append(got, ch.New.ID); len(got) == 2 {
			break
		}
		// The feed's iterator expires (after 15 minutes) before its next read.
		advance(16 * time.Minute)
		if err := tbl.Put(ctx, feedItem{ID: "b"}); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(got) != "[a b]" {
		t.Errorf("got %v, want [a b]", got)
	}
}

func TestLineageOrder(t *testing.T) {
	t.Parallel()
	shard := func(id, parent string) stypes.Shard {
		s := stypes.Shard{ShardId: aws.String(id)}
		if parent != "" {
			s.ParentShardId = aws.String(parent)
		}
		return s
	}
	for _, tc := range []struct {
		name   string
		shards []stypes.Shard
		want   string
	}{
		{"chain listed backwards", []stypes.Shard{shard("c", "b"), shard("b", "a"), shard("a", "")}, "abc"},
		{"split", []stypes.Shard{shard("r", ""), shard("y", "r"), shard("x", "r"), shard("z", "x")}, "rxyz"},
		{"trimmed parent is a root", []stypes.Shard{shard("d", "gone"), shard("b", ""), shard("e", "d")}, "bde"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			for _, s := range lineageOrder(tc.shards) {
				got += aws.ToString(s.ShardId)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestStreamCreateOption checks that CreateTable's Stream option enables
// the stream, and that a bad view type fails before any request.
func TestStreamCreateOption(t *testing.T) {
	t.Parallel()
	srv := ddbtest.NewTB(t)
	ctx := context.Background()
	tbl, err := NewTable[feedItem](srv.Client(), "streamed")
	if err != nil {
		t.Fatal(err)
	}
	if err := tbl.CreateTable(ctx, Stream("SOMETIMES")); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("bad view type: %v, want ErrInvalidInput", err)
	}
	if err := tbl.CreateTable(ctx, Stream(types.StreamViewTypeKeysOnly)); err != nil {
		t.Fatal(err)
	}
	out, err := srv.Client().DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("streamed")})
	if err != nil {
		t.Fatal(err)
	}
	if s := out.Table.StreamSpecification; s == nil || !aws.ToBool(s.StreamEnabled) || s.StreamViewType != types.StreamViewTypeKeysOnly || out.Table.LatestStreamArn == nil {
		t.Errorf("stream: %+v, arn %v", s, out.Table.LatestStreamArn)
	}
}

// TestChangesSplitSiblings: after a split, both children are open and
// read at once (the feed does not wait for the first to close), and a
// position taken in the middle resumes both without a gap or a repeat. A
// version 1 position (one shard and sequence number, from older feeds) is
// still accepted.
func TestChangesSplitSiblings(t *testing.T) {
	t.Parallel()
	tbl, srv := newFeedTable[feedItem](t, types.StreamViewTypeNewImage)
	sc := srv.StreamsClient()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	poll := PollInterval(time.Millisecond)
	put := func(round int) {
		for i := range 20 {
			if err := tbl.Put(ctx, feedItem{ID: fmt.Sprint(i), N: round}); err != nil {
				t.Fatal(err)
			}
		}
	}
	put(0)
	if err := srv.SplitStreamShard("us-east-1", tbl.Name()); err != nil {
		t.Fatal(err)
	}
	put(1)
	put(2)
	all := takeChanges(t, tbl.Changes(ctx, sc, poll), 60)
	for _, n := range []int{5, 20, 33, 59} {
		seen := map[string]int{}
		for _, ch := range all[:n+1] {
			seen[ch.New.ID]++
		}
		for _, ch := range takeChanges(t, tbl.Changes(ctx, sc, poll, FromPosition(all[n].Position)), 59-n) {
			seen[ch.New.ID]++
		}
		for id, k := range seen {
			if k != 3 {
				t.Errorf("resumed after %d: item %s seen %d times, want 3", n, id, k)
			}
		}
	}
	// Per item, rounds come in order.
	last := map[string]int{}
	for _, ch := range all {
		if prev, ok := last[ch.New.ID]; ok && ch.New.N != prev+1 || !ok && ch.New.N != 0 {
			t.Errorf("item %s: round %d after %d", ch.New.ID, ch.New.N, prev)
		}
		last[ch.New.ID] = ch.New.N
	}

	// A version 1 position names the shard and sequence number of the
	// change: the shards before its shard in lineage order were read.
	p, err := tbl.decodePosition(all[3].Position) // in the first shard, before the split
	if err != nil || len(p.Shards) != 1 {
		t.Fatalf("position of change 3: %+v, %v", p, err)
	}
	for shard, seq := range p.Shards {
		v1 := tbl.schema.cursorKeys.frame(positionVersion1, feedPosition1{Table: tbl.Name(), Stream: p.Stream, Shard: shard, Seq: seq})
		want := map[string]int{}
		for _, ch := range all[4:] {
			want[fmt.Sprint(ch.New.ID, "/", ch.New.N)]++
		}
		for _, ch := range takeChanges(t, tbl.Changes(ctx, sc, poll, FromPosition(v1)), 56) {
			want[fmt.Sprint(ch.New.ID, "/", ch.New.N)]--
		}
		for k, n := range want {
			if n != 0 {
				t.Errorf("from a version 1 position: %s counted %+d", k, -n)
			}
		}
	}
}

// TestChangesDeletedTable: a deleted table's stream stays readable for a
// day, so a consumer resuming from a position reads the last changes and
// ends.
func TestChangesDeletedTable(t *testing.T) {
	t.Parallel()
	tbl, srv := newFeedTable[feedItem](t, types.StreamViewTypeNewImage)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, id := range []string{"a", "b", "c"} {
		if err := tbl.Put(ctx, feedItem{ID: id}); err != nil {
			t.Fatal(err)
		}
	}
	pos := takeChanges(t, tbl.Changes(ctx, srv.StreamsClient()), 1)[0].Position
	if err := tbl.DeleteTable(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	for ch, err := range tbl.Changes(ctx, srv.StreamsClient(), PollInterval(time.Millisecond), FromPosition(pos)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ch.New.ID)
	}
	if fmt.Sprint(got) != "[b c]" {
		t.Errorf("got %v, want [b c]", got)
	}
}

// TestChangesTrimmed: after 25 hours of the server's clock the stream's
// first shard is trimmed and the second's records have expired. A new
// feed reads the shards whose parent is gone at once; a position in a
// trimmed shard, or before trimmed records, yields ErrTrimmed and goes on
// from the oldest records left; a position after which nothing was
// trimmed yields no error.
func TestChangesTrimmed(t *testing.T) {
	t.Parallel()
	clock, advance := fakeClock()
	tbl, srv := newFeedTable[feedItem](t, types.StreamViewTypeNewImage, ddbtest.WithClock(clock))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sc := srv.StreamsClient()
	poll := PollInterval(time.Millisecond)
	put := func(ids ...string) {
		t.Helper()
		for _, id := range ids {
			if err := tbl.Put(ctx, feedItem{ID: id}); err != nil {
				t.Fatal(err)
			}
		}
	}
	roll := func() {
		t.Helper()
		if err := srv.RollStreamShard("us-east-1", tbl.Name()); err != nil {
			t.Fatal(err)
		}
	}
	// read takes n changes (and the ErrTrimmed before them) from a feed
	// started with opts, as "id" or "trimmed".
	read := func(n int, opts ...ChangeOption) (got []string, chs []Change[feedItem]) {
		t.Helper()
		for ch, err := range tbl.Changes(ctx, sc, append([]ChangeOption{poll}, opts...)...) {
			switch {
			case errors.Is(err, ErrTrimmed):
				if ch.Position != "" || ch.New != nil {
					t.Errorf("ErrTrimmed came with a change: %+v", ch)
				}
				got = append(got, "trimmed")
				continue
			case err != nil:
				t.Fatalf("after %v: %v", got, err)
			}
			got, chs = append(got, ch.New.ID), append(chs, ch)
			if n--; n == 0 {
				break
			}
		}
		return got, chs
	}

	put("a", "b") // shard 0, closed at 0h
	roll()
	put("c", "c2") // shard 1, closed at 20h
	_, first := read(4)
	advance(20 * time.Hour)
	roll()
	put("d") // shard 2, at 20h
	advance(5 * time.Hour)
	put("e") // at 25h
	srv.SweepTTL()
	dt, err := srv.Client().DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(tbl.Name())})
	if err != nil {
		t.Fatal(err)
	}
	if d, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: dt.Table.LatestStreamArn}); err != nil || len(d.StreamDescription.Shards) != 2 {
		t.Fatalf("DescribeStream after 25h: %v; want 2 shards listed", err)
	}
	pos := func(i int) []ChangeOption { return []ChangeOption{FromPosition(first[i].Position)} }

	for _, tc := range []struct {
		name string
		opts []ChangeOption
		want string
	}{
		{"trim horizon", nil, "[d e]"},
		{"after a (trimmed shard)", pos(0), "[trimmed d e]"},
		{"after b (trimmed shard's end)", pos(1), "[trimmed d e]"},
		{"after c (before a trimmed record)", pos(2), "[trimmed d e]"},
		{"after c2 (nothing after it trimmed)", pos(3), "[d e]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, chs := read(2, tc.opts...)
			if fmt.Sprint(got) != tc.want {
				t.Fatalf("got %v, want %s", got, tc.want)
			}
			// The positions after ErrTrimmed resume without it.
			if got, _ := read(1, FromPosition(chs[0].Position)); fmt.Sprint(got) != "[e]" {
				t.Errorf("from d's position: got %v, want [e]", got)
			}
		})
	}
}
