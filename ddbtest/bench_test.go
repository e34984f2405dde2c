package ddbtest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// benchMix runs the put/get/query mix with 8 concurrent workers and
// reports ops/s.
func benchMix(b *testing.B, c *dynamodb.Client, table string) {
	const workers = 8
	var seq atomic.Int64
	b.SetParallelism((workers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	cpu := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := seq.Add(1)
			pk := s(fmt.Sprint("p", i%64))
			var err error
			switch i % 3 {
			case 0:
				_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item{
					"pk": pk, "sk": n(fmt.Sprint(i % 256)), "name": s("some name of an item"), "count": n("12345"), "flag": &types.AttributeValueMemberBOOL{Value: true}}})
			case 1:
				_, err = c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: item{"pk": pk, "sk": n(fmt.Sprint(i % 256))}})
			case 2:
				_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(table), KeyConditionExpression: aws.String("pk = :p AND sk > :s"),
					ExpressionAttributeValues: item{":p": pk, ":s": n("100")}, Limit: aws.Int32(10)})
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
}

// BenchmarkServer measures the put/get/query mix through the real client,
// in-process and over loopback HTTP, against ddbtest and against a null
// server that answers every request with a constant (the client's own
// cost, the ceiling ddbtest is measured against).
func BenchmarkServer(b *testing.B) {
	srv := NewServer()
	defer srv.Close()
	setup := srv.Client()
	mkTable(b, setup, "bench", "N")
	null := newNullServer()
	defer null.Close()
	loop := func(url string) *dynamodb.Client {
		return dynamodb.New(dynamodb.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: setup.Options().Credentials,
			HTTPClient: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}})
	}
	b.Run("ddbtest/inprocess", func(b *testing.B) { benchMix(b, srv.Client(), "bench") })
	b.Run("ddbtest/loopback", func(b *testing.B) { benchMix(b, loop(srv.URL), "bench") })
	b.Run("null/inprocess", func(b *testing.B) {
		benchMix(b, dynamodb.New(setup.Options(), func(o *dynamodb.Options) { o.HTTPClient = &http.Client{Transport: nullTransport{}} }), "bench")
	})
	b.Run("null/loopback", func(b *testing.B) { benchMix(b, loop(null.URL), "bench") })
}

// nullItem is an item of the shape benchMix writes.
const nullItem = `{"pk":{"S":"p12"},"sk":{"N":"140"},"name":{"S":"some name of an item"},"count":{"N":"12345"},"flag":{"BOOL":true}}`

// nullBody is the null server's constant answer: the shape of ddbtest's
// answers to benchMix (a found item, a page of 10 items), computed once.
var nullQuery, nullGet = func() ([]byte, []byte) {
	q := `{"Items":[` + strings.Repeat(nullItem+",", 9) + nullItem + `],"Count":10,"ScannedCount":10,"LastEvaluatedKey":{"pk":{"S":"p12"},"sk":{"N":"150"}}}`
	return []byte(q), []byte(`{"Item":` + nullItem + `}`)
}()

func nullBody(target string) []byte {
	switch {
	case strings.HasSuffix(target, ".Query"):
		return nullQuery
	case strings.HasSuffix(target, ".GetItem"):
		return nullGet
	}
	return []byte(`{}`)
}

func newNullServer() *Server {
	s := NewUnstartedServer()
	s.Start()
	s.httpSrv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _, _ = readBody(r)
		out := nullBody(r.Header.Get("X-Amz-Target"))
		setResponseHeaders(w.Header(), out)
		_, _ = w.Write(out)
	})
	return s
}

type nullTransport struct{}

func (nullTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	_, _, _ = readBody(r)
	out := nullBody(r.Header.Get("X-Amz-Target"))
	h := http.Header{}
	setResponseHeaders(h, out)
	return &http.Response{StatusCode: 200, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h,
		Body: io.NopCloser(bytes.NewReader(out)), ContentLength: int64(len(out)), Request: r}, nil
}

