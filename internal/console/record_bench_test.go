package console_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ddb-go/ddb/ddbtest"
	"github.com/ddb-go/ddb/internal/console"
)

// BenchmarkRecorder measures what recording adds to a GetItem answered by
// the server's handler (no socket).
func BenchmarkRecorder(b *testing.B) {
	srv := ddbtest.NewTB(b)
	do := func(h http.Handler, target, body string) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewBufferString(body))
		req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("%s: %d %s", target, w.Code, w.Body)
		}
	}
	do(srv.Handler(), "CreateTable", `{"TableName":"bench","BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}]}`)
	do(srv.Handler(), "PutItem", `{"TableName":"bench","Item":{"pk":{"S":"k"},"v":{"S":"some value"}}}`)
	get := `{"TableName":"bench","Key":{"pk":{"S":"k"}},"ReturnConsumedCapacity":"TOTAL"}`
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{
		{"plain", srv.Handler()},
		{"recorded", console.NewRecorder(0).Wrap(srv.Handler())},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				do(bc.h, "GetItem", get)
			}
		})
	}
}
