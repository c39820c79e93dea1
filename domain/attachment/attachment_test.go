package attachment_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"supportal/adapters/memory"
	"supportal/domain"
	"supportal/domain/attachment"
)

type stdSniffer struct{}

func (stdSniffer) Sniff(head []byte) string {
	ct, _, _ := strings.Cut(http.DetectContentType(head), ";")
	return ct
}

var img = attachment.Image{MinSide: 10, MaxSide: 1000, MaxPixels: 1_000_000}.Check

// rules accept images (decoded), PDFs (checked) and plain text, up to 1 KiB.
var rules = attachment.Rules{Field: "files", Keys: "error.attachment.", MaxBytes: 1 << 10, Prefix: "tickets/",
	Types: map[string]attachment.Check{"image/png": img, "application/pdf": attachment.PDF, "text/plain": nil}}

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// endless is a stream that never ends; it counts what was read of it.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	e.n += int64(len(p))
	return len(p), nil
}

// failingCheck reads nothing and fails as a reader would.
func failingCheck(context.Context, io.ReaderAt, int64) error { return errors.New("disk gone") }

func TestSave(t *testing.T) {
	text := []byte("line 1\nline 2\n")
	tests := []struct {
		name     string
		upload   attachment.Upload
		rules    attachment.Rules
		key      string // "" for a stored file
		data     map[string]any
		wantType string
	}{
		{"text under a pdf name", attachment.Upload{Name: "report.pdf", Size: -1, R: bytes.NewReader(text)}, rules, "", nil, "text/plain"},
		{"png named .txt", attachment.Upload{Name: "notes.txt", Size: -1, R: bytes.NewReader(pngOf(t, 20, 20))}, rules, "", nil, "image/png"},
		{"html named .png", attachment.Upload{Name: "photo.png", Size: -1, R: strings.NewReader("<!DOCTYPE html><script>alert(1)</script>")}, rules, "error.attachment.type", nil, ""},
		{"empty", attachment.Upload{Name: "a.txt", Size: -1, R: bytes.NewReader(nil)}, rules, "error.attachment.empty", nil, ""},
		{"declared empty", attachment.Upload{Name: "a.txt", Size: 0, R: bytes.NewReader(text)}, rules, "error.attachment.empty", nil, ""},
		{"no reader", attachment.Upload{Name: "a.txt", Size: 5}, rules, "error.attachment.empty", nil, ""},
		{"declared too large", attachment.Upload{Name: "a.txt", Size: 1<<10 + 1, R: bytes.NewReader(text)}, rules, "error.attachment.too_large", map[string]any{"MB": int64(0)}, ""},
		{"exactly the limit", attachment.Upload{Name: "a.txt", Size: -1, R: bytes.NewReader(bytes.Repeat([]byte("a"), 1<<10))}, rules, "", nil, "text/plain"},
		{"one byte over while streaming", attachment.Upload{Name: "a.txt", Size: -1, R: bytes.NewReader(bytes.Repeat([]byte("a"), 1<<10+1))}, rules, "error.attachment.too_large", nil, ""},
		{"image too small", attachment.Upload{Name: "a.png", Size: -1, R: bytes.NewReader(pngOf(t, 5, 20))}, rules, "error.attachment.dimensions", map[string]any{"Min": 10, "Max": 1000}, ""},
		{"truncated image", attachment.Upload{Name: "a.png", Size: -1, R: bytes.NewReader(pngOf(t, 20, 20)[:40])}, rules, "error.attachment.corrupt", nil, ""},
		{"broken pdf", attachment.Upload{Name: "a.pdf", Size: -1, R: strings.NewReader("%PDF-1.4\n%%EOF\n")}, rules, "error.attachment.pdf_corrupt", nil, ""},
		{"licence keys", attachment.Upload{Name: "a.exe", Size: -1, R: bytes.NewReader([]byte("MZ\x90\x00\x03\x00\x00\x00"))}, attachment.Rules{Field: "licence", Keys: "error.licence.", MaxBytes: 10 << 20, Types: rules.Types}, "error.licence.type", nil, ""},
	}
	for _, tt := range tests {
		files := memory.NewFileStore()
		s := attachment.NewStore(files, stdSniffer{})
		a, err := s.Save(t.Context(), tt.upload, tt.rules)
		if tt.key != "" {
			e := domain.As(err)
			if e == nil || e.Key != tt.key || e.Kind != domain.Invalid || e.Field != tt.rules.Field {
				t.Errorf("%s: got %v, want the field error %s on %s", tt.name, err, tt.key, tt.rules.Field)
			}
			for k, v := range tt.data {
				if e != nil && e.Data[k] != v {
					t.Errorf("%s: %s = %v, want %v", tt.name, k, e.Data[k], v)
				}
			}
			if keys := files.Keys(); len(keys) != 0 {
				t.Errorf("%s: a refused upload left %v", tt.name, keys)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if a.ContentType != tt.wantType || a.Name != tt.upload.Name || !strings.HasPrefix(a.Key, tt.rules.Prefix) {
			t.Errorf("%s: stored %+v", tt.name, a)
		}
		rc, fi, err := files.Open(t.Context(), a.Key)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got, _ := io.ReadAll(rc)
		if int64(len(got)) != a.Size || fi.ContentType != tt.wantType || fi.Meta["name"] != a.Name {
			t.Errorf("%s: object of %d bytes, %s, %v; attachment %+v", tt.name, len(got), fi.ContentType, fi.Meta, a)
		}
	}
}

func TestSaveStopsAnEndlessStream(t *testing.T) {
	files := memory.NewFileStore()
	r := &endless{}
	_, err := attachment.NewStore(files, stdSniffer{}).Save(t.Context(), attachment.Upload{Name: "a.log", Size: -1, R: r}, rules)
	if domain.As(err) == nil || domain.As(err).Key != "error.attachment.too_large" {
		t.Fatalf("got %v, want too_large", err)
	}
	// io.Copy reads in 32 KiB buffers: a little past the limit, never much more.
	if r.n > rules.MaxBytes+64<<10 {
		t.Errorf("read %d bytes of an endless stream with a limit of %d", r.n, rules.MaxBytes)
	}
	if len(files.Keys()) != 0 {
		t.Error("stored something")
	}
}

func TestCheckFailureIsInternal(t *testing.T) {
	files := memory.NewFileStore()
	r := rules
	r.Types = map[string]attachment.Check{"text/plain": failingCheck}
	_, err := attachment.NewStore(files, stdSniffer{}).Save(t.Context(), attachment.Upload{Name: "a.txt", Size: -1, R: strings.NewReader("hello")}, r)
	if domain.KindOf(err) != domain.Internal || !strings.Contains(err.Error(), "disk gone") {
		t.Fatalf("got %v, want the reader's error unchanged", err)
	}
	if len(files.Keys()) != 0 {
		t.Error("stored something")
	}
}

// halfPut stores the object, then fails, like an upload interrupted after
// its parts arrived; it records the deletes, which fail once ctx is done.
type halfPut struct {
	*memory.FileStore
	deleted []string
}

func (h *halfPut) Put(ctx context.Context, key string, r io.Reader, size int64, ct string, meta map[string]string) error {
	if err := h.FileStore.Put(ctx, key, r, size, ct, meta); err != nil {
		return err
	}
	return errors.New("connection reset")
}

func (h *halfPut) Delete(ctx context.Context, key string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	h.deleted = append(h.deleted, key)
	return h.FileStore.Delete(ctx, key)
}

func TestDeleteOnFailure(t *testing.T) {
	up := func() attachment.Upload {
		return attachment.Upload{Name: "a.txt", Size: -1, R: strings.NewReader("hello")}
	}
	t.Run("put fails", func(t *testing.T) {
		files := &halfPut{FileStore: memory.NewFileStore()}
		_, err := attachment.NewStore(files, stdSniffer{}).Save(t.Context(), up(), rules)
		if e := domain.As(err); e == nil || e.Kind != domain.Internal || e.Key != "error.attachment.storage" || !strings.Contains(err.Error(), "connection reset") {
			t.Fatalf("got %v, want the storage error", err)
		}
		if len(files.deleted) != 1 || len(files.Keys()) != 0 {
			t.Errorf("deleted %v, left %v", files.deleted, files.Keys())
		}
	})
	t.Run("put refused", func(t *testing.T) {
		files := memory.NewFileStore()
		files.Fail = errors.New("bucket gone")
		_, err := attachment.NewStore(files, stdSniffer{}).Save(t.Context(), up(), rules)
		if domain.KindOf(err) != domain.Internal {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("commit fails after a cancelled request", func(t *testing.T) {
		files := &halfPut{FileStore: memory.NewFileStore()}
		s := attachment.NewStore(&passPut{files}, stdSniffer{})
		ctx, cancel := context.WithCancel(t.Context())
		var seen attachment.Attachment
		_, err := s.Attach(ctx, up(), rules, func(a attachment.Attachment) error {
			seen = a
			cancel() // the client went away while the row was written
			return errors.New("insert refused")
		})
		if err == nil || err.Error() != "insert refused" {
			t.Fatalf("got %v, want commit's error", err)
		}
		if len(files.deleted) != 1 || files.deleted[0] != seen.Key || len(files.Keys()) != 0 {
			t.Errorf("deleted %v (want %s), left %v", files.deleted, seen.Key, files.Keys())
		}
	})
	t.Run("commit succeeds", func(t *testing.T) {
		files := memory.NewFileStore()
		a, err := attachment.NewStore(files, stdSniffer{}).Attach(t.Context(), up(), rules, func(attachment.Attachment) error { return nil })
		if err != nil || len(files.Keys()) != 1 || files.Keys()[0] != a.Key {
			t.Fatalf("got %v, %v", err, files.Keys())
		}
	})
}

// passPut stores normally and deletes through halfPut, which records it.
type passPut struct{ *halfPut }

func (p *passPut) Put(ctx context.Context, key string, r io.Reader, size int64, ct string, meta map[string]string) error {
	return p.halfPut.FileStore.Put(ctx, key, r, size, ct, meta)
}

func TestNewKey(t *testing.T) {
	shape := regexp.MustCompile(`^tickets/[0-9a-f]{32}$`)
	seen := map[string]bool{}
	for range 1000 {
		k, err := attachment.NewKey("tickets/")
		if err != nil {
			t.Fatal(err)
		}
		if !shape.MatchString(k) || seen[k] {
			t.Fatalf("key %q: wrong shape or repeated", k)
		}
		seen[k] = true
	}
}

func TestCleanName(t *testing.T) {
	long := strings.Repeat("长", 300) + ".pdf"
	tests := []struct{ in, want string }{
		{"营业执照.pdf", "营业执照.pdf"},
		{"../../etc/passwd", "passwd"},
		{`C:\Users\me\scan.png`, "scan.png"},
		{"a\x00b.pdf", "ab.pdf"},
		{"bad\r\nname\t.txt", "badname.txt"},
		{"invoice\u202Efdp.exe", "invoicefdp.exe"}, // a right-to-left override
		{"  report.log  ", "report.log"},
		{"..", "file"},
		{"", "file"},
		{"dir/", "file"},
		{"\xff\xfe.txt", "\uFFFD.txt"},
		{strings.Repeat("a", 300), strings.Repeat("a", 200)},
		{strings.Repeat("a", 300) + ".tar.gz", strings.Repeat("a", 197) + ".gz"},
		{long, strings.Repeat("长", 196) + ".pdf"},
		{strings.Repeat("b", 150) + "." + strings.Repeat("x", 150), strings.Repeat("b", 150) + "." + strings.Repeat("x", 49)},
	}
	for _, tt := range tests {
		if got := attachment.CleanName(tt.in); got != tt.want {
			t.Errorf("CleanName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// index names the keys in known; it counts its queries.
type index struct {
	known   map[string]bool
	queries int
	forgot  []string
}

func (x *index) UnnamedKeys(_ context.Context, keys []string) ([]string, error) {
	x.queries++
	var out []string
	for _, k := range keys {
		if !x.known[k] {
			out = append(out, k)
		}
	}
	return out, nil
}

func (x *index) ForgetDeleted(_ context.Context, keys []string) error {
	x.forgot = append(x.forgot, keys...)
	return nil
}

func TestSweep(t *testing.T) {
	ctx := t.Context()
	files := memory.NewFileStore()
	old := time.Now().Add(-2 * time.Hour)
	files.Now = func() time.Time { return old }
	idx := &index{known: map[string]bool{}}
	for i := range 1200 {
		k, _ := attachment.NewKey("tickets/")
		_ = files.Put(ctx, k, strings.NewReader("x"), 1, "text/plain", nil)
		if i%3 != 0 {
			idx.known[k] = true
		}
	}
	_ = files.Put(ctx, "licences/other", strings.NewReader("x"), 1, "text/plain", nil)
	files.Now = time.Now
	fresh, _ := attachment.NewKey("tickets/")
	_ = files.Put(ctx, fresh, strings.NewReader("x"), 1, "text/plain", nil)

	n, err := attachment.NewStore(files, stdSniffer{}).Sweep(ctx, idx, "tickets/", time.Now().Add(-time.Hour))
	if err != nil || n != 400 {
		t.Fatalf("swept %d (%v), want 400", n, err)
	}
	if idx.queries != 3 {
		t.Errorf("%d index queries for 1200 objects, want 3", idx.queries)
	}
	left := files.Keys()
	if len(left) != 802 {
		t.Errorf("%d objects left, want 800 named, the fresh one and the other prefix's", len(left))
	}
	for _, k := range left {
		if strings.HasPrefix(k, "tickets/") && k != fresh && !idx.known[k] {
			t.Errorf("unnamed %s left", k)
		}
	}
	if len(idx.forgot) != 400 {
		t.Errorf("forgot %d rows, want the 400 swept", len(idx.forgot))
	}
}
