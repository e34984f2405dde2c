package expr

import "strings"

type tokKind uint8

const (
	tEOF      tokKind = iota
	tIdent            // attribute name or keyword or function name
	tName             // #name
	tValue            // :value
	tNumber           // list index
	tLParen           // (
	tRParen           // )
	tLBracket         // [
	tRBracket         // ]
	tDot              // .
	tComma            // ,
	tEq               // =
	tNe               // <>
	tLt               // <
	tLe               // <=
	tGt               // >
	tGe               // >=
	tPlus             // +
	tMinus            // -
	tIllegal          // anything else
)

type token struct {
	kind       tokKind
	start, end int
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isIdentPart(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// lex splits src into tokens, ending with tEOF; buf is reused if large enough.
func lex(src string, buf []token) []token {
	toks := buf[:0]
	i := 0
	for {
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i >= len(src) {
			return append(toks, token{tEOF, i, i})
		}
		start := i
		c := src[i]
		kind := tIllegal
		i++
		switch {
		case isIdentStart(c):
			for i < len(src) && isIdentPart(src[i]) {
				i++
			}
			kind = tIdent
		case c >= '0' && c <= '9':
			for i < len(src) && src[i] >= '0' && src[i] <= '9' {
				i++
			}
			kind = tNumber
		case c == '#' || c == ':':
			for i < len(src) && isIdentPart(src[i]) {
				i++
			}
			if i > start+1 {
				kind = tName
				if c == ':' {
					kind = tValue
				}
			}
		case c == '(':
			kind = tLParen
		case c == ')':
			kind = tRParen
		case c == '[':
			kind = tLBracket
		case c == ']':
			kind = tRBracket
		case c == '.':
			kind = tDot
		case c == ',':
			kind = tComma
		case c == '=':
			kind = tEq
		case c == '+':
			kind = tPlus
		case c == '-':
			kind = tMinus
		case c == '<':
			kind = tLt
			if i < len(src) && src[i] == '=' {
				kind = tLe
				i++
			} else if i < len(src) && src[i] == '>' {
				kind = tNe
				i++
			}
		case c == '>':
			kind = tGt
			if i < len(src) && src[i] == '=' {
				kind = tGe
				i++
			}
		default:
			// One whole (possibly multi-byte) character.
			for i < len(src) && src[i]&0xC0 == 0x80 {
				i++
			}
		}
		toks = append(toks, token{kind, start, i})
	}
}

// isReserved reports whether name is one of DynamoDB's reserved words.
func isReserved(name string) bool {
	if len(name) > maxReservedLen {
		return false
	}
	var buf [maxReservedLen]byte
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	_, ok := reservedWords[string(buf[:len(name)])]
	return ok
}

// keyword reports whether an identifier token is the keyword kw (upper case).
func keyword(text, kw string) bool { return strings.EqualFold(text, kw) }
