package console

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Record describes one DynamoDB API request answered by the server.
type Record struct {
	// Seq numbers records in the order they finished, from 1.
	Seq uint64 `json:"seq"`
	// Time is when the request arrived.
	Time time.Time `json:"time"`
	// Operation is the API operation, from X-Amz-Target ("PutItem").
	Operation string `json:"operation"`
	// Table names the table or tables the request is about, comma-separated.
	Table string `json:"table,omitempty"`
	// Status is the HTTP status of the answer.
	Status int `json:"status"`
	// Error is the error type of a failed request ("ResourceNotFoundException").
	Error string `json:"error,omitempty"`
	// Duration is how long the server took to answer.
	Duration time.Duration `json:"duration"`
	// ConsumedCapacity is the total of the capacity units the answer
	// reports; 0 when the client did not ask for ReturnConsumedCapacity.
	ConsumedCapacity float64 `json:"consumedCapacity"`
}

// Recorder is an HTTP middleware that records every DynamoDB request
// in a bounded ring buffer and hands each record to its subscribers.
type Recorder struct {
	mu   sync.Mutex
	ring []Record
	next int // index of the slot the next record goes to
	seq  uint64
	subs []func(Record)
}

// DefaultRecords is the ring size NewRecorder uses for size <= 0.
const DefaultRecords = 500

// NewRecorder returns a Recorder that keeps the last size records.
func NewRecorder(size int) *Recorder {
	if size <= 0 {
		size = DefaultRecords
	}
	return &Recorder{ring: make([]Record, 0, size)}
}

// Subscribe calls fn with every record from now on, synchronously on the
// request's goroutine after the answer is written; fn must be quick and
// safe for concurrent use.
func (r *Recorder) Subscribe(fn func(Record)) {
	r.mu.Lock()
	r.subs = append(r.subs, fn)
	r.mu.Unlock()
}

// Recent returns the records kept with Seq > after, oldest first.
func (r *Recorder) Recent(after uint64) []Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Record, 0, len(r.ring))
	out = append(out, r.ring[r.next:]...)
	out = append(out, r.ring[:r.next]...)
	i := sort.Search(len(out), func(i int) bool { return out[i].Seq > after })
	return out[i:]
}

func (r *Recorder) add(rec Record) {
	r.mu.Lock()
	r.seq++
	rec.Seq = r.seq
	if len(r.ring) < cap(r.ring) {
		r.ring = append(r.ring, rec)
	} else {
		r.ring[r.next] = rec
		r.next = (r.next + 1) % len(r.ring)
	}
	subs := r.subs
	r.mu.Unlock()
	for _, fn := range subs {
		fn(rec)
	}
}

// Wrap returns h with every request to the API recorded: DynamoDB calls
// (POST) with the tables they name, their capacity and error type, and
// other requests to "/" (the health check, CORS preflights) by their
// method. Requests for other paths (a browser's /favicon.ico) are not
// recorded.
func (r *Recorder) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodPost && req.URL.Path != "/" {
			h.ServeHTTP(w, req)
			return
		}
		start := time.Now()
		var body []byte
		if req.Body != nil && req.Method == http.MethodPost {
			var buf bytes.Buffer
			_, _ = buf.ReadFrom(req.Body)
			req.Body.Close()
			body = buf.Bytes()
			req.Body = readCloser{bytes.NewReader(body)}
		}
		// The answer's body is read only for an error's type and for the
		// capacity the request asked for: keep no copy of other answers.
		cw := &captureWriter{ResponseWriter: w, status: http.StatusOK,
			capacity: bytes.Contains(body, returnCapacityField)}
		h.ServeHTTP(cw, req)
		rec := Record{
			Time:             start,
			Operation:        operation(req),
			Table:            requestTables(operation(req), body),
			Status:           cw.status,
			Duration:         time.Since(start),
			ConsumedCapacity: responseCapacity(cw.body.Bytes()),
		}
		if cw.status >= 400 {
			rec.Error = errorType(cw.body.Bytes())
		}
		r.add(rec)
	})
}

