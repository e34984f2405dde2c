package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// healthTimeout bounds a -healthcheck.
const healthTimeout = 3 * time.Second

// checkHealth asks the server listening on addr (all interfaces are asked
// on loopback) for its health answer, as DynamoDB does for a GET on its
// endpoint, and returns exit code 0 if it says it is healthy and 1
// otherwise.
func checkHealth(ctx context.Context, addr string, stdout, stderr io.Writer) int {
	url := clientURL(addr)
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/", nil)
	if err != nil {
		fmt.Fprintf(stderr, "ddblocal: unhealthy: %v\n", err)
		return 1
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "ddblocal: unhealthy: %v\n", reason(err))
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), "healthy") {
		fmt.Fprintf(stderr, "ddblocal: unhealthy: %s answered %s %q\n", url, resp.Status, body)
		return 1
	}
	fmt.Fprintf(stdout, "ddblocal: healthy: %s\n", url)
	return 0
}
