package main

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"supportal/adapters/i18n"
)

// TestFaultStorageDownDuringUpload stops MinIO under a running application:
// a submission fails within seconds with the translated storage message and a
// 5xx, the cause is logged, and no row is written.
func TestFaultStorageDownDuringUpload(t *testing.T) {
	s := faultMinIO(t, t.TempDir(), 0)
	ta, _ := faultApp(t, s)
	clients := map[string]*webClient{}
	for i, lang := range i18n.Langs {
		email := "fault" + strconv.Itoa(i) + "@example.com"
		faultCustomer(t, ta, email)
		clients[lang] = newWebClient(t, ta, lang)
		clients[lang].login(email)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Langs {
		ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
		start := time.Now()
		status, body, err := clients[lang].submit(ctx, "故障测试科技有限公司", licencePNG(t, 300, 300))
		took := time.Since(start)
		cancel()
		t.Logf("%s: storage down: %d after %v", lang, status, took.Round(time.Millisecond))
		if err != nil {
			t.Fatalf("%s: submit with MinIO stopped did not answer within 15 s: %v", lang, err)
		}
		if status < 500 {
			t.Errorf("%s: status %d, want 5xx", lang, status)
		}
		if want := ta.bundle.T(lang, "error.licence.storage", nil); !strings.Contains(body, want) {
			t.Errorf("%s: the page does not say %q:\n%s", lang, want, body)
		}
		if strings.Contains(body, "connection refused") || strings.Contains(body, "minio") {
			t.Errorf("%s: the page shows the cause:\n%s", lang, body)
		}
	}
	if n := countRows(t, ta, "verification_submissions"); n != 0 {
		t.Errorf("%d submissions stored without their licence", n)
	}
	if n := countRows(t, ta, "verification_history"); n != 0 {
		t.Errorf("%d history entries stored without their licence", n)
	}
	if logs := ta.logs.String(); !strings.Contains(logs, "request failed") || !strings.Contains(logs, "error.licence.storage") {
		t.Errorf("the storage failure is not logged:\n%s", logs)
	}
	status, _, _ := clients[i18n.ZH].do(t.Context(), http.MethodGet, "/readyz", "", nil)
	if status != http.StatusServiceUnavailable {
		t.Errorf("/readyz = %d with MinIO stopped, want 503", status)
	}
}

// breakInserts makes every INSERT into verification_submissions fail.
const breakInserts = `
CREATE FUNCTION fault_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'fault test: insert refused'; END $$;
CREATE TRIGGER fault_refuse BEFORE INSERT ON verification_submissions
	FOR EACH ROW EXECUTE FUNCTION fault_refuse();`

// TestFaultDatabaseFailsAfterUpload breaks the submissions table: the upload
// lands in MinIO, the row does not, and the service removes the object again.
func TestFaultDatabaseFailsAfterUpload(t *testing.T) {
	s := faultMinIO(t, t.TempDir(), 0)
	ta, store := faultApp(t, s)
	faultCustomer(t, ta, "ok@example.com")
	ok := newWebClient(t, ta, i18n.EN)
	ok.login("ok@example.com")
	if status, body, err := ok.submit(t.Context(), "故障测试科技有限公司", licencePNG(t, 300, 300)); err != nil || status != http.StatusSeeOther {
		t.Fatalf("submit: %d %v\n%s", status, err, body)
	}
	kept := objects(t, store)
	if len(kept) != 1 {
		t.Fatalf("objects after one submission: %v", kept)
	}
	if _, err := ta.a.db.ExecContext(t.Context(), breakInserts); err != nil {
		t.Fatal(err)
	}
	for i, lang := range i18n.Langs {
		email := "broken" + strconv.Itoa(i) + "@example.com"
		faultCustomer(t, ta, email)
		w := newWebClient(t, ta, lang)
		w.login(email)
		status, body, err := w.submit(t.Context(), "故障测试科技有限公司", licencePNG(t, 300, 300))
		if err != nil || status != http.StatusInternalServerError {
			t.Fatalf("%s: submit with the table broken: %d %v", lang, status, err)
		}
		if want := ta.bundle.T(lang, "error.internal", nil); !strings.Contains(body, want) || strings.Contains(body, "insert refused") {
			t.Errorf("%s: the page does not say %q, or shows the cause:\n%s", lang, want, body)
		}
	}
	if n := countRows(t, ta, "verification_submissions"); n != 1 {
		t.Errorf("%d submissions, want the first one only", n)
	}
	if !strings.Contains(ta.logs.String(), "fault test: insert refused") {
		t.Errorf("the database failure is not logged:\n%s", ta.logs)
	}
	if got := objects(t, store); len(got) != 1 || got[0] != kept[0] {
		t.Errorf("objects %v, want only %v: the failed uploads were not removed", got, kept)
	}
	if n, err := ta.a.verification.Sweep(t.Context(), time.Now().Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("sweep removed %d (%v), want 0", n, err)
	}
	if got := objects(t, store); len(got) != 1 {
		t.Errorf("the sweeper removed a licence in use: %v", got)
	}
}

// TestFaultOrphanSweptAfterCrash makes the row insert wait, stops MinIO while
// the object is stored but the row not yet, then fails the insert: the
// request fails, the object cannot be removed and stays (as after a crash)
// until the sweeper runs with MinIO back.
func TestFaultOrphanSweptAfterCrash(t *testing.T) {
	dir := t.TempDir()
	s := faultMinIO(t, dir, 0)
	ta, store := faultApp(t, s)
	faultCustomer(t, ta, "ok@example.com")
	ok := newWebClient(t, ta, i18n.ZH)
	ok.login("ok@example.com")
	if status, _, err := ok.submit(t.Context(), "故障测试科技有限公司", licencePNG(t, 300, 300)); err != nil || status != http.StatusSeeOther {
		t.Fatalf("submit: %d %v", status, err)
	}
	kept := objects(t, store)
	faultCustomer(t, ta, "crash@example.com")
	w := newWebClient(t, ta, i18n.ZH)
	w.login("crash@example.com")

	// Reads go on; the INSERT waits for this transaction.
	tx, err := ta.a.db.BeginTxx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(t.Context(), `LOCK TABLE verification_submissions IN EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		status, body, err := w.submit(ctx, "崩溃测试有限公司", licencePNG(t, 400, 300))
		done <- result{status, body, err}
	}()
	waitFor(t, "the INSERT to wait for the lock", func() bool {
		var n int
		_ = ta.a.db.GetContext(t.Context(), &n, `SELECT count(*) FROM pg_stat_activity
WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO verification_submissions%'`)
		return n == 1
	})
	var orphan string
	for _, k := range objects(t, store) {
		if k != kept[0] {
			orphan = k
		}
	}
	if orphan == "" {
		t.Fatal("the licence is not in the bucket while its row waits")
	}
	_, port, _ := net.SplitHostPort(s.Endpoint())
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(t.Context(), breakInserts); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := <-done
	t.Logf("request ended %v after the insert failed: %d", time.Since(start).Round(time.Millisecond), r.status)
	if r.err != nil || r.status != http.StatusInternalServerError {
		t.Fatalf("submit: %d %v\n%s", r.status, r.err, r.body)
	}
	if n := countRows(t, ta, "verification_submissions"); n != 1 {
		t.Errorf("%d submissions, want the first one only", n)
	}
	if !strings.Contains(ta.logs.String(), "fault test: insert refused") {
		t.Errorf("the request did not fail on the insert:\n%s", ta.logs)
	}

	// MinIO is back with the same data: the orphan is there until the sweep.
	p, _ := strconv.Atoi(port)
	faultMinIO(t, dir, p)
	waitFor(t, "MinIO to answer", func() bool { return store.Ping(t.Context()) == nil })
	if got := objects(t, store); len(got) != 2 {
		t.Fatalf("objects after the failed request: %v, want %s and the orphan %s", got, kept[0], orphan)
	}
	if n, err := ta.a.verification.Sweep(t.Context(), time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("a sweep of objects older than an hour removed %d (%v)", n, err)
	}
	n, err := ta.a.verification.Sweep(t.Context(), time.Now().Add(time.Minute))
	if err != nil || n != 1 {
		t.Errorf("sweep removed %d (%v), want the orphan", n, err)
	}
	if got := objects(t, store); len(got) != 1 || got[0] != kept[0] {
		t.Errorf("objects after the sweep: %v, want only %v", got, kept)
	}
}