// operation names a request: the DynamoDB operation of its X-Amz-Target
// header ("DynamoDB_20120810.PutItem" is PutItem), "health" for a GET (the
// health check), else its method.
func operation(req *http.Request) string {
	if t := req.Header.Get("X-Amz-Target"); t != "" {
		return t[strings.LastIndexByte(t, '.')+1:]
	}
	if req.Method == http.MethodGet {
		return "health"
	}
	return req.Method
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// captureWriter keeps the status, and a copy of the body written through
// it when the answer is an error or capacity was asked for.
type captureWriter struct {
	http.ResponseWriter
	status   int
	capacity bool // the request asked for ConsumedCapacity
	body     bytes.Buffer
}

func (c *captureWriter) WriteHeader(code int) {
	c.status = code
	c.ResponseWriter.WriteHeader(code)
}

func (c *captureWriter) Write(p []byte) (int, error) {
	if c.capacity || c.status >= 400 {
		c.body.Write(p)
	}
	return c.ResponseWriter.Write(p)
}

var (
	returnCapacityField = []byte(`"ReturnConsumedCapacity"`)
	tableNameMember     = []byte(`"TableName":"`)
)

// multiTable are the operations whose requests name their tables elsewhere
// than in one TableName member.
var multiTable = map[string]bool{"BatchGetItem": true, "BatchWriteItem": true, "TransactGetItems": true, "TransactWriteItems": true}

// requestTables names the tables a request body of operation op is about:
// TableName, the table of a ResourceArn or StreamArn, or the tables of a
// batch (RequestItems) or transaction (TransactItems). A single-table
// request's TableName is found without decoding the body: a string member
// "TableName" stands nowhere else in a request (attribute names inside
// items are followed by an object).
func requestTables(op string, body []byte) string {
	if !multiTable[op] {
		if i := bytes.Index(body, tableNameMember); i >= 0 {
			rest := body[i+len(tableNameMember):]
			if j := bytes.IndexAny(rest, `"\`); j >= 0 && rest[j] == '"' {
				return string(rest[:j])
			}
		}
	}
	var in struct {
		TableName     string
		ResourceArn   string // tagging
		StreamArn     string // streams
		RequestItems  map[string]json.RawMessage
		TransactItems []map[string]struct{ TableName string }
	}
	if len(body) == 0 || json.Unmarshal(body, &in) != nil {
		return ""
	}
	if in.TableName != "" {
		return in.TableName
	}
	if arn := in.ResourceArn + in.StreamArn; arn != "" {
		// arn:aws:dynamodb:REGION:ACCOUNT:table/NAME[/stream/LABEL]
		_, rest, _ := strings.Cut(arn, ":table/")
		name, _, _ := strings.Cut(rest, "/")
		return name
	}
	seen := map[string]bool{}
	for name := range in.RequestItems {
		seen[name] = true
	}
	for _, ti := range in.TransactItems {
		for _, op := range ti {
			if op.TableName != "" {
				seen[op.TableName] = true
			}
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

var capacityField = []byte(`"ConsumedCapacity"`)

// responseCapacity sums the CapacityUnits of a response's ConsumedCapacity
// member (one object, or a list of them for batches and transactions).
func responseCapacity(out []byte) float64 {
	if !bytes.Contains(out, capacityField) {
		return 0
	}
	type units struct{ CapacityUnits float64 }
	var resp struct{ ConsumedCapacity json.RawMessage }
	if json.Unmarshal(out, &resp) != nil || len(resp.ConsumedCapacity) == 0 {
		return 0
	}
	if resp.ConsumedCapacity[0] == '[' {
		var list []units
		_ = json.Unmarshal(resp.ConsumedCapacity, &list)
		total := 0.0
		for _, u := range list {
			total += u.CapacityUnits
		}
		return total
	}
	var one units
	_ = json.Unmarshal(resp.ConsumedCapacity, &one)
	return one.CapacityUnits
}

// errorType is the short error type of an error answer
// ("com.amazonaws.dynamodb.v20120810#ResourceNotFoundException" gives
// "ResourceNotFoundException").
func errorType(out []byte) string {
	var e struct {
		Type string `json:"__type"`
	}
	if json.Unmarshal(out, &e) != nil {
		return ""
	}
	return e.Type[strings.LastIndexByte(e.Type, '#')+1:]
}
