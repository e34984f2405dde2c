package conformance

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ddb-go/ddb/ddbtest"
	"github.com/ddb-go/ddb/internal/dynalite"
)

var (
	strictMsg = flag.Bool("conformance.strictmsg", false, "fail on error message differences too, not only on type differences")
	showAll   = flag.Bool("conformance.show", false, "log every request with both responses")
	strictAll = flag.Bool("conformance.strict", false, "fail on allow-listed (knownDiff) differences and on stale knownDiff marks")
)

// backend is one server under test, reached over HTTP.
type backend struct {
	name string
	url  string
}

var (
	ddb, dyn   backend
	skipReason string
	httpClient = &http.Client{Timeout: 60 * time.Second}
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	srv := ddbtest.NewServer()
	defer srv.Close()
	ddb = backend{name: "ddbtest", url: srv.URL}

	url, stop, err := dynalite.Start()
	if err != nil {
		if os.Getenv("CI") != "" {
			fmt.Fprintln(os.Stderr, "conformance: dynalite is required when CI is set:", err)
			return 1
		}
		skipReason = "conformance suite skipped: dynalite is not available (" + err.Error() +
			"); run `npm ci` at the repository root to enable it (with CI set, this is a failure)"
	} else {
		defer stop()
		dyn = backend{name: "dynalite", url: url}
	}
	code := m.Run()
	if skipReason != "" && code == 0 {
		// Without -v, go test hides a passing package's output, so a
		// skipped suite would print a bare "ok". This line is the one
		// the go command turns into "ok ... [no tests to run]"; the
		// reason goes with it, shown by -v or a failure.
		fmt.Fprintln(os.Stderr, skipReason)
		fmt.Fprintln(os.Stderr, "testing: warning: no tests to run")
	}
	return code
}

// reply is one HTTP answer: its status and decoded JSON body (numbers kept
// as json.Number, so they compare exactly).
type reply struct {
	status int
	body   map[string]any
}

func (r reply) isError() bool { return r.status != 200 }

// send posts body as DynamoDB operation op to b.
func (b backend) send(op string, body []byte) (reply, error) {
	req, err := http.NewRequest(http.MethodPost, b.url+"/", bytes.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	req.Header.Set("X-Amz-Date", "20240101T000000Z")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := httpClient.Do(req)
	if err != nil {
		return reply{}, fmt.Errorf("%s %s: %w", b.name, op, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, fmt.Errorf("%s %s: reading body: %w", b.name, op, err)
	}
	r := reply{status: resp.StatusCode, body: map[string]any{}}
	if len(bytes.TrimSpace(raw)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&r.body); err != nil {
			r.body = map[string]any{"<unparsable body>": string(raw)}
		}
	}
	return r, nil
}

// sendValue marshals req and sends it.
func (b backend) sendValue(op string, req obj) (reply, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return reply{}, err
	}
	return b.send(op, body)
}

// stats counts outcomes over the whole corpus, for the summary.
type stats struct {
	mu        sync.Mutex
	requests  atomic.Int64
	steps     atomic.Int64
	exact     atomic.Int64
	msgOnly   []string
	known     []string
	stale     []string
	scenarios atomic.Int64
}

func (s *stats) add(list *[]string, line string) {
	s.mu.Lock()
	*list = append(*list, line)
	s.mu.Unlock()
}

func TestConformance(t *testing.T) {
	if skipReason != "" {
		t.Skip(skipReason)
	}
	var st stats
	t.Cleanup(func() { st.report(t) })
	seen := map[string]bool{}
	for _, sc := range corpus() {
		if seen[sc.name] {
			t.Fatalf("duplicate scenario name %q", sc.name)
		}
		seen[sc.name] = true
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			st.scenarios.Add(1)
			sc.run(t, &st)
		})
	}
}

func (s *stats) report(t *testing.T) {
	t.Logf("conformance: %d scenarios, %d steps, %d requests per server; %d steps identical, %d differ only in error message, %d allow-listed differences",
		s.scenarios.Load(), s.steps.Load(), s.requests.Load(), s.exact.Load(), len(s.msgOnly), len(s.known))
	sort.Strings(s.known)
	sort.Strings(s.msgOnly)
	sort.Strings(s.stale)
	for _, l := range s.known {
		t.Log("known difference: " + l)
	}
	for _, l := range s.msgOnly {
		t.Log("message difference: " + l)
	}
	for _, l := range s.stale {
		t.Log("STALE knownDiff (servers now agree; remove the mark): " + l)
	}
}

