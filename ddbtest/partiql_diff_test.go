package ddbtest

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// This file is the differential test of PartiQL against the expression
// API: random items and random conditions, each written both as a
// statement and as the equivalent expression request, must give the same
// items and the same errors.

// diffGen writes one random condition in both languages.
type diffGen struct {
	r      *rand.Rand
	params []types.AttributeValue          // the statement's ? parameters
	values map[string]types.AttributeValue // the request's :values
	names  map[string]string               // the request's #names
	// paths are the document paths conditions test, as PartiQL paths.
	paths []string
}

func newDiffGen(r *rand.Rand) *diffGen {
	return &diffGen{r: r, values: map[string]types.AttributeValue{}, names: map[string]string{}, paths: diffPaths}
}

// diffPaths are the paths of the random conditions: a Query's filter
// leaves out the last, the sort key.
var diffPaths = []string{"a", "b", "c[0]", "c[1]", "d.x", "d.y", "v", "opt", "e", "sk"}

// path returns a random path in PartiQL and in expression syntax.
func (g *diffGen) path() (string, string) {
	p := g.paths[g.r.IntN(len(g.paths))]
	return p, g.exprPath(p)
}

func (g *diffGen) exprPath(p string) string {
	var b strings.Builder
	for i, part := range strings.Split(p, ".") {
		if i > 0 {
			b.WriteByte('.')
		}
		name, idx, _ := strings.Cut(part, "[")
		g.names["#"+name] = name
		b.WriteString("#" + name)
		if idx != "" {
			b.WriteString("[" + idx)
		}
	}
	return b.String()
}

// constant returns a random constant, as a literal or a ? in PartiQL and
// as a :value in the expression.
func (g *diffGen) constant() (string, string) {
	var v types.AttributeValue
	var lit string
	switch g.r.IntN(7) {
	case 0, 1, 2:
		x := strconv.Itoa(g.r.IntN(7) - 1)
		v, lit = n(x), x
	case 3, 4, 5:
		x := string(rune('a' + g.r.IntN(3)))
		if g.r.IntN(2) == 0 {
			x += string(rune('a' + g.r.IntN(3)))
		}
		v, lit = s(x), "'"+x+"'"
	default:
		b := g.r.IntN(2) == 0
		v, lit = &types.AttributeValueMemberBOOL{Value: b}, strconv.FormatBool(b)
	}
	ph := ":v" + strconv.Itoa(len(g.values))
	g.values[ph] = v
	if g.r.IntN(2) == 0 {
		g.params = append(g.params, v)
		return "?", ph
	}
	return lit, ph
}

var diffOps = []string{"=", "<>", "<", "<=", ">", ">="}

// cond returns a random condition in both languages.
func (g *diffGen) cond(depth int) (string, string) {
	k := g.r.IntN(10)
	if depth > 2 {
		k = g.r.IntN(7)
	}
	switch k {
	case 0, 1:
		pp, ep := g.path()
		pc, ec := g.constant()
		op := diffOps[g.r.IntN(len(diffOps))]
		if g.r.IntN(4) == 0 { // constant on the left
			return pc + " " + op + " " + pp, ec + " " + op + " " + ep
		}
		return pp + " " + op + " " + pc, ep + " " + op + " " + ec
	case 2:
		pp, ep := g.path()
		p1, e1 := g.constant()
		p2, e2 := g.constant()
		return pp + " BETWEEN " + p1 + " AND " + p2, ep + " BETWEEN " + e1 + " AND " + e2
	case 3:
		pp, ep := g.path()
		var ps, es []string
		for i := 0; i <= g.r.IntN(3); i++ {
			pc, ec := g.constant()
			ps, es = append(ps, pc), append(es, ec)
		}
		return pp + " IN (" + strings.Join(ps, ", ") + ")", ep + " IN (" + strings.Join(es, ", ") + ")"
	case 4:
		pp, ep := g.path()
		if g.r.IntN(2) == 0 {
			return pp + " IS MISSING", "attribute_not_exists(" + ep + ")"
		}
		return pp + " IS NOT MISSING", "attribute_exists(" + ep + ")"
	case 5:
		fn := []string{"begins_with", "contains"}[g.r.IntN(2)]
		pp, ep := g.path()
		pc, ec := g.constant()
		return fn + "(" + pp + ", " + pc + ")", fn + "(" + ep + ", " + ec + ")"
	case 6:
		pp, ep := g.path()
		if g.r.IntN(2) == 0 {
			typ := []string{"N", "S", "BOOL", "L", "M", "SS", "NULL"}[g.r.IntN(7)]
			ph := ":v" + strconv.Itoa(len(g.values))
			g.values[ph] = s(typ)
			return "attribute_type(" + pp + ", '" + typ + "')", "attribute_type(" + ep + ", " + ph + ")"
		}
		pc, ec := g.constant()
		op := diffOps[g.r.IntN(len(diffOps))]
		return "size(" + pp + ") " + op + " " + pc, "size(" + ep + ") " + op + " " + ec
	case 7:
		pl, el := g.cond(depth + 1)
		return "NOT (" + pl + ")", "NOT (" + el + ")"
	default:
		op := []string{"AND", "OR"}[g.r.IntN(2)]
		pl, el := g.cond(depth + 1)
		pr, er := g.cond(depth + 1)
		return "(" + pl + ") " + op + " (" + pr + ")", "(" + el + ") " + op + " (" + er + ")"
	}
}

