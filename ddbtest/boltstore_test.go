package ddbtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// boltOrderCases lists sort-key values of each key type in DynamoDB order:
// numbers by value, strings by UTF-8 bytes (so U+FFFF sorts before an
// emoji, unlike UTF-16), binary by unsigned bytes.
var boltOrderCases = []struct {
	typ    types.ScalarAttributeType
	values []types.AttributeValue
}{
	{types.ScalarAttributeTypeN, boltNums("-12345678901234567890", "-10000000000", "-3.5", "-1", "-0.001", "0", "0.001", "0.5", "1", "2", "10", "1000", "12345678901234567890")},
	{types.ScalarAttributeTypeS, boltStrs("A", "Z", "a", "a\x00", "a\x00b", "a\x01", "ab", "b", "é", "中", "\uffff", "😀")},
	{types.ScalarAttributeTypeB, boltBins([]byte{0}, []byte{0, 0}, []byte{0, 1}, []byte{0, 0xff}, []byte{1}, []byte{0x7f}, []byte{0x80}, []byte{0xff}, []byte{0xff, 0})},
}

func boltNums(vs ...string) (out []types.AttributeValue) {
	for _, v := range vs {
		out = append(out, &types.AttributeValueMemberN{Value: v})
	}
	return out
}

func boltStrs(vs ...string) (out []types.AttributeValue) {
	for _, v := range vs {
		out = append(out, &types.AttributeValueMemberS{Value: v})
	}
	return out
}

func boltBins(vs ...[]byte) (out []types.AttributeValue) {
	for _, v := range vs {
		out = append(out, &types.AttributeValueMemberB{Value: v})
	}
	return out
}

// boltAV converts an SDK scalar to the server's value type.
func boltAV(v types.AttributeValue) av.Value {
	switch v := v.(type) {
	case *types.AttributeValueMemberN:
		return av.Value{Type: av.N, Str: v.Value}
	case *types.AttributeValueMemberS:
		return av.Value{Type: av.S, Str: v.Value}
	case *types.AttributeValueMemberB:
		return av.Value{Type: av.B, Bytes: v.Value}
	}
	panic(fmt.Sprintf("unexpected %T", v))
}

// boltClient returns an SDK client for a server listening at url.
func boltClient(url string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(url),
		RetryMaxAttempts: 1,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}, nil
		}),
	})
}

// boltCreateTable creates table name with key pk (S) and sk of type skType,
// and a GSI "byG" on attribute g (S).
func boltCreateTable(t *testing.T, c *dynamodb.Client, name string, skType types.ScalarAttributeType) {
	t.Helper()
	_, err := c.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName: aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: skType},
			{AttributeName: aws.String("g"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange},
		},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName:  aws.String("byG"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}},
		BillingMode: types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatalf("CreateTable %s: %v", name, err)
	}
}

// boltQuerySK queries partition pk of table (or of its index byG when
// index is set, keyed by g) and returns the sk values in response order.
func boltQuerySK(t *testing.T, c *dynamodb.Client, table, pk string, forward, index bool) []types.AttributeValue {
	t.Helper()
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(table),
		KeyConditionExpression:    aws.String("pk = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: pk}},
		ScanIndexForward:          aws.Bool(forward),
	}
	if index {
		in.IndexName = aws.String("byG")
		in.KeyConditionExpression = aws.String("g = :p")
	}
	var out []types.AttributeValue
	p := dynamodb.NewQueryPaginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("Query %s: %v", table, err)
		}
		for _, it := range page.Items {
			out = append(out, it["sk"])
		}
	}
	return out
}

