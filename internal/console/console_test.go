package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddb-go/ddb/ddbtest"
	"github.com/ddb-go/ddb/internal/console"
)

// env is a ddbtest server with the console mounted, on a loopback port.
type env struct {
	base string           // http://127.0.0.1:port
	db   *dynamodb.Client // an SDK client of the same server
	rec  *console.Recorder
	web  *http.Client // does not follow redirects
}

func start(t *testing.T, write bool) *env {
	t.Helper()
	srv := ddbtest.NewTB(t)
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	db := sdk(ts.URL)
	rec := console.NewRecorder(0)
	h = console.Mount(srv.Handler(), db, console.Options{Write: write, Recorder: rec})
	web := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &env{base: ts.URL, db: db, rec: rec, web: web}
}

// sdk is a client of the server at url.
func sdk(url string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(url), RetryMaxAttempts: 1,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}, nil
		}),
	})
}

// get fetches a console path and returns its status and body.
func (e *env) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := e.web.Get(e.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// post submits a form as the console's own page would, and returns the
// status, the Location of a redirect and the body.
func (e *env) post(t *testing.T, path string, form url.Values) (status int, location, body string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", e.base)
	resp, err := e.web.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// createTable creates table name with keys pk (S) and sk (N) and a GSI
// "byKind" on kind (S) and sk.
func (e *env) createTable(t *testing.T, name string) {
	t.Helper()
	s, n := types.ScalarAttributeTypeS, types.ScalarAttributeTypeN
	_, err := e.db.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:   &name,
		BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: s},
			{AttributeName: aws.String("sk"), AttributeType: n},
			{AttributeName: aws.String("kind"), AttributeType: s},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange},
		},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName: aws.String("byKind"),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String("kind"), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange},
			},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: []string{"n"}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// fill puts n items pk=p, sk=0..n-1, kind even/odd, n=sk*10, with a map.
func (e *env) fill(t *testing.T, table string, n int) {
	t.Helper()
	for i := range n {
		kind := []string{"even", "odd"}[i%2]
		_, err := e.db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: &table, Item: map[string]types.AttributeValue{
			"pk":   &types.AttributeValueMemberS{Value: "p"},
			"sk":   &types.AttributeValueMemberN{Value: fmt.Sprint(i)},
			"kind": &types.AttributeValueMemberS{Value: kind},
			"n":    &types.AttributeValueMemberN{Value: fmt.Sprint(i * 10)},
			"meta": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
				"tags": &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberS{Value: "t<" + kind + ">"}}},
			}},
		}})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// pageWant is a console page (path) expected to answer status with a body
// containing each of want.
type pageWant struct {
	path   string
	status int
	want   []string
}

// pages fetches each page and checks it is as expected.
func (e *env) pages(t *testing.T, pages []pageWant) {
	t.Helper()
	for _, tc := range pages {
		status, body := e.get(t, tc.path)
		if status != tc.status {
			t.Errorf("GET %s: status %d, want %d\n%s", tc.path, status, tc.status, body)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s: no %q in\n%s", tc.path, w, body)
			}
		}
	}
}