// request returns the names and values the expression used, nil if none.
func (g *diffGen) request() (map[string]string, map[string]types.AttributeValue) {
	var names map[string]string
	var values map[string]types.AttributeValue
	if len(g.names) > 0 {
		names = g.names
	}
	if len(g.values) > 0 {
		values = g.values
	}
	return names, values
}

// diffItem is a random item with key pk (p0..p2) and sk (0..5).
func diffItem(r *rand.Rand, pk string, sk int) item {
	it := item{"pk": s(pk), "sk": n(strconv.Itoa(sk))}
	maybe := func(name string, v types.AttributeValue) {
		if r.IntN(5) > 0 {
			it[name] = v
		}
	}
	maybe("a", n(strconv.Itoa(r.IntN(6))))
	maybe("b", s(string(rune('a'+r.IntN(3)))+string(rune('a'+r.IntN(3)))))
	maybe("c", l(n(strconv.Itoa(r.IntN(4))), s(string(rune('a'+r.IntN(3))))))
	maybe("d", m(item{"x": n(strconv.Itoa(r.IntN(5))), "y": s(string(rune('a' + r.IntN(3))))}))
	maybe("e", &types.AttributeValueMemberSS{Value: []string{"a", string(rune('b' + r.IntN(2)))}})
	switch r.IntN(4) {
	case 0:
		it["v"] = n(strconv.Itoa(r.IntN(5)))
	case 1:
		it["v"] = s("b")
	case 2:
		it["v"] = &types.AttributeValueMemberBOOL{Value: r.IntN(2) == 0}
	}
	if r.IntN(2) == 0 {
		it["opt"] = &types.AttributeValueMemberNULL{Value: true}
	}
	return it
}

// pageAll runs fetch until it returns no continuation and collects the
// items, or returns the first error.
func pageAll(fetch func(start map[string]types.AttributeValue, token *string) ([]item, map[string]types.AttributeValue, *string, error)) ([]item, error) {
	var all []item
	var start map[string]types.AttributeValue
	var token *string
	for {
		items, lek, next, err := fetch(start, token)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if lek == nil && next == nil {
			return all, nil
		}
		start, token = lek, next
	}
}

func scanAll(c *dynamodb.Client, in *dynamodb.ScanInput) ([]item, error) {
	return pageAll(func(start map[string]types.AttributeValue, _ *string) ([]item, map[string]types.AttributeValue, *string, error) {
		in.ExclusiveStartKey = start
		out, err := c.Scan(ctx, in)
		if err != nil {
			return nil, nil, nil, err
		}
		return out.Items, out.LastEvaluatedKey, nil, nil
	})
}

func statementAll(c *dynamodb.Client, in *dynamodb.ExecuteStatementInput) ([]item, error) {
	return pageAll(func(_ map[string]types.AttributeValue, token *string) ([]item, map[string]types.AttributeValue, *string, error) {
		in.NextToken = token
		out, err := c.ExecuteStatement(ctx, in)
		if err != nil {
			return nil, nil, nil, err
		}
		return out.Items, nil, out.NextToken, nil
	})
}

