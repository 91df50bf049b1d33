package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddrOf(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::/32")}
	cases := []struct {
		name, peer string
		xff        []string
		trusted    []netip.Prefix
		want       string
	}{
		{"no proxies: header ignored", "10.0.0.1:5000", []string{"203.0.113.5"}, nil, "10.0.0.1"},
		{"untrusted peer: header ignored", "198.51.100.2:5000", []string{"203.0.113.5"}, proxies, "198.51.100.2"},
		{"trusted peer, one hop", "10.0.0.1:5000", []string{"203.0.113.5"}, proxies, "203.0.113.5"},
		{"client-written hops left of the client are not believed", "10.0.0.1:5000", []string{"1.2.3.4, 203.0.113.5"}, proxies, "203.0.113.5"},
		{"chain of trusted proxies", "10.0.0.1:5000", []string{"203.0.113.5, 10.1.1.1", "10.2.2.2"}, proxies, "203.0.113.5"},
		{"every hop trusted: the leftmost", "10.0.0.1:5000", []string{"10.3.3.3, 10.1.1.1"}, proxies, "10.3.3.3"},
		{"trusted peer, no header", "10.0.0.1:5000", nil, proxies, "10.0.0.1"},
		{"garbage hop: the last hop read", "10.0.0.1:5000", []string{"203.0.113.5, not-an-ip, 10.1.1.1"}, proxies, "10.1.1.1"},
		{"IPv6", "[2001:db8::1]:5000", []string{"2001:db8::2, 2a00:1450::7"}, proxies, "2a00:1450::7"},
		{"IPv4-mapped peer", "[::ffff:10.0.0.1]:5000", []string{"203.0.113.5"}, proxies, "203.0.113.5"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.peer
			for _, h := range tc.xff {
				r.Header.Add("X-Forwarded-For", h)
			}
			if got := clientAddrOf(r, tc.trusted); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}
