package verification_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/verification"
)

// approved submits fields for the customer, claims and approves it.
func (f *fixture) approved(t *testing.T, customer int64, fl verification.Fields) verification.Submission {
	t.Helper()
	ctx := context.Background()
	sub, err := f.svc.Submit(ctx, customer, fl, upload(pngBytes(t, 300, 300)))
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	f.claimed(t, reviewer, sub.ID)
	out, err := f.svc.Decide(ctx, reviewer, sub.ID, sub.Version, true, "", "")
	if err != nil {
		t.Fatalf("approve: %v", err)
	}
	return out
}

// TestOneCompanyPerCode: a code verified for company A is refused to B at
// submit time next to the field, naming A; a submission of B that was pending
// when A was approved cannot be approved (the reviewer is told who holds the
// code) and is rejected with the reason code_taken, which B is emailed.
func TestOneCompanyPerCode(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	early, err := f.svc.Submit(ctx, custB, fields, upload(pngBytes(t, 300, 300)))
	if err != nil {
		t.Fatal(err)
	}
	a := f.approved(t, custA, fields)

	// B modifies its pending submission: the code is refused next to the field.
	_, err = f.svc.Submit(ctx, custB, fields, nil)
	de := domain.As(err)
	if de.Kind != domain.Invalid || de.Field != "credit_code" || de.Key != "error.verification.code_taken_customer" ||
		de.Data["Company"] != fields.CompanyName {
		t.Fatalf("submit of a taken code: %+v", de)
	}
	if keys := f.files.Keys(); len(keys) != 2 {
		t.Errorf("a refused submit stored a licence: %v", keys)
	}

	d, err := f.svc.Open(ctx, reviewer, early.ID)
	if err != nil || d.Holder == nil || d.Holder.ID != a.ID {
		t.Fatalf("review page of B: holder %+v, %v", d.Holder, err)
	}
	f.claimed(t, reviewer, early.ID)
	_, err = f.svc.Decide(ctx, reviewer, early.ID, early.Version, true, "", "")
	de = domain.As(err)
	if de.Kind != domain.Conflict || de.Key != "error.verification.code_taken_by" ||
		de.Data["Company"] != fields.CompanyName || de.Data["CompanyID"] != int64(10) {
		t.Fatalf("approval of a taken code: %+v", de)
	}
	if stored, _ := f.store.SubmissionByID(ctx, early.ID); stored.State != verification.StatePending {
		t.Fatalf("refused approval stored %s", stored.State)
	}
	if _, err := f.svc.VerifiedCreditCode(ctx, companyB); key(err) != "error.verification.required" {
		t.Fatalf("B passed the gate with A's code: %v", err)
	}
	if _, err := f.svc.Decide(ctx, reviewer, early.ID, early.Version, false, verification.ReasonCodeTaken, ""); err != nil {
		t.Fatalf("reject with code_taken: %v", err)
	}
	if n := f.lastNotice("b@example.com"); n.Template != "verification_rejected" || n.Lang != "en" || n.Data["ReasonKey"] != "reason.code_taken" {
		t.Fatalf("B's mail: %+v", n)
	}
}

// TestRevoke: an admin's revocation needs a reason, closes the gate at once
// (also with the cache on), is audited, emailed and kept in the history, and
// frees the code for another company.
func TestRevoke(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	svc := f.service(f.store, 5*time.Second)
	f.svc = svc
	a := f.approved(t, custA, fields)
	if _, err := svc.VerifiedCreditCode(ctx, companyA); err != nil {
		t.Fatal(err) // now cached
	}
	const admin = 900
	for _, reason := range []string{"", "  ", strings.Repeat("假", 501)} {
		if _, err := svc.Revoke(ctx, admin, a.ID, reason); domain.As(err).Field != "revoke_reason" {
			t.Errorf("revoke with reason %q: %v", reason, err)
		}
	}
	if stored, _ := f.store.SubmissionByID(ctx, a.ID); stored.State != verification.StateVerified {
		t.Fatalf("a refused revocation changed the state to %s", stored.State)
	}
	events := len(f.events())
	f.now = f.now.Add(time.Second)
	rev, err := svc.Revoke(ctx, admin, a.ID, " 营业执照系伪造 ")
	if err != nil || rev.State != verification.StateRevoked || rev.Note != "营业执照系伪造" {
		t.Fatalf("revoke: %v %+v", err, rev)
	}
	if _, err := svc.VerifiedCreditCode(ctx, companyA); key(err) != "error.verification.required" {
		t.Fatalf("the gate stayed open after the revocation: %v", err)
	}
	if locked, _ := svc.CompanyLocked(ctx, 10); locked {
		t.Error("a revoked company stays locked")
	}
	ev := f.events()
	if len(ev) != events+1 || ev[len(ev)-1].Type != "verification_revoked" || ev[len(ev)-1].ActorID != admin ||
		!strings.Contains(ev[len(ev)-1].Detail, "营业执照系伪造") {
		t.Errorf("audit: %+v", ev)
	}
	st, _ := svc.Status(ctx, custA)
	last := st.History[len(st.History)-1]
	if st.State != verification.StateRevoked || st.Verified != nil || last.Action != verification.ActionRevoked || last.ActorID != admin {
		t.Errorf("status after revocation: %s, verified %+v, last entry %+v", st.State, st.Verified, last)
	}
	if _, err := svc.Revoke(ctx, admin, a.ID, "again"); key(err) != "error.verification.not_verified" {
		t.Errorf("revoking twice: %v", err)
	}
	if n := f.lastNotice("a@example.com"); n.Template != "verification_revoked" || n.Lang != "zh-CN" || n.Data["Reason"] != "营业执照系伪造" {
		t.Errorf("revocation mail: %+v", n)
	}
	// The code is free: company B may verify it now.
	f.approved(t, custB, fields)
	if code, err := svc.VerifiedCreditCode(ctx, companyB); err != nil || code != fields.CreditCode {
		t.Fatalf("B after A's revocation: %q %v", code, err)
	}
	// A resubmits, and is told who holds the code now.
	if _, err := svc.Submit(ctx, custA, fields, upload(pngBytes(t, 300, 300))); key(err) != "error.verification.code_taken_customer" {
		t.Errorf("A resubmitting B's code: %v", err)
	}
}

