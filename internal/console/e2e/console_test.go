// Package e2e drives ddblocal's web console in a real headless Chromium.
// It is a module of its own so that the root module does not depend on
// chromedp. Run it with `go test ./...` in this directory; it needs
// Debian's chromium package (apt-get install -y chromium).
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/ddb-go/ddb/ddbtest"
	"github.com/ddb-go/ddb/internal/console"
)

// screenshotEnv names a file to write the query page's screenshot to (the
// README's docs/console.png); screenshotDirEnv a directory to keep all
// screenshots in instead of the test's temp dir.
const (
	screenshotEnv    = "DDB_CONSOLE_SCREENSHOT"
	screenshotDirEnv = "DDB_CONSOLE_SCREENSHOT_DIR"
)

// chromium finds the browser, or skips the test saying how to install it;
// in CI (CI=true) a missing browser fails the test.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "no chromium on PATH: install it with `apt-get update && apt-get install -y chromium`"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// serve starts a ddbtest server with the console mounted (write enabled)
// on a loopback port, as ddblocal -console-write does, and returns its URL
// and an SDK client of it.
func serve(t *testing.T) (string, *dynamodb.Client) {
	srv := ddbtest.NewTB(t)
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	db := dynamodb.New(dynamodb.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(ts.URL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}, nil
		}),
	})
	h = console.Mount(srv.Handler(), db, console.Options{Write: true, Recorder: console.NewRecorder(0)})
	return ts.URL, db
}

// browser starts headless Chromium and returns a context to run actions in.
func browser(t *testing.T) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 860),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting %s: %v", chromium(t), err)
	}
	return ctx
}

// session runs browser steps for a test, each bounded in time.
type session struct {
	t    *testing.T
	ctx  context.Context
	dir  string // where screenshots go
	shot int
}

func (s *session) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		s.t.Fatalf("%s: %v", what, err)
	}
}

// navigate runs steps that load a new page (a click on a link, a form
// submitted), waits for it, and fails the test if it is an error page.
func (s *session) navigate(what string, steps ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	if status := s.load(what, steps...); status >= 400 {
		s.t.Fatalf("%s: answered %d (error %q)", what, status, s.text("#error"))
	}
}

// load runs steps that load a new page, waits for it and returns its status.
func (s *session) load(what string, steps ...chromedp.Action[chromedp.Void]) int64 {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		s.t.Fatalf("%s: %v", what, err)
	}
	return resp.Status
}

// eval runs a JavaScript expression and decodes its value into T.
func eval[T any](s *session, expr string) T {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		s.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func (s *session) text(sel string) string {
	return eval[string](s, fmt.Sprintf("document.querySelector(%q)?.textContent ?? ''", sel))
}

// screenshot saves the page into the test's temp dir (and, with copyTo,
// there too).
func (s *session) screenshot(name, copyTo string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		s.t.Fatalf("screenshot %s: %v", name, err)
	}
	s.shot++
	for _, path := range []string{filepath.Join(s.dir, fmt.Sprintf("%02d-%s.png", s.shot, name)), copyTo} {
		if path != "" {
			if err := os.WriteFile(path, png, 0o644); err != nil {
				s.t.Fatal(err)
			}
		}
	}
}

// gridKeys is the sort key column of the grid's rows.
func (s *session) gridKeys() []string {
	return eval[[]string](s, `Array.from(document.querySelectorAll("#items tbody tr"), tr => tr.children[2].textContent)`)
}

