package verification_test

import (
	"context"
	"errors"
	"testing"

	"supportal/adapters/memory"
	"supportal/domain/verification"
	"supportal/ports"
)

// errDown is the error of a store that went away.
var errDown = errors.New("connection reset")

// failingCreate makes CreateSubmission fail, like a database that went away
// after the upload.
type failingCreate struct{ verification.Submissions }

func (failingCreate) CreateSubmission(context.Context, *verification.Submission, verification.Entry) error {
	return errDown
}

// failingUpdate makes UpdateSubmission fail.
type failingUpdate struct{ verification.Submissions }

func (failingUpdate) UpdateSubmission(context.Context, int64, func(*verification.Submission) ([]verification.Entry, error)) (verification.Submission, error) {
	return verification.Submission{}, errDown
}

// failing is a company-name store, audit log and outbox that cannot write.
type failing struct{}

func (failing) SetVerifiedName(context.Context, int64, string) error { return errDown }
func (failing) Record(context.Context, ports.AuditEvent) error       { return errDown }
func (failing) Enqueue(context.Context, ...ports.Notice) error       { return errDown }

// faultyTx makes one store of every unit of work fail: "create" or "update"
// (the submissions), "companies", "audit" or "outbox"; "" for none.
type faultyTx struct {
	verification.TxRunner
	fault *string
}

func (f faultyTx) InTx(ctx context.Context, fn func(verification.Stores) error) error {
	return f.TxRunner.InTx(ctx, func(st verification.Stores) error {
		switch *f.fault {
		case "create":
			st.Submissions = failingCreate{st.Submissions}
		case "update":
			st.Submissions = failingUpdate{st.Submissions}
		case "companies":
			st.Companies = failing{}
		case "audit":
			st.Audit = failing{}
		case "outbox":
			st.Outbox = failing{}
		}
		return fn(st)
	})
}

// unchanged checks that a failed use case left the submission as it was and
// wrote no history entry, audit event or notice, and no company name.
func (f *fixture) unchanged(t *testing.T, before verification.Submission, history, events, notices int) {
	t.Helper()
	ctx := context.Background()
	got, err := f.store.SubmissionByID(ctx, before.ID)
	if err != nil || got != before {
		t.Errorf("submission after the failure = %+v, %v\nwant %+v", got, err, before)
	}
	if h, _ := f.store.History(ctx, before.CompanyID); len(h) != history {
		t.Errorf("history has %d entries, want %d", len(h), history)
	}
	if n := len(f.events()); n != events {
		t.Errorf("%d audit events, want %d", n, events)
	}
	if n := len(f.outbox.Notices()); n != notices {
		t.Errorf("%d notices, want %d", n, notices)
	}
}

// TestDecideKeepsNothingWhenAStepFails: the decision, its history entry, the
// verified name, the audit event and the customer's notice are one unit of
// work; when any of the later writes fails, the submission stays pending and
// claimed, nothing else is kept, and the reviewer can decide again.
func TestDecideKeepsNothingWhenAStepFails(t *testing.T) {
	for _, tt := range []struct {
		approve bool
		fault   string
	}{
		{true, "companies"}, {true, "audit"}, {true, "outbox"}, {false, "audit"}, {false, "outbox"},
	} {
		t.Run(map[bool]string{true: "approve", false: "reject"}[tt.approve]+" "+tt.fault, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			sub, err := f.svc.Submit(ctx, custA, fields, upload(pngBytes(t, 300, 300)))
			if err != nil {
				t.Fatal(err)
			}
			f.claimed(t, reviewer, sub.ID)
			before, _ := f.store.SubmissionByID(ctx, sub.ID)
			f.fault = tt.fault
			if _, err := f.svc.Decide(ctx, reviewer, sub.ID, 1, tt.approve, "blurry", ""); err == nil {
				t.Fatal("the decision succeeded although a step failed")
			}
			f.unchanged(t, before, 1, 0, 0)
			if c, _ := f.customers.Customer(ctx, custA); c.CompanyName != "上海示例" {
				t.Errorf("company profile = %q after the failed decision", c.CompanyName)
			}
			if _, err := f.svc.VerifiedCreditCode(ctx, companyA); key(err) != "error.verification.required" {
				t.Errorf("the gate opened after the failed decision: %v", err)
			}
			f.fault = ""
			if _, err := f.svc.Decide(ctx, reviewer, sub.ID, 1, tt.approve, "blurry", ""); err != nil {
				t.Fatalf("deciding again: %v", err)
			}
			if len(f.events()) != 1 || len(f.outbox.Notices()) != 1 {
				t.Errorf("after deciding again: %d events, %d notices; want 1 and 1", len(f.events()), len(f.outbox.Notices()))
			}
		})
	}
}