// TestReverify: a verified company submits a change of name and code; while
// it is in review, and after it is rejected, the old code stays in force;
// approving the change switches the code and the company's name.
func TestReverify(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	old := f.approved(t, custA, fields)
	change := verification.Fields{CompanyName: "上海示例数据集团有限公司", DocType: "business_licence", CreditCode: "91440300MA5F0KQ2XL"}
	if _, err := f.svc.Submit(ctx, custA, change, nil); key(err) != "error.licence.required" {
		t.Fatalf("a change without a new licence: %v", err)
	}
	sub, err := f.svc.Submit(ctx, custA, change, upload(pngBytes(t, 300, 300)))
	if err != nil || sub.ID == old.ID || sub.State != verification.StatePending {
		t.Fatalf("re-verification: %v %+v", err, sub)
	}
	gate := func(want string) {
		t.Helper()
		if code, err := f.svc.VerifiedCreditCode(ctx, companyA); err != nil || code != want {
			t.Fatalf("gate = %q %v, want %s", code, err, want)
		}
		if locked, _ := f.svc.CompanyLocked(ctx, 10); !locked {
			t.Fatal("the verified company is not locked")
		}
	}
	gate(fields.CreditCode)
	st, _ := f.svc.Status(ctx, custA)
	if st.State != verification.StatePending || st.Verified == nil || st.Verified.ID != old.ID || st.Latest.ID != sub.ID {
		t.Fatalf("status while the change is in review: %+v", st)
	}
	d, _ := f.svc.Open(ctx, reviewer, sub.ID)
	if d.Current == nil || d.Current.ID != old.ID {
		t.Fatalf("review page does not show the verification in force: %+v", d.Current)
	}
	f.claimed(t, reviewer, sub.ID)
	if _, err := f.svc.Decide(ctx, reviewer, sub.ID, 1, false, "blurry", ""); err != nil {
		t.Fatal(err)
	}
	gate(fields.CreditCode)
	again, err := f.svc.Submit(ctx, custA, change, upload(pngBytes(t, 320, 300)))
	if err != nil {
		t.Fatal(err)
	}
	f.claimed(t, reviewer, again.ID)
	if _, err := f.svc.Decide(ctx, reviewer, again.ID, 1, true, "", ""); err != nil {
		t.Fatal(err)
	}
	gate(change.CreditCode)
	if prev, _ := f.store.SubmissionByID(ctx, old.ID); prev.State != verification.StateSuperseded {
		t.Errorf("old verification: %s, want superseded", prev.State)
	}
	if c, _ := f.customers.Customer(ctx, custA); c.CompanyName != change.CompanyName {
		t.Errorf("company profile keeps %q", c.CompanyName)
	}
	// The old code is free for another company.
	f.approved(t, custB, fields)
}

// TestDecisionMailsSayWhen: the rejection, approval and revocation notices
// carry the time of the decision (RFC 3339) and the customer's zone, which
// the email shows the time in.
func TestDecisionMailsSayWhen(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	want := func(to, template, zone string) {
		t.Helper()
		n := f.lastNotice(to)
		if n.Template != template || n.Data["At"] != f.now.Format(time.RFC3339) || n.Data["TimeZone"] != zone {
			t.Errorf("%s mail: template %q, At %v, TimeZone %v; want %s in %s", template, n.Template, n.Data["At"], n.Data["TimeZone"], f.now.Format(time.RFC3339), zone)
		}
	}
	f.now = time.Date(2026, 12, 1, 1, 30, 0, 0, time.UTC)
	sub, err := f.svc.Submit(ctx, custB, fields, upload(pngBytes(t, 300, 300)))
	if err != nil {
		t.Fatal(err)
	}
	f.claimed(t, reviewer, sub.ID)
	if _, err := f.svc.Decide(ctx, reviewer, sub.ID, sub.Version, false, "blurry", ""); err != nil {
		t.Fatal(err)
	}
	want("b@example.com", "verification_rejected", "Europe/Berlin")

	f.now = f.now.Add(time.Hour)
	a := f.approved(t, custA, fields)
	want("a@example.com", "verification_approved", "Asia/Shanghai")

	f.now = f.now.Add(time.Hour)
	if _, err := f.svc.Revoke(ctx, 900, a.ID, "营业执照系伪造"); err != nil {
		t.Fatal(err)
	}
	want("a@example.com", "verification_revoked", "Asia/Shanghai")
}
