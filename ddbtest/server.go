package ddbtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Server is an in-process DynamoDB-compatible server. It speaks DynamoDB's
// JSON 1.0 protocol, so an unmodified SDK client works against it, either
// over loopback HTTP (URL) or in-process through Transport and Client.
//
// A Server is safe for concurrent use.
type Server struct {
	// URL is the base URL of the listening server, "http://127.0.0.1:port",
	// or empty for a server that was not started.
	URL string

	clock func() time.Time
	store Store

	mu        sync.RWMutex // guards tables
	tables    map[string]*table
	retiredMu sync.Mutex       // guards retired; no lock is taken while it is held
	retired   []retiredStreams // streams.go: deleted tables' streams

	tokens tokenCache // TransactWriteItems idempotency

	region  string     // this namespace's region (see region.go)
	regions *regionSet // every region's namespace, shared
	delays  tableDelays

	listener net.Listener
	httpSrv  *http.Server
	stop     chan struct{}
	wg       sync.WaitGroup
	closeMu  sync.Mutex
	closed   bool
}

// Option configures a Server.
type Option func(*config)

type config struct {
	clock         func() time.Time
	faults        Faults
	store         Store
	sharedRegions bool
	shards        shardPolicy // streams.go
	delays        tableDelays
}

// WithClock makes the server read time from now instead of time.Now: it
// decides which items TTL has expired and stamps table creation times.
// A server with a clock does not sweep expired items in the background;
// call SweepTTL.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.clock = now }
}

// WithFaults makes the server inject the faults f describes (throttling,
// internal errors, unprocessed batch items, delays, lost responses,
// resets, slow responses). See Faults.
func WithFaults(f Faults) Option {
	return func(c *config) { c.faults = f }
}

// WithStore makes the server keep its data in st instead of a fresh
// in-memory store. Tables recorded in st are loaded. The server closes st
// when it is closed.
func WithStore(st Store) Option {
	return func(c *config) { c.store = st }
}

// NewServer starts a server listening on a free 127.0.0.1 port. Call Close
// when done.
func NewServer(opts ...Option) *Server {
	s := NewUnstartedServer(opts...)
	s.Start()
	return s
}

// NewUnstartedServer returns a server that does not listen on any port;
// Client, Transport and Handler work without starting it. Call Start to
// listen, and Close when done. It panics if the tables recorded in the
// store given WithStore cannot be loaded; Open reports that as an error.
func NewUnstartedServer(opts ...Option) *Server {
	s, err := Open(opts...)
	if err != nil {
		panic(err.Error())
	}
	return s
}

// Open is NewUnstartedServer returning an error instead of panicking when
// the tables recorded in the store given WithStore cannot be loaded (a
// corrupt or unreadable store). On error the store is left open, for the
// caller to close.
func Open(opts ...Option) (*Server, error) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	raw := c.store
	if raw == nil {
		raw = NewMemStore()
	}
	s := &Server{
		clock:   c.clock,
		store:   regionStore{raw: raw, prefix: regionPrefix(DefaultRegion)},
		tables:  map[string]*table{},
		stop:    make(chan struct{}),
		region:  DefaultRegion,
		regions: &regionSet{shared: c.sharedRegions, shards: c.shards, raw: raw, m: map[string]*Server{}},
		delays:  c.delays,
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if err := s.loadTables(); err != nil {
		return nil, fmt.Errorf("ddbtest: loading tables from store: %w", err)
	}
	if err := s.loadRegions(); err != nil {
		return nil, fmt.Errorf("ddbtest: loading tables from store: %w", err)
	}
	s.regions.faults.Store(newFaultState(c.faults))
	if c.clock == nil {
		s.wg.Add(1)
		go s.sweepLoop()
	}
	return s, nil
}

// Start makes the server listen on a free 127.0.0.1 port and sets URL.
// It panics if the server is already started or no port is free.
func (s *Server) Start() {
	if s.URL != "" {
		panic("ddbtest: Server already started")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic("ddbtest: failed to listen on a port: " + err.Error())
	}
	s.listener = ln
	s.URL = "http://" + ln.Addr().String()
	s.httpSrv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = s.httpSrv.Serve(ln)
	}()
}

