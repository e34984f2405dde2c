package conformance

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestEnvelope sends raw HTTP requests that DynamoDB answers before
// looking at the operation (health check, content type, CORS, missing or
// incomplete signatures) to both servers, and compares status, body and
// CORS headers byte for byte.
func TestEnvelope(t *testing.T) {
	if skipReason != "" {
		t.Skip(skipReason)
	}
	const target = "DynamoDB_20120810.ListTables"
	const auth = "AWS4-HMAC-SHA256 Credential=x/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"
	ctJSON := "application/x-amz-json-1.0"
	cases := []struct {
		name, method, query, body string
		h                         map[string]string
	}{
		{"health", "GET", "", "", nil},
		{"no content type", "POST", "", "{}", map[string]string{"X-Amz-Target": target, "Authorization": auth, "X-Amz-Date": "20240101T000000Z"}},
		{"text content type", "POST", "", "{}", map[string]string{"Content-Type": "text/plain", "X-Amz-Target": target, "Authorization": auth, "X-Amz-Date": "20240101T000000Z"}},
		{"PUT", "PUT", "", "{}", map[string]string{"Content-Type": ctJSON, "X-Amz-Target": target}},
		{"unsigned", "POST", "", "{}", map[string]string{"Content-Type": ctJSON, "X-Amz-Target": target}},
		{"unsigned unknown operation", "POST", "", "{}", map[string]string{"Content-Type": ctJSON, "X-Amz-Target": "DynamoDB_20120810.Nope"}},
		{"not AWS4", "POST", "", "{}", map[string]string{"Content-Type": ctJSON, "X-Amz-Target": target, "Authorization": "AWS x"}},
		{"incomplete header", "POST", "", "{}", map[string]string{"Content-Type": ctJSON, "X-Amz-Target": target, "Authorization": "AWS4-HMAC-SHA256 Credential=a/b"}},
		{"no date", "POST", "", "{}", map[string]string{"Content-Type": ctJSON, "X-Amz-Target": target, "Authorization": auth}},
		{"incomplete query", "POST", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20240101T000000Z", "{}", map[string]string{"Content-Type": ctJSON, "X-Amz-Target": target}},
		{"both signatures", "POST", "X-Amz-Algorithm=AWS4-HMAC-SHA256", "{}", map[string]string{"Content-Type": ctJSON, "X-Amz-Target": target, "Authorization": auth, "X-Amz-Date": "20240101T000000Z"}},
		{"CORS preflight", "OPTIONS", "", "", map[string]string{"Origin": "http://localhost", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}},
		{"CORS request", "POST", "", `{"Limit":1,"ExclusiveStartTableName":"zzzzzz"}`, map[string]string{"Origin": "http://localhost", "Content-Type": ctJSON, "X-Amz-Target": target, "Authorization": auth, "X-Amz-Date": "20240101T000000Z"}},
	}
	type answer struct {
		status int
		body   string
		cors   string
	}
	ask := func(b backend, i int) answer {
		tc := cases[i]
		url := b.url + "/"
		if tc.query != "" {
			url += "?" + tc.query
		}
		var body io.Reader
		if tc.body != "" {
			body = strings.NewReader(tc.body)
		}
		req, err := http.NewRequest(tc.method, url, body)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range tc.h {
			req.Header.Set(k, v)
		}
		resp, err := httpClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %s: %v", tc.name, b.name, err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var cors []string
		for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age"} {
			cors = append(cors, h+"="+resp.Header.Get(h))
		}
		return answer{resp.StatusCode, string(raw), strings.Join(cors, " ")}
	}
	for i, tc := range cases {
		a, b := ask(ddb, i), ask(dyn, i)
		if a != b {
			t.Errorf("%s:\nddbtest:  %+v\ndynalite: %+v", tc.name, a, b)
		}
	}
}
