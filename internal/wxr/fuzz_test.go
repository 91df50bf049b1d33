package wxr

import (
	"bytes"
	"os"
	"testing"
)

// Any file given to the import is read, or refused with an error: never a
// panic, never a hang.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"testdata/site.xml", "testdata/bomb.xml"} {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`<rss><channel><wp:wxr_version>1.2</wp:wxr_version><item><wp:post_id>1</wp:post_id></item></channel></rss>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		Read(bytes.NewReader(data), Handler{Post: func(p Post) error {
			Split(p.Content)
			for _, c := range p.Comments {
				PlainText(c.Content)
			}
			return nil
		}})
	})
}

// Any post's HTML divides (or not) without a panic, and both parts are
// valid text.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"<p>Letter</p><p><strong>Reply:</strong></p><p>Answer</p>", "a\n\nb<hr>Dear c", "<h2>x</h2><ul><li><ol><li>y",
		"[caption]<img alt=z>[/caption]", "<pre>```</pre>", "<a href='javascript:x'>y</a>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, content string) {
		letter, reply, ok := Split(content)
		if !ok && letter != "" {
			t.Fatalf("not divided, yet a letter %q", letter)
		}
		_ = reply
		Markdown(content)
	})
}
