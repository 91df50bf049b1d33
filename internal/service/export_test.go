package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/confide/confide/internal/database"
	"github.com/confide/confide/internal/database/dbtest"
	"github.com/confide/confide/internal/model"
)

// The export streams every published story (more than one batch) and
// nothing else; the rebuild answers on both engines.
func TestExportAndRebuildOnBothEngines(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		svc, sec := newService(t, db)
		for i := 0; i < 520; i++ {
			status := model.StoryPublished
			if i%100 == 0 {
				status = model.StoryDraft
			}
			st := model.Story{Title: fmt.Sprintf("A lonely winter %d", i), Letter: "Every evening is long and quiet.",
				Reply: "You are not alone.", SectionID: sec.ID, Status: status}
			if err := svc.AddStory(ctx, &st); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		var last [2]int
		if err := svc.Export(ctx, &buf, func(s, c int) { last = [2]int{s, c} }); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Stories []struct{ Title string }
		}
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatalf("not JSON: %v", err)
		}
		if len(doc.Stories) != 514 || last[0] != 514 {
			t.Errorf("%d stories exported (progress said %d), want 514", len(doc.Stories), last[0])
		}
		if err := svc.RebuildSearch(ctx, nil); err != nil {
			t.Fatal(err)
		}
		res, err := svc.SearchStories(ctx, "lonely winter", "", 1)
		if err != nil || res.Page.Total == 0 {
			t.Errorf("search after the rebuild: %+v %v", res, err)
		}
	})
}
