package ddbtest

import (
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Regions.
//
// DynamoDB keeps tables per account and region: a table created with a
// request signed for us-east-2 does not exist for requests signed for
// us-east-1. A Server does the same. The region of a request is the one in
// the credential scope of its SigV4 signature (Authorization header or
// X-Amz-Credential query parameter); an unsigned request is in
// DefaultRegion.
//
// Each region is a namespace: a *Server of its own (tables, idempotency
// tokens) sharing the clock and the store of the Server the user created,
// which is itself the namespace of DefaultRegion. The store is shared
// through regionStore, which prefixes the names of the region's trees and
// table definitions with "@region/"; DefaultRegion's names carry no prefix,
// so stores written before regions existed load as DefaultRegion.

// DefaultRegion is the region of unsigned requests, of clients returned by
// Server.Client, and of every request of a server made WithSharedRegions.
const DefaultRegion = "us-east-1"

// WithSharedRegions makes every region see the same tables (those of
// DefaultRegion, whose region their ARNs carry), like DynamoDB Local's
// -sharedDb, instead of keeping tables per region as DynamoDB does.
func WithSharedRegions() Option {
	return func(c *config) { c.sharedRegions = true }
}

// regionSet is the namespaces of a server, by region. The Server the user
// holds owns it; its namespaces point to it.
type regionSet struct {
	shared bool
	shards shardPolicy // WithStreamShardSize, WithStreamShardAge
	raw    Store       // the store given WithStore (or the memory store)
	faults atomic.Pointer[faultState]
	mu     sync.Mutex
	m      map[string]*Server
}

// regionPrefix is the prefix of the store names of region's trees and
// table definitions ("" for DefaultRegion).
func regionPrefix(region string) string {
	if region == DefaultRegion {
		return ""
	}
	return "@" + region + "/"
}

// requestRegion returns the region of req's SigV4 credential scope, or
// DefaultRegion when req is not signed (or its scope names no region).
func requestRegion(req *http.Request) string {
	cred := ""
	if h := req.Header.Get("Authorization"); h != "" {
		i := strings.Index(h, "Credential=")
		if i < 0 {
			return DefaultRegion
		}
		cred = h[i+len("Credential="):]
		if j := strings.IndexAny(cred, ", "); j >= 0 {
			cred = cred[:j]
		}
	} else if req.URL != nil && req.URL.RawQuery != "" {
		cred = req.URL.Query().Get("X-Amz-Credential")
	}
	// AKID/date/region/service/aws4_request
	_, rest, _ := strings.Cut(cred, "/")
	_, rest, _ = strings.Cut(rest, "/")
	region, _, ok := strings.Cut(rest, "/")
	if !ok || !validRegion(region) {
		return DefaultRegion
	}
	return region
}

// validRegion reports whether r looks like a region name: lower-case
// letters, digits and dashes, as in "us-west-2" or "ddblocal".
func validRegion(r string) bool {
	if r == "" || len(r) > 64 {
		return false
	}
	for i := 0; i < len(r); i++ {
		c := r[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// namespace returns the server of region, creating it on first use.
func (s *Server) namespace(region string) (*Server, error) {
	rs := s.regions
	if rs.shared || region == s.region {
		return s, nil
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if ns := rs.m[region]; ns != nil {
		return ns, nil
	}
	ns := &Server{
		clock:   s.clock,
		store:   regionStore{raw: rs.raw, prefix: regionPrefix(region)},
		tables:  map[string]*table{},
		stop:    s.stop,
		region:  region,
		regions: rs,
		delays:  s.delays,
	}
	if err := ns.loadTables(); err != nil {
		return nil, err
	}
	rs.m[region] = ns
	return ns, nil
}

// namespaces returns every region's server, DefaultRegion's first.
func (s *Server) namespaces() []*Server {
	rs := s.regions
	rs.mu.Lock()
	defer rs.mu.Unlock()
	names := make([]string, 0, len(rs.m))
	for r := range rs.m {
		if r != s.region {
			names = append(names, r)
		}
	}
	sort.Strings(names)
	out := []*Server{s}
	for _, r := range names {
		out = append(out, rs.m[r])
	}
	return out
}

// loadRegions opens the namespaces of the regions whose tables the store
// records, so that they are swept for TTL from the start.
func (s *Server) loadRegions() error {
	if s.regions.shared {
		return nil
	}
	metas, err := s.regions.raw.Metas()
	if err != nil {
		return err
	}
	for name := range metas {
		if r, _, ok := strings.Cut(strings.TrimPrefix(name, "@"), "/"); ok && strings.HasPrefix(name, "@") {
			if _, err := s.namespace(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// regionStore is the view of a shared Store that one region's server
// uses: its names are the region's prefix plus the server's names.
type regionStore struct {
	raw    Store
	prefix string
}

func (r regionStore) Tree(name string) (Tree, error) { return r.raw.Tree(r.prefix + name) }
func (r regionStore) Drop(name string) error         { return r.raw.Drop(r.prefix + name) }
func (r regionStore) PutMeta(name string, meta []byte) error {
	return r.raw.PutMeta(r.prefix+name, meta)
}
func (r regionStore) DeleteMeta(name string) error { return r.raw.DeleteMeta(r.prefix + name) }

// Metas returns the table definitions of the region only: those under its
// prefix, or, for DefaultRegion (no prefix), those under none.
func (r regionStore) Metas() (map[string][]byte, error) {
	all, err := r.raw.Metas()
	if err != nil {
		return nil, err
	}
	m := make(map[string][]byte, len(all))
	for name, b := range all {
		switch {
		case r.prefix == "" && !strings.HasPrefix(name, "@"):
			m[name] = b
		case r.prefix != "" && strings.HasPrefix(name, r.prefix):
			m[strings.TrimPrefix(name, r.prefix)] = b
		}
	}
	return m, nil
}

// Close does nothing: the Server the user holds closes the shared store.
func (r regionStore) Close() error { return nil }

// Batch applies fn as one batch of the shared store when it has Batch.
func (r regionStore) Batch(fn func(w BatchWriter) error) error {
	if b, ok := r.raw.(Batcher); ok {
		return b.Batch(fn)
	}
	return fn(directWriter{})
}
