package store

// SetRankCandidates lets tests reach the broad-query path with a small
// site: n is both engines' window (rankCandidates and rankMatches).
func SetRankCandidates(n int) (restore func()) {
	oldDocs, oldMatches := rankCandidates, rankMatches
	rankCandidates, rankMatches = n, n
	return func() { rankCandidates, rankMatches = oldDocs, oldMatches }
}
