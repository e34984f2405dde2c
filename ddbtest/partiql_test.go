package ddbtest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// canon renders items as sorted, comparable strings.
func canon(t testing.TB, items []item) []string {
	t.Helper()
	out := make([]string, len(items))
	for i, it := range items {
		var m map[string]any
		if err := attributevalue.UnmarshalMap(it, &m); err != nil {
			t.Fatal(err)
		}
		out[i] = fmt.Sprint(m)
	}
	slices.Sort(out)
	return out
}

// stmt runs one ExecuteStatement.
func stmt(c *dynamodb.Client, st string, params ...types.AttributeValue) (*dynamodb.ExecuteStatementOutput, error) {
	return c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(st), Parameters: params})
}

func mustStmt(t testing.TB, c *dynamodb.Client, st string, params ...types.AttributeValue) []item {
	t.Helper()
	out, err := stmt(c, st, params...)
	if err != nil {
		t.Fatalf("%s: %v", st, err)
	}
	return out.Items
}

// pqSeed is one seeded item of TestPartiQLSelect.
type pqSeed struct {
	pk   string
	sk   int
	n    int
	g    string
	tags []string
	opt  bool
}

func (p pqSeed) item() item {
	it := item{"pk": s(p.pk), "sk": n(strconv.Itoa(p.sk)), "n": n(strconv.Itoa(p.n)), "g": s(p.g),
		"tags": &types.AttributeValueMemberSS{Value: p.tags},
		"m":    m(item{"x": l(n(strconv.Itoa(p.sk)), n("0"))})}
	if p.opt {
		it["opt"] = &types.AttributeValueMemberNULL{Value: true}
	}
	return it
}