// BenchmarkMemory stores items and reports heap bytes per item and their
// ratio to the items' DynamoDB size.
func BenchmarkMemory(b *testing.B) {
	const items = 20000
	for i := 0; i < b.N; i++ {
		srv := NewUnstartedServer()
		mkTable(b, srv.Client(), "mem", "N")
		t := srv.tables["mem"]
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		size := 0
		for j := 0; j < items; j++ {
			it := av.Item{
				"pk":     {Type: av.S, Str: fmt.Sprintf("user#%08d", j/10)},
				"sk":     {Type: av.N, Str: fmt.Sprint(j % 10)},
				"name":   {Type: av.S, Str: "Ada Lovelace the " + fmt.Sprint(j)},
				"email":  {Type: av.S, Str: fmt.Sprintf("user%d@example.com", j)},
				"age":    {Type: av.N, Str: "36"},
				"active": {Type: av.BOOL, Bool: true},
				"tags":   {Type: av.SS, Strs: []string{"math", "poetry"}},
				"bio":    {Type: av.S, Str: strings.Repeat("analytical engine ", 5)},
			}
			op, err := srv.preparePut(t, it, nil, &exprParams{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := srv.run(op, false, &capacity{}); err != nil {
				b.Fatal(err)
			}
			size += op.size
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		per := float64(after.HeapAlloc-before.HeapAlloc) / items
		b.ReportMetric(per, "bytes/item")
		b.ReportMetric(float64(size)/items, "ddbsize/item")
		b.ReportMetric(per/(float64(size)/items), "ratio")
		runtime.KeepAlive(srv)
		srv.Close()
	}
}

// mixBodies are pre-encoded requests of the benchMix kinds, for measuring
// the server alone.
var mixBodies = []struct{ op, body string }{
	{"PutItem", `{"TableName":"bench","Item":{"pk":{"S":"p7"},"sk":{"N":"133"},"name":{"S":"some name of an item"},"count":{"N":"12345"},"flag":{"BOOL":true}}}`},
	{"GetItem", `{"TableName":"bench","Key":{"pk":{"S":"p7"},"sk":{"N":"133"}}}`},
	{"Query", `{"TableName":"bench","KeyConditionExpression":"pk = :p AND sk > :s","ExpressionAttributeValues":{":p":{"S":"p7"},":s":{"N":"100"}},"Limit":10}`},
}

// BenchmarkServe measures the server's own cost per operation of the mix,
// calling its request handler directly (no client, no HTTP).
func BenchmarkServe(b *testing.B) {
	srv := NewUnstartedServer()
	defer srv.Close()
	mkTable(b, srv.Client(), "bench", "N")
	for i := 0; i < 256; i++ {
		put(b, srv.Client(), "bench", item{"pk": s("p7"), "sk": n(fmt.Sprint(i)), "name": s("some name of an item"), "count": n("12345")})
	}
	reqs := make([]*http.Request, len(mixBodies))
	for i, m := range mixBodies {
		reqs[i], _ = http.NewRequest("POST", "/", nil)
		reqs[i].Header.Set("X-Amz-Target", "DynamoDB_20120810."+m.op)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		k := i % len(mixBodies)
		if status, out, _ := srv.serve(ctx, reqs[k], []byte(mixBodies[k].body)); status != 200 {
			b.Fatalf("%s: %s", mixBodies[k].op, out)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
}

// opBodies are pre-encoded requests of each hot operation, for measuring
// the server's cost per operation.
var opBodies = []struct{ op, body string }{
	{"PutItem", mixBodies[0].body},
	{"GetItem", mixBodies[1].body},
	{"Query", mixBodies[2].body},
	{"UpdateItem", `{"TableName":"bench","Key":{"pk":{"S":"p7"},"sk":{"N":"133"}},"UpdateExpression":"SET #c = #c + :one","ExpressionAttributeNames":{"#c":"count"},"ExpressionAttributeValues":{":one":{"N":"1"}}}`},
	{"BatchWriteItem", `{"RequestItems":{"bench":[` + strings.TrimSuffix(strings.Repeat(`{"PutRequest":{"Item":{"pk":{"S":"p8"},"sk":{"N":"1"},"name":{"S":"some name of an item"},"count":{"N":"12345"},"flag":{"BOOL":true}}}},`, 1)+
		`{"PutRequest":{"Item":{"pk":{"S":"p8"},"sk":{"N":"2"},"name":{"S":"some name of an item"},"count":{"N":"12345"}}}},{"PutRequest":{"Item":{"pk":{"S":"p8"},"sk":{"N":"3"},"name":{"S":"some name of an item"}}}},{"DeleteRequest":{"Key":{"pk":{"S":"p8"},"sk":{"N":"4"}}}},`, ",") + `]}}`},
	{"BatchGetItem", `{"RequestItems":{"bench":{"Keys":[{"pk":{"S":"p7"},"sk":{"N":"1"}},{"pk":{"S":"p7"},"sk":{"N":"2"}},{"pk":{"S":"p7"},"sk":{"N":"3"}},{"pk":{"S":"p7"},"sk":{"N":"4"}}]}}}`},
}

// BenchmarkServeOps measures the server's own cost of each hot operation,
// calling its request handler directly (no client, no HTTP).
func BenchmarkServeOps(b *testing.B) {
	srv := NewUnstartedServer()
	defer srv.Close()
	mkTable(b, srv.Client(), "bench", "N")
	for i := 0; i < 256; i++ {
		put(b, srv.Client(), "bench", item{"pk": s("p7"), "sk": n(fmt.Sprint(i)), "name": s("some name of an item"), "count": n("12345")})
	}
	for _, o := range opBodies {
		b.Run(o.op, func(b *testing.B) {
			req, _ := http.NewRequest("POST", "/", nil)
			req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+o.op)
			body := []byte(o.body)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if status, out, _ := srv.serve(ctx, req, body); status != 200 {
					b.Fatalf("%s: %s", o.op, out)
				}
			}
		})
	}
}
