package web

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestBudgetContext(t *testing.T) {
	type key struct{}
	t.Run("runs out at its deadline", func(t *testing.T) {
		ctx := withBudget(context.WithValue(context.Background(), key{}, "v"), 20*time.Millisecond)
		defer ctx.end()
		child, cancel := context.WithCancel(ctx) // as a query makes its own
		defer cancel()
		select {
		case <-child.Done():
		case <-time.After(2 * time.Second):
			t.Fatal("the budget never ran out")
		}
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) || !errors.Is(child.Err(), context.DeadlineExceeded) {
			t.Fatalf("errors %v, %v", ctx.Err(), child.Err())
		}
		if ctx.Value(key{}) != "v" || child.Value(key{}) != "v" {
			t.Fatal("values lost")
		}
	})
	t.Run("untouched until the end", func(t *testing.T) {
		ctx := withBudget(context.Background(), time.Hour)
		if ctx.running.Load() != nil {
			t.Fatal("a timer before anything waited")
		}
		if d, ok := ctx.Deadline(); !ok || time.Until(d) < 59*time.Minute {
			t.Fatalf("deadline %v %v", d, ok)
		}
		ctx.end()
		select {
		case <-ctx.Done():
		default:
			t.Fatal("not done after the request ended")
		}
		if !errors.Is(ctx.Err(), context.Canceled) {
			t.Fatalf("err %v", ctx.Err())
		}
	})
	t.Run("the request's own end and deadline count", func(t *testing.T) {
		parent, cancel := context.WithTimeout(context.Background(), time.Minute)
		ctx := withBudget(parent, time.Hour)
		defer ctx.end()
		if d, _ := ctx.Deadline(); time.Until(d) > 2*time.Minute {
			t.Fatalf("deadline %v, want the parent's", d)
		}
		cancel() // the visitor left
		select {
		case <-ctx.Done():
		case <-time.After(2 * time.Second):
			t.Fatal("the parent's end did not reach the budget")
		}
	})
}