func TestPartiQLSelect(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "pqsel", "N", withIndex("gix", "g", types.ScalarAttributeTypeS, types.ProjectionTypeAll))
	var seeds []pqSeed
	for i := 0; i < 10; i++ {
		p := pqSeed{pk: string(rune('a' + i%2)), sk: i / 2, n: i, g: "g" + strconv.Itoa(i%3), tags: []string{"t" + strconv.Itoa(i%4)}, opt: i%3 == 0}
		if i%2 == 0 {
			p.tags = append(p.tags, "both")
		}
		seeds = append(seeds, p)
		put(t, c, "pqsel", p.item())
	}
	cases := []struct {
		st     string
		params []types.AttributeValue
		want   func(p pqSeed) bool
	}{
		{"SELECT * FROM pqsel", nil, func(p pqSeed) bool { return true }},
		{"select * from \"pqsel\" where pk = 'a'", nil, func(p pqSeed) bool { return p.pk == "a" }},
		{"SELECT * FROM pqsel WHERE pk = ? AND sk > ?", []types.AttributeValue{s("a"), n("2")}, func(p pqSeed) bool { return p.pk == "a" && p.sk > 2 }},
		{"SELECT * FROM pqsel WHERE ? < sk AND pk = ?", []types.AttributeValue{n("2"), s("b")}, func(p pqSeed) bool { return p.pk == "b" && p.sk > 2 }},
		{"SELECT * FROM pqsel WHERE pk = 'b' AND sk BETWEEN 1 AND 3", nil, func(p pqSeed) bool { return p.pk == "b" && p.sk >= 1 && p.sk <= 3 }},
		{"SELECT * FROM pqsel WHERE pk = 'b' AND sk >= 1 AND sk < 3", nil, func(p pqSeed) bool { return p.pk == "b" && p.sk >= 1 && p.sk < 3 }},
		{"SELECT * FROM pqsel WHERE pk = 'b' AND sk = 1", nil, func(p pqSeed) bool { return p.pk == "b" && p.sk == 1 }},
		{"SELECT * FROM pqsel WHERE pk = 'a' AND n >= 4", nil, func(p pqSeed) bool { return p.pk == "a" && p.n >= 4 }},
		{"SELECT * FROM pqsel WHERE n < 3 OR n > 7", nil, func(p pqSeed) bool { return p.n < 3 || p.n > 7 }},
		{"SELECT * FROM pqsel WHERE NOT (n <> 5)", nil, func(p pqSeed) bool { return p.n == 5 }},
		{"SELECT * FROM pqsel WHERE n != 5 AND sk = 0", nil, func(p pqSeed) bool { return p.n != 5 && p.sk == 0 }},
		{"SELECT * FROM pqsel WHERE n IN (1, 2, 9)", nil, func(p pqSeed) bool { return p.n == 1 || p.n == 2 || p.n == 9 }},
		{"SELECT * FROM pqsel WHERE n NOT IN [1, 2, 9]", nil, func(p pqSeed) bool { return !(p.n == 1 || p.n == 2 || p.n == 9) }},
		{"SELECT * FROM pqsel WHERE opt IS MISSING", nil, func(p pqSeed) bool { return !p.opt }},
		{"SELECT * FROM pqsel WHERE opt IS NOT MISSING", nil, func(p pqSeed) bool { return p.opt }},
		{"SELECT * FROM pqsel WHERE opt IS NULL", nil, func(p pqSeed) bool { return true }},
		{"SELECT * FROM pqsel WHERE n IS NOT NULL", nil, func(p pqSeed) bool { return true }},
		{"SELECT * FROM pqsel WHERE begins_with(g, 'g1')", nil, func(p pqSeed) bool { return p.g == "g1" }},
		{"SELECT * FROM pqsel WHERE contains(tags, ?)", []types.AttributeValue{s("both")}, func(p pqSeed) bool { return len(p.tags) == 2 }},
		{"SELECT * FROM pqsel WHERE attribute_type(opt, 'NULL')", nil, func(p pqSeed) bool { return p.opt }},
		{"SELECT * FROM pqsel WHERE size(tags) > 1", nil, func(p pqSeed) bool { return len(p.tags) > 1 }},
		{"SELECT * FROM pqsel WHERE m.x[0] = 2", nil, func(p pqSeed) bool { return p.sk == 2 }},
		{"SELECT * FROM pqsel WHERE \"m\".\"x\"[0] >= 3 AND pk = 'b'", nil, func(p pqSeed) bool { return p.sk >= 3 && p.pk == "b" }},
		{"SELECT * FROM \"pqsel\".\"gix\" WHERE g = 'g2'", nil, func(p pqSeed) bool { return p.g == "g2" }},
		{"SELECT * FROM pqsel.gix WHERE g = 'g0' AND n > 0", nil, func(p pqSeed) bool { return p.g == "g0" && p.n > 0 }},
	}
	for _, tc := range cases {
		t.Run(tc.st, func(t *testing.T) {
			got := mustStmt(t, c, tc.st, tc.params...)
			var want []item
			for _, p := range seeds {
				if tc.want(p) {
					want = append(want, p.item())
				}
			}
			if g, w := canon(t, got), canon(t, want); !slices.Equal(g, w) {
				t.Fatalf("got %d items %v\nwant %d %v", len(g), g, len(w), w)
			}
		})
	}
	t.Run("projection", func(t *testing.T) {
		// DynamoDB names a nested path's value by its last step.
		got := mustStmt(t, c, "SELECT sk, m.x[0], \"m\".x[1], tags, nothere FROM pqsel WHERE pk = 'a' AND sk = 2")
		want := []item{{"sk": n("2"), "x[0]": n("2"), "x[1]": n("0"), "tags": &types.AttributeValueMemberSS{Value: []string{"t0", "both"}}}}
		if g, w := canon(t, got), canon(t, want); !slices.Equal(g, w) {
			t.Fatalf("got %v want %v", g, w)
		}
	})
	t.Run("order by", func(t *testing.T) {
		got := mustStmt(t, c, "SELECT sk FROM pqsel WHERE pk = 'a' ORDER BY sk DESC")
		var sks []string
		for _, it := range got {
			sks = append(sks, numOf(it["sk"]))
		}
		if !slices.Equal(sks, []string{"4", "3", "2", "1", "0"}) {
			t.Fatalf("order: %v", sks)
		}
	})
	t.Run("consistent read on index", func(t *testing.T) {
		_, err := c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String("SELECT * FROM pqsel.gix WHERE g = 'g0'"), ConsistentRead: aws.Bool(true)})
		wantCode(t, err, "ValidationException", "Consistent reads are not supported on global secondary indexes")
	})
}

