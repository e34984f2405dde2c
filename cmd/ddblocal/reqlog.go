package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"
)

// maxLoggedBody bounds the request body the request log reads to find the
// table names: DynamoDB's request size limit, plus one byte so that the
// server still sees (and refuses) a larger body.
const maxLoggedBody = 16<<20 + 1

// logRequests wraps next so that every request is logged to log once
// answered: operation, table(s), HTTP status, duration, and the error type
// of a failed request.
func logRequests(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var body []byte
		if r.Body != nil && r.Method == http.MethodPost {
			body, _ = io.ReadAll(io.LimitReader(r.Body, maxLoggedBody))
			r.Body.Close()
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		attrs := []slog.Attr{
			slog.String("op", operation(r)),
			slog.String("table", tableNames(body)),
			slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)),
		}
		if rec.status >= 400 {
			attrs = append(attrs, slog.String("error", errorType(rec.errBody.Bytes())))
		}
		log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}

// newRequestLogger returns the request log's logger, writing text or JSON
// lines to w.
func newRequestLogger(w io.Writer, json bool) *slog.Logger {
	if json {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// operation is the DynamoDB operation a request names in its X-Amz-Target
// header ("DynamoDB_20120810.PutItem" is PutItem); a GET is the health
// check, and anything else is named by its method.
func operation(r *http.Request) string {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		return t[strings.LastIndexByte(t, '.')+1:]
	}
	if r.Method == http.MethodGet {
		return "health"
	}
	return r.Method
}

// tableNames lists the tables a request body names, comma-separated: its
// TableName, or the tables of a batch's RequestItems or a transaction's
// TransactItems.
func tableNames(body []byte) string {
	var req struct {
		TableName     string
		RequestItems  map[string]json.RawMessage
		TransactItems []map[string]struct{ TableName string }
	}
	if len(body) == 0 || json.Unmarshal(body, &req) != nil {
		return ""
	}
	if req.TableName != "" {
		return req.TableName
	}
	seen := map[string]bool{}
	for name := range req.RequestItems {
		seen[name] = true
	}
	for _, item := range req.TransactItems {
		for _, action := range item {
			seen[action.TableName] = true
		}
	}
	delete(seen, "")
	names := make([]string, 0, len(seen))
	for name := range seen {
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// errorType is the exception name in a DynamoDB error body
// ({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"}
// is ResourceNotFoundException).
func errorType(body []byte) string {
	var e struct {
		Type string `json:"__type"`
	}
	_ = json.Unmarshal(body, &e)
	return e.Type[strings.LastIndexByte(e.Type, '#')+1:]
}

// maxErrBody bounds how much of an error response recorder keeps.
const maxErrBody = 4 << 10

// recorder remembers the status of the response written through it, and
// the start of the body of an error response.
type recorder struct {
	http.ResponseWriter
	status  int
	errBody bytes.Buffer
}

func (r *recorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status >= 400 && r.errBody.Len() < maxErrBody {
		r.errBody.Write(p[:min(len(p), maxErrBody-r.errBody.Len())])
	}
	return r.ResponseWriter.Write(p)
}
