package postgres

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"supportal/adapters/minio"
	"supportal/adapters/minio/miniotest"
	"supportal/adapters/postgres/pgtest"
	"supportal/domain/attachment"
	"supportal/domain/verification"
	"supportal/ports"
)

// bucket returns a file store on a fresh bucket of the test MinIO server.
func bucket(t *testing.T) *minio.Store {
	t.Helper()
	endpoint, access, secret := miniotest.Server(t)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	s, err := minio.New(ctx, minio.Config{Endpoint: endpoint, AccessKey: access, SecretKey: secret, Bucket: miniotest.Bucket(t)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type textSniffer struct{}

func (textSniffer) Sniff([]byte) string { return "text/plain" }

// TestSweepOnPostgresAndMinIO stores objects in MinIO as uploads do and
// commits rows for some of them: the sweep removes exactly the objects no
// committed attachment row names (never committed, rolled back, marked
// deleted), and forgets the deleted rows.
func TestSweepOnPostgresAndMinIO(t *testing.T) {
	ctx := t.Context()
	db := migrated(t)
	files := bucket(t)
	store := attachment.NewStore(files, textSniffer{})
	rules := attachment.Rules{Field: "licence", Keys: "error.licence.", MaxBytes: 1 << 20, Prefix: "licences/",
		Types: map[string]attachment.Check{"text/plain": nil}}
	save := func(name string) attachment.Attachment {
		a, err := store.Save(ctx, attachment.Upload{Name: name, Size: -1, R: strings.NewReader("content of " + name)}, rules)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	vs := NewVerificationStore(db)
	companyID, accountID := accounts(db)(t, "示例")
	now := time.Now()
	committed := save("营业执照.pdf")
	sub := verification.Submission{CompanyID: companyID, AccountID: accountID, Region: "CN",
		Fields:  verification.Fields{CompanyName: "示例", DocType: "other", CreditCode: "91310110666007217T"},
		Licence: committed, State: verification.StatePending, Version: 1, SubmittedAt: now, UpdatedAt: now}
	if err := vs.CreateSubmission(ctx, &sub, verification.Entry{Version: 1, At: now, ActorID: accountID,
		Action: verification.ActionSubmitted, Fields: sub.Fields, LicenceKey: committed.Key}); err != nil {
		t.Fatal(err)
	}
	replaced, replacement := committed, save("new.pdf")
	if _, err := vs.UpdateSubmission(ctx, sub.ID, func(x *verification.Submission) ([]verification.Entry, error) {
		return []verification.Entry{{Version: 2, At: now, ActorID: accountID, Action: verification.ActionModified,
			Fields: x.Fields, LicenceKey: replacement.Key}}, x.Modify(x.Fields, &replacement, now)
	}); err != nil {
		t.Fatal(err)
	}
	neverCommitted := save("crash.pdf")
	rolledBack := save("refused.pdf")
	tx := db.MustBeginTx(ctx, nil)
	if err := NewAttachmentStore(tx).Add(ctx, rolledBack, "ticket_message", 1); err != nil {
		t.Fatal(err)
	}
	_ = tx.Rollback()
	deleted := save("removed.pdf")
	as := NewAttachmentStore(db)
	if err := as.Add(ctx, deleted, "ticket_message", 2); err != nil {
		t.Fatal(err)
	}
	if err := as.MarkDeleted(ctx, deleted.Key); err != nil {
		t.Fatal(err)
	}

	if n, err := store.Sweep(ctx, as, "licences/", time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("a sweep of objects older than an hour removed %d (%v)", n, err)
	}
	n, err := store.Sweep(ctx, as, "licences/", time.Now().Add(time.Minute))
	if err != nil || n != 3 {
		t.Fatalf("sweep removed %d (%v), want 3", n, err)
	}
	var left []string
	if err := files.List(ctx, "licences/", time.Now().Add(time.Hour), func(fi ports.FileInfo) error {
		left = append(left, fi.Key)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{replaced.Key, replacement.Key}
	slices.Sort(want)
	if !slices.Equal(left, want) {
		t.Errorf("objects left %v, want the submission's two licences %v (not %s, %s, %s)", left, want,
			neverCommitted.Key, rolledBack.Key, deleted.Key)
	}
	var rows int
	if err := db.GetContext(ctx, &rows, `SELECT count(*) FROM attachments WHERE key = $1`, deleted.Key); err != nil || rows != 0 {
		t.Errorf("the deleted row is still there: %d %v", rows, err)
	}
	var owner struct {
		Kind string `db:"owner_kind"`
		ID   int64  `db:"owner_id"`
		Name string `db:"name"`
	}
	if err := db.GetContext(ctx, &owner, `SELECT owner_kind, owner_id, name FROM attachments WHERE key = $1`, committed.Key); err != nil ||
		owner.Kind != "licence" || owner.ID != sub.ID || owner.Name != "营业执照.pdf" {
		t.Errorf("the licence's row = %+v, %v", owner, err)
	}
}

// TestLicenceNeedsItsAttachmentRow: the database refuses a submission whose
// licence has no attachment row, so no store can commit a licence that the
// sweeper would remove.
func TestLicenceNeedsItsAttachmentRow(t *testing.T) {
	ctx := t.Context()
	db := migrated(t)
	companyID, accountID := accounts(db)(t, "示例")
	const q = `
INSERT INTO verification_submissions (company_id, account_id, company_name, doc_type, credit_code,
	licence_key, state, version, submitted_at, updated_at)
VALUES ($1, $2, '示例', 'other', '91310110666007217T', 'licences/unnamed', 'pending', 1, now(), now())`
	if _, err := db.ExecContext(ctx, q, companyID, accountID); err == nil || !strings.Contains(err.Error(), "licence_key_fkey") {
		t.Fatalf("insert without an attachment row: %v", err)
	}
}

// TestMigrationCopiesLicences: migration 00013 gives every licence stored
// before it (of a submission, or only of the history) its attachment row.
func TestMigrationCopiesLicences(t *testing.T) {
	ctx := t.Context()
	db := open(t, pgtest.NewDB(t))
	p, err := newMigrator(db.DB)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 10); err != nil {
		t.Fatal(err)
	}
	companyID, accountID := accounts(db)(t, "示例")
	const q = `
WITH s AS (
	INSERT INTO verification_submissions (company_id, account_id, company_name, doc_type, credit_code,
		licence_key, licence_name, licence_type, licence_size, state, version, submitted_at, updated_at)
	VALUES ($1, $2, '示例', 'other', '91310110666007217T', 'licences/current', '执照.png', 'image/png', 1234,
		'pending', 2, now(), now())
	RETURNING id
)
INSERT INTO verification_history (submission_id, company_id, version, at, actor_id, action,
	company_name, doc_type, credit_code, licence_key)
SELECT s.id, $1, v.version, now(), $2, v.action, '示例', 'other', '91310110666007217T', v.key
FROM s, (VALUES (1, 'submitted', 'licences/first'), (2, 'modified', 'licences/current')) AS v (version, action, key)`
	if _, err := db.ExecContext(ctx, q, companyID, accountID); err != nil {
		t.Fatal(err)
	}
	if err := Migrate(ctx, db.DB); err != nil {
		t.Fatal(err)
	}
	type row struct {
		Key  string `db:"key"`
		Name string `db:"name"`
		Type string `db:"content_type"`
		Size int64  `db:"size"`
		Kind string `db:"owner_kind"`
	}
	var rows []row
	if err := db.SelectContext(ctx, &rows, `SELECT key, name, content_type, size, owner_kind FROM attachments ORDER BY key`); err != nil {
		t.Fatal(err)
	}
	want := []row{{"licences/current", "执照.png", "image/png", 1234, "licence"}, {"licences/first", "", "", 0, "licence"}}
	if !slices.Equal(rows, want) {
		t.Errorf("attachments = %+v, want %+v", rows, want)
	}
	unnamed, err := NewAttachmentStore(db).UnnamedKeys(ctx, []string{"licences/current", "licences/first", "licences/none"})
	if err != nil || !slices.Equal(unnamed, []string{"licences/none"}) {
		t.Errorf("UnnamedKeys = %v, %v", unnamed, err)
	}
}