func TestPartiQLPaging(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "pqpage", "N")
	for i := 0; i < 25; i++ {
		put(t, c, "pqpage", item{"pk": s("p"), "sk": n(strconv.Itoa(i)), "odd": &types.AttributeValueMemberBOOL{Value: i%2 == 1}})
	}
	for _, st := range []string{"SELECT * FROM pqpage WHERE pk = 'p'", "SELECT * FROM pqpage", "SELECT * FROM pqpage WHERE odd = true"} {
		t.Run(st, func(t *testing.T) {
			seen := map[string]bool{}
			var token *string
			pages := 0
			for {
				out, err := c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(st), Limit: aws.Int32(7), NextToken: token, ConsistentRead: aws.Bool(true)})
				if err != nil {
					t.Fatal(err)
				}
				pages++
				for _, it := range out.Items {
					k := numOf(it["sk"])
					if seen[k] {
						t.Fatalf("item %s twice", k)
					}
					seen[k] = true
				}
				if out.NextToken == nil {
					break
				}
				if out.LastEvaluatedKey == nil {
					t.Fatal("NextToken without LastEvaluatedKey")
				}
				token = out.NextToken
			}
			want := 25
			if st == "SELECT * FROM pqpage WHERE odd = true" {
				want = 12
			}
			if len(seen) != want || pages != 4 {
				t.Fatalf("%d items in %d pages, want %d in 4", len(seen), pages, want)
			}
		})
	}
	_, err := c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String("SELECT * FROM pqpage"), NextToken: aws.String("!!")})
	wantCode(t, err, "ValidationException", msgNextToken)
	first, err := c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String("SELECT * FROM pqpage"), Limit: aws.Int32(2)})
	if err != nil || first.NextToken == nil {
		t.Fatalf("first page: %v", err)
	}
	_, err = c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String("SELECT pk FROM pqpage"), NextToken: first.NextToken})
	wantCode(t, err, "ValidationException", msgOtherToken)
}

