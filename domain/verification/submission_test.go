package verification

import (
	"testing"
	"time"

	"supportal/domain"
)

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func pending() *Submission {
	return &Submission{ID: 1, State: StatePending, Version: 1, Fields: Fields{CompanyName: "A", DocType: "business_licence", CreditCode: "91310110666007217T"}}
}

func TestTransitions(t *testing.T) {
	type step func(s *Submission) error
	claim := func(r int64, at time.Time) step { return func(s *Submission) error { return s.Claim(r, at) } }
	approve := func(r int64, v int) step {
		return func(s *Submission) error { return s.Decide(r, v, true, "", "", t0.Add(time.Minute)) }
	}
	reject := func(r int64, v int, reason, note string) step {
		return func(s *Submission) error { return s.Decide(r, v, false, reason, note, t0.Add(time.Minute)) }
	}
	modify := func(s *Submission) error { return s.Modify(Fields{CompanyName: "B"}, nil, t0) }
	tests := []struct {
		name  string
		steps []step
		want  State
		key   string // error key of the last step, "" for success
	}{
		{"claim then approve", []step{claim(7, t0), approve(7, 1)}, StateVerified, ""},
		{"claim then reject with reason", []step{claim(7, t0), reject(7, 1, "blurry", "")}, StateRejected, ""},
		{"reject other needs a note", []step{claim(7, t0), reject(7, 1, "other", " ")}, StatePending, "error.reason.note_required"},
		{"reject needs a listed reason", []step{claim(7, t0), reject(7, 1, "because", "")}, StatePending, "error.reason.required"},
		{"modify while pending", []step{modify}, StatePending, ""},
		{"decision without claim", []step{approve(7, 1)}, StatePending, "error.verification.claim_lost"},
		{"decision on a stale version", []step{claim(7, t0), modify, approve(7, 1)}, StatePending, "error.verification.stale"},
		{"decision on the new version", []step{claim(7, t0), modify, approve(7, 2)}, StateVerified, ""},
		{"second reviewer cannot claim", []step{claim(7, t0), claim(8, t0.Add(time.Minute))}, StatePending, "error.verification.claimed"},
		{"second reviewer cannot decide", []step{claim(7, t0), approve(8, 1)}, StatePending, "error.verification.claim_lost"},
		{"claim expires", []step{claim(7, t0), claim(8, t0.Add(ClaimTTL))}, StatePending, ""},
		{"expired claim cannot decide", []step{claim(7, t0.Add(-ClaimTTL)), approve(7, 1)}, StatePending, "error.verification.claim_lost"},
		{"verified cannot be modified", []step{claim(7, t0), approve(7, 1), modify}, StateVerified, "error.verification.not_pending"},
		{"rejected cannot be modified", []step{claim(7, t0), reject(7, 1, "expired", ""), modify}, StateRejected, "error.verification.not_pending"},
		{"decided twice", []step{claim(7, t0), approve(7, 1), reject(7, 1, "blurry", "")}, StateVerified, "error.verification.not_pending"},
		{"rejected cannot be claimed", []step{claim(7, t0), reject(7, 1, "expired", ""), claim(7, t0)}, StateRejected, "error.verification.not_pending"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := pending()
			var err error
			for _, st := range tt.steps {
				err = st(s)
			}
			got := ""
			if err != nil {
				got = domain.As(err).Key
			}
			if got != tt.key || s.State != tt.want {
				t.Fatalf("want %s/%q, got %s/%q", tt.want, tt.key, s.State, got)
			}
		})
	}
}

func TestModifyBumpsVersionAndKeepsLicence(t *testing.T) {
	s := pending()
	s.Licence = Licence{Key: "licences/a"}
	if err := s.Modify(Fields{CompanyName: "B"}, nil, t0); err != nil || s.Version != 2 || s.Licence.Key != "licences/a" {
		t.Fatalf("modify without a file: %v %+v", err, s)
	}
	if err := s.Modify(Fields{CompanyName: "C"}, &Licence{Key: "licences/b"}, t0); err != nil || s.Version != 3 || s.Licence.Key != "licences/b" {
		t.Fatalf("modify with a file: %v %+v", err, s)
	}
}

func TestFieldsValidate(t *testing.T) {
	f, err := Fields{CompanyName: " 示例 ", DocType: "business_licence", CreditCode: "91310110666007217t"}.Validate("CN")
	if err != nil || f.CompanyName != "示例" || f.CreditCode != "91310110666007217T" {
		t.Fatalf("%v %+v", err, f)
	}
	if _, err := (Fields{CompanyName: "A", DocType: "other", CreditCode: "HK-12345678"}).Validate("HK"); err != nil {
		t.Fatalf("free-form number refused outside Mainland China: %v", err)
	}
	_, err = Fields{DocType: "passport", CreditCode: "91310110666007217U"}.Validate("CN")
	es, _ := err.(domain.Errors)
	if len(es) != 3 {
		t.Fatalf("want three field errors, got %v", err)
	}
}
