package verification_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"testing"
	"time"

	"supportal/adapters/memory"
	"supportal/domain"
	"supportal/domain/verification"
	"supportal/ports"
)

type customers map[int64]verification.Customer

func (c customers) Customer(_ context.Context, id int64) (verification.Customer, error) {
	if x, ok := c[id]; ok {
		return x, nil
	}
	return verification.Customer{}, domain.E(domain.NotFound, "error.account.not_found")
}

func (c customers) SetVerifiedName(_ context.Context, companyID int64, name string) error {
	for id, x := range c {
		if x.CompanyID == companyID {
			x.CompanyName = name
			c[id] = x
		}
	}
	return nil
}

type stdSniffer struct{}

func (stdSniffer) Sniff(head []byte) string {
	ct := http.DetectContentType(head)
	if i := bytes.IndexByte([]byte(ct), ';'); i >= 0 {
		ct = ct[:i]
	}
	return ct
}

const (
	custA, custB     = 1, 2
	companyA         = 10 // custA's company
	companyB         = 20 // custB's company
	reviewer, second = 100, 101
)

type fixture struct {
	svc       *verification.Service
	store     *memory.VerificationStore
	files     *memory.FileStore
	outbox    *memory.Outbox
	audit     *memory.Audit
	tx        verification.TxRunner
	customers customers
	now       time.Time
	// fault names the store that fails in the service's units of work.
	fault string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{customers: customers{
		custA: {AccountID: custA, CompanyID: companyA, CompanyName: "上海示例", Country: "CN", Email: "a@example.com", Lang: "zh-CN", TimeZone: "Asia/Shanghai"},
		custB: {AccountID: custB, CompanyID: companyB, CompanyName: "Other", Country: "CN", Email: "b@example.com", Lang: "en", TimeZone: "Europe/Berlin"},
	}, store: memory.NewVerificationStore(), files: memory.NewFileStore(), outbox: memory.NewOutbox(), audit: memory.NewAudit(),
		now: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	f.tx = faultyTx{memory.NewVerificationTx(f.store, f.customers, f.outbox, f.audit), &f.fault}
	f.svc = f.service(f.store, 0)
	return f
}

// service returns a verification service over the fixture's ports that reads
// submissions from subs and keeps verified codes for cacheFor.
func (f *fixture) service(subs verification.Submissions, cacheFor time.Duration) *verification.Service {
	return verification.NewService(verification.Deps{Submissions: subs, Queue: f.store, Tx: f.tx, Files: f.files, Attachments: f.store,
		Sniffer: stdSniffer{}, Now: func() time.Time { return f.now }, Customers: f.customers, CacheFor: cacheFor})
}

// lastNotice returns the latest notice enqueued for the address to.
func (f *fixture) lastNotice(to string) ports.Notice {
	ns := f.outbox.Notices()
	for i := len(ns) - 1; i >= 0; i-- {
		if ns[i].To == to {
			return ns[i]
		}
	}
	return ports.Notice{}
}

// events returns every audit event recorded.
func (f *fixture) events() []ports.AuditEvent {
	ev, _ := f.audit.Events(context.Background(), time.Time{}, 1000)
	return ev
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func upload(b []byte) *verification.Upload {
	return &verification.Upload{Name: "licence.pdf", Size: int64(len(b)), R: bytes.NewReader(b)}
}

var fields = verification.Fields{CompanyName: "上海示例数据科技有限公司", DocType: "business_licence", CreditCode: "91310110666007217T"}

func key(err error) string {
	if err == nil {
		return ""
	}
	return domain.As(err).Key
}

func TestSubmitReviewApprove(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sub, err := f.svc.Submit(ctx, custA, fields, upload(pngBytes(t, 300, 200)))
	if err != nil || sub.State != verification.StatePending || sub.Version != 1 || sub.Licence.ContentType != "image/png" {
		t.Fatalf("submit: %v %+v", err, sub)
	}
	if _, err := f.svc.VerifiedCreditCode(ctx, companyA); key(err) != "error.verification.required" {
		t.Fatalf("pending company passed the gate: %v", err)
	}
	// Opening is read-only: it claims nothing, so it allows no decision.
	d, err := f.svc.Open(ctx, reviewer, sub.ID)
	if err != nil || d.ClaimedByOther || d.ClaimedByMe {
		t.Fatalf("open: %v %+v", err, d)
	}
	if stored, _ := f.store.SubmissionByID(ctx, sub.ID); stored.ClaimedBy != 0 {
		t.Fatalf("opening claimed the submission for %d", stored.ClaimedBy)
	}
	if _, err := f.svc.Decide(ctx, reviewer, sub.ID, 1, true, "", ""); key(err) != "error.verification.claim_lost" {
		t.Fatalf("decision without a claim: %v", err)
	}
	if _, err := f.svc.Claim(ctx, reviewer, sub.ID); err != nil {
		t.Fatalf("claim: %v", err)
	}
	if d, _ := f.svc.Open(ctx, reviewer, sub.ID); !d.ClaimedByMe {
		t.Fatal("the claimer's page does not show the claim")
	}
	if d2, _ := f.svc.Open(ctx, second, sub.ID); !d2.ClaimedByOther {
		t.Fatal("a second reviewer does not see the claim")
	}
	if _, err := f.svc.Claim(ctx, second, sub.ID); key(err) != "error.verification.claimed" {
		t.Fatalf("a second reviewer claimed the claimed submission: %v", err)
	}
	// The customer modifies while the reviewer looks: the decision on version 1 conflicts.
	mod := fields
	mod.CompanyName = "上海示例数据科技股份有限公司"
	if _, err := f.svc.Submit(ctx, custA, mod, nil); err != nil {
		t.Fatalf("modify: %v", err)
	}
	if _, err := f.svc.Decide(ctx, reviewer, sub.ID, 1, true, "", ""); key(err) != "error.verification.stale" {
		t.Fatalf("stale decision: want conflict, got %v", err)
	}
	d, _ = f.svc.Open(ctx, reviewer, sub.ID)
	if d.Submission.Version != 2 || len(d.Changes) != 1 || d.Changes[0].Field != "company_name" {
		t.Fatalf("diff after modify: %+v", d.Changes)
	}
	if _, err := f.svc.Decide(ctx, reviewer, sub.ID, 2, true, "", ""); err != nil {
		t.Fatalf("approve: %v", err)
	}
	if code, err := f.svc.VerifiedCreditCode(ctx, companyA); err != nil || code != "91310110666007217T" {
		t.Fatalf("gate after approval: %q %v", code, err)
	}
	if c, _ := f.customers.Customer(ctx, custA); c.CompanyName != mod.CompanyName {
		t.Fatalf("company profile keeps %q, want the approved name", c.CompanyName)
	}
	if locked, _ := f.svc.CompanyLocked(ctx, 10); !locked {
		t.Fatal("verified company not locked")
	}
	if n := f.lastNotice("a@example.com"); n.Template != "verification_approved" || n.Lang != "zh-CN" {
		t.Fatalf("approval mail: %+v", n)
	}
	st, _ := f.svc.Status(ctx, custA)
	if st.State != verification.StateVerified || len(st.History) != 3 || st.Verified == nil || st.Verified.ID != sub.ID {
		t.Fatalf("status: %s with %d history entries, verified %+v", st.State, len(st.History), st.Verified)
	}
}

// claimed claims the submission for the reviewer, as the 【领取】 button does.
func (f *fixture) claimed(t *testing.T, by, id int64) {
	t.Helper()
	if _, err := f.svc.Claim(context.Background(), by, id); err != nil {
		t.Fatalf("claim %d: %v", id, err)
	}
}

func TestRejectAndResubmit(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sub, _ := f.svc.Submit(ctx, custA, fields, upload(pngBytes(t, 300, 300)))
	f.claimed(t, reviewer, sub.ID)
	if _, err := f.svc.Decide(ctx, reviewer, sub.ID, 1, false, "other", ""); key(err) != "error.reason.note_required" {
		t.Fatalf("reject without note: %v", err)
	}
	if _, err := f.svc.Decide(ctx, reviewer, sub.ID, 1, false, "blurry", "请上传清晰的扫描件"); err != nil {
		t.Fatal(err)
	}
	if n := f.lastNotice("a@example.com"); n.Template != "verification_rejected" || n.Data["Note"] != "请上传清晰的扫描件" {
		t.Fatalf("rejection mail: %+v", n)
	}
	if _, err := f.svc.Submit(ctx, custA, fields, nil); key(err) != "error.licence.required" {
		t.Fatalf("resubmit without a file: %v", err)
	}
	again, err := f.svc.Submit(ctx, custA, fields, upload(pngBytes(t, 400, 300)))
	if err != nil || again.ID == sub.ID || again.State != verification.StatePending {
		t.Fatalf("resubmit: %v %+v", err, again)
	}
	d, _ := f.svc.Open(ctx, reviewer, again.ID)
	if len(d.Changes) != 1 || d.Changes[0].Field != "licence" {
		t.Fatalf("diff against the rejected submission: %+v", d.Changes)
	}
}

// validPDF is a PDF of one object whose startxref gives the offset of its
// cross-reference table.
var validPDF = []byte("%PDF-1.4\n1 0 obj<<>>endobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n" +
	"trailer<</Size 2>>\nstartxref\n27\n%%EOF\n")

// pngClaiming patches a PNG's header to claim w×h pixels: a file refused
// from its header, before its pixels are decoded.
func pngClaiming(p []byte, w, h int) []byte {
	binary.BigEndian.PutUint32(p[16:], uint32(w)) // IHDR data starts at 16
	binary.BigEndian.PutUint32(p[20:], uint32(h))
	binary.BigEndian.PutUint32(p[29:], crc32.ChecksumIEEE(p[12:29]))
	return p
}

func jpegBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLicenceChecks(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	big := append(pngBytes(t, 300, 300), make([]byte, verification.MaxLicenceBytes)...)
	tests := []struct {
		name string
		data []byte
		key  string
	}{
		{"html renamed", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "error.licence.type"},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "error.licence.type"},
		{"empty", nil, "error.licence.empty"},
		{"tiny image", pngBytes(t, 50, 50), "error.licence.dimensions"},
		{"truncated png", pngBytes(t, 300, 300)[:20], "error.licence.corrupt"},
		{"png cut after its header", pngBytes(t, 300, 300)[:60], "error.licence.corrupt"},
		{"truncated jpeg", jpegBytes(t, 400, 300)[:400], "error.licence.corrupt"},
		{"png over the pixel limit", pngClaiming(pngBytes(t, 300, 300), 5000, 5000), "error.licence.pixels"},
		{"pdf without %%EOF", bytes.TrimSuffix(validPDF, []byte("%%EOF\n")), "error.licence.pdf_corrupt"},
		{"pdf with startxref out of range", bytes.Replace(validPDF, []byte("startxref\n27"), []byte("startxref\n2700"), 1), "error.licence.pdf_corrupt"},
		{"over 10 MB", big, "error.licence.too_large"},
	}
	for _, tt := range tests {
		u := upload(tt.data)
		u.Size = -1 // as when streamed without a length
		if _, err := f.svc.Submit(ctx, custA, fields, u); key(err) != tt.key {
			t.Errorf("%s: want %s, got %v", tt.name, tt.key, err)
		}
	}
	if keys := f.files.Keys(); len(keys) != 0 {
		t.Fatalf("refused uploads left objects: %v", keys)
	}
	if _, err := f.store.LatestSubmission(ctx, 10); domain.KindOf(err) != domain.NotFound {
		t.Fatal("a refused upload created a submission")
	}
	if sub, err := f.svc.Submit(ctx, custA, fields, upload(validPDF)); err != nil || sub.Licence.ContentType != "application/pdf" {
		t.Fatalf("pdf: %v %+v", err, sub.Licence)
	}
}

func TestStorageDownStoresNothing(t *testing.T) {
	f := newFixture(t)
	f.files.Fail = errors.New("connection refused")
	_, err := f.svc.Submit(context.Background(), custA, fields, upload(pngBytes(t, 300, 300)))
	if key(err) != "error.licence.storage" || domain.KindOf(err) != domain.Internal {
		t.Fatalf("want the storage error, got %v", err)
	}
	if _, err := f.store.LatestSubmission(context.Background(), 10); domain.KindOf(err) != domain.NotFound {
		t.Fatal("a row was committed without its file")
	}
}

func TestDatabaseDownAfterUploadIsSwept(t *testing.T) {
	f := newFixture(t)
	f.fault = "create"
	ctx := context.Background()
	if _, err := f.svc.Submit(ctx, custA, fields, upload(pngBytes(t, 300, 300))); err == nil {
		t.Fatal("submit succeeded although the database failed")
	}
	// The service deletes the object itself; put one back as if that failed too.
	_ = f.files.Put(ctx, "licences/orphan", bytes.NewReader([]byte("x")), 1, "image/png", nil)
	f.files.Now = func() time.Time { return time.Now().Add(time.Hour) }
	_ = f.files.Put(ctx, "licences/fresh", bytes.NewReader([]byte("x")), 1, "image/png", nil)
	n, err := f.svc.Sweep(ctx, time.Now().Add(time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("sweep removed %d: %v", n, err)
	}
	if keys := f.files.Keys(); len(keys) != 1 || keys[0] != "licences/fresh" {
		t.Fatalf("left %v", keys)
	}
}

func TestLicenceIsolation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sub, _ := f.svc.Submit(ctx, custA, fields, upload(pngBytes(t, 300, 300)))
	rc, lic, err := f.svc.Licence(ctx, custA, sub.ID)
	if err != nil || lic.ContentType != "image/png" {
		t.Fatalf("own licence: %v", err)
	}
	data, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(data, pngBytes(t, 300, 300)) {
		t.Fatal("licence content differs")
	}
	for _, id := range []int64{sub.ID, sub.ID + 1, 0, -1} {
		if _, _, err := f.svc.Licence(ctx, custB, id); domain.KindOf(err) != domain.NotFound {
			t.Errorf("customer B reading submission %d: want NotFound, got %v", id, err)
		}
	}
}