func TestPartiQLWrites(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "pqw", "S")
	key := item{"pk": s("k"), "sk": s("1")}
	mustStmt(t, c, "INSERT INTO pqw VALUE {'pk': 'k', 'sk': ?, 'a': 1, 'b': [1, 'x'], 'c': <<'s1', 's2'>>, 'd': {'e': true, 'f': null}, 'z': 'gone'}", s("1"))
	want := item{"pk": s("k"), "sk": s("1"), "a": n("1"), "b": l(n("1"), s("x")), "c": &types.AttributeValueMemberSS{Value: []string{"s1", "s2"}},
		"d": m(item{"e": &types.AttributeValueMemberBOOL{Value: true}, "f": &types.AttributeValueMemberNULL{Value: true}}), "z": s("gone")}
	if g, w := canon(t, []item{get(t, c, "pqw", key)}), canon(t, []item{want}); !slices.Equal(g, w) {
		t.Fatalf("inserted %v, want %v", g, w)
	}
	_, err := stmt(c, "INSERT INTO pqw VALUE {'pk': 'k', 'sk': '1'}")
	wantCode(t, err, "DuplicateItemException", msgDuplicate)
	var dup *types.DuplicateItemException
	if !errors.As(err, &dup) {
		t.Fatalf("not a DuplicateItemException: %T", err)
	}

	out := mustStmt(t, c, "UPDATE pqw SET a = a + 1, b[1] = ? SET d.g = list_append(b, [2]) REMOVE z SET c = set_add(c, <<'s3'>>) WHERE pk = 'k' AND sk = '1' RETURNING ALL NEW *", s("y"))
	if len(out) != 1 || numOf(out[0]["a"]) != "2" || out[0]["z"] != nil || len(out[0]["c"].(*types.AttributeValueMemberSS).Value) != 3 {
		t.Fatalf("UPDATE RETURNING ALL NEW: %v", out)
	}
	if d := out[0]["d"].(*types.AttributeValueMemberM).Value["g"].(*types.AttributeValueMemberL).Value; len(d) != 3 {
		t.Fatalf("list_append: %v", d)
	}
	out = mustStmt(t, c, "UPDATE pqw SET a = 10 WHERE pk = 'k' AND sk = '1' AND a = 2 RETURNING MODIFIED OLD *")
	if len(out) != 1 || len(out[0]) != 1 || numOf(out[0]["a"]) != "2" {
		t.Fatalf("RETURNING MODIFIED OLD: %v", out)
	}
	out = mustStmt(t, c, "UPDATE pqw SET c = set_delete(c, <<'s1'>>) WHERE pk = 'k' AND sk = '1'")
	if len(out) != 0 {
		t.Fatalf("UPDATE without RETURNING returned %v", out)
	}

	errCases := []struct{ st, code, msg string }{
		{"UPDATE pqw SET a = 1 WHERE pk = 'k' AND sk = '1' AND a = 99", "ConditionalCheckFailedException", "The conditional request failed"},
		{"UPDATE pqw SET a = 1 WHERE pk = 'nope' AND sk = '1'", "ConditionalCheckFailedException", "The conditional request failed"},
		{"UPDATE pqw SET a = 1 WHERE pk = 'k'", "ValidationException", "mandatory equality on all key attributes"},
		{"UPDATE pqw SET sk = '2' WHERE pk = 'k' AND sk = '1'", "ValidationException", "part of the key"},
		{"DELETE FROM pqw WHERE pk = 'k' AND sk = '1' AND a = 99", "ConditionalCheckFailedException", "The conditional request failed"},
		{"DELETE FROM pqw WHERE sk = '1'", "ValidationException", "mandatory equality on all key attributes"},
		{"DELETE FROM pqw WHERE pk = 'k' OR sk = '1'", "ValidationException", "mandatory equality on all key attributes"},
		{"INSERT INTO pqw VALUE [1]", "ValidationException", "not a map"},
		{"INSERT INTO pqw VALUE {'pk': 'only'}", "ValidationException", "Missing the key sk"},
		{"SELEC * FROM pqw", "ValidationException", "Statement wasn't well formed"},
		{"SELECT * FROM pqw WHERE", "ValidationException", "Statement wasn't well formed"},
		{"SELECT * FROM pqw WHERE a = 'x", "ValidationException", "Statement wasn't well formed"},
		{"SELECT * FROM pqw WHERE a = ?", "ValidationException", msgParamCount},
		{"SELECT * FROM nosuchtable", "ResourceNotFoundException", "Requested resource not found"},
		{"SELECT * FROM pqw.nosuchindex", "ValidationException", "does not have the specified index"},
		{"SELECT * FROM pqw ORDER BY sk", "ValidationException", "ORDER BY"},
		{"SELECT * FROM pqw WHERE begins_with(a, 1)", "ValidationException", "begins_with"},
		{"SELECT * FROM pqw WHERE a = <<>>", "ValidationException", "Empty bags are not supported"},
		{"SELECT a.z, b.z FROM pqw", "ValidationException", "Duplicate identifiers in select clause: z"},
		{"SELECT * FROM pqw LIMIT 1", "ValidationException", "Unsupported clause: LIMIT"},
	}
	for _, tc := range errCases {
		_, err := stmt(c, tc.st)
		wantCode(t, err, tc.code, tc.msg)
	}
	if _, err := c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String("SELECT * FROM pqw"), Limit: aws.Int32(0)}); err == nil {
		t.Fatal("Limit 0 accepted")
	}
	if _, err := c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String("SELECT * FROM pqw"), Parameters: []types.AttributeValue{}}); apiCode(err) != "ValidationException" {
		t.Fatalf("empty Parameters: %v", err)
	}

	// A failed condition returns the item when asked to.
	_, err = c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String("DELETE FROM pqw WHERE pk = 'k' AND sk = '1' AND a = 99"),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld})
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) || numOf(ccf.Item["a"]) != "10" {
		t.Fatalf("ReturnValuesOnConditionCheckFailure: %v", err)
	}
	// DELETE of a missing item succeeds, whatever its condition.
	mustStmt(t, c, "DELETE FROM pqw WHERE pk = 'none' AND sk = '1' AND a = 99")
	out = mustStmt(t, c, "DELETE FROM pqw WHERE pk = 'k' AND sk = '1' RETURNING ALL OLD *")
	if len(out) != 1 || numOf(out[0]["a"]) != "10" {
		t.Fatalf("DELETE RETURNING ALL OLD: %v", out)
	}
	if got := get(t, c, "pqw", key); got != nil {
		t.Fatalf("not deleted: %v", got)
	}
}

