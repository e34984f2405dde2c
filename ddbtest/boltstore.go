package ddbtest

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// ErrStoreLocked is returned (wrapped) by OpenBoltStore when another process
// or another open store already holds the database file.
var ErrStoreLocked = errors.New("database is locked by another process")

// boltLockTimeout is how long OpenBoltStore waits for the file lock.
const boltLockTimeout = 500 * time.Millisecond

// Bucket names. Tree buckets are the tree name behind a 't' byte, so no tree
// name can collide with the meta bucket.
var boltMetaBucket = []byte("meta")

func boltTreeBucket(name string) []byte { return append([]byte{'t'}, name...) }

// OpenBoltStore opens, creating it if needed, a durable Store kept in the
// bbolt (go.etcd.io/bbolt) database file at path, for use with WithStore.
// Every tree is one bucket and keys are stored as the server encodes them,
// so bucket order is DynamoDB order.
//
// Every Put, Delete, Drop and meta change is its own committed, fsynced
// transaction, and so is every Batch (the server makes each item write,
// with its index entries, and each TransactWriteItems one Batch): once the
// call returns, the change survives a crash, and a crash never leaves part
// of one. Only one
// store may have the file open at a time; opening a file in use fails
// within a second with an error wrapping ErrStoreLocked.
func OpenBoltStore(path string) (Store, error) {
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: boltLockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("ddbtest: open %s: %w", path, ErrStoreLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("ddbtest: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(boltMetaBucket)
		return err
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("ddbtest: open %s: %w", path, err)
	}
	return &boltStore{db: db, trees: map[string]*boltTree{}}, nil
}

type boltStore struct {
	db *bolt.DB

	mu    sync.Mutex // guards trees
	trees map[string]*boltTree
}

func (s *boltStore) Tree(name string) (Tree, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.trees[name]; t != nil {
		return t, nil
	}
	t := &boltTree{db: s.db, bucket: boltTreeBucket(name)}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(t.bucket)
		if err != nil {
			return err
		}
		t.n.Store(int64(b.Stats().KeyN))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ddbtest: bolt store: tree %q: %w", name, err)
	}
	s.trees[name] = t
	return t, nil
}

func (s *boltStore) Drop(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.trees, name)
	// Dropping a missing tree (the server drops a name before creating a
	// tree under it) needs no write transaction, hence no fsync.
	exists := false
	_ = s.db.View(func(tx *bolt.Tx) error {
		exists = tx.Bucket(boltTreeBucket(name)) != nil
		return nil
	})
	if !exists {
		return nil
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		err := tx.DeleteBucket(boltTreeBucket(name))
		if errors.Is(err, bolterrors.ErrBucketNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("ddbtest: bolt store: drop %q: %w", name, err)
	}
	return nil
}

func (s *boltStore) PutMeta(name string, meta []byte) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(boltMetaBucket).Put([]byte(name), meta)
	})
}

func (s *boltStore) DeleteMeta(name string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(boltMetaBucket).Delete([]byte(name))
	})
}

func (s *boltStore) Metas() (map[string][]byte, error) {
	m := map[string][]byte{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(boltMetaBucket).ForEach(func(k, v []byte) error {
			m[string(k)] = bytes.Clone(v)
			return nil
		})
	})
	return m, err
}

func (s *boltStore) Close() error { return s.db.Close() }

// Batch runs fn in one read-write transaction: its writes are committed
// (and fsynced) together, or not at all.
func (s *boltStore) Batch(fn func(w BatchWriter) error) error {
	w := &boltBatch{}
	err := s.db.Update(func(tx *bolt.Tx) error {
		w.tx = tx
		return fn(w)
	})
	if err != nil {
		return fmt.Errorf("ddbtest: bolt store: %w", err)
	}
	for _, d := range w.deltas {
		d.t.n.Add(d.n)
	}
	return nil
}

// boltBatch is the BatchWriter of one bolt transaction. deltas are the key
// count changes to apply to the trees once the transaction is committed.
type boltBatch struct {
	tx     *bolt.Tx
	deltas []boltDelta
}

type boltDelta struct {
	t *boltTree
	n int64
}

// bucket returns the bucket of t, which must be a tree of this store.
func (w *boltBatch) bucket(t Tree) (*boltTree, *bolt.Bucket, error) {
	bt, ok := t.(*boltTree)
	if !ok {
		return nil, nil, fmt.Errorf("tree %T is not a tree of this store", t)
	}
	b := w.tx.Bucket(bt.bucket)
	if b == nil {
		return nil, nil, errBoltTreeDropped
	}
	return bt, b, nil
}

func (w *boltBatch) Put(t Tree, key, val []byte) error {
	bt, b, err := w.bucket(t)
	if err != nil {
		return err
	}
	if b.Get(key) == nil {
		w.deltas = append(w.deltas, boltDelta{bt, 1})
	}
	return b.Put(key, val)
}

