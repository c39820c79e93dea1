package identity

import (
	"strings"
	"testing"
	"time"

	"supportal/domain"
)

func fieldKeys(err error) map[string]string {
	out := map[string]string{}
	switch e := err.(type) {
	case nil:
	case domain.Errors:
		for _, fe := range e {
			out[fe.Field] = fe.Key
		}
	case *domain.Error:
		out[e.Field] = e.Key
	}
	return out
}

func TestAccountInfoValidate(t *testing.T) {
	ok := AccountInfo{Country: "CN", Name: "王敏", JobTitle: "it_lead", Email: "a@example.com", Mobile: "13800138000"}
	tests := []struct {
		name  string
		edit  func(*AccountInfo)
		field string
		key   string
	}{
		{"valid", func(*AccountInfo) {}, "", ""},
		{"mobile optional", func(a *AccountInfo) { a.Mobile = "" }, "", ""},
		{"mobile with +86 and spaces", func(a *AccountInfo) { a.Mobile = "+86 138-0013-8000" }, "", ""},
		{"mainland mobile too short", func(a *AccountInfo) { a.Mobile = "1380013800" }, "mobile", "error.mobile.mainland"},
		{"mainland mobile bad prefix", func(a *AccountInfo) { a.Mobile = "12800138000" }, "mobile", "error.mobile.mainland"},
		{"hong kong needs E.164", func(a *AccountInfo) { a.Country = "HK"; a.Mobile = "91234567" }, "mobile", "error.mobile.e164"},
		{"hong kong E.164 ok", func(a *AccountInfo) { a.Country = "HK"; a.Mobile = "+85291234567" }, "", ""},
		{"unknown country", func(a *AccountInfo) { a.Country = "XX" }, "country", "error.country.invalid"},
		{"empty name", func(a *AccountInfo) { a.Name = "  " }, "name", "error.name.required"},
		{"50 characters ok", func(a *AccountInfo) { a.Name = strings.Repeat("名", 50) }, "", ""},
		{"51 characters", func(a *AccountInfo) { a.Name = strings.Repeat("名", 51) }, "name", "error.name.too_long"},
		{"job title not in list", func(a *AccountInfo) { a.JobTitle = "astronaut" }, "job_title", "error.job_title.required"},
		{"empty email", func(a *AccountInfo) { a.Email = "" }, "email", "error.email.required"},
		{"email without domain dot", func(a *AccountInfo) { a.Email = "a@localhost" }, "email", "error.email.invalid"},
		{"email with display name", func(a *AccountInfo) { a.Email = "A <a@example.com>" }, "email", "error.email.invalid"},
		{"email upper case normalised", func(a *AccountInfo) { a.Email = " A@Example.COM " }, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			tt.edit(&in)
			got := fieldKeys(in.Normalize().Validate())
			if tt.field == "" {
				if len(got) != 0 {
					t.Fatalf("want valid, got %v", got)
				}
				return
			}
			if got[tt.field] != tt.key {
				t.Fatalf("want %s=%s, got %v", tt.field, tt.key, got)
			}
		})
	}
}

func TestAccountInfoNormalize(t *testing.T) {
	in := AccountInfo{Name: " 王敏 ", Email: " A@Example.COM ", Mobile: "138 0013-8000"}.Normalize()
	if in.Country != CountryMainland || in.Name != "王敏" || in.Email != "a@example.com" || in.Mobile != "13800138000" {
		t.Fatalf("normalised to %+v", in)
	}
}

