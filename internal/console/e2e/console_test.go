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

// start starts a server with the console and a browser, and returns a
// session of the browser, the console's base URL and an SDK client.
func start(t *testing.T) (*session, string, *dynamodb.Client) {
	s := &session{t: t, ctx: browser(t), dir: os.Getenv(screenshotDirEnv)}
	if s.dir == "" {
		s.dir = t.TempDir()
	}
	t.Logf("screenshots in %s", s.dir)
	base, db := serve(t)
	return s, base, db
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

// gridKeys is the seq column of the grid's rows.
func (s *session) gridKeys() []string { return s.column("seq") }

// column is the grid's column named name, row by row.
func (s *session) column(name string) []string {
	return eval[[]string](s, fmt.Sprintf(`(() => {
		const i = Array.from(document.querySelectorAll("#items thead th"), th => th.textContent).indexOf(%q);
		return Array.from(document.querySelectorAll("#items tbody tr"), tr => i < 0 ? "" : tr.children[i].textContent);
	})()`, name))
}

// choose picks value in the select sel as a user does, firing its change
// event (which shows and hides the query form's fields).
func (s *session) choose(sel, value string) {
	s.t.Helper()
	if !eval[bool](s, fmt.Sprintf(`(e => !!e && (e.value = %q, e.value === %[1]q) && e.dispatchEvent(new Event("change", {bubbles: true})))(document.querySelector(%q))`, value, sel)) {
		s.t.Fatalf("choosing %q in %s failed", value, sel)
	}
}

// keyField is the CSS selector of the query form's field name (pk, skop,
// sk or sk2) for key attribute attr of index ("" for the table).
func keyField(index, name, attr string) string {
	return fmt.Sprintf(`fieldset.key[data-index=%q] [name=%s][data-attr=%q]`, index, name, attr)
}

func TestConsoleInBrowser(t *testing.T) {
	s, base, db := start(t)
	ctx := s.ctx
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
	s.choose("#mode", "query")
	s.choose(keyField("", "skop", "seq"), "between")
	s.do("fill the query",
		chromedp.SendKeys(chromedp.CSS(keyField("", "pk", "customer")), "c1"),
		chromedp.SendKeys(chromedp.CSS(keyField("", "sk", "seq")), "100"),
		chromedp.SendKeys(chromedp.CSS(keyField("", "sk2", "seq")), "200"),
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

// TestMultiAttributeIndexInBrowser queries an index whose key has two
// partition and two sort attributes from the form, pages through the
// result and edits an item opened from it.
func TestMultiAttributeIndexInBrowser(t *testing.T) {
	s, base, db := start(t)
	bg := context.Background()
	createRegions(t, db)

	s.navigate("open the schema", chromedp.Navigate(base+"/console/tables/regions/schema"))
	if got := s.text("#indexes tbody tr"); !strings.Contains(got, "tenant (S) + region (S), year (N) + month (N)") {
		t.Errorf("index row %q", got)
	}
	s.screenshot("regions-schema", "")
	s.navigate("open the index", chromedp.Click(chromedp.CSS(`#indexes a`)))
	s.choose("#mode", "query")
	field := func(name, attr string) string { return keyField("byRegion", name, attr) }
	hidden := func(sel string) bool {
		return eval[bool](s, fmt.Sprintf(`document.querySelector(%q).closest("[hidden]") !== null`, sel))
	}
	if !hidden(field("skop", "month")) || hidden(field("skop", "year")) {
		t.Error("month takes a condition before year has an equality")
	}
	s.choose(field("skop", "year"), ">")
	if !hidden(field("skop", "month")) {
		t.Error("month takes a condition after a range on year")
	}
	s.choose(field("skop", "year"), "=")
	s.choose(field("skop", "month"), "between")
	s.do("fill the query",
		chromedp.SendKeys(chromedp.CSS(field("pk", "tenant")), "acme"),
		chromedp.SendKeys(chromedp.CSS(field("pk", "region")), "eu"),
		chromedp.SendKeys(chromedp.CSS(field("sk", "year")), "2025"),
		chromedp.SendKeys(chromedp.CSS(field("sk", "month")), "3"),
		chromedp.SendKeys(chromedp.CSS(field("sk2", "month")), "9"),
		chromedp.SetValue(chromedp.CSS("input[name=limit]"), "4"),
	)
	s.screenshot("multi-attribute-query-form", "")
	s.navigate("run the query", chromedp.Click(chromedp.ID("run")))
	s.screenshot("multi-attribute-query", "")
	var seen []string
	for {
		seen = append(seen, s.column("id")...)
		if !eval[bool](s, `!!document.querySelector("a.next")`) {
			break
		}
		s.navigate("next page", chromedp.Click(chromedp.CSS("a.next")))
	}
	var want []string
	for m := 3; m <= 9; m++ {
		want = append(want, fmt.Sprintf("acme-eu-2025-%02d", m))
	}
	if !slices.Equal(seen, want) {
		t.Errorf("paged through %v, want %v", seen, want)
	}

	// An item opened from the index's results is edited by its table key.
	s.navigate("open an item", chromedp.Click(chromedp.CSS("#items a.open")))
	if got := s.text("#item-key"); got != `{"id":{"S":"acme-eu-2025-07"}}` {
		t.Errorf("item key %s", got)
	}
	var item map[string]any
	if err := json.Unmarshal([]byte(s.text("#item-wire")), &item); err != nil {
		t.Fatal(err)
	}
	item["note"] = map[string]string{"S": "edited from the index"}
	edited, _ := json.Marshal(item)
	s.do("edit the item", chromedp.SetValue(chromedp.ID("item-text"), string(edited)))
	s.navigate("save the item", chromedp.Click(chromedp.ID("save")))
	if got := s.text("#done"); got != "Saved" {
		t.Fatalf("after save: %q (error %q)", got, s.text("#error"))
	}
	got, err := db.GetItem(bg, &dynamodb.GetItemInput{TableName: aws.String("regions"),
		Key: map[string]types.AttributeValue{"id": str("acme-eu-2025-07")}, ConsistentRead: aws.Bool(true)})
	if err != nil || got.Item["note"] == nil || got.Item["month"].(*types.AttributeValueMemberN).Value != "7" {
		t.Errorf("SDK reads %v, %v", got.Item, err)
	}
}

// createRegions creates table regions (key id) with index byRegion on
// tenant + region, year + month, and an item for every tenant (acme,
// beta), region (eu, us), year (2024, 2025) and month, with id
// "tenant-region-year-month".
func createRegions(t *testing.T, db *dynamodb.Client) {
	t.Helper()
	bg := context.Background()
	var defs []types.AttributeDefinition
	var ks []types.KeySchemaElement
	for i, a := range []string{"tenant", "region", "year", "month"} {
		defs = append(defs, types.AttributeDefinition{AttributeName: aws.String(a), AttributeType: []types.ScalarAttributeType{"S", "S", "N", "N"}[i]})
		ks = append(ks, types.KeySchemaElement{AttributeName: aws.String(a), KeyType: []types.KeyType{"HASH", "HASH", "RANGE", "RANGE"}[i]})
	}
	_, err := db.CreateTable(bg, &dynamodb.CreateTableInput{
		TableName: aws.String("regions"), BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: append(defs, types.AttributeDefinition{AttributeName: aws.String("id"), AttributeType: "S"}),
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{IndexName: aws.String("byRegion"), KeySchema: ks,
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var reqs []types.WriteRequest
	for _, tenant := range []string{"acme", "beta"} {
		for _, region := range []string{"eu", "us"} {
			for year := 2024; year <= 2025; year++ {
				for month := 1; month <= 12; month++ {
					reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{
						"id":     str(fmt.Sprintf("%s-%s-%d-%02d", tenant, region, year, month)),
						"tenant": str(tenant), "region": str(region), "year": num(year), "month": num(month),
					}}})
				}
			}
		}
	}
	for len(reqs) > 0 {
		n := min(len(reqs), 25)
		if _, err := db.BatchWriteItem(bg, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"regions": reqs[:n]}}); err != nil {
			t.Fatal(err)
		}
		reqs = reqs[n:]
	}
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
