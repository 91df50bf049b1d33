package spam

import (
	"net/netip"
	"strings"
)

// HashAddr is the keyed hash that stands for a client address wherever one
// must be remembered (rate limits, bans, a comment's origin): without the
// secret, which never enters the database, nobody can tell the address
// back from it, not even by trying all four billion.
func HashAddr(secret []byte, addr netip.Addr) string {
	if !addr.IsValid() {
		return ""
	}
	return mac(secret, "addr", addr.Unmap().String())
}

// HashEmail is the keyed hash of a normalised e-mail address, for limits.
func HashEmail(secret []byte, email string) string {
	return mac(secret, "email", NormalizeEmail(email))
}

// NormalizeEmail lower-cases an address and trims it, so that one person
// is one address whatever the case they type.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}
