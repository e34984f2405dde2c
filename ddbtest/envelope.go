package ddbtest

import (
	"net/http"
	"strings"
)

// The HTTP envelope: what DynamoDB answers before it looks at an
// operation. Both the listening server (serveHTTP) and the in-process
// Transport go through envelope, so they answer alike.

// envelope answers req, whose body is body (nil when the body was larger
// than maxRequestBytes, tooLarge): it writes the response headers into h
// and returns the status and body to send, and the fault to inject into
// the exchange.
func (s *Server) envelope(req *http.Request, body []byte, tooLarge bool, h http.Header) (int, []byte, netFault) {
	if tooLarge {
		return http.StatusRequestEntityTooLarge, nil, netFault{}
	}
	if req.Header.Get("Origin") != "" {
		h.Set("Access-Control-Allow-Origin", "*")
		if req.Method == http.MethodOptions {
			if v := req.Header.Get("Access-Control-Request-Headers"); v != "" {
				h.Set("Access-Control-Allow-Headers", v)
			}
			if v := req.Header.Get("Access-Control-Request-Method"); v != "" {
				h.Set("Access-Control-Allow-Methods", v)
			}
			h.Set("Access-Control-Max-Age", "172800")
			h.Set("X-Amzn-Requestid", requestID())
			return http.StatusOK, nil, netFault{}
		}
	}
	if req.Method == http.MethodGet {
		out := []byte("healthy: dynamodb." + requestRegion(req) + ".amazonaws.com ")
		setResponseHeaders(h, out)
		h.Set("Content-Type", "text/plain")
		return http.StatusOK, out, netFault{}
	}
	ct, _, _ := strings.Cut(req.Header.Get("Content-Type"), ";")
	ct = strings.TrimSpace(ct)
	if req.Method != http.MethodPost || len(body) > 0 && ct != "application/x-amz-json-1.0" && ct != "application/json" {
		out := []byte("<UnknownOperationException/>\n")
		setResponseHeaders(h, out)
		h.Del("Content-Type")
		return http.StatusNotFound, out, netFault{}
	}
	var status int
	var out []byte
	var nf netFault
	if _, _, ok := operation(req); ok {
		if e := checkSignature(req); e != nil {
			status, out = e.status, encodeError(e)
		}
	}
	if out == nil {
		status, out, nf = s.serve(req.Context(), req, body)
	}
	setResponseHeaders(h, out)
	return status, out, nf
}

// checkSignature checks that req carries a SigV4 signature, in its
// Authorization header or its query string, with every part DynamoDB
// requires, and answers DynamoDB's errors when not. The signature itself
// is not verified: any credentials are accepted.
func checkSignature(req *http.Request) *apiError {
	auth := req.Header.Get("Authorization")
	var query map[string][]string
	if req.URL != nil && req.URL.RawQuery != "" {
		query = req.URL.Query()
	}
	_, byQuery := query["X-Amz-Algorithm"]
	if auth != "" && byQuery {
		return &apiError{status: 400, typ: nsCoral + "InvalidSignatureException",
			msg: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."}
	}
	if auth == "" && !byQuery || auth != "" && !strings.HasPrefix(strings.TrimSpace(auth), "AWS4-") {
		return &apiError{status: 400, typ: nsCoral + "MissingAuthenticationTokenException", msg: "Request is missing Authentication Token"}
	}
	var msg strings.Builder
	if auth != "" {
		required := [...]string{"Credential", "Signature", "SignedHeaders"}
		var present [len(required)]bool
		for i, f := range authFields(auth) {
			if i == 0 { // the algorithm
				continue
			}
			k, v, _ := strings.Cut(f, "=")
			for j, p := range required {
				if k == p {
					present[j] = v != ""
				}
			}
		}
		for j, p := range required {
			if !present[j] {
				msg.WriteString("Authorization header requires '" + p + "' parameter. ")
			}
		}
		if req.Header.Get("X-Amz-Date") == "" && req.Header.Get("Date") == "" {
			msg.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
		}
		if msg.Len() > 0 {
			msg.WriteString("Authorization=" + auth)
		}
	} else {
		for _, p := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"} {
			if v := query[p]; len(v) == 0 || v[0] == "" {
				msg.WriteString("AWS query-string parameters must include '" + p + "'. ")
			}
		}
		if msg.Len() > 0 {
			msg.WriteString("Re-examine the query-string parameters.")
		}
	}
	if msg.Len() > 0 {
		return &apiError{status: 400, typ: nsCoral + "IncompleteSignatureException", msg: msg.String()}
	}
	return nil
}

// authFields iterates over the fields of an Authorization header, which
// commas and spaces separate.
func authFields(auth string) func(yield func(int, string) bool) {
	return func(yield func(int, string) bool) {
		n := 0
		for f := range strings.FieldsFuncSeq(auth, func(r rune) bool { return r == ',' || r == ' ' }) {
			if !yield(n, f) {
				return
			}
			n++
		}
	}
}