func TestPages(t *testing.T) {
	t.Parallel()
	e := start(t, false)
	e.createTable(t, "pages")
	e.fill(t, "pages", 3)
	key := url.QueryEscape(`{"pk":{"S":"p"},"sk":{"N":"1"}}`)
	e.pages(t, []pageWant{
		{"/console/", 200, []string{`href="/console/tables/pages"`, "pk (S), sk (N)", ">3<", "read-only"}},
		{"/console/tables/pages", 200, []string{"Page 1: 3 items", "<th>meta</th>", `{&#34;tags&#34;:[&#34;t\u003ceven\u003e&#34;]}`, `&#34;Limit&#34;: 25`}},
		{"/console/tables/pages?index=byKind&mode=query&pk=odd", 200, []string{"Page 1: 1 items", `&#34;IndexName&#34;: &#34;byKind&#34;`}},
		{"/console/tables/pages/schema", 200, []string{"byKind", "INCLUDE &#43; n", "kind (S), sk (N)", "DISABLED", "disabled", "<dd>PAY_PER_REQUEST</dd>"}},
		{"/console/tables/pages/item?key=" + key, 200, []string{`&#34;N&#34;: &#34;10&#34;`, `&#34;n&#34;: 10`}},
		{"/console/tables/pages/item?key=" + url.QueryEscape(`{"pk":{"S":"p"},"sk":{"N":"9"}}`), 404, []string{"no item with key"}},
		{"/console/tables/nope", 400, []string{"ResourceNotFoundException: "}},
		{"/console/tables/pages?mode=query&pk=p&skop=%3E&sk=x", 400, []string{"ValidationException: "}},
		{"/console/tables/pages?fa=n&fo=%3E&fv=yes&ft=BOOL", 400, []string{"filter on n: boolean value"}},
		{"/console/nothing", 404, []string{"no console page"}},
		{"/console/static/app.js", 200, []string{"activity.json"}},
		{"/console/activity", 200, []string{"<td>PutItem</td><td>pages</td><td>200</td>"}},
	})
	if _, body := e.get(t, "/console/tables/pages"); strings.Contains(body, "new-item") {
		t.Error("read-only console links to the new item form")
	}
}

var (
	rowKey   = regexp.MustCompile(`item\?key=([^"]+)" class="open"`)
	nextLink = regexp.MustCompile(`<a href="([^"]+)" class="next">`)
	prevLink = regexp.MustCompile(`<a href="([^"]+)" class="prev">`)
)

// keys returns attribute attr of the keys the grid's rows link to (the
// table's primary key of each item), in order.
func keys(t *testing.T, body, attr string) []string {
	t.Helper()
	var out []string
	for _, m := range rowKey.FindAllStringSubmatch(body, -1) {
		k, err := url.QueryUnescape(unescape(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		var key map[string]map[string]string
		if err := json.Unmarshal([]byte(k), &key); err != nil {
			t.Fatalf("key %s: %v", k, err)
		}
		for _, v := range key[attr] {
			out = append(out, v)
		}
	}
	return out
}

// scalar is the text of an S or N value.
func scalar(av types.AttributeValue) string {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return v.Value
	case *types.AttributeValueMemberN:
		return v.Value
	}
	return fmt.Sprint(av)
}

func unescape(s string) string { return strings.ReplaceAll(s, "&amp;", "&") }

// canonical is a path with its query's parameters sorted by name.
func canonical(t *testing.T, path string) string {
	t.Helper()
	u, err := url.Parse(path)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path + "?" + u.Query().Encode()
}

// likeSDK checks that the grid of the console's query (the URL query of
// table's page) shows what in, the same Query through the SDK, returns,
// page after page by cursor, and back; items are told apart by attr of
// their table key. It returns the paths of the pages.
func (e *env) likeSDK(t *testing.T, table, query, attr string, in dynamodb.QueryInput) []string {
	t.Helper()
	in.TableName = &table
	var sdkPages [][]string
	p := dynamodb.NewQueryPaginator(e.db, &in)
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var page []string
		for _, it := range out.Items {
			page = append(page, scalar(it[attr]))
		}
		sdkPages = append(sdkPages, page)
	}
	path := "/console/tables/" + table + "?" + query
	var pages [][]string
	var paths []string
	for path != "" {
		status, body := e.get(t, path)
		if status != 200 {
			t.Fatalf("GET %s: %d\n%s", path, status, body)
		}
		paths = append(paths, path)
		pages = append(pages, keys(t, body, attr))
		path = ""
		if m := nextLink.FindStringSubmatch(body); m != nil {
			path = unescape(m[1])
		}
	}
	if fmt.Sprint(pages) != fmt.Sprint(sdkPages) {
		t.Errorf("console pages %v\nSDK pages     %v", pages, sdkPages)
	}
	// previous from the last page gives the page before it.
	if n := len(paths); n > 1 {
		_, body := e.get(t, paths[n-1])
		m := prevLink.FindStringSubmatch(body)
		if m == nil || canonical(t, unescape(m[1])) != canonical(t, paths[n-2]) {
			t.Errorf("previous link %v, want %s", m, paths[n-2])
		}
	}
	total := 0
	for _, pg := range sdkPages {
		total += len(pg)
	}
	_, body := e.get(t, "/console/tables/"+table+"?"+query+"&count=1")
	if want := fmt.Sprintf(`<span id="total">%d items match`, total); !strings.Contains(body, want) {
		t.Errorf("count: no %q", want)
	}
	return paths
}

