package ddbtest

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// signDummy gives req a well-formed (unverified) SigV4 Authorization
// header for region.
func signDummy(req *http.Request, region string) {
	req.Header.Set("X-Amz-Date", "20250101T000000Z")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20250101/"+region+"/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
}

// regionClient is srv's in-process client for region.
func regionClient(srv *Server, region string) *dynamodb.Client {
	return srv.Client(func(o *dynamodb.Options) { o.Region = region; o.RetryMaxAttempts = 1 })
}

// describeArn returns the ARN of table through c, or "" when c does not
// see it.
func describeArn(t *testing.T, c *dynamodb.Client, table string) string {
	t.Helper()
	out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		return ""
	}
	if err != nil {
		t.Fatalf("DescribeTable %s: %v", table, err)
	}
	return aws.ToString(out.Table.TableArn)
}

// TestRegions: tables live in the region of the request's signature.
func TestRegions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		opts   []Option
		east1  string // ARN seen from us-east-1 of the table made in us-east-2
		east2  string
		tables int // tables listed in us-east-1
	}{
		{"per region", nil, "", "arn:aws:dynamodb:us-east-2:000000000000:table/reg", 0},
		{"shared", []Option{WithSharedRegions()}, "arn:aws:dynamodb:us-east-1:000000000000:table/reg", "arn:aws:dynamodb:us-east-1:000000000000:table/reg", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := NewTB(t, tc.opts...)
			east1, east2 := regionClient(srv, "us-east-1"), regionClient(srv, "us-east-2")
			mkTable(t, east2, "reg", "")
			put(t, east2, "reg", item{"pk": s("a")})
			if got := describeArn(t, east1, "reg"); got != tc.east1 {
				t.Errorf("us-east-1 sees %q, want %q", got, tc.east1)
			}
			if got := describeArn(t, east2, "reg"); got != tc.east2 {
				t.Errorf("us-east-2 sees %q, want %q", got, tc.east2)
			}
			lt, err := east1.ListTables(ctx, &dynamodb.ListTablesInput{})
			if err != nil || len(lt.TableNames) != tc.tables {
				t.Errorf("ListTables in us-east-1: %v %v", lt, err)
			}
			_, err = east1.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("reg"), Key: item{"pk": s("a")}})
			var nf *types.ResourceNotFoundException
			if errors.As(err, &nf) != (tc.tables == 0) {
				t.Errorf("GetItem in us-east-1: %v", err)
			}
		})
	}
}

// openBolt opens a server on the bolt store at path.
func openBolt(t *testing.T, path string) *Server {
	t.Helper()
	st, err := OpenBoltStore(path)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := Open(WithStore(st))
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// TestRegionsDurable: a bolt store keeps each region's tables apart
// across a restart, and tables recorded without a region (by a server
// before regions) load as DefaultRegion's.
func TestRegionsDurable(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "r.db")
	srv := openBolt(t, path)
	mkTable(t, regionClient(srv, "us-west-2"), "west", "")
	put(t, regionClient(srv, "us-west-2"), "west", item{"pk": s("w")})
	mkTable(t, regionClient(srv, "us-east-1"), "east", "")
	srv.Close()

	srv = openBolt(t, path)
	defer srv.Close()
	west, east := regionClient(srv, "us-west-2"), regionClient(srv, "us-east-1")
	if describeArn(t, west, "west") == "" || describeArn(t, east, "west") != "" {
		t.Error("table west not in us-west-2 only after reopening")
	}
	if describeArn(t, east, "east") == "" || describeArn(t, west, "east") != "" {
		t.Error("table east not in us-east-1 only after reopening")
	}
	if got := get(t, west, "west", item{"pk": s("w")}); got == nil {
		t.Error("item of us-west-2 lost")
	}
}