func batchStatements(sts ...string) []types.BatchStatementRequest {
	out := make([]types.BatchStatementRequest, len(sts))
	for i, st := range sts {
		out[i] = types.BatchStatementRequest{Statement: aws.String(st)}
	}
	return out
}

func TestPartiQLBatch(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "pqb", "")
	put(t, c, "pqb", item{"pk": s("old"), "v": n("1")})
	out, err := c.BatchExecuteStatement(ctx, &dynamodb.BatchExecuteStatementInput{Statements: batchStatements(
		"INSERT INTO pqb VALUE {'pk': 'a'}",
		"INSERT INTO pqb VALUE {'pk': 'old'}",
		"UPDATE pqb SET v = v + 1 WHERE pk = 'old'",
		"UPDATE pqb SET v = 1 WHERE pk = 'missing'",
		"DELETE FROM pqb WHERE pk = 'zzz'",
		"INSERT INTO nosuch VALUE {'pk': 'a'}",
		"UPDATE pqb SET v = 1 WHERE v = 1",
	)})
	if err != nil {
		t.Fatal(err)
	}
	wantCodes := []string{"", "DuplicateItem", "", "ConditionalCheckFailed", "", "ResourceNotFound", "ValidationError"}
	if len(out.Responses) != len(wantCodes) {
		t.Fatalf("%d responses", len(out.Responses))
	}
	for i, r := range out.Responses {
		got := ""
		if r.Error != nil {
			got = string(r.Error.Code)
		}
		if got != wantCodes[i] {
			t.Errorf("response %d: code %q (%v), want %q", i, got, r.Error, wantCodes[i])
		}
	}
	reads, err := c.BatchExecuteStatement(ctx, &dynamodb.BatchExecuteStatementInput{Statements: batchStatements(
		"SELECT * FROM pqb WHERE pk = 'old'",
		"SELECT pk FROM pqb WHERE pk = 'a'",
		"SELECT * FROM pqb WHERE pk = 'none'",
		"SELECT * FROM pqb WHERE v = 2",
	)})
	if err != nil {
		t.Fatal(err)
	}
	r := reads.Responses
	if len(r) != 4 || numOf(r[0].Item["v"]) != "2" || len(r[1].Item) != 1 || r[1].Item["pk"] == nil || r[2].Item != nil || r[2].Error != nil ||
		r[3].Error == nil || r[3].Error.Code != types.BatchStatementErrorCodeEnumValidationError || aws.ToString(r[0].TableName) != "pqb" {
		t.Fatalf("batch reads: %+v", r)
	}
	_, err = c.BatchExecuteStatement(ctx, &dynamodb.BatchExecuteStatementInput{Statements: batchStatements(
		"SELECT * FROM pqb WHERE pk = 'old'", "DELETE FROM pqb WHERE pk = 'a'")})
	wantCode(t, err, "ValidationException", "only read statements or only write statements")
	many := make([]string, 26)
	for i := range many {
		many[i] = "DELETE FROM pqb WHERE pk = 'x'"
	}
	_, err = c.BatchExecuteStatement(ctx, &dynamodb.BatchExecuteStatementInput{Statements: batchStatements(many...)})
	wantCode(t, err, "ValidationException", "less than or equal to 25")
}