// TestQueryLikeSDK checks the grid shows what the same Query through the
// SDK returns, page after page, forward and back.
func TestQueryLikeSDK(t *testing.T) {
	t.Parallel()
	e := start(t, false)
	e.createTable(t, "paging")
	e.fill(t, "paging", 60)
	for _, tc := range []struct {
		name, query string
		in          dynamodb.QueryInput
	}{
		{"sk and filter", "mode=query&pk=p&skop=between&sk=5&sk2=40&fa=kind&fo=%3D&fv=odd&ft=S&limit=7&order=desc", dynamodb.QueryInput{
			KeyConditionExpression: aws.String("pk = :p AND sk BETWEEN :a AND :b"), FilterExpression: aws.String("kind = :k"),
			ScanIndexForward: aws.Bool(false), Limit: aws.Int32(7),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":p": &types.AttributeValueMemberS{Value: "p"}, ":a": &types.AttributeValueMemberN{Value: "5"},
				":b": &types.AttributeValueMemberN{Value: "40"}, ":k": &types.AttributeValueMemberS{Value: "odd"}},
		}},
		{"index", "mode=query&index=byKind&pk=even&skop=%3E%3D&sk=30&limit=4&fa=n&fo=%3C&fv=500&ft=N", dynamodb.QueryInput{
			IndexName: aws.String("byKind"), KeyConditionExpression: aws.String("kind = :k AND sk >= :s"),
			FilterExpression: aws.String("n < :n"), Limit: aws.Int32(4),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":k": &types.AttributeValueMemberS{Value: "even"}, ":s": &types.AttributeValueMemberN{Value: "30"},
				":n": &types.AttributeValueMemberN{Value: "500"}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.likeSDK(t, "paging", tc.query, "sk", tc.in)
		})
	}
}

func TestReadOnlyAndCrossSite(t *testing.T) {
	t.Parallel()
	ro, rw := start(t, false), start(t, true)
	form := url.Values{"name": {"nope"}, "pk": {"id"}, "pkType": {"S"}}
	if status, _, body := ro.post(t, "/console/new-table", form); status != 403 || !strings.Contains(body, "-console-write") {
		t.Errorf("read-only POST: %d\n%s", status, body)
	}
	req, _ := http.NewRequest(http.MethodPost, rw.base+"/console/new-table", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	resp, err := rw.web.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("cross-site POST: %d", resp.StatusCode)
	}
	// DNS rebinding: another site's name resolved to the loopback address.
	local := httptest.NewServer(console.Mount(http.NotFoundHandler(), rw.db, console.Options{LocalOnly: true}))
	t.Cleanup(local.Close)
	for host, want := range map[string]int{"evil.example": 403, "localhost": 200, "127.0.0.1": 200, "app.localhost": 200} {
		req, _ := http.NewRequest(http.MethodGet, local.URL+"/console/activity", nil)
		req.Host = host + ":8000"
		resp, err := rw.web.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET with Host %s: %d, want %d", req.Host, resp.StatusCode, want)
		}
	}
	for _, e := range []*env{ro, rw} {
		out, err := e.db.ListTables(context.Background(), &dynamodb.ListTablesInput{})
		if err != nil || len(out.TableNames) != 0 {
			t.Errorf("tables %v, %v; want none", out, err)
		}
	}
}