// rawRequest sends one raw HTTP request to srv, over the socket when
// srv is started and through Transport otherwise.
func rawRequest(t *testing.T, srv *Server, req *http.Request) (*http.Response, string) {
	t.Helper()
	var resp *http.Response
	var err error
	if srv.URL != "" {
		resp, err = http.DefaultClient.Do(req)
	} else {
		resp, err = srv.Transport().RoundTrip(req)
	}
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// TestEnvelope checks the HTTP rules DynamoDB applies before looking at
// an operation, over a socket and through the in-process Transport.
func TestEnvelope(t *testing.T) {
	t.Parallel()
	listening := NewServer()
	defer listening.Close()
	inProcess := NewTB(t)
	const listTables = "DynamoDB_20120810.ListTables"
	type hdr = map[string]string
	signed := hdr{"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": listTables,
		"X-Amz-Date": "20250101T000000Z", "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20250101/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"}
	with := func(h hdr, kv ...string) hdr {
		out := hdr{}
		for k, v := range h {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(out, kv[i])
			} else {
				out[kv[i]] = kv[i+1]
			}
		}
		return out
	}
	cases := []struct {
		name, method, query string
		h                   hdr
		body                string
		status              int
		want                string            // exact body, or a substring when it starts with '~'
		wantH               map[string]string // response headers
	}{
		{"signed", "POST", "", signed, `{}`, 200, `{"TableNames":[]}`, hdr{"Content-Type": "application/x-amz-json-1.0"}},
		{"health", "GET", "", nil, ``, 200, "healthy: dynamodb.us-east-1.amazonaws.com ", nil},
		{"health of region", "GET", "", hdr{"Authorization": signed["Authorization"]}, ``, 200, "healthy: dynamodb.eu-west-1.amazonaws.com ", nil},
		{"no content type", "POST", "", with(signed, "Content-Type", ""), `{}`, 404, "<UnknownOperationException/>\n", nil},
		{"other content type", "POST", "", with(signed, "Content-Type", "text/plain"), `{}`, 404, "<UnknownOperationException/>\n", nil},
		{"application/json", "POST", "", with(signed, "Content-Type", "application/json; charset=utf-8"), `{}`, 200, `{"TableNames":[]}`, nil},
		{"PUT", "PUT", "", signed, `{}`, 404, "<UnknownOperationException/>\n", nil},
		{"unsigned", "POST", "", with(signed, "Authorization", ""), `{}`, 400,
			`{"__type":"com.amazon.coral.service#MissingAuthenticationTokenException","message":"Request is missing Authentication Token"}`, nil},
		{"unsigned unknown operation", "POST", "", with(signed, "Authorization", "", "X-Amz-Target", "DynamoDB_20120810.Nope"), `{}`, 400,
			`{"__type":"com.amazon.coral.service#UnknownOperationException"}`, nil},
		{"not AWS4", "POST", "", with(signed, "Authorization", "AWS3 x"), `{}`, 400, "~MissingAuthenticationTokenException", nil},
		{"incomplete header", "POST", "", with(signed, "Authorization", "AWS4-HMAC-SHA256 Credential=a/b", "X-Amz-Date", ""), `{}`, 400,
			`{"__type":"com.amazon.coral.service#IncompleteSignatureException","message":"Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=a/b"}`, nil},
		{"incomplete query", "POST", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a/20250101/us-east-1/dynamodb/aws4_request", with(signed, "Authorization", ""), `{}`, 400,
			`{"__type":"com.amazon.coral.service#IncompleteSignatureException","message":"AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters."}`, nil},
		{"query signature", "POST", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a/20250101/us-east-1/dynamodb/aws4_request&X-Amz-Signature=0&X-Amz-SignedHeaders=host&X-Amz-Date=20250101T000000Z",
			with(signed, "Authorization", ""), `{}`, 200, `{"TableNames":[]}`, nil},
		{"both signatures", "POST", "X-Amz-Algorithm=AWS4-HMAC-SHA256", signed, `{}`, 400, "~InvalidSignatureException", nil},
		{"CORS", "POST", "", with(signed, "Origin", "http://localhost"), `{}`, 200, `{"TableNames":[]}`, hdr{"Access-Control-Allow-Origin": "*"}},
		{"CORS preflight", "OPTIONS", "", hdr{"Origin": "http://localhost", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-amz-target"}, ``, 200, "",
			hdr{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "content-type,x-amz-target", "Access-Control-Max-Age": "172800"}},
		{"too large", "POST", "", signed, `{"TableName":"` + strings.Repeat("x", maxRequestBytes) + `"}`, 413, "", nil},
	}
	for _, srv := range []*Server{listening, inProcess} {
		for _, tc := range cases {
			base := srv.URL
			if base == "" {
				base = fakeEndpoint
			}
			url := base + "/"
			if tc.query != "" {
				url += "?" + tc.query
			}
			var body io.Reader
			if tc.body != "" {
				body = bytes.NewReader([]byte(tc.body))
			}
			req, _ := http.NewRequest(tc.method, url, body)
			for k, v := range tc.h {
				req.Header.Set(k, v)
			}
			resp, got := rawRequest(t, srv, req)
			ok := resp.StatusCode == tc.status
			if w, sub := strings.CutPrefix(tc.want, "~"); sub {
				ok = ok && strings.Contains(got, w)
			} else {
				ok = ok && got == tc.want
			}
			if !ok {
				t.Errorf("%s (listening %v): %d %q, want %d %q", tc.name, srv.URL != "", resp.StatusCode, got, tc.status, tc.want)
			}
			for k, v := range tc.wantH {
				if g := resp.Header.Get(k); g != v {
					t.Errorf("%s (listening %v): header %s %q, want %q", tc.name, srv.URL != "", k, g, v)
				}
			}
		}
	}
}

// TestTagging runs the tagging operations through the SDK.
func TestTagging(t *testing.T) {
	t.Parallel()
	srv := NewTB(t)
	c := regionClient(srv, "eu-central-1")
	mkTable(t, c, "tagged", "", func(in *dynamodb.CreateTableInput) {
		in.Tags = []types.Tag{{Key: aws.String("env"), Value: aws.String("test")}}
	})
	arn := describeArn(t, c, "tagged")
	if arn != "arn:aws:dynamodb:eu-central-1:000000000000:table/tagged" {
		t.Fatalf("ARN %q", arn)
	}
	tags := func() map[string]string {
		t.Helper()
		out, err := c.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: &arn})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, tg := range out.Tags {
			m[*tg.Key] = *tg.Value
		}
		return m
	}
	if got := tags(); len(got) != 1 || got["env"] != "test" {
		t.Fatalf("tags from CreateTable: %v", got)
	}
	if _, err := c.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: &arn, Tags: []types.Tag{
		{Key: aws.String("env"), Value: aws.String("prod")}, {Key: aws.String("team"), Value: aws.String("")}}}); err != nil {
		t.Fatal(err)
	}
	if got := tags(); len(got) != 2 || got["env"] != "prod" || got["team"] != "" {
		t.Fatalf("after TagResource: %v", got)
	}
	if _, err := c.UntagResource(ctx, &dynamodb.UntagResourceInput{ResourceArn: &arn, TagKeys: []string{"env", "nosuch"}}); err != nil {
		t.Fatal(err)
	}
	if got := tags(); len(got) != 1 || got["team"] != "" {
		t.Fatalf("after UntagResource: %v", got)
	}

	many := make([]types.Tag, 50)
	for i := range many {
		many[i] = types.Tag{Key: aws.String(strings.Repeat("k", i+1)), Value: aws.String("v")}
	}
	tk := func(k, v string) []types.Tag { return []types.Tag{{Key: aws.String(k), Value: aws.String(v)}} }
	for _, tc := range []struct {
		name string
		arn  string
		tags []types.Tag
		code string
		msg  string
	}{
		{"other region", "arn:aws:dynamodb:us-east-1:000000000000:table/tagged", tk("a", "b"), "ResourceNotFoundException",
			"Requested resource not found: ResourcArn: arn:aws:dynamodb:us-east-1:000000000000:table/tagged not found"},
		{"missing table", "arn:aws:dynamodb:eu-central-1:000000000000:table/nosuch", tk("a", "b"), "ResourceNotFoundException", "ResourcArn"},
		{"bad ARN", "arn:aws:dynamodb:eu-central-1:000000000000:index/x", tk("a", "b"), "ValidationException",
			"Invalid TableArn: Invalid ResourceArn provided as input arn:aws:dynamodb:eu-central-1:000000000000:index/x"},
		{"not an ARN", "tagged", tk("a", "b"), "AccessDeniedException", "is not authorized to perform: dynamodb:TagResource on resource: tagged"},
		{"no tags", arn, []types.Tag{}, "ValidationException", "Atleast one Tag needs to be provided as Input."},
		{"long key", arn, tk(strings.Repeat("k", 129), "v"), "ValidationException",
			"at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"long value", arn, tk("k", strings.Repeat("v", 257)), "ValidationException",
			"at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256"},
		{"empty key", arn, tk("", "v"), "ValidationException", "Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"aws: prefix", arn, tk("aws:x", "v"), "ValidationException", "reserved"},
		{"too many", arn, many, "ValidationException", "cannot exceed 50"},
	} {
		_, err := c.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: aws.String(tc.arn), Tags: tc.tags})
		if err == nil || apiCode(err) != tc.code || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want %s %q", tc.name, err, tc.code, tc.msg)
		}
	}
	if got := tags(); len(got) != 1 {
		t.Errorf("failed TagResource calls changed the tags: %v", got)
	}
}