func TestPartiQLTransaction(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "pqtx", "")
	put(t, c, "pqtx", item{"pk": s("acct"), "v": n("0")})
	put(t, c, "pqtx", item{"pk": s("dup")})
	tx := func(token string, sts ...string) error {
		in := &dynamodb.ExecuteTransactionInput{}
		if token != "" {
			in.ClientRequestToken = aws.String(token)
		}
		for _, st := range sts {
			in.TransactStatements = append(in.TransactStatements, types.ParameterizedStatement{Statement: aws.String(st)})
		}
		_, err := c.ExecuteTransaction(ctx, in)
		return err
	}
	// All or nothing: a duplicate INSERT cancels the UPDATE.
	err := tx("", "UPDATE pqtx SET v = v + 1 WHERE pk = 'acct'", "INSERT INTO pqtx VALUE {'pk': 'dup'}")
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) != 2 || aws.ToString(tce.CancellationReasons[0].Code) != "None" ||
		aws.ToString(tce.CancellationReasons[1].Code) != "DuplicateItem" {
		t.Fatalf("ExecuteTransaction: %v", err)
	}
	if tce.ErrorMessage() != "Transaction cancelled, please refer cancellation reasons for specific reasons [None, DuplicateItem]" {
		t.Fatalf("message %q", tce.ErrorMessage())
	}
	if v := numOf(get(t, c, "pqtx", item{"pk": s("acct")})["v"]); v != "0" {
		t.Fatalf("cancelled update applied: v=%s", v)
	}
	// Idempotent with a token.
	for i := 0; i < 2; i++ {
		if err := tx("tok", "UPDATE pqtx SET v = v + 1 WHERE pk = 'acct'", "INSERT INTO pqtx VALUE {'pk': 'new'}"); err != nil {
			t.Fatal(err)
		}
	}
	if v := numOf(get(t, c, "pqtx", item{"pk": s("acct")})["v"]); v != "1" {
		t.Fatalf("retried transaction re-applied: v=%s", v)
	}
	err = tx("tok", "UPDATE pqtx SET v = v + 1 WHERE pk = 'acct'")
	wantCode(t, err, "IdempotentParameterMismatchException", "")
	// Reads.
	out, err := c.ExecuteTransaction(ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: []types.ParameterizedStatement{
		{Statement: aws.String("SELECT v FROM pqtx WHERE pk = ?"), Parameters: []types.AttributeValue{s("acct")}},
		{Statement: aws.String("SELECT * FROM pqtx WHERE pk = 'none'")},
	}})
	if err != nil || len(out.Responses) != 2 || numOf(out.Responses[0].Item["v"]) != "1" || len(out.Responses[0].Item) != 1 || out.Responses[1].Item != nil {
		t.Fatalf("transaction reads: %v %+v", err, out)
	}
	// EXISTS is a condition check.
	if err := tx("", "EXISTS(SELECT * FROM pqtx WHERE pk = 'acct' AND v = 1)", "UPDATE pqtx SET w = 1 WHERE pk = 'new'"); err != nil {
		t.Fatalf("EXISTS: %v", err)
	}
	err = tx("", "EXISTS(SELECT * FROM \"pqtx\" WHERE pk = 'acct' AND v = 99)", "UPDATE pqtx SET w = 2 WHERE pk = 'new'")
	if !errors.As(err, &tce) || aws.ToString(tce.CancellationReasons[0].Code) != "ConditionalCheckFailed" {
		t.Fatalf("failed EXISTS: %v", err)
	}
	err = tx("", "EXISTS(SELECT * FROM pqtx WHERE pk = 'nobody')", "UPDATE pqtx SET w = 2 WHERE pk = 'new'")
	if !errors.As(err, &tce) || aws.ToString(tce.CancellationReasons[0].Code) != "ConditionalCheckFailed" {
		t.Fatalf("EXISTS of a missing item: %v", err)
	}
	if w := numOf(get(t, c, "pqtx", item{"pk": s("new")})["w"]); w != "1" {
		t.Fatalf("w = %s after cancelled transactions", w)
	}
	_, err = stmt(c, "EXISTS(SELECT * FROM pqtx WHERE pk = 'acct')")
	wantCode(t, err, "ValidationException", "EXISTS can only be used in a transaction")
	for _, tc := range []struct {
		sts []string
		msg string
	}{
		{[]string{"SELECT * FROM pqtx WHERE pk = 'acct'", "DELETE FROM pqtx WHERE pk = 'new'"}, "does not support both read and write operations"},
		{[]string{"SELECT * FROM pqtx WHERE v = 1"}, "full primary key"},
		{[]string{"DELETE FROM pqtx WHERE pk = 'new' RETURNING ALL OLD *"}, "RETURNING"},
		{[]string{"DELETE FROM pqtx WHERE pk = 'new'", "UPDATE pqtx SET v = 1 WHERE pk = 'new'"}, "multiple operations on one item"},
	} {
		wantCode(t, tx("", tc.sts...), "ValidationException", tc.msg)
	}
}

