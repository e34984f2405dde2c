package ddbtest

import (
	"bytes"
	"strings"
	"time"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// sweepInterval is how often a real-clock server deletes expired items.
const sweepInterval = time.Second

// maxTTLAge: DynamoDB ignores expiry times more than five years in the past.
const maxTTLAge = 5 * 365 * 24 * time.Hour

// SweepTTL deletes, from every table with TTL enabled, the items whose TTL
// attribute (a number of epoch seconds) is before the server's clock, as
// DynamoDB's background TTL process does. Until a sweep, expired items are
// still returned by reads, as in DynamoDB. It returns the number of items
// deleted. Servers using the real clock sweep every second by themselves.
func (s *Server) SweepTTL() int {
	deleted := 0
	for _, ns := range s.namespaces() {
		deleted += ns.sweepTables()
	}
	return deleted
}

// sweepTables is SweepTTL for the tables of one region.
func (s *Server) sweepTables() int {
	s.mu.RLock()
	tables := make([]*table, 0, len(s.tables))
	for _, t := range s.tables {
		tables = append(tables, t)
	}
	s.mu.RUnlock()
	now := s.clock()
	deleted := 0
	for _, t := range tables {
		deleted += s.sweep(t, now)
		_ = s.trimStreams(t, now) // streams.go
	}
	s.trimRetired(now)
	return deleted
}

// sweep deletes the expired items of t.
func (s *Server) sweep(t *table, now time.Time) int {
	t.mu.RLock()
	attr, on := t.meta.TTLAttr, t.meta.TTLEnabled && !t.deleted
	t.mu.RUnlock()
	if !on {
		return 0
	}
	nowN := av.Value{Type: av.N, Str: formatEpoch(now)}
	oldest := av.Value{Type: av.N, Str: formatEpoch(now.Add(-maxTTLAge))}
	if err := t.lock(true); err != nil {
		return 0
	}
	defer t.mu.Unlock()
	var expired [][]byte
	var items []av.Item
	// Items whose JSON lacks the attribute's name need no decoding (when
	// the name is plain enough to appear verbatim).
	var marker []byte
	if strings.IndexFunc(attr, func(r rune) bool { return r < 0x20 || r >= 0x7f || strings.ContainsRune(`"\<>&`, r) }) < 0 {
		marker = []byte(`"` + attr + `":`)
	}
	t.tree.Ascend(nil, func(key, rec []byte) bool {
		if marker != nil && !bytes.Contains(recordJSON(rec), marker) {
			return true
		}
		item := decodeRecord(rec)
		v, ok := item[attr]
		if !ok || v.Type != av.N {
			return true
		}
		if c, _ := av.Compare(v, nowN); c >= 0 {
			return true
		}
		if c, _ := av.Compare(v, oldest); c < 0 {
			return true
		}
		expired = append(expired, key)
		items = append(items, item)
		return true
	})
	var c capacity
	for i, key := range expired {
		rec, _ := t.tree.Get(key)
		if err := s.commitOne(t, key, &writeResult{oldRec: rec, old: items[i], byTTL: true}, &c); err != nil {
			break
		}
	}
	return len(expired)
}

func formatEpoch(t time.Time) string {
	return itoa(int(t.Unix()))
}

func (s *Server) sweepLoop() {
	defer s.wg.Done()
	tk := time.NewTicker(sweepInterval)
	defer tk.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-tk.C:
			s.SweepTTL()
		}
	}
}