func (w *boltBatch) Delete(t Tree, key []byte) error {
	bt, b, err := w.bucket(t)
	if err != nil {
		return err
	}
	if b.Get(key) == nil {
		return nil
	}
	w.deltas = append(w.deltas, boltDelta{bt, -1})
	return b.Delete(key)
}

// boltTree is one bucket. n counts its keys so that Len is O(1).
type boltTree struct {
	db     *bolt.DB
	bucket []byte
	n      atomic.Int64
}

// errBoltTreeDropped reports use of a tree whose bucket was dropped.
var errBoltTreeDropped = errors.New("ddbtest: bolt store: tree was dropped")

func (t *boltTree) Get(key []byte) (val []byte, ok bool) {
	_ = t.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(t.bucket); b != nil {
			if v := b.Get(key); v != nil {
				val, ok = bytes.Clone(v), true
			}
		}
		return nil
	})
	return val, ok
}

func (t *boltTree) Put(key, val []byte) error {
	return t.update(func(b *bolt.Bucket) (int64, error) {
		var added int64
		if b.Get(key) == nil {
			added = 1
		}
		return added, b.Put(key, val)
	})
}

func (t *boltTree) Delete(key []byte) error {
	return t.update(func(b *bolt.Bucket) (int64, error) {
		if b.Get(key) == nil {
			return 0, nil
		}
		return -1, b.Delete(key)
	})
}

// update runs fn on the tree's bucket in one committed transaction and,
// once it is committed, adds fn's change to the key count.
func (t *boltTree) update(fn func(b *bolt.Bucket) (int64, error)) error {
	var delta int64
	err := t.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(t.bucket)
		if b == nil {
			return errBoltTreeDropped
		}
		var err error
		delta, err = fn(b)
		return err
	})
	if err != nil {
		return fmt.Errorf("ddbtest: bolt store: %w", err)
	}
	t.n.Add(delta)
	return nil
}

func (t *boltTree) Len() int { return int(t.n.Load()) }

// Iteration reads the bucket in chunks, each in its own short read
// transaction, and calls fn with no transaction open. fn may therefore
// write to the store (the server backfills an index from inside Ascend),
// which would deadlock under an open read transaction whenever the write
// must grow the file. Chunks start small, since most walks (GetItem-like
// queries, Limit 1) stop early, and double up to boltMaxChunk.
const (
	boltMinChunk = 32
	boltMaxChunk = 1024
)

type boltKV struct{ key, val []byte }

func (t *boltTree) Ascend(from []byte, fn func(key, val []byte) bool) {
	seek := from
	for n := boltMinChunk; ; n = min(2*n, boltMaxChunk) {
		chunk := t.chunk(n, func(c *bolt.Cursor) ([]byte, []byte) {
			if seek == nil {
				return c.First()
			}
			return c.Seek(seek)
		}, (*bolt.Cursor).Next)
		if !feed(chunk, n, fn) {
			return
		}
		// Resume at the smallest key after the last one.
		last := chunk[len(chunk)-1].key
		seek = append(last[:len(last):len(last)], 0)
	}
}

func (t *boltTree) Descend(before []byte, fn func(key, val []byte) bool) {
	for n := boltMinChunk; ; n = min(2*n, boltMaxChunk) {
		bound := before
		chunk := t.chunk(n, func(c *bolt.Cursor) ([]byte, []byte) {
			if bound == nil {
				return c.Last()
			}
			// Seek finds the first key >= bound; the one before it is
			// the first key < bound.
			if k, _ := c.Seek(bound); k == nil {
				return c.Last()
			}
			return c.Prev()
		}, (*bolt.Cursor).Prev)
		if !feed(chunk, n, fn) {
			return
		}
		before = chunk[len(chunk)-1].key
	}
}

// feed passes the entries of chunk, read with a limit of n, to fn, and
// reports whether a walk goes on: fn wants more and chunk was full.
func feed(chunk []boltKV, n int, fn func(key, val []byte) bool) bool {
	for _, e := range chunk {
		if !fn(e.key, e.val) {
			return false
		}
	}
	return len(chunk) >= n
}

// chunk returns copies of up to n entries, starting at first(cursor) and
// stepping with next, read in one transaction.
func (t *boltTree) chunk(n int, first func(*bolt.Cursor) ([]byte, []byte), next func(*bolt.Cursor) ([]byte, []byte)) []boltKV {
	out := make([]boltKV, 0, n)
	_ = t.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(t.bucket)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		size := 0
		for k, v := first(c); k != nil && len(out) < n; k, v = next(c) {
			size += len(k) + len(v)
			out = append(out, boltKV{k, v})
		}
		// Copy the entries out of the mmap, into one allocation; each
		// slice is capped so that appending to it cannot clobber the next.
		buf := make([]byte, 0, size)
		for i, e := range out {
			buf = append(buf, e.key...)
			k := buf[len(buf)-len(e.key):]
			buf = append(buf, e.val...)
			v := buf[len(buf)-len(e.val):]
			out[i] = boltKV{k[:len(k):len(k)], v[:len(v):len(v)]}
		}
		return nil
	})
	return out
}
