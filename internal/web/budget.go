package web

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// budgetContext is a reading request's context with its time budget (see
// requestBudget). Its timer is made only when something first waits on the
// context, as every database query does: a page served from the cache never
// does, and making and stopping a timer for each such request took a
// twentieth of its time.
type budgetContext struct {
	context.Context // the request's own
	deadline        time.Time

	mu     sync.Mutex
	timed  context.Context // made by start: the request's context with the deadline
	cancel context.CancelFunc
	ended  bool
	// running is timed once made, for Value, which every lookup of a
	// request's values passes through: read without the lock.
	running atomic.Pointer[context.Context]
}

func withBudget(parent context.Context, budget time.Duration) *budgetContext {
	return &budgetContext{Context: parent, deadline: time.Now().Add(budget)}
}

// start returns the context with its timer running, making it the first
// time. After end it is a context already cancelled.
func (c *budgetContext) start() context.Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timed == nil {
		if c.ended {
			ctx, cancel := context.WithCancel(c.Context)
			cancel()
			c.timed = ctx
		} else {
			c.timed, c.cancel = context.WithDeadline(c.Context, c.deadline)
		}
		c.running.Store(&c.timed)
	}
	return c.timed
}

// end stops the timer, if one was made: the request is done.
func (c *budgetContext) end() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ended = true
	if c.cancel != nil {
		c.cancel()
	}
}

func (c *budgetContext) Deadline() (time.Time, bool) {
	if d, ok := c.Context.Deadline(); ok && d.Before(c.deadline) {
		return d, true
	}
	return c.deadline, true
}

func (c *budgetContext) Done() <-chan struct{} { return c.start().Done() }

func (c *budgetContext) Err() error { return c.start().Err() }

// Value answers from the running context once there is one, so that
// contexts made from this one find its cancellation (the context package
// looks for it through Value) instead of watching it from a goroutine.
func (c *budgetContext) Value(key any) any {
	if timed := c.running.Load(); timed != nil {
		return (*timed).Value(key)
	}
	return c.Context.Value(key)
}