// TestTagsDurable: tags survive a restart on a bolt store.
func TestTagsDurable(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "tags.db")
	for round := 0; round < 2; round++ {
		srv := openBolt(t, path)
		c := srv.Client()
		arn := aws.String(tableArn(DefaultRegion, "tags"))
		if round == 0 {
			mkTable(t, c, "tags", "")
			if _, err := c.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
				t.Fatal(err)
			}
		}
		out, err := c.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: arn})
		if err != nil || len(out.Tags) != 1 || *out.Tags[0].Key != "k" {
			t.Errorf("round %d: %v %v", round, out, err)
		}
		srv.Close()
	}
}

// TestCapacityShapes checks which members ConsumedCapacity carries for
// TOTAL and INDEXES, and that only transactions split units into read and
// write units.
func TestCapacityShapes(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "capshape", "", func(in *dynamodb.CreateTableInput) {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String("g"), AttributeType: types.ScalarAttributeTypeS})
		in.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{{IndexName: aws.String("byg"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}}
	})
	it := item{"pk": s("a"), "g": s("x")}
	for _, tc := range []struct {
		mode      types.ReturnConsumedCapacity
		breakdown bool
	}{{types.ReturnConsumedCapacityTotal, false}, {types.ReturnConsumedCapacityIndexes, true}} {
		pc, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("capshape"), Item: it, ReturnConsumedCapacity: tc.mode})
		if err != nil {
			t.Fatal(err)
		}
		gc, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("capshape"), Key: item{"pk": s("a")}, ReturnConsumedCapacity: tc.mode})
		if err != nil {
			t.Fatal(err)
		}
		for _, cc := range []*types.ConsumedCapacity{pc.ConsumedCapacity, gc.ConsumedCapacity} {
			if cc == nil || aws.ToString(cc.TableName) != "capshape" || aws.ToFloat64(cc.CapacityUnits) <= 0 {
				t.Fatalf("%s: %+v", tc.mode, cc)
			}
			if cc.ReadCapacityUnits != nil || cc.WriteCapacityUnits != nil {
				t.Errorf("%s: read/write units outside a transaction: %+v", tc.mode, cc)
			}
			if (cc.Table != nil) != tc.breakdown {
				t.Errorf("%s: Table %+v", tc.mode, cc.Table)
			}
		}
		if tc.breakdown {
			g := pc.ConsumedCapacity.GlobalSecondaryIndexes["byg"]
			if aws.ToFloat64(g.CapacityUnits) != 1 || aws.ToFloat64(pc.ConsumedCapacity.Table.CapacityUnits) != 1 || aws.ToFloat64(pc.ConsumedCapacity.CapacityUnits) != 2 {
				t.Errorf("INDEXES PutItem: %+v", pc.ConsumedCapacity)
			}
		} else if pc.ConsumedCapacity.GlobalSecondaryIndexes != nil {
			t.Errorf("TOTAL PutItem has an index breakdown: %+v", pc.ConsumedCapacity)
		}
	}

	// Transactions: writes doubled, a replay reported as reads.
	tx := &dynamodb.TransactWriteItemsInput{
		ClientRequestToken:     aws.String("capshape-token"),
		ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes,
		TransactItems:          []types.TransactWriteItem{{Put: &types.Put{TableName: aws.String("capshape"), Item: item{"pk": s("t"), "g": s("y")}}}},
	}
	first, err := c.TransactWriteItems(ctx, tx)
	if err != nil {
		t.Fatal(err)
	}
	replay, err := c.TransactWriteItems(ctx, tx)
	if err != nil {
		t.Fatal(err)
	}
	fc, rc := first.ConsumedCapacity[0], replay.ConsumedCapacity[0]
	if aws.ToFloat64(fc.WriteCapacityUnits) != 4 || aws.ToFloat64(fc.CapacityUnits) != 4 || fc.ReadCapacityUnits != nil ||
		aws.ToFloat64(fc.Table.WriteCapacityUnits) != 2 || aws.ToFloat64(fc.GlobalSecondaryIndexes["byg"].WriteCapacityUnits) != 2 {
		t.Errorf("transaction: %+v table %+v", fc, fc.Table)
	}
	if aws.ToFloat64(rc.ReadCapacityUnits) <= 0 || rc.WriteCapacityUnits != nil || aws.ToFloat64(rc.CapacityUnits) != aws.ToFloat64(rc.ReadCapacityUnits) {
		t.Errorf("replay: %+v", rc)
	}
	tg, err := c.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
		TransactItems: []types.TransactGetItem{{Get: &types.Get{TableName: aws.String("capshape"), Key: item{"pk": s("t")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if gc := tg.ConsumedCapacity[0]; aws.ToFloat64(gc.ReadCapacityUnits) != 2 || aws.ToFloat64(gc.CapacityUnits) != 2 || gc.WriteCapacityUnits != nil || gc.Table != nil {
		t.Errorf("TransactGetItems: %+v", gc)
	}
}

// TestTableLifecycleFields checks CreateTable's answer, UpdateTable's
// throughput history, DescribeLimits, DescribeEndpoints and duplicated
// attribute definitions.
func TestTableLifecycleFields(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	srv := NewTB(t, WithClock(func() time.Time { return now }))
	c := regionClient(srv, "ap-south-1")
	out, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:             aws.String("life"),
		AttributeDefinitions:  []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:             []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(5)},
	})
	if err != nil {
		t.Fatal(err)
	}
	d := out.TableDescription
	if d.TableSizeBytes == nil || d.ItemCount == nil || !d.CreationDateTime.Equal(now) || aws.ToString(d.TableArn) != "arn:aws:dynamodb:ap-south-1:000000000000:table/life" ||
		d.TableId == nil || d.ProvisionedThroughput.NumberOfDecreasesToday == nil || d.TableStatus != types.TableStatusCreating {
		t.Fatalf("CreateTable: %+v", d)
	}
	update := func(r, w int64) (*types.ProvisionedThroughputDescription, error) {
		out, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("life"),
			ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(r), WriteCapacityUnits: aws.Int64(w)}})
		if err != nil {
			return nil, err
		}
		return out.TableDescription.ProvisionedThroughput, nil
	}
	now = now.Add(time.Minute)
	pt, err := update(10, 5)
	if err != nil || !pt.LastIncreaseDateTime.Equal(now) || pt.LastDecreaseDateTime != nil || *pt.NumberOfDecreasesToday != 0 || *pt.ReadCapacityUnits != 10 {
		t.Fatalf("increase: %+v %v", pt, err)
	}
	now = now.Add(time.Minute)
	pt, err = update(10, 2)
	if err != nil || !pt.LastDecreaseDateTime.Equal(now) || *pt.NumberOfDecreasesToday != 1 || *pt.WriteCapacityUnits != 2 {
		t.Fatalf("decrease: %+v %v", pt, err)
	}
	_, err = update(10, 2)
	wantCode(t, err, "ValidationException", "The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: 10. Requested ReadCapacityUnits: 10.")
	now = now.Add(24 * time.Hour)
	dt, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("life")})
	if err != nil || *dt.Table.ProvisionedThroughput.NumberOfDecreasesToday != 0 {
		t.Fatalf("next day: %+v %v", dt.Table.ProvisionedThroughput, err)
	}

	lim, err := c.DescribeLimits(ctx, &dynamodb.DescribeLimitsInput{})
	if err != nil || aws.ToInt64(lim.TableMaxReadCapacityUnits) != 40000 || aws.ToInt64(lim.AccountMaxWriteCapacityUnits) != 80000 {
		t.Errorf("DescribeLimits: %+v %v", lim, err)
	}
	ep, err := c.DescribeEndpoints(ctx, &dynamodb.DescribeEndpointsInput{})
	if err != nil || len(ep.Endpoints) != 1 || aws.ToString(ep.Endpoints[0].Address) != "dynamodb.ap-south-1.amazonaws.com" || ep.Endpoints[0].CachePeriodInMinutes != 1440 {
		t.Errorf("DescribeEndpoints: %+v %v", ep, err)
	}

	_, err = c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("dupattr"), BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeN}},
		KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
	})
	wantCode(t, err, "ValidationException", "Attribute Name is duplicated: pk")
}

