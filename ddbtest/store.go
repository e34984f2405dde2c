package ddbtest

import (
	"bytes"
	"sync"

	"github.com/google/btree"
)

// Store is the storage engine behind a Server: a set of named, ordered
// byte-keyed trees plus a small catalog of table definitions. The server
// keeps one tree per table and one per secondary index, and encodes keys so
// that byte order is DynamoDB order (see keys.go); a Query is therefore a
// range walk over one tree. Values are opaque to the store.
//
// Concurrency: the server guarantees that a tree is never written while any
// other call on the same tree is in progress (it holds the owning table's
// write lock), while reads of one tree may run concurrently with each
// other. Different trees may be used concurrently.
//
// Ownership: the server never modifies a key or value slice after handing it
// to Put, and never modifies slices returned by Get or passed to the
// iteration callbacks. Returned slices must stay valid after the call
// returns (an implementation backed by memory-mapped pages, such as bbolt,
// copies them).
//
// The in-memory implementation is used by default; a durable implementation
// can be plugged in with WithStore.
type Store interface {
	// Tree returns the tree called name, creating it empty if it does not exist.
	Tree(name string) (Tree, error)
	// Drop deletes the tree called name and all its entries. Dropping a tree
	// that does not exist is not an error.
	Drop(name string) error
	// PutMeta records the definition of the table called name (an opaque
	// blob the server encodes), replacing any previous one.
	PutMeta(name string, meta []byte) error
	// DeleteMeta removes the definition of the table called name.
	DeleteMeta(name string) error
	// Metas returns every recorded table definition, by table name. A
	// server opened on a store reloads its tables from these.
	Metas() (map[string][]byte, error)
	// Close releases the store's resources. The server calls it from Close.
	Close() error
}

// Batcher is an optional interface of a Store: a store that implements it
// applies several writes, to any of its trees, as one atomic unit. The
// server then makes every item write (the item in its table's tree and its
// entries in the index trees) one batch, and every TransactWriteItems one
// batch, so that a durable store never holds half of a write after a crash.
// A Store without Batch gets the writes one Put or Delete at a time.
type Batcher interface {
	// Batch calls fn with a BatchWriter and applies the writes fn made
	// through it all together when fn returns nil; when fn or the batch
	// fails, none of them is applied and Batch returns the error. fn must
	// not read from the store's trees nor call other methods of the store:
	// the server evaluates the write first, then only stages its changes.
	Batch(fn func(w BatchWriter) error) error
}

// BatchWriter stages the writes of one Batch. Its trees are trees the same
// Store returned from Tree.
type BatchWriter interface {
	// Put stores val under key in t, replacing any previous value.
	Put(t Tree, key, val []byte) error
	// Delete removes key from t; deleting a missing key is not an error.
	Delete(t Tree, key []byte) error
}

// Batch applies fn's writes as fn makes them: a memory store has no crash
// to survive, its writes cannot fail (so the server's fn never stops
// halfway), and the server never runs fn concurrently with other uses of
// the same trees.
func (s *memStore) Batch(fn func(w BatchWriter) error) error { return fn(directWriter{}) }

// directWriter writes straight to the trees, for stores without Batch.
type directWriter struct{}

func (directWriter) Put(t Tree, key, val []byte) error { return t.Put(key, val) }
func (directWriter) Delete(t Tree, key []byte) error   { return t.Delete(key) }

// batch runs fn as one batch of the server's store, or writes directly
// when the store has no Batch.
func (s *Server) batch(fn func(w BatchWriter) error) error {
	if b, ok := s.store.(Batcher); ok {
		return b.Batch(fn)
	}
	return fn(directWriter{})
}

// Tree is one ordered keyspace of a Store, sorted by bytes.Compare of keys.
type Tree interface {
	// Get returns the value stored under key.
	Get(key []byte) (val []byte, ok bool)
	// Put stores val under key, replacing any previous value.
	Put(key, val []byte) error
	// Delete removes key; deleting a missing key is not an error.
	Delete(key []byte) error
	// Ascend calls fn for every entry whose key is >= from (every entry
	// when from is nil), in ascending key order, until fn returns false.
	Ascend(from []byte, fn func(key, val []byte) bool)
	// Descend calls fn for every entry whose key is < before (every entry
	// when before is nil), in descending key order, until fn returns false.
	Descend(before []byte, fn func(key, val []byte) bool)
	// Len returns the number of entries.
	Len() int
}

// NewMemStore returns an empty in-memory Store ordered by B-trees
// (github.com/google/btree). It is what NewServer uses unless WithStore says
// otherwise.
func NewMemStore() Store {
	return &memStore{trees: map[string]*memTree{}, metas: map[string][]byte{}}
}

type memStore struct {
	mu    sync.Mutex
	trees map[string]*memTree
	metas map[string][]byte
}

func (s *memStore) Tree(name string) (Tree, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.trees[name]
	if t == nil {
		t = &memTree{bt: btree.NewG(16, lessEntry)}
		s.trees[name] = t
	}
	return t, nil
}

func (s *memStore) Drop(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.trees, name)
	return nil
}

func (s *memStore) PutMeta(name string, meta []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.metas[name] = bytes.Clone(meta)
	return nil
}

func (s *memStore) DeleteMeta(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.metas, name)
	return nil
}

func (s *memStore) Metas() (map[string][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make(map[string][]byte, len(s.metas))
	for k, v := range s.metas {
		m[k] = v
	}
	return m, nil
}

func (s *memStore) Close() error { return nil }

// entry is one key/value pair of a memTree: two slice headers, nothing else,
// so an item costs its encoded bytes plus 48 bytes of tree slot.
type entry struct {
	key, val []byte
}

func lessEntry(a, b entry) bool { return bytes.Compare(a.key, b.key) < 0 }

type memTree struct {
	bt *btree.BTreeG[entry]
}

func (t *memTree) Get(key []byte) ([]byte, bool) {
	e, ok := t.bt.Get(entry{key: key})
	return e.val, ok
}

func (t *memTree) Put(key, val []byte) error {
	t.bt.ReplaceOrInsert(entry{key: key, val: val})
	return nil
}

func (t *memTree) Delete(key []byte) error {
	t.bt.Delete(entry{key: key})
	return nil
}

func (t *memTree) Ascend(from []byte, fn func(key, val []byte) bool) {
	it := func(e entry) bool { return fn(e.key, e.val) }
	if from == nil {
		t.bt.Ascend(it)
		return
	}
	t.bt.AscendGreaterOrEqual(entry{key: from}, it)
}

func (t *memTree) Descend(before []byte, fn func(key, val []byte) bool) {
	if before == nil {
		t.bt.Descend(func(e entry) bool { return fn(e.key, e.val) })
		return
	}
	t.bt.DescendLessOrEqual(entry{key: before}, func(e entry) bool {
		if bytes.Equal(e.key, before) {
			return true
		}
		return fn(e.key, e.val)
	})
}

func (t *memTree) Len() int { return t.bt.Len() }