// TestRevokeKeepsNothingWhenAStepFails: a revocation whose audit event or
// notice cannot be written leaves the company verified.
func TestRevokeKeepsNothingWhenAStepFails(t *testing.T) {
	for _, fault := range []string{"audit", "outbox"} {
		t.Run(fault, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			a := f.approved(t, custA, fields)
			before, _ := f.store.SubmissionByID(ctx, a.ID)
			f.fault = fault
			if _, err := f.svc.Revoke(ctx, 900, a.ID, "营业执照系伪造"); err == nil {
				t.Fatal("the revocation succeeded although a step failed")
			}
			f.unchanged(t, before, 2, 1, 1) // the submission, its approval and the approval's event and notice
			if code, err := f.svc.VerifiedCreditCode(ctx, companyA); err != nil || code != fields.CreditCode {
				t.Errorf("gate after the failed revocation: %q %v", code, err)
			}
		})
	}
}

// TestSubmitKeepsNothingWhenAStepFails: a submission or a modification whose
// row cannot be written stores nothing and removes the licence it uploaded.
func TestSubmitKeepsNothingWhenAStepFails(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sub, err := f.svc.Submit(ctx, custA, fields, upload(pngBytes(t, 300, 300)))
	if err != nil {
		t.Fatal(err)
	}
	f.fault = "update"
	mod := fields
	mod.CompanyName = "上海示例数据科技股份有限公司"
	if _, err := f.svc.Submit(ctx, custA, mod, upload(pngBytes(t, 400, 300))); err == nil {
		t.Fatal("the modification succeeded although its row was not written")
	}
	f.unchanged(t, sub, 1, 0, 0)
	if keys := f.files.Keys(); len(keys) != 1 || keys[0] != sub.Licence.Key {
		t.Errorf("licences left: %v, want the first one only", keys)
	}
	f.fault = "create"
	if _, err := f.svc.Submit(ctx, custB, fields, upload(pngBytes(t, 300, 300))); err == nil {
		t.Fatal("the submission succeeded although its row was not written")
	}
	if _, err := f.store.LatestSubmission(ctx, companyB); key(err) != "error.verification.not_found" {
		t.Errorf("a submission of B was kept: %v", err)
	}
	if keys := f.files.Keys(); len(keys) != 1 {
		t.Errorf("licences left: %v", keys)
	}
}

// TestNewServiceRefusesMissingPorts: a service without one of its ports is
// refused when it is built, naming the port.
func TestNewServiceRefusesMissingPorts(t *testing.T) {
	f := newFixture(t)
	full := verification.Deps{Submissions: f.store, Queue: f.store, Customers: f.customers, Files: f.files,
		Sniffer: stdSniffer{}, Tx: memory.NewVerificationTx(f.store, f.customers, f.outbox, f.audit)}
	for name, drop := range map[string]func(*verification.Deps){
		"Submissions": func(d *verification.Deps) { d.Submissions = nil },
		"Queue":       func(d *verification.Deps) { d.Queue = nil },
		"Customers":   func(d *verification.Deps) { d.Customers = nil },
		"Files":       func(d *verification.Deps) { d.Files = nil },
		"Sniffer":     func(d *verification.Deps) { d.Sniffer = nil },
		"Tx":          func(d *verification.Deps) { d.Tx = nil },
	} {
		d := full
		drop(&d)
		func() {
			defer func() {
				if got, want := recover(), "verification: NewService: no "+name; got != want {
					t.Errorf("NewService without %s panicked with %v, want %q", name, got, want)
				}
			}()
			verification.NewService(d)
		}()
	}
	verification.NewService(full) // does not panic
}
