package partiql

import (
	"errors"
	"strings"
	"testing"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

func TestTranslate(t *testing.T) {
	t.Parallel()
	keys := Keys{Hash: []string{"pk"}, Range: []string{"sk"}}
	str := av.Value{Type: av.S, Str: "x"}
	cases := []struct {
		src    string
		params []av.Value
		op     string
		// want holds the request fields checked, by name.
		want map[string]string
		get  bool
	}{
		{"SELECT * FROM t", nil, "Scan", map[string]string{"filter": ""}, false},
		{"SELECT * FROM t WHERE pk = 'a'", nil, "Query", map[string]string{"key": "#n0 = :v0", "filter": ""}, false},
		{"SELECT a, b.c[2] FROM t WHERE pk = 'a' AND sk = 1", nil, "Query", map[string]string{"key": "#n0 = :v0 AND #n1 = :v1", "proj": ""}, true},
		{"SELECT * FROM t WHERE 'a' = pk AND 3 < sk AND x <> ?", []av.Value{str}, "Query", map[string]string{"key": "#n0 = :v0 AND #n1 > :v1", "filter": "(#n2 <> :v2)"}, false},
		{"SELECT * FROM t WHERE pk = 'a' AND begins_with(sk, 'p')", nil, "Query", map[string]string{"key": "#n0 = :v0 AND begins_with(#n1, :v1)"}, false},
		{"SELECT * FROM t WHERE pk = 'a' AND sk > 1 AND sk < 5", nil, "Scan", map[string]string{"key": "", "filter": "(#n0 = :v0) AND (#n1 > :v1) AND (#n1 < :v2)"}, false},
		{"SELECT * FROM t WHERE pk = 'a' OR pk = 'b'", nil, "Scan", map[string]string{"filter": "((#n0 = :v0) OR (#n0 = :v1))"}, false},
		{"SELECT * FROM t WHERE x IS MISSING AND y IS NOT MISSING", nil, "Scan", map[string]string{"filter": "(attribute_not_exists(#n0)) AND (attribute_exists(#n1))"}, false},
		{"SELECT * FROM t WHERE NOT x BETWEEN 1 AND 2", nil, "Scan", map[string]string{"filter": "(NOT (#n0 BETWEEN :v0 AND :v1))"}, false},
		{"INSERT INTO t VALUE {'pk': ?, 'l': [1, 'a'], 's': <<1, 2>>}", []av.Value{str}, "PutItem", map[string]string{"cond": "attribute_not_exists(#n0)"}, false},
		{"UPDATE t SET a = a + 1 SET b = set_add(b, <<'x'>>) REMOVE c WHERE pk = 'a' AND sk = 1 AND a < 5 RETURNING MODIFIED NEW *", nil, "UpdateItem",
			map[string]string{"update": "SET #n0 = #n0 + :v0 REMOVE #n2 ADD #n1 :v1", "cond": "attribute_exists(#n3) AND (#n0 < :v2)", "rv": "UPDATED_NEW"}, false},
		{"-- a comment\nSELECT /* all */ * FROM t WHERE pk = 'a';", nil, "Query", map[string]string{"key": "#n0 = :v0"}, false},
		{"delete from \"t\" where sk = 1 and pk = 'a' returning all old *", nil, "DeleteItem", map[string]string{"cond": "", "rv": "ALL_OLD"}, false},
	}
	for _, tc := range cases {
		st, n, err := Parse(tc.src)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if n != len(tc.params) {
			t.Fatalf("%s: %d parameters", tc.src, n)
		}
		p, err := Translate(st, tc.params, keys)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		got := map[string]string{"key": p.Req.KeyConditionExpression, "filter": p.Req.FilterExpression, "proj": p.Req.ProjectionExpression,
			"cond": p.Req.ConditionExpression, "update": p.Req.UpdateExpression, "rv": p.Req.ReturnValues}
		if p.Op != tc.op || (p.Get != nil) != tc.get {
			t.Errorf("%s: op %s get %v", tc.src, p.Op, p.Get)
		}
		for k, w := range tc.want {
			if got[k] != w {
				t.Errorf("%s: %s = %q, want %q", tc.src, k, got[k], w)
			}
		}
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ src, msg string }{
		{"", malformed},
		{"SELECT FROM t", malformed},
		{"SELECT * FROM t WHERE a = 'unterminated", malformed},
		{"SELECT * FROM t WHERE a = #", malformed},
		{"SELECT * FROM t WHERE a NOT = 1", malformed},
		{"SELECT * FROM t trailing", malformed},
		{"SELECT * FROM select", malformed},
		{"UPDATE t WHERE pk = 1", malformed},
		{"UPDATE t SET a = 1 WHERE pk = 1 RETURNING ALL", malformed},
		{"DELETE FROM t WHERE pk = 1 RETURNING ALL NEW *", malformed},
		{"UPDATE t SET a = 1 WHERE sk = 1 AND pk = 1 OR a = 1", msgKeyEquality},
		{"DELETE FROM t WHERE pk = 1", msgKeyEquality},
		{"INSERT INTO t VALUE 'x'", msgInsertValue},
		{"SELECT * FROM t WHERE a", "Unsupported"},
		{"SELECT * FROM t WHERE a IN ()", "Unsupported"},
		{"SELECT * FROM t WHERE a = <<1, 'x'>>", "either numbers or strings in bags"},
		{"SELECT * FROM t WHERE a = <<?>>", "Unsupported data type in Bag"},
		{"SELECT * FROM t WHERE a = 1 LIMIT 1", "Unsupported clause: LIMIT"},
		{"SELECT a.b, c.b FROM t", "Duplicate identifiers in select clause: b"},
		{"SELECT * FROM t; SELECT * FROM t", malformed},
		{"UPDATE t SET a = set_add(b, <<1>>) WHERE pk = 1 AND sk = 1", "Unsupported"},
		{"SELECT * FROM t ORDER BY sk", msgOrderBy},
		{"SELECT * FROM t WHERE pk = 1 ORDER BY x", msgOrderBy},
	} {
		var err error
		st, _, err := Parse(tc.src)
		if err == nil {
			_, err = Translate(st, nil, Keys{Hash: []string{"pk"}, Range: []string{"sk"}})
		}
		var ve *av.Error
		if !errors.As(err, &ve) || ve.Type != av.ValidationException || !strings.Contains(ve.Message, tc.msg) {
			t.Errorf("%q: error %v, want a ValidationException with %q", tc.src, err, tc.msg)
		}
	}
}

// FuzzTranslate checks that no statement makes the parser or the
// translator panic, and that every error is a ValidationException.
func FuzzTranslate(f *testing.F) {
	for _, s := range []string{
		"SELECT a.b[1], \"c\" FROM t.i WHERE pk = ? AND sk BETWEEN 1 AND 2 AND NOT x IN (1, 'a') ORDER BY sk DESC",
		"INSERT INTO t VALUE {'pk': ?, 'l': [1, {'m': <<1>>}], 'n': null, 'b': true}",
		"UPDATE t SET a = a + ?, b = list_append(b, [1]) SET c = set_delete(c, <<'x'>>) REMOVE d[0] WHERE pk = 1 AND sk = 2 AND size(e) > 1 RETURNING ALL NEW *",
		"DELETE FROM t WHERE pk = 1 AND sk = 2 AND (x IS MISSING OR y IS NOT NULL) RETURNING ALL OLD *",
		"EXISTS(SELECT * FROM t WHERE pk = 1 AND sk = 2 AND begins_with(a, 'x'))",
		"SELECT * FROM t WHERE a <> -1.5e3 AND b != 'it''s'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		st, n, err := Parse(src)
		if err == nil {
			params := make([]av.Value, n)
			for i := range params {
				params[i] = av.Value{Type: av.S, Str: "p"}
			}
			_, err = Translate(st, params, Keys{Hash: []string{"pk"}, Range: []string{"sk"}})
		}
		var ve *av.Error
		if err != nil && (!errors.As(err, &ve) || ve.Type != av.ValidationException) {
			t.Fatalf("%q: %v", src, err)
		}
	})
}
