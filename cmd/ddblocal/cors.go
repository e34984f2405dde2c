package main

import (
	"net/http"
	"slices"
	"strings"
)

// corsExposed are the response headers a browser's JavaScript SDK reads.
const corsExposed = "x-amzn-RequestId, x-amz-crc32, x-amz-id-2"

// allowCORS wraps next with cross-origin resource sharing, as DynamoDB
// Local's -cors flag does: a request from an origin in origins ("*" allows
// any) gets the CORS headers, and a preflight request is answered here.
// With no origins, next is returned as it is.
func allowCORS(next http.Handler, origins []string) http.Handler {
	if len(origins) == 0 {
		return next
	}
	anyOrigin := slices.Contains(origins, "*")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" || !anyOrigin && !slices.Contains(origins, origin) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
		h.Set("Access-Control-Expose-Headers", corsExposed)
		if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
			next.ServeHTTP(w, r)
			return
		}
		h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
		if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
			h.Set("Access-Control-Allow-Headers", strings.TrimSpace(req))
		}
		h.Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusOK)
	})
}