// boltReopener returns a function that opens the same bolt file, in t's
// temporary directory, each time it is called: a store to restart a
// server on.
func boltReopener(t *testing.T) func() Store {
	path := filepath.Join(t.TempDir(), "db")
	return func() Store {
		st, err := OpenBoltStore(path)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
}

// TestBoltStoreReopen stores tables with N, S and B sort keys through the
// SDK over HTTP, closes the server, reopens the file, and reads the items
// back in DynamoDB's order, from the tables and from their indexes.
func TestBoltStoreReopen(t *testing.T) {
	t.Parallel()
	store := boltReopener(t)
	open := func() *Server { return NewServer(WithStore(store())) }

	srv := open()
	c := boltClient(srv.URL)
	for _, tc := range boltOrderCases {
		name := "BoltReopen" + string(tc.typ)
		boltCreateTable(t, c, name, tc.typ)
		for _, i := range rand.Perm(len(tc.values)) {
			_, err := c.PutItem(context.Background(), &dynamodb.PutItemInput{
				TableName: aws.String(name),
				Item: map[string]types.AttributeValue{
					"pk": &types.AttributeValueMemberS{Value: "p"},
					"sk": tc.values[i],
					"g":  &types.AttributeValueMemberS{Value: "g"},
				},
			})
			if err != nil {
				t.Fatalf("PutItem %s: %v", name, err)
			}
		}
	}
	// A dropped table must stay dropped.
	boltCreateTable(t, c, "BoltReopenGone", types.ScalarAttributeTypeS)
	if _, err := c.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String("BoltReopenGone")}); err != nil {
		t.Fatal(err)
	}
	srv.Close()

	srv = open()
	defer srv.Close()
	c = boltClient(srv.URL)
	lt, err := c.ListTables(context.Background(), &dynamodb.ListTablesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"BoltReopenB", "BoltReopenN", "BoltReopenS"}; !reflect.DeepEqual(lt.TableNames, want) {
		t.Errorf("tables after reopen = %q, want %q", lt.TableNames, want)
	}
	for _, tc := range boltOrderCases {
		name := "BoltReopen" + string(tc.typ)
		rev := slices.Clone(tc.values)
		slices.Reverse(rev)
		if got := boltQuerySK(t, c, name, "p", true, false); !reflect.DeepEqual(got, tc.values) {
			t.Errorf("%s ascending = %v, want %v", name, boltShow(got), boltShow(tc.values))
		}
		if got := boltQuerySK(t, c, name, "p", false, false); !reflect.DeepEqual(got, rev) {
			t.Errorf("%s descending = %v, want %v", name, boltShow(got), boltShow(rev))
		}
		if got := boltQuerySK(t, c, name, "g", true, true); len(got) != len(tc.values) {
			t.Errorf("%s index has %d items, want %d", name, len(got), len(tc.values))
		}
	}
}

func boltShow(vs []types.AttributeValue) []string {
	var out []string
	for _, v := range vs {
		switch v := v.(type) {
		case *types.AttributeValueMemberB:
			out = append(out, fmt.Sprintf("B:%x", v.Value))
		default:
			out = append(out, fmt.Sprintf("%q", boltAV(v).Str))
		}
	}
	return out
}

// TestBoltStoreKeyOrder checks at the store level that bbolt's byte order
// of the server's encoded keys is DynamoDB's order, for each key type.
func TestBoltStoreKeyOrder(t *testing.T) {
	t.Parallel()
	st, err := OpenBoltStore(filepath.Join(t.TempDir(), "order.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, tc := range boltOrderCases {
		tr, err := st.Tree(string(tc.typ))
		if err != nil {
			t.Fatal(err)
		}
		part := appendPartition(nil, av.Value{Type: av.S, Str: "p"})
		var want [][]byte
		for _, v := range tc.values {
			want = append(want, appendEnc(bytes.Clone(part), boltAV(v)))
		}
		for _, i := range rand.Perm(len(want)) {
			if err := tr.Put(want[i], []byte{byte(i)}); err != nil {
				t.Fatal(err)
			}
		}
		var got [][]byte
		tr.Ascend(nil, func(k, v []byte) bool {
			if int(v[0]) != len(got) {
				t.Errorf("%s: entry %d holds value %d", tc.typ, len(got), v[0])
			}
			got = append(got, k)
			return true
		})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: bolt order differs from DynamoDB order:\n got %x\nwant %x", tc.typ, got, want)
		}
	}
}

