package expr

import (
	"math/rand"
	"testing"
)

// TestNoPanic feeds mutated expressions to every parser: each must return a
// result or an *Error, never panic.
func TestNoPanic(t *testing.T) {
	t.Parallel()
	seeds := []string{
		"attribute_exists(pk) AND (a >= :n1 OR begins_with(s, :pre)) AND NOT contains(ss, :s)",
		"a.b[1].#s BETWEEN :n1 AND :n2 OR size(l) IN (:n1, :n2)",
		"SET a = if_not_exists(a, :n1) + :n2, l = list_append(l, :l) REMOVE x[1] ADD n :n1 DELETE ss :ss",
		"pk = :s AND sk > :n1",
		"a, b.c, d[2].e, #s",
		"((a)) = (:n1) AND ((b = :n2))",
	}
	alphabet := []string{"(", ")", "[", "]", ".", ",", "=", "<", ">", "<>", "+", "-", " ", "#s", ":n1", "a", "1", "AND", "OR", "NOT", "SET", "size(", "#", ":", "é", "\x00"}
	rng := rand.New(rand.NewSource(1))
	item := mustItem(t, testItem)
	env := testEnv(t) // shared: only use tracking changes
	for i := 0; i < 2000; i++ {
		b := []byte(seeds[rng.Intn(len(seeds))])
		for k := rng.Intn(4) + 1; k > 0; k-- {
			pos := rng.Intn(len(b) + 1)
			switch rng.Intn(3) {
			case 0: // insert
				b = append(b[:pos], append([]byte(alphabet[rng.Intn(len(alphabet))]), b[pos:]...)...)
			case 1: // delete
				if pos < len(b) {
					b = append(b[:pos], b[pos+1:]...)
				}
			case 2: // truncate
				b = b[:pos]
			}
		}
		src := string(b)
		check := func(name string, err error) {
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("%s(%q): error %T", name, src, err)
				}
			}
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("panic on %q: %v", src, r)
				}
			}()
			c, err := ParseCondition("ConditionExpression", src, env)
			check("ParseCondition", err)
			if err == nil {
				c.Eval(item)
				c.Eval(nil)
			}
			_, err = ParseKeyCondition(src, env, 2)
			check("ParseKeyCondition", err)
			u, err := ParseUpdate(src, env)
			check("ParseUpdate", err)
			if err == nil {
				_, err = u.Apply(item)
				check("Apply", err)
			}
			p, err := ParseProjection(src, env)
			check("ParseProjection", err)
			if err == nil {
				p.Apply(item)
			}
		}()
	}
}
