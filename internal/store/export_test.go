package store

// SetRankCandidates lets tests reach the broad-query path with a small site.
func SetRankCandidates(n int) (restore func()) {
	old := rankCandidates
	rankCandidates = n
	return func() { rankCandidates = old }
}
