package ddbtest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// TestConcurrentCounters has many goroutines increment counters with
// conditional read-modify-write cycles and atomic ADDs, while others query
// and scan: no update is lost.
func TestConcurrentCounters(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "conc", "N", withIndex("byG", "g", types.ScalarAttributeTypeS, types.ProjectionTypeAll))
	const workers, rounds = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*2)
	for w := 0; w < workers; w++ {
		wg.Add(2)
		go func() { // atomic ADD
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("conc"), Key: item{"pk": s("p"), "sk": n("1")},
					UpdateExpression: aws.String("ADD v :one SET g = :g"), ExpressionAttributeValues: item{":one": n("1"), ":g": s("G")}})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
		go func() { // optimistic locking
			defer wg.Done()
			for i := 0; i < rounds; {
				cur := get(t, c, "conc", item{"pk": s("p"), "sk": n("2")})
				v := 0
				if cur != nil {
					v, _ = strconv.Atoi(numOf(cur["v"]))
				}
				in := &dynamodb.PutItemInput{TableName: aws.String("conc"), Item: item{"pk": s("p"), "sk": n("2"), "v": n(strconv.Itoa(v + 1))}}
				if cur == nil {
					in.ConditionExpression = aws.String("attribute_not_exists(v)")
				} else {
					in.ConditionExpression = aws.String("v = :v")
					in.ExpressionAttributeValues = item{":v": cur["v"]}
				}
				_, err := c.PutItem(ctx, in)
				if apiCode(err) == "ConditionalCheckFailedException" {
					continue
				}
				if err != nil {
					errs <- err
					return
				}
				i++
			}
		}()
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	readers.Add(1)
	go func() {
		defer readers.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("conc"), IndexName: aws.String("byG"), KeyConditionExpression: aws.String("g = :g"), ExpressionAttributeValues: item{":g": s("G")}}); err != nil {
				errs <- err
				return
			}
			if _, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("conc")}); err != nil {
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	want := strconv.Itoa(workers * rounds)
	for _, sk := range []string{"1", "2"} {
		if got := numOf(get(t, c, "conc", item{"pk": s("p"), "sk": n(sk)})["v"]); got != want {
			t.Fatalf("counter %s = %s, want %s", sk, got, want)
		}
	}
}

// TestKeyEncodingOrder checks that encoded keys sort like DynamoDB values.
func TestKeyEncodingOrder(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	randNum := func() av.Value {
		digits := r.IntN(38) + 1
		var b []byte
		if r.IntN(2) == 0 {
			b = append(b, '-')
		}
		for i := 0; i < digits; i++ {
			b = append(b, byte('0'+r.IntN(10)))
		}
		s := string(b) + "e" + strconv.Itoa(r.IntN(120)-60)
		c, err := av.CanonicalNumber(s)
		if err != nil {
			c = "0"
		}
		return av.Value{Type: av.N, Str: c}
	}
	randStr := func() av.Value {
		b := make([]byte, r.IntN(4))
		for i := range b {
			b[i] = []byte{0, 1, 'a', 0xff}[r.IntN(4)]
		}
		return av.Value{Type: av.S, Str: string(b)}
	}
	for _, gen := range []func() av.Value{randNum, randStr} {
		for i := 0; i < 2000; i++ {
			a, b := gen(), gen()
			want, _ := av.Compare(a, b)
			ea, eb := appendEnc(nil, a), appendEnc(nil, b)
			if got := bytes.Compare(ea, eb); got != want {
				t.Fatalf("%v vs %v: encoded compare %d, want %d (%x %x)", a, b, got, want, ea, eb)
			}
			if want != 0 && (bytes.HasPrefix(ea, eb) || bytes.HasPrefix(eb, ea)) {
				t.Fatalf("%v and %v: encoding not prefix-free", a, b)
			}
		}
	}
	for i, tc := range []struct{ seg, total int }{{0, 1}, {0, 3}, {1, 3}, {2, 3}} {
		lo, hi := segmentBounds(tc.seg, tc.total)
		if (tc.seg == 0) != (lo == nil) || (tc.seg == tc.total-1) != (hi == nil) {
			t.Fatalf("case %d: bounds %x %x", i, lo, hi)
		}
	}
	_ = fmt.Sprint
}

// TestConcurrentSchemaChanges adds and drops a GSI while other goroutines
// write and query: no race, no error other than the index being absent.
func TestConcurrentSchemaChanges(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "schemachg", "")
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 6; i++ {
			var u types.GlobalSecondaryIndexUpdate
			if i%2 == 0 {
				u.Create = &types.CreateGlobalSecondaryIndexAction{IndexName: aws.String("ggi"),
					KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: types.KeyTypeHash}},
					Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}
			} else {
				u.Delete = &types.DeleteGlobalSecondaryIndexAction{IndexName: aws.String("ggi")}
			}
			_, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("schemachg"),
				AttributeDefinitions:        []types.AttributeDefinition{{AttributeName: aws.String("g"), AttributeType: types.ScalarAttributeTypeS}},
				GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{u}})
			if err != nil {
				errs <- err
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 60; i++ {
			put(t, c, "schemachg", item{"pk": s(fmt.Sprint(i)), "g": s("G")})
			_, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("schemachg"), IndexName: aws.String("ggi"),
				KeyConditionExpression: aws.String("g = :g"), ExpressionAttributeValues: item{":g": s("G")}})
			if err != nil && !strings.Contains(err.Error(), "does not have the specified index") {
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestKeyDecoding: decodeEnc inverts appendEnc, giving canonical numbers.
func TestKeyDecoding(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 3000; i++ {
		var v av.Value
		switch i % 3 {
		case 0:
			var b []byte
			if r.IntN(2) == 0 {
				b = append(b, '-')
			}
			for k := r.IntN(38) + 1; k > 0; k-- {
				b = append(b, byte('0'+r.IntN(10)))
			}
			c, err := av.CanonicalNumber(string(b) + "e" + strconv.Itoa(r.IntN(200)-100))
			if err != nil {
				continue
			}
			v = av.Value{Type: av.N, Str: c}
		case 1:
			v = av.Value{Type: av.S, Str: string([]byte{byte(r.IntN(3)), 'x', 0})[:r.IntN(4)]}
		case 2:
			v = av.Value{Type: av.B, Bytes: []byte{0, byte(r.IntN(256)), 0xff}[:1+r.IntN(3)]}
		}
		enc := append(appendEnc(nil, v), 0x42)
		got, rest, ok := decodeEnc(enc, v.Type)
		if !ok || !av.Equal(got, v) || string(rest) != "\x42" {
			t.Fatalf("%+v: decoded %+v rest %x ok %v", v, got, rest, ok)
		}
	}
}
