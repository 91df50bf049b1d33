// Package password hashes and checks account passwords with argon2id, in the
// PHC string format, and holds the rules a new password must meet.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Parameters recommended by the OWASP Password Storage Cheat Sheet for
// argon2id: 19 MiB of memory, 2 iterations, 1 degree of parallelism.
const (
	memoryKiB = 19 * 1024
	timeCost  = 2
	threads   = 1
	saltLen   = 16
	keyLen    = 32
)

// MinLength and MaxLength bound a new password (in characters). The maximum
// keeps hashing cheap enough not to be a denial-of-service lever.
const (
	MinLength = 10
	MaxLength = 256
)

// hashing bounds how many argon2id computations run at once: each takes
// 19 MiB, so 200 logins sent together would want 3.8 GB; with one per core
// they queue (a second or two at worst) and the memory stays at a few tens
// of MiB. Pages never hash, so they go on meanwhile.
var hashing = make(chan struct{}, max(1, runtime.NumCPU()))

// idKey is argon2.IDKey within the bound.
func idKey(pw, salt []byte, t, m uint32, p uint8, n uint32) []byte {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	return argon2.IDKey(pw, salt, t, m, p, n)
}

// Hash returns the argon2id hash of pw with a random salt, as
// $argon2id$v=19$m=19456,t=2,p=1$SALT$KEY.
func Hash(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: salt: %w", err)
	}
	key := idKey([]byte(pw), salt, timeCost, memoryKiB, threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memoryKiB, timeCost, threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// ErrMalformed means a stored hash cannot be read.
var ErrMalformed = errors.New("password: malformed hash")

// Verify reports whether pw matches hash, in constant time. The parameters
// are read from the hash, so hashes made with older parameters still verify.
func Verify(hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrMalformed
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, ErrMalformed
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 {
		return false, ErrMalformed
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, ErrMalformed
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, ErrMalformed
	}
	if m > 256*1024 || t > 16 || len(want) > 128 {
		return false, ErrMalformed // no hash of ours asks for that much work
	}
	got := idKey([]byte(pw), salt, t, m, p, uint32(len(want))) // #nosec G115 -- a hash of ours is at most 128 bytes (checked above)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// Check says what is wrong with a new password, as a message id of
// internal/i18n (its arguments are Min and Max, MinLength and MaxLength), or
// returns "" when it is acceptable: long enough, not absurdly long, and not
// one of the passwords attackers try first.
func Check(pw string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinLength:
		return "password.too_short"
	case n > MaxLength:
		return "password.too_long"
	case common[strings.ToLower(pw)]:
		return "password.too_common"
	case strings.Count(pw, pw[:1]) == len(pw):
		return "password.one_character"
	}
	return ""
}

// Generate returns a random password of 20 characters from an alphabet
// without look-alikes (no 0/O, 1/l/I).
func Generate() (string, error) {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b), nil
}

// common holds passwords of ten characters or more that appear at the top
// of every published list of leaked passwords: keyboard walks, counting,
// "password" with digits. Composed here from those well-known patterns.
var common = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Fields(`
		1234567890 0123456789 0987654321 9876543210 1111111111 1122334455 1234512345 1234554321
		12345678910 123456789a 123456789q a123456789 q123456789 1q2w3e4r5t 1q2w3e4r5t6y 1qaz2wsx3edc
		qwertyuiop qwertyuiop1 qwerty1234 qwerty12345 qwerty123456 asdfghjkl1 asdfghjkl; zxcvbnm123
		password12 password123 password1234 password12345 passw0rd12 p@ssw0rd123 password!1 passwordpassword
		iloveyou12 iloveyou123 letmein123 welcome123 welcome1234 admin12345 administrator changeme123
		football12 baseball12 sunshine12 princess12 dragon1234 monkey1234 trustno1trustno1
		abcdefghij abcd123456 abc1234567 aaaaaa1111 confide123 confidential`) {
		m[p] = true
	}
	return m
}()