// Close stops the listener (if any) and the background TTL sweeper, and
// closes the store. It is safe to call more than once.
func (s *Server) Close() {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	close(s.stop)
	if s.httpSrv != nil {
		_ = s.httpSrv.Close()
	}
	s.wg.Wait()
	_ = s.regions.raw.Close()
}

// SetFaults replaces the server's fault rules (see WithFaults). SetFaults
// with a zero Faults turns injection off.
func (s *Server) SetFaults(f Faults) {
	s.regions.faults.Store(newFaultState(f))
}

// New starts an in-process server for the test, closes it in tb.Cleanup,
// and returns a client for it.
func New(tb testing.TB, opts ...Option) *dynamodb.Client {
	tb.Helper()
	return NewTB(tb, opts...).Client()
}

// NewTB is New returning the server, for tests that also need its clock,
// SweepTTL or faults. The server is not started (it needs no port);
// Client talks to it in-process.
func NewTB(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := NewUnstartedServer(opts...)
	tb.Cleanup(s.Close)
	return s
}

// fakeEndpoint is the base endpoint of clients of an unstarted server.
const fakeEndpoint = "http://ddbtest.invalid"

// Client returns a DynamoDB client that talks to the server in-process
// (through Transport, no socket), in region us-east-1 with static dummy
// credentials. optFns adjust its options, as with dynamodb.New.
func (s *Server) Client(optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	endpoint := s.URL
	if endpoint == "" {
		endpoint = fakeEndpoint
	}
	o := dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDDDBTEST", SecretAccessKey: "ddbtest", Source: "ddbtest"}, nil
		}),
		HTTPClient: &http.Client{Transport: s.Transport()},
	}
	return dynamodb.New(o, optFns...)
}

// Handler returns the server's HTTP handler, for mounting on another
// http.Server or an httptest.Server.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(s.serveHTTP)
}

// Transport returns a RoundTripper that hands each request straight to the
// server, without a socket. Requests may name any host.
func (s *Server) Transport() http.RoundTripper {
	return roundTripper{s}
}

type roundTripper struct{ s *Server }

func (rt roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	body, tooLarge, err := readBody(req)
	if err != nil {
		return nil, err
	}
	if ctx := req.Context(); ctx.Err() != nil {
		return nil, ctx.Err()
	}
	h := make(http.Header, 4)
	status, out, nf := rt.s.envelope(req, body, tooLarge, h)
	if err := rt.s.hold(req.Context(), nf.slow); err != nil {
		return nil, err
	}
	if err := nf.transportError(); err != nil {
		return nil, err
	}
	return &http.Response{
		Status:        strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(out)),
		ContentLength: int64(len(out)),
		Request:       req,
	}, nil
}

// readBody reads req's body, up to maxRequestBytes: tooLarge reports a
// larger body, which is not read.
func readBody(req *http.Request) (body []byte, tooLarge bool, err error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, false, nil
	}
	defer req.Body.Close()
	if req.ContentLength > maxRequestBytes {
		return nil, true, nil
	}
	if req.ContentLength > 0 {
		buf := make([]byte, req.ContentLength)
		if _, err := io.ReadFull(req.Body, buf); err != nil {
			return nil, false, err
		}
		return buf, false, nil
	}
	body, err = io.ReadAll(io.LimitReader(req.Body, maxRequestBytes+1))
	if len(body) > maxRequestBytes {
		return nil, true, err
	}
	return body, false, err
}

// maxRequestBytes is DynamoDB's request size limit.
const maxRequestBytes = 16 << 20

func (s *Server) serveHTTP(w http.ResponseWriter, req *http.Request) {
	body, tooLarge, err := readBody(req)
	if err != nil {
		http.Error(w, "bad request body", http.StatusBadRequest)
		return
	}
	status, out, nf := s.envelope(req, body, tooLarge, w.Header())
	if s.hold(req.Context(), nf.slow) != nil {
		return // the client is gone
	}
	if nf.drop != 0 {
		dropConnection(w, nf.drop == FaultReset)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// setResponseHeaders sets the headers of a DynamoDB JSON response out.
func setResponseHeaders(h http.Header, out []byte) {
	h["Content-Type"] = []string{"application/x-amz-json-1.0"}
	h["X-Amz-Crc32"] = []string{strconv.FormatUint(uint64(crc32IEEE(out)), 10)}
	h["X-Amzn-Requestid"] = []string{requestID()}
}