// sameOutcome fails t unless both calls failed with the same error code
// (want maps the expression's code to the statement's) or both gave the
// same items.
func sameOutcome(t *testing.T, what string, pqItems, exItems []item, pqErr, exErr error, want map[string]string) {
	t.Helper()
	pc, ec := apiCode(pqErr), apiCode(exErr)
	if w, ok := want[ec]; ok {
		ec = w
	}
	if (pqErr == nil) != (exErr == nil) || pc != ec {
		t.Fatalf("%s:\n  PartiQL error %v\n  expression error %v", what, pqErr, exErr)
	}
	if g, w := canon(t, pqItems), canon(t, exItems); !slices.Equal(g, w) {
		t.Fatalf("%s:\n  PartiQL %d items %v\n  expression %d items %v", what, len(g), g, len(w), w)
	}
}

func TestPartiQLDifferentialReads(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "pqdiffr", "N")
	r := rand.New(rand.NewPCG(1, 2))
	for pk := 0; pk < 3; pk++ {
		for sk := 0; sk < 6; sk++ {
			put(t, c, "pqdiffr", diffItem(r, "p"+strconv.Itoa(pk), sk))
		}
	}
	matched := 0
	for i := 0; i < 400; i++ {
		g := newDiffGen(r)
		query := i%2 == 1
		if query {
			g.paths = diffPaths[:len(diffPaths)-1]
		}
		pq, ex := g.cond(0)
		limit := aws.Int32(int32(1 + r.IntN(8)))
		var pqItems, exItems []item
		var pqErr, exErr error
		if !query {
			st := "SELECT * FROM pqdiffr WHERE " + pq
			names, values := g.request()
			pqItems, pqErr = statementAll(c, &dynamodb.ExecuteStatementInput{Statement: aws.String(st), Parameters: g.params, Limit: limit})
			exItems, exErr = scanAll(c, &dynamodb.ScanInput{TableName: aws.String("pqdiffr"), FilterExpression: aws.String(ex),
				ExpressionAttributeNames: names, ExpressionAttributeValues: values, Limit: limit})
			sameOutcome(t, st+" / "+ex, pqItems, exItems, pqErr, exErr, nil)
		} else { // Query, with a sort key condition half of the time
			pk := "p" + strconv.Itoa(r.IntN(3))
			st := "SELECT * FROM pqdiffr WHERE pk = '" + pk + "' AND (" + pq + ")"
			kc := "#pk = :pk"
			g.names["#pk"] = "pk"
			g.values[":pk"] = s(pk)
			if r.IntN(2) == 0 {
				x := strconv.Itoa(r.IntN(6))
				op := diffOps[1+r.IntN(len(diffOps)-1)]
				if op == "<>" {
					op = "="
				}
				st += " AND sk " + op + " " + x
				kc += " AND #sk " + op + " :sk"
				g.names["#sk"] = "sk"
				g.values[":sk"] = n(x)
			}
			names, values := g.request()
			pqItems, pqErr = statementAll(c, &dynamodb.ExecuteStatementInput{Statement: aws.String(st), Parameters: g.params, Limit: limit})
			exItems, exErr = pageAll(func(start map[string]types.AttributeValue, _ *string) ([]item, map[string]types.AttributeValue, *string, error) {
				out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("pqdiffr"), KeyConditionExpression: aws.String(kc),
					FilterExpression: aws.String(ex), ExpressionAttributeNames: names, ExpressionAttributeValues: values, Limit: limit, ExclusiveStartKey: start})
				if err != nil {
					return nil, nil, nil, err
				}
				return out.Items, out.LastEvaluatedKey, nil, nil
			})
			sameOutcome(t, st+" / "+kc+" / "+ex, pqItems, exItems, pqErr, exErr, nil)
		}
		if len(pqItems) > 0 {
			matched++
		}
	}
	if matched < 100 {
		t.Fatalf("only %d of 400 random conditions matched any item: the generator is too narrow", matched)
	}
}

// diffWrite is one random write as a statement and as the equivalent
// expression request.
type diffWrite struct {
	st     string
	params []types.AttributeValue
	insert bool // a PutItem if the item does not exist
	// update is the UpdateExpression of an update; a write that is neither
	// an insert nor an update is a delete.
	update        string
	key, item     item
	cond          string
	names         map[string]string
	values        map[string]types.AttributeValue
	table, table2 string // the statement's table and the request's
}

