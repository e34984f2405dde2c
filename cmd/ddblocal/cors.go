package main

import (
	"net/http"
	"slices"
)

// allowCORS restricts cross-origin resource sharing to origins, as DynamoDB
// Local's -cors flag does. The server itself answers CORS for every origin,
// as DynamoDB does ("*", the default, keeps that); a request from an origin
// not in the list is passed on without its Origin header, so it gets no
// CORS headers, and an allowed origin is named in Access-Control-Allow-Origin.
func allowCORS(next http.Handler, origins []string) http.Handler {
	if slices.Contains(origins, "*") {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		switch {
		case origin == "":
			next.ServeHTTP(w, r)
		case slices.Contains(origins, origin):
			next.ServeHTTP(&originWriter{ResponseWriter: w, origin: origin}, r)
		default:
			r.Header.Del("Origin")
			next.ServeHTTP(w, r)
		}
	})
}

// originWriter names origin instead of "*" in the CORS headers of the
// response written through it.
type originWriter struct {
	http.ResponseWriter
	origin string
	done   bool
}

func (o *originWriter) WriteHeader(status int) {
	if !o.done {
		o.done = true
		if h := o.Header(); h.Get("Access-Control-Allow-Origin") != "" {
			h.Set("Access-Control-Allow-Origin", o.origin)
			h.Add("Vary", "Origin")
		}
	}
	o.ResponseWriter.WriteHeader(status)
}

func (o *originWriter) Write(p []byte) (int, error) {
	if !o.done {
		o.WriteHeader(http.StatusOK)
	}
	return o.ResponseWriter.Write(p)
}