// TestPartiQLWire checks the JSON DynamoDB answers, byte for byte.
func TestPartiQLWire(t *testing.T) {
	t.Parallel()
	srv := NewTB(t)
	mkTable(t, srv.Client(), "pqwire", "")
	for _, tc := range []struct {
		op, body string
		status   int
		want     string
	}{
		{"ExecuteStatement", `{"Statement":"INSERT INTO pqwire VALUE {'pk': 'a', 'n': 1}"}`, 200, `{"Items":[]}`},
		{"ExecuteStatement", `{"Statement":"SELECT n FROM pqwire WHERE pk = ?","Parameters":[{"S":"a"}]}`, 200, `{"Items":[{"n":{"N":"1"}}]}`},
		{"ExecuteStatement", `{"Statement":"SELECT * FROM pqwire WHERE pk = 'none'"}`, 200, `{"Items":[]}`},
		{"ExecuteStatement", `{"Statement":"INSERT INTO pqwire VALUE {'pk': 'a'}"}`, 400,
			`{"__type":"com.amazonaws.dynamodb.v20120810#DuplicateItemException","message":"Duplicate primary key exists in table"}`},
		{"ExecuteStatement", `{"Statement":"SELECT * FROM pqwire WHERE"}`, 400,
			`{"__type":"com.amazon.coral.validate#ValidationException","message":"Statement wasn't well formed, can't be processed: Unexpected end of statement"}`},
		{"BatchExecuteStatement", `{"Statements":[{"Statement":"UPDATE pqwire SET n = 2 WHERE pk = 'b'"},{"Statement":"DELETE FROM pqwire WHERE pk = 'a'"}]}`, 200,
			`{"Responses":[{"Error":{"Code":"ConditionalCheckFailed","Message":"The conditional request failed"},"TableName":"pqwire"},{"TableName":"pqwire"}]}`},
	} {
		status, out := serveRaw(srv, tc.op, tc.body)
		if status != tc.status || out != tc.want {
			t.Errorf("%s %s:\n got %d %s\nwant %d %s", tc.op, tc.body, status, out, tc.status, tc.want)
		}
	}
}