// randomWrite returns a random INSERT, UPDATE or DELETE of pk/sk with a
// random condition.
func randomWrite(r *rand.Rand, table, table2, pk, sk string) diffWrite {
	g := newDiffGen(r)
	w := diffWrite{table: table, table2: table2, key: item{"pk": s(pk), "sk": n(sk)}}
	g.names["#pk"] = "pk"
	switch r.IntN(3) {
	case 0:
		w.insert = true
		w.item = diffItem(r, pk, 0)
		w.item["sk"] = n(sk)
		w.st, g.params = "INSERT INTO "+table+" VALUE ?", []types.AttributeValue{m(w.item)}
		w.cond = "attribute_not_exists(#pk)"
	case 1:
		pq, ex := g.cond(1)
		pset, eset := "a = a + 1", "#a = #a + :one"
		if r.IntN(2) == 0 {
			pset, eset = "b = 'zz' REMOVE opt", "#b = :zz REMOVE #opt"
			g.values[":zz"], g.names["#b"], g.names["#opt"] = s("zz"), "b", "opt"
		} else {
			g.values[":one"], g.names["#a"] = n("1"), "a"
		}
		w.st = "UPDATE " + table + " SET " + pset + " WHERE pk = '" + pk + "' AND sk = " + sk + " AND (" + pq + ")"
		w.update, w.cond = "SET "+eset, "attribute_exists(#pk) AND ("+ex+")"
	default:
		pq, ex := g.cond(1)
		w.st = "DELETE FROM " + table + " WHERE pk = '" + pk + "' AND sk = " + sk + " AND (" + pq + ")"
		w.cond = "attribute_not_exists(#pk) OR (" + ex + ")"
	}
	w.params = g.params
	w.names, w.values = g.request()
	return w
}

// expression runs w as PutItem, UpdateItem or DeleteItem.
func (w *diffWrite) expression(c *dynamodb.Client) error {
	var err error
	switch {
	case w.insert:
		_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(w.table2), Item: w.item,
			ConditionExpression: aws.String(w.cond), ExpressionAttributeNames: w.names})
	case w.update != "":
		_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(w.table2), Key: w.key, UpdateExpression: aws.String(w.update),
			ConditionExpression: aws.String(w.cond), ExpressionAttributeNames: w.names, ExpressionAttributeValues: w.values})
	default:
		_, err = c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(w.table2), Key: w.key,
			ConditionExpression: aws.String(w.cond), ExpressionAttributeNames: w.names, ExpressionAttributeValues: w.values})
	}
	return err
}

// transactItem is w as a member of TransactWriteItems.
func (w *diffWrite) transactItem() types.TransactWriteItem {
	switch {
	case w.insert:
		return types.TransactWriteItem{Put: &types.Put{TableName: aws.String(w.table2), Item: w.item,
			ConditionExpression: aws.String(w.cond), ExpressionAttributeNames: w.names}}
	case w.update != "":
		return types.TransactWriteItem{Update: &types.Update{TableName: aws.String(w.table2), Key: w.key, UpdateExpression: aws.String(w.update),
			ConditionExpression: aws.String(w.cond), ExpressionAttributeNames: w.names, ExpressionAttributeValues: w.values}}
	}
	return types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(w.table2), Key: w.key,
		ConditionExpression: aws.String(w.cond), ExpressionAttributeNames: w.names, ExpressionAttributeValues: w.values}}
}

// seedTwins creates two tables holding the same random items.
func seedTwins(t *testing.T, c *dynamodb.Client, r *rand.Rand, a, b string) {
	mkTable(t, c, a, "N")
	mkTable(t, c, b, "N")
	for sk := 0; sk < 6; sk += 2 {
		for pk := 0; pk < 2; pk++ {
			it := diffItem(r, "p"+strconv.Itoa(pk), sk)
			put(t, c, a, it)
			put(t, c, b, it)
		}
	}
}

// sameTables fails t unless tables a and b hold the same items.
func sameTables(t *testing.T, c *dynamodb.Client, a, b, after string) {
	t.Helper()
	aAll, err1 := scanAll(c, &dynamodb.ScanInput{TableName: aws.String(a)})
	bAll, err2 := scanAll(c, &dynamodb.ScanInput{TableName: aws.String(b)})
	sameOutcome(t, "table contents after "+after, aAll, bAll, err1, err2, nil)
}