func TestCreateAndDeleteTable(t *testing.T) {
	t.Parallel()
	e := start(t, true)
	status, loc, body := e.post(t, "/console/new-table", url.Values{
		"name": {"made"}, "pk": {"id"}, "pkType": {"S"}, "sk": {"at"}, "skType": {"N"},
		"gsi": {"byOwner"}, "gsiPk": {"owner"}, "gsiPkType": {"S"}, "ttl": {"expires"},
	})
	if status != 303 || loc != "/console/tables/made?done=Created+table+made" {
		t.Fatalf("create: %d %q\n%s", status, loc, body)
	}
	d, err := e.db.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String("made")})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Table.KeySchema) != 2 || len(d.Table.GlobalSecondaryIndexes) != 1 || len(d.Table.AttributeDefinitions) != 3 {
		t.Errorf("created %+v", d.Table)
	}
	if _, body := e.get(t, "/console/tables/made/schema"); !strings.Contains(body, "ENABLED on expires") {
		t.Errorf("schema shows no TTL:\n%s", body)
	}
	// the same again: DynamoDB's error, on the refilled form
	status, _, body = e.post(t, "/console/new-table", url.Values{"name": {"made"}, "pk": {"id"}, "pkType": {"S"}})
	if status != 400 || !strings.Contains(body, "ResourceInUseException: ") || !strings.Contains(body, `value="made"`) {
		t.Errorf("create twice: %d\n%s", status, body)
	}
	if status, _, _ := e.post(t, "/console/tables/made/delete", url.Values{"confirm": {"mad"}}); status != 400 {
		t.Errorf("delete with a wrong confirmation: %d", status)
	}
	if status, loc, _ := e.post(t, "/console/tables/made/delete", url.Values{"confirm": {"made"}}); status != 303 || loc != "/console/?done=Deleted+table+made" {
		t.Errorf("delete: %d %q", status, loc)
	}
	if _, err := e.db.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String("made")}); err == nil {
		t.Error("table still there")
	}
}

func TestEditItem(t *testing.T) {
	t.Parallel()
	e := start(t, true)
	e.createTable(t, "edit")
	e.fill(t, "edit", 2)
	ctx := context.Background()
	key := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "p"}, "sk": &types.AttributeValueMemberN{Value: "1"}}
	itemPath := "/console/tables/edit/item?key=" + url.QueryEscape(`{"pk":{"S":"p"},"sk":{"N":"1"}}`)
	_, page := e.get(t, itemPath)
	orig := regexp.MustCompile(`name="orig" value="([^"]+)"`).FindStringSubmatch(page)
	if orig == nil {
		t.Fatalf("no orig in\n%s", page)
	}
	origJSON := strings.NewReplacer("&#34;", `"`, "&lt;", "<", "&gt;", ">").Replace(orig[1])
	edited := `{"pk":{"S":"p"},"sk":{"N":"1"},"n":{"N":"11"},"kind":{"S":"edited"}}`

	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		want   string // in the Location (303) or body
	}{
		{"bad json", url.Values{"orig": {origJSON}, "item": {`{"pk":`}, "action": {"save"}}, 400, "not an item in DynamoDB JSON"},
		{"bad type", url.Values{"orig": {origJSON}, "item": {`{"pk":{"X":"p"}}`}, "action": {"save"}}, 400, `unknown attribute value type`},
		{"key change", url.Values{"orig": {origJSON}, "item": {`{"pk":{"S":"q"},"sk":{"N":"1"}}`}, "action": {"save"}}, 400, "the key cannot change"},
		{"save", url.Values{"orig": {origJSON}, "item": {edited}, "action": {"save"}}, 303, "done=Saved"},
		{"stale save", url.Values{"orig": {origJSON}, "item": {edited}, "action": {"save"}}, 400, "ConditionalCheckFailedException: "},
		{"stale delete", url.Values{"orig": {origJSON}, "action": {"delete"}}, 400, "ConditionalCheckFailedException: "},
		{"added attribute", url.Values{"orig": {`{"pk":{"S":"p"},"sk":{"N":"1"},"n":{"N":"11"}}`}, "item": {edited}, "action": {"save"}}, 400, "attributes added: kind"},
	} {
		status, loc, body := e.post(t, "/console/tables/edit/item", tc.form)
		if status != tc.status || !strings.Contains(loc+body, tc.want) {
			t.Errorf("%s: %d %q, want %d %q\n%s", tc.name, status, loc, tc.status, tc.want, body)
		}
	}
	got, err := e.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("edit"), Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := got.Item["kind"].(*types.AttributeValueMemberS); !ok || n.Value != "edited" || len(got.Item) != 4 {
		t.Errorf("after save: %v", got.Item)
	}

	// plain JSON, then delete it as loaded
	status, loc, body := e.post(t, "/console/tables/edit/new-item", url.Values{"format": {"plain"},
		"item": {`{"pk":"new","sk":7,"ok":true,"none":null,"list":[1,"a",{"b":2.50}]}`}})
	if status != 303 || !strings.Contains(loc, "done=Created") {
		t.Fatalf("create: %d %q\n%s", status, loc, body)
	}
	if status, _, body := e.post(t, "/console/tables/edit/new-item", url.Values{"item": {`{"pk":{"S":"new"},"sk":{"N":"7"}}`}}); status != 400 || !strings.Contains(body, "ConditionalCheckFailedException") {
		t.Errorf("create twice: %d\n%s", status, body)
	}
	_, page = e.get(t, unescape(loc))
	if !strings.Contains(page, `&#34;BOOL&#34;: true`) || !strings.Contains(page, `&#34;N&#34;: &#34;2.5&#34;`) {
		t.Errorf("plain item read back:\n%s", page)
	}
	orig = regexp.MustCompile(`name="orig" value="([^"]+)"`).FindStringSubmatch(page)
	status, loc, _ = e.post(t, "/console/tables/edit/item", url.Values{"orig": {strings.ReplaceAll(orig[1], "&#34;", `"`)}, "action": {"delete"}})
	if status != 303 || !strings.HasPrefix(loc, "/console/tables/edit?done=Deleted") {
		t.Errorf("delete: %d %q", status, loc)
	}
	out, _ := e.db.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("edit")})
	if out.Count != 2 {
		t.Errorf("%d items left, want 2", out.Count)
	}
}