// TestTableDelays steps a table through CREATING, UPDATING (with a
// backfilling GSI) and DELETING on the server's clock.
func TestTableDelays(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	srv := NewTB(t, WithClock(clock), WithTableDelays(time.Second, 2*time.Second, 3*time.Second))
	c := regionClient(srv, DefaultRegion)
	status := func() string {
		t.Helper()
		out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("slow")})
		if apiCode(err) == "ResourceNotFoundException" {
			return "gone"
		}
		if err != nil {
			t.Fatal(err)
		}
		st := string(out.Table.TableStatus)
		for _, g := range out.Table.GlobalSecondaryIndexes {
			st += " " + *g.IndexName + ":" + string(g.IndexStatus)
			if aws.ToBool(g.Backfilling) {
				st += "+backfilling"
			}
		}
		return st
	}
	check := func(step, want string) {
		t.Helper()
		if got := status(); got != want {
			t.Fatalf("%s: status %q, want %q", step, got, want)
		}
	}
	mkTable(t, c, "slow", "")
	check("created", "CREATING")
	_, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("slow"), Key: item{"pk": s("a")}})
	wantCode(t, err, "ResourceNotFoundException", "Requested resource not found")
	_, err = c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("slow")})
	wantCode(t, err, "ResourceInUseException", "Attempt to change a resource which is still in use: Table is being created: slow")
	advance(time.Second)
	check("after the create delay", "ACTIVE")
	put(t, c, "slow", item{"pk": s("a"), "g": s("x")})

	_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("slow"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("g"), AttributeType: types.ScalarAttributeTypeS}},
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
			IndexName: aws.String("byg"), KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}}}})
	if err != nil {
		t.Fatal(err)
	}
	check("index added", "UPDATING byg:CREATING+backfilling")
	put(t, c, "slow", item{"pk": s("b")}) // an UPDATING table takes writes
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("slow"), IndexName: aws.String("byg"),
		KeyConditionExpression: aws.String("g = :g"), ExpressionAttributeValues: item{":g": s("x")}})
	wantCode(t, err, "ValidationException", "Cannot read from backfilling global secondary index: byg")
	_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("slow"), DeletionProtectionEnabled: aws.Bool(false)})
	wantCode(t, err, "ResourceInUseException", "Table is being updated: slow")
	advance(3 * time.Second)
	check("after the update delay", "ACTIVE byg:ACTIVE")

	if _, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("slow"), GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{
		{Delete: &types.DeleteGlobalSecondaryIndexAction{IndexName: aws.String("byg")}}}}); err != nil {
		t.Fatal(err)
	}
	check("index dropped", "UPDATING byg:DELETING")
	advance(3 * time.Second)
	check("after the drop", "ACTIVE")

	if _, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("slow")}); err != nil {
		t.Fatal(err)
	}
	check("deleted", "DELETING")
	lt, err := c.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil || len(lt.TableNames) != 1 {
		t.Errorf("ListTables while DELETING: %v %v", lt, err)
	}
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("slow"), Item: item{"pk": s("a")}})
	wantCode(t, err, "ResourceNotFoundException", "Requested resource not found")
	_, err = c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("slow"), BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}}})
	wantCode(t, err, "ResourceInUseException", "Table already exists: slow")
	advance(2 * time.Second)
	check("after the delete delay", "gone")
	lt, err = c.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil || len(lt.TableNames) != 0 {
		t.Errorf("ListTables after DELETING: %v %v", lt, err)
	}
	mkTable(t, c, "slow", "") // the name is free again
	advance(time.Second)
	if got := get(t, c, "slow", item{"pk": s("a")}); got != nil {
		t.Errorf("new table has an old item: %v", got)
	}
}

// TestTableWaiters runs the SDK's table waiters against a server whose
// clock moves on with every reading, so the waiters see the table pass
// through CREATING and DELETING without the test sleeping for it.
func TestTableWaiters(t *testing.T) {
	t.Parallel()
	var ticks atomic.Int64
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * 100 * time.Millisecond) }
	srv := NewTB(t, WithClock(clock), WithTableDelays(time.Second, time.Second, 0))
	c := regionClient(srv, DefaultRegion)
	mkTable(t, c, "waited", "")
	wait := func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = time.Millisecond, 2*time.Millisecond
	}
	if err := dynamodb.NewTableExistsWaiter(c, wait).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("waited")}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if d := describeArn(t, c, "waited"); d == "" {
		t.Fatal("table missing after the exists waiter")
	}
	put(t, c, "waited", item{"pk": s("a")})
	if _, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("waited")}); err != nil {
		t.Fatal(err)
	}
	waitGone := func(o *dynamodb.TableNotExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = time.Millisecond, 2*time.Millisecond
	}
	if err := dynamodb.NewTableNotExistsWaiter(c, waitGone).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("waited")}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
}
