package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/verification"
	"supportal/ports"
)

// VerificationUnit is a unit-of-work runner of the verification module with
// what the contract needs to see what it kept: the store outside any unit of
// work, the company names, the audit log and the outbox's notices.
type VerificationUnit struct {
	Tx    verification.TxRunner
	Store VerificationStores
	// Account creates a customer in a company of its own, named name.
	Account NewAccount
	// CompanyName returns the name of the company profile.
	CompanyName func(t *testing.T, companyID int64) string
	Audit       AuditStore
	// Notices returns every notice in the outbox, oldest first.
	Notices func(t *testing.T) []ports.Notice
}

// VerificationTx runs the contract of the verification module's unit of
// work against a fresh runner from newUnit for each sub-test: what a unit of
// work writes through its stores is kept together, or not at all.
func VerificationTx(t *testing.T, newUnit func(t *testing.T) VerificationUnit) {
	t.Run("commit keeps every write", func(t *testing.T) { testUnitCommit(t, newUnit(t)) })
	t.Run("failure keeps nothing", func(t *testing.T) { testUnitRollback(t, newUnit(t)) })
	t.Run("refused write keeps nothing", func(t *testing.T) { testUnitRefused(t, newUnit(t)) })
	t.Run("unknown company", func(t *testing.T) { testUnitUnknownCompany(t, newUnit(t)) })
}

var errUnitFails = errors.New("the unit of work fails")

// decideInUnit approves sub in st, sets the verified name, audits and
// enqueues the customer's notice, as Decide does.
func decideInUnit(ctx context.Context, st verification.Stores, sub verification.Submission, name string, at time.Time) error {
	_, err := st.Submissions.UpdateSubmission(ctx, sub.ID, func(x *verification.Submission) ([]verification.Entry, error) {
		x.State, x.DecidedBy, x.DecidedAt, x.UpdatedAt = verification.StateVerified, 7, at, at
		x.Fields.CompanyName = name
		return []verification.Entry{entryOf(*x, verification.ActionApproved, 7, at)}, nil
	})
	if err != nil {
		return err
	}
	if err := st.Companies.SetVerifiedName(ctx, sub.CompanyID, name); err != nil {
		return err
	}
	if err := st.Audit.Record(ctx, ports.AuditEvent{At: at, Type: "verification_verified", ActorID: 7, Detail: "submission"}); err != nil {
		return err
	}
	return st.Outbox.Enqueue(ctx, ports.Notice{To: "wang@example.com", Lang: "zh-CN", Template: "verification_approved",
		Data: map[string]any{"Company": name}})
}

func testUnitCommit(t *testing.T, u VerificationUnit) {
	ctx := ports.WithRequestID(t.Context(), "req-9")
	sub := newPending(t, u.Store, u.Account, "甲公司", codeA, base)
	var created verification.Submission
	err := u.Tx.InTx(ctx, func(st verification.Stores) error {
		c, a := u.Account(t, "乙公司")
		created = newSubmission(c, a, "乙公司", codeB, base)
		if err := st.Submissions.CreateSubmission(ctx, &created, entryOf(created, verification.ActionSubmitted, a, base)); err != nil {
			return err
		}
		return decideInUnit(ctx, st, sub, "甲科技有限公司", base.Add(time.Minute))
	})
	must(t, err)
	if got, err := u.Store.SubmissionByID(ctx, sub.ID); err != nil || got.State != verification.StateVerified {
		t.Errorf("decided submission = %+v, %v", got, err)
	}
	if h, _ := u.Store.History(ctx, sub.CompanyID); len(h) != 2 || h[1].Action != verification.ActionApproved {
		t.Errorf("history = %+v, want the approval appended", h)
	}
	if got, err := u.Store.LatestSubmission(ctx, created.CompanyID); err != nil || got.ID != created.ID || created.ID == 0 {
		t.Errorf("created submission = %+v, %v (id %d)", got, err, created.ID)
	}
	if name := u.CompanyName(t, sub.CompanyID); name != "甲科技有限公司" {
		t.Errorf("company name = %q, want the verified name", name)
	}
	ev, err := u.Audit.Events(ctx, base, 10)
	must(t, err)
	if len(ev) != 1 || ev[0].Type != "verification_verified" || ev[0].ActorID != 7 {
		t.Errorf("audit events = %+v", ev)
	}
	ns := u.Notices(t)
	if len(ns) != 1 || ns[0].To != "wang@example.com" || ns[0].Template != "verification_approved" ||
		ns[0].RequestID != "req-9" || ns[0].Data["Company"] != "甲科技有限公司" {
		t.Errorf("notices = %+v", ns)
	}
}