func TestConsoleInBrowser(t *testing.T) {
	ctx := browser(t)
	base, db := serve(t)
	s := &session{t: t, ctx: ctx, dir: os.Getenv(screenshotDirEnv)}
	if s.dir == "" {
		s.dir = t.TempDir()
	}
	t.Logf("screenshots in %s", s.dir)
	bg := context.Background()

	// The empty table list, then a table made with the form.
	s.navigate("open the console", chromedp.Navigate(base+"/console/"))
	if got := s.text(".empty"); !strings.Contains(got, "No tables yet") {
		t.Errorf("empty list says %q", got)
	}
	s.screenshot("tables-empty", "")
	s.navigate("open the create form", chromedp.Click(chromedp.ID("new-table")))
	s.do("fill the create form",
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "orders"),
		chromedp.SendKeys(chromedp.CSS(`input[name=pk]`), "customer"),
		chromedp.SendKeys(chromedp.CSS(`input[name=sk]`), "seq"),
		chromedp.SetValue(chromedp.CSS(`select[name=skType]`), "N"),
		chromedp.SendKeys(chromedp.CSS(`input[name=gsi]`), "byStatus"),
		chromedp.SendKeys(chromedp.CSS(`input[name=gsiPk]`), "status"),
	)
	s.screenshot("create-table-form", "")
	s.navigate("create the table", chromedp.Click(chromedp.CSS(`#new-table-form button[type=submit]`)))
	if got := s.text("#done"); got != "Created table orders" {
		t.Fatalf("after create: %q (error %q)", got, s.text("#error"))
	}
	d, err := db.DescribeTable(bg, &dynamodb.DescribeTableInput{TableName: aws.String("orders")})
	if err != nil || len(d.Table.GlobalSecondaryIndexes) != 1 {
		t.Fatalf("SDK sees %+v, %v", d, err)
	}

	// 250 items through the SDK.
	const n = 250
	for i := 0; i < n; i += 25 {
		var reqs []types.WriteRequest
		for j := i; j < i+25; j++ {
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: order(j)}})
		}
		if _, err := db.BatchWriteItem(bg, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"orders": reqs}}); err != nil {
			t.Fatal(err)
		}
	}

	// The table list counts them.
	s.navigate("open the table list", chromedp.Navigate(base+"/console/"))
	if got := s.text("#tables tbody tr"); !strings.Contains(got, "orders") || !strings.Contains(got, "250") {
		t.Errorf("table list row %q", got)
	}
	s.screenshot("tables", "")

	// The grid, page after page by cursor: every item once, in key order.
	s.navigate("open the grid", chromedp.Click(chromedp.CSS(`#tables a[href="/console/tables/orders"]`)))
	s.screenshot("grid", "")
	if cols := eval[[]string](s, `Array.from(document.querySelectorAll("#items thead th"), th => th.textContent)`); !slices.Equal(cols, []string{"", "customer", "seq", "address", "status", "total"}) {
		t.Errorf("columns %q", cols)
	}
	if got := s.text(".summary"); !strings.HasPrefix(got, "250 items in the table") {
		t.Errorf("summary %q", got)
	}
	var seen []string
	var pages int
	for {
		pages++
		seen = append(seen, s.gridKeys()...)
		if !eval[bool](s, `!!document.querySelector("a.next")`) {
			break
		}
		s.navigate("next page", chromedp.Click(chromedp.CSS("a.next")))
	}
	want := make([]string, n)
	for i := range want {
		want[i] = strconv.Itoa(i)
	}
	if !slices.Equal(seen, want) {
		t.Errorf("paged through %d items in %d pages: %v", len(seen), pages, seen)
	}
	s.screenshot("last-page", "")
	s.navigate("previous page", chromedp.Click(chromedp.CSS("a.prev")))
	if got := s.gridKeys(); len(got) != 25 || got[0] != want[(pages-2)*25] {
		t.Errorf("previous page from the last: %v", got)
	}

	// A query with a sort key condition and a filter, as the SDK sees it.
	s.navigate("back to the first page", chromedp.Click(chromedp.CSS("a.first")))
	s.do("fill the query",
		chromedp.SetValue(chromedp.ID("mode"), "query"),
		chromedp.SendKeys(chromedp.ID("pk"), "c1"),
		chromedp.SetValue(chromedp.ID("skop"), "between"),
		chromedp.SendKeys(chromedp.ID("sk"), "100"),
		chromedp.SendKeys(chromedp.ID("sk2"), "200"),
		chromedp.SendKeys(chromedp.CSS(`input[name=fa]`), "status"),
		chromedp.SendKeys(chromedp.CSS(`input[name=fv]`), "shipped"),
		chromedp.SetValue(chromedp.ID("order"), "desc"),
	)
	s.navigate("run the query", chromedp.Click(chromedp.ID("run")))
	s.screenshot("query", os.Getenv(screenshotEnv))
	out, err := db.Query(bg, &dynamodb.QueryInput{
		TableName:                 aws.String("orders"),
		KeyConditionExpression:    aws.String("customer = :c AND seq BETWEEN :a AND :b"),
		FilterExpression:          aws.String("#s = :s"),
		ExpressionAttributeNames:  map[string]string{"#s": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":c": str("c1"), ":a": num(100), ":b": num(200), ":s": str("shipped")},
		ScanIndexForward:          aws.Bool(false),
		Limit:                     aws.Int32(console.DefaultPageSize),
	})
	if err != nil {
		t.Fatal(err)
	}
	var sdkKeys []string
	for _, it := range out.Items {
		sdkKeys = append(sdkKeys, it["seq"].(*types.AttributeValueMemberN).Value)
	}
	if got := s.gridKeys(); len(got) == 0 || !slices.Equal(got, sdkKeys) {
		t.Errorf("query grid %v, SDK %v", got, sdkKeys)
	}
	if got, want := s.text("#page-info"), fmt.Sprintf("Page 1: %d items (%d scanned).", out.Count, out.ScannedCount); !strings.HasPrefix(got, want) {
		t.Errorf("page info %q, want %q", got, want)
	}

	// Open the first item; change it through the SDK meanwhile: saving the
	// page's copy fails. Then load it again, edit it and read the change back
	// through the SDK.
	s.navigate("open an item", chromedp.Click(chromedp.CSS("#items a.open")))
	itemURL := eval[string](s, "location.href")
	var plain map[string]any
	if err := json.Unmarshal([]byte(s.text("#item-plain")), &plain); err != nil || fmt.Sprint(plain["seq"]) != sdkKeys[0] {
		t.Errorf("plain JSON view %v, %v", plain, err)
	}
	s.screenshot("item", "")
	key := map[string]types.AttributeValue{"customer": str("c1"), "seq": out.Items[0]["seq"]}
	if _, err := db.UpdateItem(bg, &dynamodb.UpdateItemInput{TableName: aws.String("orders"), Key: key,
		UpdateExpression: aws.String("SET note = :n"), ExpressionAttributeValues: map[string]types.AttributeValue{":n": str("meanwhile")}}); err != nil {
		t.Fatal(err)
	}
	if status := s.load("save a stale item", chromedp.Click(chromedp.ID("save"))); status != 400 {
		t.Errorf("stale save answered %d", status)
	}
	if got := s.text("#error"); !strings.Contains(got, "changed since this page loaded it (attributes added: note)") {
		t.Errorf("stale save shows %q", got)
	}
	s.screenshot("stale-save", "")
	s.navigate("reload the item", chromedp.Navigate(itemURL))
	edited := strings.Replace(s.text("#item-wire"), `"shipped"`, `"returned"`, 1)
	s.do("edit the item", chromedp.SetValue(chromedp.ID("item-text"), edited))
	s.navigate("save the item", chromedp.Click(chromedp.ID("save")))
	if got := s.text("#done"); got != "Saved" {
		t.Fatalf("after save: %q (error %q)", got, s.text("#error"))
	}
	got, err := db.GetItem(bg, &dynamodb.GetItemInput{TableName: aws.String("orders"), Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil || got.Item["status"].(*types.AttributeValueMemberS).Value != "returned" || got.Item["note"] == nil {
		t.Errorf("SDK reads %v, %v", got.Item, err)
	}

	// Delete it from its page, confirming the browser's dialog.
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			accept := ev.Message == "Delete this item?"
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: accept})
		}
	}()
	s.navigate("delete the item", chromedp.Click(chromedp.ID("delete")))
	if got := s.text("#done"); !strings.HasPrefix(got, "Deleted item ") {
		t.Errorf("after delete: %q (error %q)", got, s.text("#error"))
	}
	if got, err := db.GetItem(bg, &dynamodb.GetItemInput{TableName: aws.String("orders"), Key: key, ConsistentRead: aws.Bool(true)}); err != nil || got.Item != nil {
		t.Errorf("SDK reads %v, %v after delete", got.Item, err)
	}

	// Schema and the live activity view.
	s.navigate("open the schema", chromedp.Navigate(base+"/console/tables/orders/schema"))
	if got := s.text("#indexes"); !strings.Contains(got, "byStatus") || !strings.Contains(got, "ALL") {
		t.Errorf("indexes %q", got)
	}
	s.screenshot("schema", "")
	s.navigate("open the activity view", chromedp.Navigate(base+"/console/activity"))
	if _, err := db.GetItem(bg, &dynamodb.GetItemInput{TableName: aws.String("live-check"), Key: map[string]types.AttributeValue{"k": str("x")}}); err == nil {
		t.Fatal("GetItem on a missing table succeeded")
	}
	s.do("see the request appear", chromedp.Poll[chromedp.Void](
		`document.querySelector("#activity-rows tr")?.textContent.includes("live-check")`,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second)))
	if got := s.text("#activity-rows tr"); !strings.Contains(got, "GetItem") || !strings.Contains(got, "400 ResourceNotFoundException") {
		t.Errorf("newest activity row %q", got)
	}
	s.screenshot("activity", "")
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }
func num(n int) types.AttributeValue    { return &types.AttributeValueMemberN{Value: strconv.Itoa(n)} }

// order is item i of the test table: all under customer c1, seq i.
func order(i int) map[string]types.AttributeValue {
	status := []string{"new", "shipped", "paid"}[i%3]
	return map[string]types.AttributeValue{
		"customer": str("c1"),
		"seq":      num(i),
		"status":   str(status),
		"total":    &types.AttributeValueMemberN{Value: fmt.Sprintf("%d.%02d", 10+i, i%100)},
		"address": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"city":  str([]string{"Lisbon", "Oslo", "Lima"}[i%3]),
			"lines": &types.AttributeValueMemberL{Value: []types.AttributeValue{str(fmt.Sprintf("%d Main St", i))}},
		}},
	}
}