// run executes the scenario's steps in order against both servers.
func (sc scenario) run(t *testing.T, st *stats) {
	prefix := sc.name + "."
	for i, s := range sc.steps {
		st.steps.Add(1)
		req := rewriteNames(s.req, prefix)
		label := fmt.Sprintf("%s#%d %s", sc.name, i, s.op)
		if s.note != "" {
			label += " (" + s.note + ")"
		}
		a, errA := s.exec(ddb, req, st)
		b, errB := s.exec(dyn, req, st)
		if errA != nil || errB != nil {
			t.Fatalf("%s: transport error: ddbtest: %v; dynalite: %v", label, errA, errB)
		}
		if s.op == "CreateTable" || s.op == "UpdateTable" || s.op == "DeleteTable" {
			name, _ := req["TableName"].(string)
			for _, be := range []backend{ddb, dyn} {
				if err := settle(be, s.op, name); err != nil {
					t.Fatalf("%s: %v", label, err)
				}
			}
		}
		na, ma := s.normalize(a)
		nb, mb := s.normalize(b)
		ja, jb := canonical(na), canonical(nb)
		if *showAll {
			t.Logf("%s\nrequest: %s\nddbtest:  %s\ndynalite: %s", label, show(req), show(na), show(nb))
		}
		switch {
		case ja != jb:
			msg := fmt.Sprintf("%s\nrequest:  %s\nddbtest:  %s %q\ndynalite: %s %q\ndiffering paths: %s",
				label, show(req), show(na), ma, show(nb), mb, strings.Join(diffPaths("", na, nb, nil), ", "))
			if s.knownDiff == "" || *strictAll {
				t.Error(msg)
			} else {
				st.add(&st.known, label+": "+s.knownDiff)
				t.Logf("allowed difference (%s): %s", s.knownDiff, msg)
			}
		case s.knownDiff != "":
			st.add(&st.stale, label+": "+s.knownDiff)
			if *strictAll {
				t.Errorf("%s: marked knownDiff %q but the servers agree", label, s.knownDiff)
			}
		default:
			st.exact.Add(1)
		}
		if ja == jb && ma != mb {
			line := fmt.Sprintf("%s: ddbtest %q, dynalite %q", label, ma, mb)
			if *strictMsg {
				t.Error("message difference: " + line)
			} else {
				st.add(&st.msgOnly, line)
			}
		}
	}
}

// maxPages bounds how many pages a paged step follows.
const maxPages = 50

// exec sends the step's request to b; a paged step follows
// LastEvaluatedKey to the end and returns all pages.
func (s step) exec(b backend, req obj, st *stats) ([]reply, error) {
	var out []reply
	for {
		st.requests.Add(1)
		r, err := b.sendValue(s.op, req)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
		lek, ok := r.body["LastEvaluatedKey"]
		if !s.pages || r.isError() || !ok || len(out) >= maxPages {
			return out, nil
		}
		next := obj{}
		for k, v := range req {
			next[k] = v
		}
		next["ExclusiveStartKey"] = lek
		req = next
	}
}

// settle waits until a table changed by op is ACTIVE again (or gone),
// since dynalite applies table changes asynchronously even with zero
// delays.
func settle(b backend, op, name string) error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		r, err := b.sendValue("DescribeTable", obj{"TableName": name})
		if err != nil {
			return err
		}
		if r.isError() {
			return nil // gone (or never created): nothing to wait for
		}
		tbl, _ := r.body["Table"].(map[string]any)
		if op != "DeleteTable" && tbl["TableStatus"] == "ACTIVE" && gsisActive(tbl) {
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("%s: table %s did not settle after %s", b.name, name, op)
}

func gsisActive(tbl map[string]any) bool {
	gsis, _ := tbl["GlobalSecondaryIndexes"].([]any)
	for _, g := range gsis {
		if m, _ := g.(map[string]any); m["IndexStatus"] != "ACTIVE" {
			return false
		}
	}
	return true
}

// rewriteNames prefixes the table names in req (TableName,
// ExclusiveStartTableName, the keys of RequestItems and the table of a
// ResourceArn) so that each
// scenario has its own tables. A name starting with "!" is sent as is,
// without the "!".
func rewriteNames(req obj, prefix string) obj {
	out := obj{}
	for k, v := range req {
		switch k {
		case "TableName", "ExclusiveStartTableName":
			if s, ok := v.(string); ok {
				v = tableName(s, prefix)
			}
		case "ResourceArn":
			if s, ok := v.(string); ok {
				if head, name, ok := strings.Cut(s, ":table/"); ok {
					v = head + ":table/" + tableName(name, prefix)
				}
			}
		case "RequestItems":
			if m, ok := v.(obj); ok {
				ri := obj{}
				for name, x := range m {
					ri[tableName(name, prefix)] = x
				}
				v = ri
			}
		}
		out[k] = v
	}
	return out
}

func tableName(s, prefix string) string {
	if raw, ok := strings.CutPrefix(s, "!"); ok {
		return raw
	}
	return prefix + s
}

// volatile names fields that legitimately differ between servers and runs
// (identifiers and timestamps); they are dropped everywhere.
var volatile = map[string]bool{
	"CreationDateTime":                  true,
	"TableArn":                          true,
	"TableId":                           true,
	"IndexArn":                          true,
	"LatestStreamArn":                   true,
	"LatestStreamLabel":                 true,
	"LastIncreaseDateTime":              true,
	"LastDecreaseDateTime":              true,
	"LastUpdateToPayPerRequestDateTime": true,
}

