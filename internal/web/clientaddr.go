package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// The client's address is what limits, bans and logs key on. Behind a proxy
// or load balancer every request comes from the proxy, so the proxy's
// X-Forwarded-For is believed, but only when the request comes from a proxy
// the operator named (--trusted-proxies): anyone else can write that header.

// TrustProxies sets the proxies whose X-Forwarded-For is believed. Call it
// before serving.
func (s *Server) TrustProxies(p []netip.Prefix) { s.proxies = p }

// clientIP is the address a request came from, as observe found it.
func clientIP(r *http.Request) string {
	if info := infoOf(r.Context()); info != nil {
		return info.addr
	}
	return remoteHost(r)
}

func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// clientAddrOf walks X-Forwarded-For from the right (the hop nearest to
// us) while the hop is a trusted proxy; the first address that is not one
// is the client. Entries left of it were written by the client and prove
// nothing. Without a trusted peer, the header is ignored.
func clientAddrOf(r *http.Request, trusted []netip.Prefix) string {
	peer := remoteHost(r)
	if len(trusted) == 0 {
		return peer
	}
	a, err := netip.ParseAddr(peer)
	if err != nil || !isTrusted(a.Unmap(), trusted) {
		return peer
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := a.Unmap()
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			// Garbage where an address should be: the last hop we could
			// read is the best we know.
			break
		}
		client = hop.Unmap()
		if !isTrusted(client, trusted) {
			break
		}
	}
	return client.String()
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