func TestCompanyValidate(t *testing.T) {
	c := Company{Name: "示例", Industry: "it", Size: "1-20", Address: "上海"}
	if err := c.Validate(); err != nil {
		t.Fatalf("valid company refused: %v", err)
	}
	got := fieldKeys(Company{Name: "", Industry: "x", Size: "", Address: "", Business: strings.Repeat("a", 501)}.Validate())
	want := map[string]string{"company_name": "error.company_name.required", "industry": "error.industry.required",
		"size": "error.size.required", "address": "error.address.required", "business": "error.business.too_long"}
	for f, k := range want {
		if got[f] != k {
			t.Errorf("%s: want %s, got %q", f, k, got[f])
		}
	}
}

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		pw, confirm, email, key string
	}{
		{"Spring-Harbor-2026", "Spring-Harbor-2026", "wang@example.com", ""},
		{"short-pw-11", "short-pw-11", "a@example.com", "error.password.too_short"},
		{"密码密码密码密码密码密码", "密码密码密码密码密码密码", "a@example.com", ""}, // 12 characters, 36 bytes
		{strings.Repeat("x", 129), strings.Repeat("x", 129), "a@example.com", "error.password.too_long"},
		{"Spring-Harbor-2026", "Spring-Harbor-2027", "a@example.com", "error.password.mismatch"},
		{"my-WANGMIN-password", "my-WANGMIN-password", "wangmin@example.com", "error.password.contains_email"},
		{"Password1234", "Password1234", "a@example.com", "error.password.common"},
		{"qwertyuiop123", "qwertyuiop123", "a@example.com", "error.password.common"},
	}
	for _, tt := range tests {
		got := fieldKeys(CheckPassword(tt.pw, tt.confirm, tt.email))
		key := ""
		for _, k := range got {
			key = k
		}
		if key != tt.key {
			t.Errorf("CheckPassword(%q): want %q, got %q", tt.pw, tt.key, key)
		}
	}
}

func TestCodeCheck(t *testing.T) {
	secret := []byte("secret")
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	right := HashCode(secret, "a@example.com", PurposeLogin, "123456")
	wrong := HashCode(secret, "a@example.com", PurposeLogin, "654321")
	fresh := func() *Code {
		return &Code{Hash: right, CreatedAt: now, ExpiresAt: now.Add(CodeTTL)}
	}
	if c := fresh(); c.Check(right, now) != nil || c.UsedAt == nil {
		t.Fatal("right code refused or not marked used")
	}
	c := fresh()
	_ = c.Check(right, now)
	if c.Check(right, now) == nil {
		t.Fatal("a used code was accepted twice")
	}
	if c := fresh(); c.Check(right, now.Add(CodeTTL)) == nil {
		t.Fatal("expired code accepted")
	}
	c = fresh()
	for i := 0; i < CodeMaxTries; i++ {
		if c.Check(wrong, now) == nil {
			t.Fatal("wrong code accepted")
		}
	}
	if c.Tries != CodeMaxTries || c.Check(right, now) == nil {
		t.Fatalf("code still usable after %d wrong tries", c.Tries)
	}
	if string(HashCode(secret, "a@example.com", PurposeReset, "123456")) == string(right) {
		t.Fatal("hash does not bind the purpose")
	}
	if string(HashCode([]byte("other"), "a@example.com", PurposeLogin, "123456")) == string(right) {
		t.Fatal("hash does not depend on the secret")
	}
}

func TestNewCodeValue(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		v, err := NewCodeValue()
		if err != nil || !validCodeFormat(v) {
			t.Fatalf("bad code %q: %v", v, err)
		}
		seen[v] = true
	}
	if len(seen) < 190 {
		t.Fatalf("codes repeat too often: %d distinct of 200", len(seen))
	}
}

func TestSessionValid(t *testing.T) {
	start := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	s := Session{CreatedAt: start, LastSeenAt: start}
	if !s.Valid(start.Add(29 * time.Minute)) {
		t.Fatal("session expired before the idle limit")
	}
	if s.Valid(start.Add(30 * time.Minute)) {
		t.Fatal("session outlived the idle limit")
	}
	s.LastSeenAt = start.Add(11*time.Hour + 59*time.Minute)
	if !s.Valid(start.Add(12*time.Hour - time.Second)) {
		t.Fatal("active session expired early")
	}
	if s.Valid(start.Add(12 * time.Hour)) {
		t.Fatal("session outlived the absolute limit")
	}
	tok, hash, err := NewToken()
	if err != nil || len(tok) != 43 || string(HashToken(tok)) != string(hash) {
		t.Fatalf("token %q: %v", tok, err)
	}
}

func TestDraftStep(t *testing.T) {
	d := Draft{Info: AccountInfo{Email: "a@example.com"}}
	if d.Step() != 1 {
		t.Fatal("new draft not at step 1")
	}
	d.CodeSentTo = "a@example.com"
	if d.Step() != 2 {
		t.Fatal("draft with a code not at step 2")
	}
	d.Verified = true
	if d.Step() != 3 {
		t.Fatal("verified draft not at step 3")
	}
	d.Info.Email = "b@example.com"
	if d.Step() != 1 {
		t.Fatal("changing the email kept the verification")
	}
}
