package service

import (
	"context"
	"errors"
	"runtime"
	"time"

	"github.com/confide/confide/internal/model"
)

// SearchLimits bound the work searches may do, so that no search, nor many
// at once, can take the database from the pages readers are reading.
type SearchLimits struct {
	// Slots is how many searches run at once; the database's read pool
	// must be larger, so pages always find a connection. 0 means
	// DefaultSearchSlots.
	Slots int
	// Wait is how long a search waits for a slot before the reader is
	// asked to try again in a moment. 0 means a second.
	Wait time.Duration
	// Budget is how long one search may take. Past it the database is
	// told to stop (SQLite's interrupt, PostgreSQL's cancel and
	// statement_timeout) and the reader is asked for a narrower search.
	// 0 means 300 ms.
	Budget time.Duration
	// Rest is how long a slot stays taken after its search, as a share of
	// the time the search took: with 1, searches use at most half of the
	// time of each slot, so that a crowd of searches leaves the processors
	// to the pages. The answer does not wait for it. 0 means DefaultSearchRest;
	// a negative number, none.
	Rest float64
	// Hook, when set, is called by every search while it holds its slot,
	// before it asks the database: tests use it to hold slots.
	Hook func(ctx context.Context)
}

// Default search limits. Searches may use half of the cores (at least one,
// at most eight, well below either engine's read pool): the other half stays
// for the pages readers are reading, however many people search.
var DefaultSearchSlots = min(8, max(1, runtime.NumCPU()/2))

const (
	DefaultSearchWait   = time.Second
	DefaultSearchBudget = 300 * time.Millisecond
	DefaultSearchRest   = 1.0
)

// searchGate hands out the search slots.
type searchGate struct {
	limits SearchLimits
	slots  chan struct{}
}

func newSearchGate(l SearchLimits) *searchGate {
	if l.Slots <= 0 {
		l.Slots = DefaultSearchSlots
	}
	if l.Wait <= 0 {
		l.Wait = DefaultSearchWait
	}
	if l.Budget <= 0 {
		l.Budget = DefaultSearchBudget
	}
	if l.Rest == 0 {
		l.Rest = DefaultSearchRest
	}
	return &searchGate{limits: l, slots: make(chan struct{}, l.Slots)}
}

// SetSearchLimits replaces the search limits. Call it before serving.
func (s *Service) SetSearchLimits(l SearchLimits) { s.gate = newSearchGate(l) }

// errSearchBusy asks the reader to try again when every slot stayed taken.
var errSearchBusy = model.Errorf(model.EBUSY,
	"search_limits.many_people_searching_right")

// The answers to a search that ran past its budget are the messages
// search.too_broad and, for a phrase (finding a phrase of everyday words
// means reading every story that has them all), search.too_broad_phrase.

// limitedSearch runs fn in a search slot within the search budget. It
// reports broad = true when the budget ran out: the search was stopped and
// the reader should be asked for a narrower one.
func (s *Service) limitedSearch(ctx context.Context, fn func(ctx context.Context) error) (broad bool, err error) {
	g := s.gate
	wait := time.NewTimer(g.limits.Wait)
	defer wait.Stop()
	select {
	case g.slots <- struct{}{}:
	case <-wait.C:
		return false, errSearchBusy
	case <-ctx.Done():
		return false, ctx.Err()
	}
	start := time.Now()
	defer func() {
		rest := time.Duration(float64(time.Since(start)) * g.limits.Rest)
		if rest <= 0 {
			<-g.slots
			return
		}
		go func() {
			time.Sleep(rest)
			<-g.slots
		}()
	}()
	bctx, cancel := context.WithTimeout(ctx, g.limits.Budget)
	defer cancel()
	if g.limits.Hook != nil {
		g.limits.Hook(bctx)
	}
	err = fn(bctx)
	if err != nil && ctx.Err() == nil && (bctx.Err() != nil || errors.Is(err, context.DeadlineExceeded)) {
		return true, nil
	}
	return false, err
}
