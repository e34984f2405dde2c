package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestFaultsFlagAndAdmin: -faults injects faults from the start, and
// -faults-admin's endpoint reads and replaces them, as a client sees them.
func TestFaultsFlagAndAdmin(t *testing.T) {
	t.Parallel()
	url, stop := start(t, "in-memory", "-addr", "127.0.0.1:0", "-faults", "seed=3,reset=1,ops=PutItem", "-faults-admin")
	defer stop()
	c := client(url) // one attempt: no retries
	ctx := context.Background()
	createTable(t, c, "Faulty")
	key := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "k"}}
	put := func() error {
		_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Faulty"), Item: key})
		return err
	}
	stored := func() bool {
		out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Faulty"), Key: key, ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Item != nil
	}
	admin := func(method, body string) (int, string) {
		req, err := http.NewRequest(method, url+faultsPath, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(b))
	}

	if err := put(); err == nil || stored() {
		t.Fatalf("PutItem under reset=1: %v, stored %v; want an error and nothing stored", err, stored())
	}
	if code, body := admin("GET", ""); code != 200 || body != "seed=3,reset=1,ops=PutItem" {
		t.Fatalf("GET %s: %d %q", faultsPath, code, body)
	}
	if code, body := admin("POST", "lost=1,ops=PutItem"); code != 200 || body != "lost=1,ops=PutItem" {
		t.Fatalf("POST %s: %d %q", faultsPath, code, body)
	}
	if err := put(); err == nil || !stored() {
		t.Fatalf("PutItem under lost=1: %v, stored %v; want an error and the item stored", err, stored())
	}
	if code, body := admin("POST", "lost=7"); code != 400 || !strings.Contains(body, "rate") {
		t.Fatalf("POST of a bad spec: %d %q, want 400", code, body)
	}
	if code, _ := admin("PUT", ""); code != 200 {
		t.Fatalf("PUT of an empty spec: %d", code)
	}
	if err := put(); err != nil {
		t.Fatalf("PutItem with faults off: %v", err)
	}
}

// TestFaultsFlagErrors: a bad -faults is a usage error, and the endpoint
// is not served without -faults-admin.
func TestFaultsFlagErrors(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-faults", "lost=0.1,nope=1"}, &stdout, &stderr); code != 2 ||
		!strings.Contains(stderr.String(), `unknown fault "nope"`) {
		t.Fatalf("bad -faults: exit %d, stderr %q", code, stderr.String())
	}
	url, stop := start(t, "in-memory", "-addr", "127.0.0.1:0")
	defer stop()
	resp, err := http.Post(url+faultsPath, "text/plain", strings.NewReader("lost=1"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == 200 {
		t.Fatalf("POST %s without -faults-admin: %s", faultsPath, resp.Status)
	}
}
