package web

import (
	"context"
	"net/http"
	"time"
)

// healthz answers 200 while the process serves: a supervisor restarts a
// process that stops answering it. It reads nothing.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n")) // #nosec G104 -- writing the answer: a visitor who left is no error to handle
}

// readyz answers 200 when the instance can serve readers: its database
// answers and has every migration this binary knows; 503 otherwise, so a
// load balancer sends no one to it (during an upgrade, or when the
// database is away). The cause goes to the log, not to the caller.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.svc.Ready(ctx); err != nil {
		s.log.Error("readiness check", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("not ready\n")) // #nosec G104 -- writing the answer: a visitor who left is no error to handle
		return
	}
	w.Write([]byte("ok\n")) // #nosec G104 -- writing the answer: a visitor who left is no error to handle
}