func TestPartiQLDifferentialWrites(t *testing.T) {
	t.Parallel()
	c := client(t)
	r := rand.New(rand.NewPCG(3, 4))
	seedTwins(t, c, r, "pqdiffp", "pqdiffe")
	outcomes := map[string]int{}
	for i := 0; i < 300; i++ {
		w := randomWrite(r, "pqdiffp", "pqdiffe", "p"+strconv.Itoa(r.IntN(2)), strconv.Itoa(r.IntN(6)))
		_, pqErr := stmt(c, w.st, w.params...)
		exErr := w.expression(c)
		var want map[string]string
		if w.insert { // the expression API's failed INSERT is a failed condition
			want = map[string]string{"ConditionalCheckFailedException": "DuplicateItemException"}
		}
		sameOutcome(t, w.st+" / "+w.cond, nil, nil, pqErr, exErr, want)
		outcomes[apiCode(pqErr)]++
		sameTables(t, c, "pqdiffp", "pqdiffe", w.st)
	}
	for _, code := range []string{"", "ConditionalCheckFailedException", "DuplicateItemException", "ValidationException"} {
		if outcomes[code] == 0 {
			t.Errorf("no write ended with %q: %v", code, outcomes)
		}
	}
}

// TestPartiQLDifferentialTransactions compares ExecuteTransaction with
// TransactWriteItems, and BatchExecuteStatement with the same writes one
// by one.
func TestPartiQLDifferentialTransactions(t *testing.T) {
	t.Parallel()
	c := client(t)
	r := rand.New(rand.NewPCG(5, 6))
	seedTwins(t, c, r, "pqdifftp", "pqdifftx")
	seedTwins(t, c, r, "pqdiffbp", "pqdiffbx")
	outcomes := map[string]int{}
	for i := 0; i < 150; i++ {
		var ws []diffWrite
		var sts []types.ParameterizedStatement
		var bsts []types.BatchStatementRequest
		var txItems []types.TransactWriteItem
		for _, k := range r.Perm(12)[:1+r.IntN(4)] { // distinct keys
			pk, sk := "p"+strconv.Itoa(k%2), strconv.Itoa(k/2)
			w := randomWrite(r, "pqdifftp", "pqdifftx", pk, sk)
			ws = append(ws, w)
			sts = append(sts, types.ParameterizedStatement{Statement: aws.String(w.st), Parameters: w.params})
			txItems = append(txItems, w.transactItem())
			bw := w
			bw.st = strings.Replace(w.st, "pqdifftp", "pqdiffbp", 1)
			bsts = append(bsts, types.BatchStatementRequest{Statement: aws.String(bw.st), Parameters: w.params})
		}
		_, pqErr := c.ExecuteTransaction(ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: sts})
		_, exErr := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: txItems})
		sameOutcome(t, "transaction", nil, nil, pqErr, exErr, nil)
		var pqTC, exTC *types.TransactionCanceledException
		if errors.As(pqErr, &pqTC) && errors.As(exErr, &exTC) {
			for j, w := range ws {
				pc, ec := aws.ToString(pqTC.CancellationReasons[j].Code), aws.ToString(exTC.CancellationReasons[j].Code)
				if w.insert && ec == "ConditionalCheckFailed" {
					ec = "DuplicateItem"
				}
				if pc != ec {
					t.Fatalf("statement %d (%s): reason %s, want %s", j, w.st, pc, ec)
				}
			}
		}
		outcomes[apiCode(pqErr)]++
		sameTables(t, c, "pqdifftp", "pqdifftx", "a transaction")

		// The same writes as a batch: each statement's error is that of
		// its write alone.
		out, err := c.BatchExecuteStatement(ctx, &dynamodb.BatchExecuteStatementInput{Statements: bsts})
		if err != nil {
			t.Fatal(err)
		}
		for j, w := range ws {
			w.table2 = "pqdiffbx"
			exErr := w.expression(c)
			got := ""
			if e := out.Responses[j].Error; e != nil {
				got = string(e.Code)
			}
			want := strings.TrimSuffix(apiCode(exErr), "Exception")
			if want == "Validation" {
				want = "ValidationError"
			}
			if w.insert && want == "ConditionalCheckFailed" {
				want = "DuplicateItem"
			}
			if got != want {
				t.Fatalf("batch statement %s: code %q, want %q (%v)", w.st, got, want, exErr)
			}
		}
		sameTables(t, c, "pqdiffbp", "pqdiffbx", "a batch")
	}
	if outcomes[""] == 0 || outcomes["TransactionCanceledException"] == 0 {
		t.Errorf("outcomes %v", outcomes)
	}
}
