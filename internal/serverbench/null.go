package main

import (
	"encoding/json"
	"hash/crc32"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func signalNotify(c chan os.Signal) { signal.Notify(c, os.Interrupt, syscall.SIGTERM) }

// nullResponse is a prepared response body with its CRC32 header.
type nullResponse struct {
	body []byte
	crc  string
}

// newNullServer returns an HTTP server that answers each DynamoDB
// operation the benchmark uses with a fixed valid response of the same
// shape and size as a real server's, after reading the request body, and
// stores nothing.
func newNullServer() *http.Server {
	item := itemJSON(benchItem(1, 1))
	var page []any
	for s := range perPartition {
		page = append(page, itemJSON(benchItem(1, s)))
	}
	desc := map[string]any{
		"TableName":   table,
		"TableArn":    "arn:aws:dynamodb:us-east-1:000000000000:table/" + table,
		"TableStatus": "ACTIVE",
		"AttributeDefinitions": []any{
			map[string]string{"AttributeName": "pk", "AttributeType": "S"},
			map[string]string{"AttributeName": "sk", "AttributeType": "N"},
		},
		"KeySchema": []any{
			map[string]string{"AttributeName": "pk", "KeyType": "HASH"},
			map[string]string{"AttributeName": "sk", "KeyType": "RANGE"},
		},
		"CreationDateTime":   float64(time.Now().Unix()),
		"ItemCount":          0,
		"TableSizeBytes":     0,
		"BillingModeSummary": map[string]string{"BillingMode": "PAY_PER_REQUEST"},
	}
	responses := map[string]nullResponse{
		"PutItem":       prepare(map[string]any{}),
		"GetItem":       prepare(map[string]any{"Item": item}),
		"Query":         prepare(map[string]any{"Count": perPartition, "ScannedCount": perPartition, "Items": page}),
		"CreateTable":   prepare(map[string]any{"TableDescription": desc}),
		"DescribeTable": prepare(map[string]any{"Table": desc}),
	}
	unknown := prepare(map[string]any{
		"__type":  "com.amazon.coral.service#UnknownOperationException",
		"message": "the null server does not answer this operation",
	})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		target := r.Header.Get("X-Amz-Target")
		resp, ok := responses[target[strings.LastIndexByte(target, '.')+1:]]
		status := http.StatusOK
		if !ok {
			resp, status = unknown, http.StatusBadRequest
		}
		hd := w.Header()
		hd["Content-Type"] = []string{"application/x-amz-json-1.0"}
		hd["X-Amz-Crc32"] = []string{resp.crc}
		hd["X-Amzn-Requestid"] = []string{"null"}
		hd["Content-Length"] = []string{strconv.Itoa(len(resp.body))}
		w.WriteHeader(status)
		_, _ = w.Write(resp.body)
	})
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
}

func prepare(v any) nullResponse {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return nullResponse{body: b, crc: strconv.FormatUint(uint64(crc32.ChecksumIEEE(b)), 10)}
}

// itemJSON renders an item of scalars in DynamoDB JSON.
func itemJSON(item map[string]types.AttributeValue) map[string]any {
	out := map[string]any{}
	for k, v := range item {
		switch v := v.(type) {
		case *types.AttributeValueMemberS:
			out[k] = map[string]string{"S": v.Value}
		case *types.AttributeValueMemberN:
			out[k] = map[string]string{"N": v.Value}
		}
	}
	return out
}