// tableVolatile names fields dropped inside table descriptions (Table,
// TableDescription): DynamoDB refreshes the size and count statistics
// only about every six hours (dynalite never does), dynalite predates
// DeletionProtectionEnabled and WarmThroughput (November 2024; DynamoDB
// describes it for every table and GSI), and TableThroughputModeSummary
// is a dynalite invention absent from DynamoDB's API.
var tableVolatile = map[string]bool{
	"ItemCount":                  true,
	"TableSizeBytes":             true,
	"IndexSizeBytes":             true,
	"DeletionProtectionEnabled":  true,
	"WarmThroughput":             true,
	"TableThroughputModeSummary": true,
}

// normalize turns replies into the value compared, and the error message
// (compared separately). Error types are reduced to the part after '#'.
func (s step) normalize(rs []reply) (any, string) {
	var msgs []string
	pages := make([]any, len(rs))
	var items []any
	for i, r := range rs {
		body := clean(r.body, false).(map[string]any)
		if r.isError() {
			typ, _ := body["__type"].(string)
			if j := strings.LastIndexByte(typ, '#'); j >= 0 {
				typ = typ[j+1:]
			}
			body["__type"] = typ
			for _, k := range []string{"message", "Message"} {
				if m, ok := body[k].(string); ok {
					msgs = append(msgs, m)
					delete(body, k)
				}
			}
			if r.status != 400 {
				body["status"] = r.status
			}
		}
		if resp, ok := body["Responses"].(map[string]any); ok && s.op == "BatchGetItem" {
			// BatchGetItem returns each table's items in no defined order.
			for _, v := range resp {
				if its, ok := v.([]any); ok {
					sort.Slice(its, func(i, j int) bool { return canonical(its[i]) < canonical(its[j]) })
				}
			}
		}
		for _, p := range s.ignore {
			deletePath(body, strings.Split(p, "."))
		}
		if s.unordered {
			if its, ok := body["Items"].([]any); ok {
				items = append(items, its...)
				delete(body, "Items")
			}
			if _, ok := body["LastEvaluatedKey"]; ok {
				body["LastEvaluatedKey"] = "<present>"
			}
		}
		pages[i] = body
	}
	msg := strings.Join(msgs, " | ")
	var out any = pages
	if len(pages) == 1 && !s.pages {
		out = pages[0]
	}
	if s.unordered {
		sort.Slice(items, func(i, j int) bool { return canonical(items[i]) < canonical(items[j]) })
		out = map[string]any{"pages": out, "items (as a set)": items}
	}
	return out, msg
}

// clean deep-copies v, dropping volatile fields and sorting the members of
// SS, NS and BS sets (whose order DynamoDB does not define).
func clean(v any, inTable bool) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if volatile[k] || inTable && tableVolatile[k] {
				continue
			}
			out[k] = clean(e, inTable || k == "Table" || k == "TableDescription")
		}
		if bm, ok := out["BillingModeSummary"].(map[string]any); ok && bm["BillingMode"] == "PROVISIONED" {
			delete(out, "BillingModeSummary") // see DIFFERENCES.md
		}
		if len(x) == 1 {
			for _, set := range []string{"SS", "NS", "BS"} {
				if members, ok := out[set].([]any); ok {
					sorted := append([]any(nil), members...)
					sort.Slice(sorted, func(i, j int) bool { return fmt.Sprint(sorted[i]) < fmt.Sprint(sorted[j]) })
					out[set] = sorted
				}
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = clean(e, inTable)
		}
		return out
	}
	return v
}

func deletePath(m map[string]any, path []string) {
	if len(path) == 1 {
		delete(m, path[0])
		return
	}
	switch next := m[path[0]].(type) {
	case map[string]any:
		deletePath(next, path[1:])
	case []any:
		for _, e := range next {
			if em, ok := e.(map[string]any); ok {
				deletePath(em, path[1:])
			}
		}
	}
}

// canonical renders v as JSON with sorted keys.
func canonical(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("<unmarshalable %v>", err)
	}
	return string(b)
}

// show renders v for a failure message, shortening long strings (large
// items) so that the diff stays readable.
func show(v any) string {
	s := canonical(shorten(v))
	if len(s) > 6000 {
		s = s[:6000] + "...(truncated)"
	}
	return s
}

func shorten(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = shorten(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = shorten(e)
		}
		return out
	case string:
		if len(x) > 120 {
			return fmt.Sprintf("%s...<%d bytes>", x[:40], len(x))
		}
	}
	return v
}

// diffPaths lists the paths where a and b differ (at most 10).
func diffPaths(path string, a, b any, acc []string) []string {
	if len(acc) >= 10 {
		return acc
	}
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			acc = diffPaths(path+"."+k, x[k], y[k], acc)
		}
		return acc
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			break
		}
		for i := range x {
			acc = diffPaths(path+"["+strconv.Itoa(i)+"]", x[i], y[i], acc)
		}
		return acc
	}
	if canonical(a) != canonical(b) {
		if path == "" {
			path = "."
		}
		acc = append(acc, path)
	}
	return acc
}