// boltOpenPair opens an empty bolt store and an empty memory store.
func boltOpenPair(t *testing.T) (bolt, mem Store) {
	t.Helper()
	bolt, err := OpenBoltStore(filepath.Join(t.TempDir(), "pair.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bolt.Close() })
	return bolt, NewMemStore()
}

// boltWalk records a walk of tr: Ascend from bound, or Descend before it,
// stopping after limit entries (0: no limit).
func boltWalk(tr Tree, desc bool, bound []byte, limit int) []string {
	var out []string
	fn := func(k, v []byte) bool {
		out = append(out, string(k)+"="+string(v))
		return limit == 0 || len(out) < limit
	}
	if desc {
		tr.Descend(bound, fn)
	} else {
		tr.Ascend(bound, fn)
	}
	return out
}

// TestBoltStoreMatchesMemStore applies the same random puts and deletes to
// a bolt tree and a memory tree and compares every kind of read, with
// enough entries to cross the bolt iterator's chunk boundaries.
func TestBoltStoreMatchesMemStore(t *testing.T) {
	t.Parallel()
	bs, ms := boltOpenPair(t)
	bt, _ := bs.Tree("x")
	mt, _ := ms.Tree("x")
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{0x00, 0x01, 'a', 0xfe, 0xff}
	randKey := func() []byte {
		k := make([]byte, 1+r.IntN(3))
		for i := range k {
			k[i] = alphabet[r.IntN(len(alphabet))]
		}
		return k
	}
	for i := range 150 {
		k, del := randKey(), r.IntN(4) == 0
		for _, tr := range []Tree{bt, mt} {
			var err error
			if del {
				err = tr.Delete(k)
			} else {
				err = tr.Put(k, fmt.Appendf(nil, "%d", i))
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if bt.Len() != mt.Len() {
		t.Errorf("Len = %d, want %d", bt.Len(), mt.Len())
	}
	bounds := [][]byte{nil, {}, {0}, {0, 0}, {1}, {'a', 0xff}, {0xfe}, {0xff}, {0xff, 0xff, 0xff, 0xff}}
	for range 10 {
		bounds = append(bounds, randKey())
	}
	for _, b := range bounds {
		if v1, ok1 := bt.Get(b); true {
			v2, ok2 := mt.Get(b)
			if ok1 != ok2 || !bytes.Equal(v1, v2) {
				t.Errorf("Get(%x) = %q %v, want %q %v", b, v1, ok1, v2, ok2)
			}
		}
		for _, desc := range []bool{false, true} {
			for _, limit := range []int{0, 1, 9, 30} {
				got, want := boltWalk(bt, desc, b, limit), boltWalk(mt, desc, b, limit)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("walk desc=%v from %x limit %d:\n got %q\nwant %q", desc, b, limit, got, want)
				}
			}
		}
	}

	// Drop empties the tree; a dropped tree reopens empty.
	if err := bs.Drop("x"); err != nil {
		t.Fatal(err)
	}
	if err := bs.Drop("never-existed"); err != nil {
		t.Errorf("Drop of a missing tree: %v", err)
	}
	bt, _ = bs.Tree("x")
	if n := bt.Len(); n != 0 || len(boltWalk(bt, false, nil, 0)) != 0 {
		t.Errorf("tree after Drop has %d entries", n)
	}
}

// TestBoltStoreMeta checks the table catalog and that Len is recounted
// on reopen.
func TestBoltStoreMeta(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "meta.db")
	st, err := OpenBoltStore(path)
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := st.Tree("t")
	for _, k := range []string{"a", "b", "c", "b"} {
		if err := tr.Put([]byte(k), []byte("v")); err != nil {
			t.Fatal(err)
		}
	}
	if err := tr.Delete([]byte("zz")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"one", "two", "three"} {
		if err := st.PutMeta(name, []byte("m-"+name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.PutMeta("two", []byte("m-2")); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteMeta("three"); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st, err = OpenBoltStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m, err := st.Metas()
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string][]byte{"one": []byte("m-one"), "two": []byte("m-2")}; !reflect.DeepEqual(m, want) {
		t.Errorf("Metas = %q, want %q", m, want)
	}
	tr, _ = st.Tree("t")
	if tr.Len() != 3 {
		t.Errorf("Len after reopen = %d, want 3", tr.Len())
	}
}

// TestBoltStoreWriteDuringWalk writes to another tree from inside Ascend and
// Descend, as the server does when it backfills a new index. The writes
// grow the file, which would deadlock under an open read transaction.
func TestBoltStoreWriteDuringWalk(t *testing.T) {
	t.Parallel()
	bs, _ := boltOpenPair(t)
	src, _ := bs.Tree("src")
	dst, _ := bs.Tree("dst")
	for i := range 40 {
		if err := src.Put(fmt.Appendf(nil, "%03d", i), nil); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error, 1)
	go func() {
		big := bytes.Repeat([]byte("x"), 64<<10)
		var err error
		write := func(k, _ []byte) bool {
			err = dst.Put(append(k[:len(k):len(k)], 'd'), big)
			return err == nil
		}
		src.Ascend(nil, write)
		if err == nil {
			src.Descend(nil, write)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("writing during a walk deadlocked")
	}
	if dst.Len() != 40 {
		t.Errorf("dst has %d entries, want 40", dst.Len())
	}
}

// TestBoltStoreOpenErrors checks the errors for a file in use and for a
// path that cannot be created.
func TestBoltStoreOpenErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "locked.db")
	st, err := OpenBoltStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	start := time.Now()
	_, err = OpenBoltStore(path)
	if !errors.Is(err, ErrStoreLocked) {
		t.Errorf("second open: %v, want ErrStoreLocked", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("second open took %v", d)
	}

	// A regular file where a directory should be: fails even for root.
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = OpenBoltStore(filepath.Join(file, "x.db"))
	if err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("open under a file: %v, want a 'not a directory' error", err)
	}
}

// boltBenchTree returns a tree of a fresh bolt store holding n entries
// with 16-byte keys and 200-byte values, and the keys.
func boltBenchTree(b *testing.B, n int) (Tree, [][]byte) {
	b.Helper()
	st, err := OpenBoltStore(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	tr, _ := st.Tree("bench")
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "key-%011d", i)
		if err := tr.Put(keys[i], bytes.Repeat([]byte{'v'}, 200)); err != nil {
			b.Fatal(err)
		}
	}
	return tr, keys
}

// BenchmarkBoltStorePut measures one durable (fsynced) put.
func BenchmarkBoltStorePut(b *testing.B) {
	tr, _ := boltBenchTree(b, 0)
	val := bytes.Repeat([]byte{'v'}, 200)
	for i := 0; b.Loop(); i++ {
		if err := tr.Put(fmt.Appendf(nil, "key-%011d", i), val); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBoltStoreGet measures one point read.
func BenchmarkBoltStoreGet(b *testing.B) {
	tr, keys := boltBenchTree(b, 100)
	for i := 0; b.Loop(); i++ {
		if _, ok := tr.Get(keys[i%len(keys)]); !ok {
			b.Fatal("missing")
		}
	}
}

// BenchmarkBoltStoreAscend10 measures a 10-entry range read, as a Query
// of one small partition does.
func BenchmarkBoltStoreAscend10(b *testing.B) {
	tr, keys := boltBenchTree(b, 100)
	for i := 0; b.Loop(); i++ {
		n := 0
		tr.Ascend(keys[i%90], func(_, _ []byte) bool { n++; return n < 10 })
	}
}
