package ddb

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// WithCursorKeys seals the table's pagination cursors with AES-GCM under
// application keys, so that an HTTP API can hand them to clients without
// showing the table name or key values, and a cursor that was modified
// or sealed under another key fails with ErrInvalidCursor. current seals
// every new cursor; current and old all open cursors, so keys can be
// rotated: add the new key as current and keep the previous one in old
// until the cursors it sealed have expired from use. Each key is 16, 24
// or 32 bytes (AES-128, -192 or -256); NewTable rejects any other length
// with ErrInvalidInput. A table with cursor keys accepts only sealed
// cursors.
func WithCursorKeys(current []byte, old ...[]byte) TableOption {
	return func(o *tableOptions) { o.cursorKeys = append([][]byte{current}, old...) }
}

// cursorSealVersion is the first byte of a sealed cursor; the checksummed
// plain cursor (whose first byte is cursorVersion) follows it encrypted.
const cursorSealVersion = 0x80 | cursorVersion

// cursorAEADs are the ciphers of WithCursorKeys: the first seals, all
// open. nil: cursors are not sealed.
type cursorAEADs []cipher.AEAD

// newCursorAEADs builds the ciphers of keys (nil for no keys).
func newCursorAEADs(keys [][]byte) (cursorAEADs, error) {
	var out cursorAEADs
	for i, k := range keys {
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, fmt.Errorf("cursor key %d: %d bytes, want 16, 24 or 32", i, len(k))
		}
		g, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// cursorAAD binds sealed bytes to their use.
var cursorAAD = []byte("ddb cursor")

// seal encrypts a plain cursor with the current key; without keys it
// returns plain unchanged.
func (a cursorAEADs) seal(plain []byte) []byte {
	if len(a) == 0 {
		return plain
	}
	g := a[0]
	out := make([]byte, 1+g.NonceSize(), 1+g.NonceSize()+len(plain)+g.Overhead())
	out[0] = cursorSealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return g.Seal(out, out[1:1+g.NonceSize()], plain, cursorAAD)
}

// open returns the plain cursor inside raw, trying every key. A sealed
// cursor given to a table without keys, or a plain one given to a table
// with keys, is an error.
func (a cursorAEADs) open(raw []byte) ([]byte, error) {
	sealed := len(raw) > 0 && raw[0] == cursorSealVersion
	switch {
	case len(a) == 0 && sealed:
		return nil, errors.New("sealed cursor, but the table has no cursor keys (WithCursorKeys)")
	case len(a) == 0:
		return raw, nil
	case !sealed:
		return nil, errors.New("cursor is not sealed with the table's cursor keys")
	}
	for _, g := range a {
		n := g.NonceSize()
		if len(raw) < 1+n+g.Overhead() {
			continue
		}
		if plain, err := g.Open(nil, raw[1:1+n], raw[1+n:], cursorAAD); err == nil {
			return plain, nil
		}
	}
	return nil, errors.New("cursor was modified or sealed under another key")
}

// frame returns the opaque text of body for a token of version (a Query or
// Scan cursor, a change feed position): the version byte and body's JSON,
// an 8-byte SHA-256 checksum, sealed when keys are set, in URL-safe base64.
func (a cursorAEADs) frame(version byte, body any) string {
	js, _ := json.Marshal(body) // cannot fail: only strings
	buf := append([]byte{version}, js...)
	sum := sha256.Sum256(buf)
	return base64.RawURLEncoding.EncodeToString(a.seal(append(buf, sum[:8]...)))
}

// unframe reverses frame into body, checking the seal, the checksum and
// the version; what names the token in its errors ("cursor", "position").
func (a cursorAEADs) unframe(text string, version byte, what string, body any) error {
	raw, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil {
		return fmt.Errorf("malformed %s", what)
	}
	if raw, err = a.open(raw); err != nil {
		return err
	}
	if len(raw) < 1+8 {
		return fmt.Errorf("malformed %s", what)
	}
	buf, sum := raw[:len(raw)-8], raw[len(raw)-8:]
	if want := sha256.Sum256(buf); !bytes.Equal(want[:8], sum) {
		return fmt.Errorf("%s checksum mismatch (modified or truncated)", what)
	}
	if buf[0] != version {
		return fmt.Errorf("not a %s of this kind (version %d)", what, buf[0])
	}
	dec := json.NewDecoder(bytes.NewReader(buf[1:]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(body); err != nil {
		return fmt.Errorf("malformed %s body", what)
	}
	return nil
}
