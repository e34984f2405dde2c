// Package partiql parses the PartiQL dialect DynamoDB accepts in
// ExecuteStatement, BatchExecuteStatement and ExecuteTransaction, and
// translates each statement into the equivalent expression request
// (GetItem, Query, Scan, PutItem, UpdateItem or DeleteItem), so that the
// server evaluates it with its one expression engine.
package partiql

import (
	"strconv"
	"strings"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

type tokKind uint8

const (
	tEOF     tokKind = iota
	tIdent           // bare identifier or keyword
	tQuoted          // "quoted identifier"
	tString          // 'string'
	tNumber          // 12, -1.5e3 (sign handled by the parser)
	tParam           // ?
	tPunct           // ( ) [ ] { } , . : * = <> != < <= > >= + - << >>
	tIllegal         // anything else
)

type token struct {
	kind tokKind
	text string // identifier (unquoted), string contents, number, punctuation
	pos  int
}

// prefix of every syntax error, as DynamoDB words it.
const malformed = "Statement wasn't well formed, can't be processed: "

func syntaxError(detail string) error {
	return av.NewValidationError(malformed + detail)
}

// punct lists the punctuation tokens, longest first.
var punct = []string{"<<", ">>", "<>", "!=", "<=", ">=", "(", ")", "[", "]", "{", "}", ",", ".", ":", ";", "*", "=", "<", ">", "+", "-"}

// skipSpace skips white space and comments (-- to the end of the line,
// /* ... */) from src[i:].
func skipSpace(src string, i int) int {
	for i < len(src) {
		switch {
		case strings.IndexByte(" \t\r\n", src[i]) >= 0:
			i++
		case strings.HasPrefix(src[i:], "--"):
			if j := strings.IndexByte(src[i:], '\n'); j >= 0 {
				i += j + 1
			} else {
				i = len(src)
			}
		case strings.HasPrefix(src[i:], "/*"):
			if j := strings.Index(src[i+2:], "*/"); j >= 0 {
				i += j + 4
			} else {
				i = len(src)
			}
		default:
			return i
		}
	}
	return i
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// lex splits src into tokens ending with tEOF.
func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for {
		i = skipSpace(src, i)
		if i >= len(src) {
			return append(toks, token{kind: tEOF, pos: i}), nil
		}
		start, c := i, src[i]
		switch {
		case isIdentStart(c):
			for i < len(src) && (isIdentStart(src[i]) || isDigit(src[i]) || src[i] == '$') {
				i++
			}
			toks = append(toks, token{tIdent, src[start:i], start})
		case c == '"' || c == '\'':
			s, n, ok := quoted(src[i:], c)
			if !ok {
				return nil, syntaxError("Unterminated quoted text at position " + itoa(start))
			}
			kind := tString
			if c == '"' {
				kind = tQuoted
			}
			i += n
			toks = append(toks, token{kind, s, start})
		case isDigit(c) || c == '.' && i+1 < len(src) && isDigit(src[i+1]):
			i = scanNumber(src, i)
			toks = append(toks, token{tNumber, src[start:i], start})
		case c == '?':
			i++
			toks = append(toks, token{tParam, "?", start})
		default:
			p := ""
			for _, q := range punct {
				if strings.HasPrefix(src[i:], q) {
					p = q
					break
				}
			}
			if p == "" {
				return nil, syntaxError("Unexpected character '" + string(c) + "' at position " + itoa(start))
			}
			i += len(p)
			toks = append(toks, token{tPunct, p, start})
		}
	}
}

// quoted reads a q-quoted text at the start of s (a doubled q stands for
// one), returning its contents and length.
func quoted(s string, q byte) (string, int, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] == q {
			if i+1 < len(s) && s[i+1] == q {
				b.WriteByte(q)
				i++
				continue
			}
			return b.String(), i + 1, true
		}
		b.WriteByte(s[i])
	}
	return "", 0, false
}

func scanNumber(src string, i int) int {
	for i < len(src) && (isDigit(src[i]) || src[i] == '.') {
		i++
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			i = j
			for i < len(src) && isDigit(src[i]) {
				i++
			}
		}
	}
	return i
}

func itoa(n int) string { return strconv.Itoa(n) }