func TestRecorder(t *testing.T) {
	t.Parallel()
	var seen []console.Record
	rec := console.NewRecorder(3)
	rec.Subscribe(func(r console.Record) { seen = append(seen, r) })
	ts := httptest.NewServer(rec.Wrap(ddbtest.NewTB(t).Handler()))
	t.Cleanup(ts.Close)
	e := &env{db: sdk(ts.URL)}
	db := e.db
	ctx := context.Background()
	e.createTable(t, "rec")
	e.createTable(t, "rec2")
	item := func(i int) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "p"}, "sk": &types.AttributeValueMemberN{Value: fmt.Sprint(i)}}
	}
	if _, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
		RequestItems: map[string][]types.WriteRequest{
			"rec2": {{PutRequest: &types.PutRequest{Item: item(1)}}},
			"rec":  {{PutRequest: &types.PutRequest{Item: item(1)}}, {PutRequest: &types.PutRequest{Item: item(2)}}},
		}}); err != nil {
		t.Fatal(err)
	}
	_, _ = db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("none"), Key: item(1)})
	if _, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("rec"), Key: item(1), ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 5 {
		t.Fatalf("subscriber saw %d records, want 5", len(seen))
	}
	got := rec.Recent(0)
	var summary []string
	for _, r := range got {
		summary = append(summary, fmt.Sprintf("%d %s %s %d %s %g", r.Seq, r.Operation, r.Table, r.Status, r.Error, r.ConsumedCapacity))
		if r.Duration <= 0 || r.Time.IsZero() {
			t.Errorf("record %+v: no time or duration", r)
		}
	}
	want := []string{
		"3 BatchWriteItem rec,rec2 200  3",
		"4 GetItem none 400 ResourceNotFoundException 0",
		"5 GetItem rec 200  0.5",
	}
	if !slices.Equal(summary, want) {
		t.Errorf("records\n%s\nwant\n%s", strings.Join(summary, "\n"), strings.Join(want, "\n"))
	}
	if after := rec.Recent(4); len(after) != 1 || after[0].Seq != 5 {
		t.Errorf("Recent(4) = %+v", after)
	}
}