// nothingKept checks that sub and its company are as before a failed unit of
// work, and that no event or notice was kept.
func nothingKept(t *testing.T, u VerificationUnit, sub verification.Submission, name string) {
	t.Helper()
	ctx := t.Context()
	got, err := u.Store.SubmissionByID(ctx, sub.ID)
	must(t, err)
	sameSubmission(t, got, sub)
	if h, _ := u.Store.History(ctx, sub.CompanyID); len(h) != 1 {
		t.Errorf("history has %d entries, want the submission's only", len(h))
	}
	if n := u.CompanyName(t, sub.CompanyID); n != name {
		t.Errorf("company name = %q, want %q", n, name)
	}
	if ev, _ := u.Audit.Events(ctx, base.Add(-time.Hour), 10); len(ev) != 0 {
		t.Errorf("audit events kept: %+v", ev)
	}
	if ns := u.Notices(t); len(ns) != 0 {
		t.Errorf("notices kept: %+v", ns)
	}
}

func testUnitRollback(t *testing.T, u VerificationUnit) {
	ctx := t.Context()
	sub := newPending(t, u.Store, u.Account, "甲公司", codeA, base)
	c, a := u.Account(t, "乙公司")
	err := u.Tx.InTx(ctx, func(st verification.Stores) error {
		other := newSubmission(c, a, "乙公司", codeB, base)
		if err := st.Submissions.CreateSubmission(ctx, &other, entryOf(other, verification.ActionSubmitted, a, base)); err != nil {
			return err
		}
		if err := decideInUnit(ctx, st, sub, "甲科技有限公司", base.Add(time.Minute)); err != nil {
			return err
		}
		return errUnitFails
	})
	if !errors.Is(err, errUnitFails) {
		t.Fatalf("InTx = %v, want the function's error", err)
	}
	nothingKept(t, u, sub, "甲公司")
	if _, err := u.Store.LatestSubmission(ctx, c); domain.KindOf(err) != domain.NotFound {
		t.Errorf("a submission created in the failed unit of work stayed: %v", err)
	}
}

// testUnitRefused: a write the store refuses (a credit code verified for
// another company) fails the unit of work, and what it wrote before goes too.
func testUnitRefused(t *testing.T, u VerificationUnit) {
	ctx := t.Context()
	holder := newPending(t, u.Store, u.Account, "甲公司", codeA, base)
	_, err := approve(t, u.Store, holder, 7, base)
	must(t, err)
	sub := newPending(t, u.Store, u.Account, "乙公司", codeA, base)
	err = u.Tx.InTx(ctx, func(st verification.Stores) error {
		if err := st.Audit.Record(ctx, ports.AuditEvent{At: base, Type: "verification_verified", ActorID: 7}); err != nil {
			return err
		}
		return decideInUnit(ctx, st, sub, "乙公司", base.Add(time.Minute))
	})
	if de := domain.As(err); de.Kind != domain.Conflict || de.Key != "error.verification.code_taken" {
		t.Fatalf("InTx = %v, want the store's code_taken", err)
	}
	nothingKept(t, u, sub, "乙公司")
}

func testUnitUnknownCompany(t *testing.T, u VerificationUnit) {
	err := u.Tx.InTx(t.Context(), func(st verification.Stores) error {
		return st.Companies.SetVerifiedName(t.Context(), 987654321, "无名")
	})
	if domain.KindOf(err) != domain.NotFound {
		t.Errorf("SetVerifiedName of an unknown company: %v, want NotFound", err)
	}
}
