package web

import (
	"net/http"

	"github.com/confide/confide/internal/model"
)

func (s *Server) adminOutbox(w http.ResponseWriter, r *http.Request) error {
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	list, p, err := s.svc.OutboxPage(r.Context(), n)
	if err != nil {
		return err
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.outbox"))
	if err != nil {
		return err
	}
	v.Data = struct {
		Messages []model.OutboxMessage
		Page     model.Pagination
		BaseURL  string
	}{list, p, "/admin/outbox"}
	return s.renderAdmin(w, r, http.StatusOK, "outbox", v)
}

func (s *Server) adminOutboxMessage(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	m, err := s.svc.OutboxMessage(r.Context(), id)
	if err != nil {
		return err
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.message_to", "To", m.To))
	if err != nil {
		return err
	}
	v.Data = m
	return s.renderAdmin(w, r, http.StatusOK, "outbox_message", v)
}
