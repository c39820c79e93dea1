// Package storetest holds contract suites that every implementation of a
// module's driven ports must pass, so that the in-memory fakes the service
// tests use behave like the PostgreSQL stores.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/identity"
)

// IdentityStores is everything the identity module stores.
type IdentityStores interface {
	identity.Accounts
	identity.Companies
	identity.Codes
	identity.Sessions
	identity.Attempts
	identity.Drafts
	identity.Tokens
	identity.SecondFactors
}

// purger is implemented by stores that can delete stale identity data.
type purger interface {
	Purge(ctx context.Context, now time.Time) error
}

// Identity runs the identity store contract. newStore returns an empty store
// and is called once per subtest; subtests run in parallel.
func Identity(t *testing.T, newStore func(t *testing.T) IdentityStores) {
	tests := []struct {
		name string
		run  func(t *testing.T, s IdentityStores)
	}{
		{"CreateCustomer", testCreateCustomer},
		{"CreateStaff", testCreateStaff},
		{"StaffWithRoles", testStaffWithRoles},
		{"DuplicateEmail", testDuplicateEmail},
		{"NotFound", testNotFound},
		{"UpdateProfile", testUpdateProfile},
		{"SetPassword", testSetPassword},
		{"UpdateCompany", testUpdateCompany},
		{"Codes", testCodes},
		{"CodeTriesPersistOnError", testCodeTriesPersist},
		{"CodeUpdatesSerialised", testCodeConcurrent},
		{"Sessions", testSessions},
		{"DeleteAccountSessions", testDeleteAccountSessions},
		{"Attempts", testAttempts},
		{"Drafts", testDrafts},
		{"Purge", testPurge},
		{"Tokens", testTokens},
		{"SecondFactor", testSecondFactor},
		{"SecondFactorUpdatesSerialised", testSecondFactorConcurrent},
		{"SessionSecondFactor", testSessionSecondFactor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newStore(t))
		})
	}
}

// base is a time with microsecond precision, as PostgreSQL keeps it, in a
// zone other than UTC, so that the suite sees stores return UTC.
var base = time.Date(2025, 3, 14, 9, 26, 53, 589793000, time.FixedZone("CST", 8*60*60))

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantError fails unless err is a *domain.Error of the given kind and key.
func wantError(t *testing.T, what string, err error, kind domain.Kind, key string) {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Errorf("%s: err = %v, want %s %s", what, err, kind, key)
		return
	}
	if de.Kind != kind || de.Key != key {
		t.Errorf("%s: err = %s %s, want %s %s", what, de.Kind, de.Key, kind, key)
	}
}

// sameTime fails unless got is in UTC and the same instant as want.
func sameTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
	if got.Location() != time.UTC {
		t.Errorf("%s is in %v, want UTC", what, got.Location())
	}
}

func newCustomer(email string) (identity.Account, identity.Company) {
	a := identity.Account{
		Email: email, Kind: identity.KindCustomer, Role: identity.RoleCustomer, Name: "李雷",
		JobTitle: "it_lead", Country: "CN", Mobile: "13800138000", PasswordHash: "hash-1",
		Lang: "zh-CN", TimeZone: "Asia/Hong_Kong", CreatedAt: base, PasswordChangedAt: base.Add(time.Second),
	}
	c := identity.Company{Name: "示例科技有限公司", Industry: "it", Size: "21-100", Address: "上海市浦东新区", Business: "服务器"}
	return a, c
}

func createCustomer(t *testing.T, s IdentityStores, email string) (identity.Account, identity.Company) {
	t.Helper()
	a, c := newCustomer(email)
	must(t, s.CreateCustomer(t.Context(), &a, &c))
	return a, c
}

// sameAccount compares two accounts, their times as instants.
func sameAccount(t *testing.T, got, want identity.Account) {
	t.Helper()
	sameTime(t, "CreatedAt", got.CreatedAt, want.CreatedAt)
	sameTime(t, "PasswordChangedAt", got.PasswordChangedAt, want.PasswordChangedAt)
	got.CreatedAt, got.PasswordChangedAt = time.Time{}, time.Time{}
	want.CreatedAt, want.PasswordChangedAt = time.Time{}, time.Time{}
	if got != want {
		t.Errorf("account = %+v\nwant      %+v", got, want)
	}
}

func testCreateCustomer(t *testing.T, s IdentityStores) {
	ctx := t.Context()
	a, c := newCustomer("Li.Lei@Example.COM")
	must(t, s.CreateCustomer(ctx, &a, &c))
	if a.ID == 0 || c.ID == 0 || a.CompanyID != c.ID {
		t.Fatalf("ids: account %d, company %d, account's company %d", a.ID, c.ID, a.CompanyID)
	}
	if a.Email != "li.lei@example.com" {
		t.Errorf("Email = %q, want it lower-case", a.Email)
	}
	got, err := s.AccountByID(ctx, a.ID)
	must(t, err)
	sameAccount(t, got, a)
	for _, email := range []string{"li.lei@example.com", "LI.LEI@EXAMPLE.COM", "Li.Lei@example.com"} {
		got, err := s.AccountByEmail(ctx, email)
		must(t, err)
		sameAccount(t, got, a)
	}
	gotC, err := s.CompanyByID(ctx, a.CompanyID)
	must(t, err)
	if gotC != c {
		t.Errorf("company = %+v, want %+v", gotC, c)
	}

	b, cb := createCustomer(t, s, "han.meimei@example.com")
	if b.ID == a.ID || cb.ID == c.ID {
		t.Errorf("second customer reuses ids: account %d, company %d", b.ID, cb.ID)
	}
}

func testCreateStaff(t *testing.T, s IdentityStores) {
	ctx := t.Context()
	a := identity.Account{Email: "Admin@Example.com", Kind: identity.KindStaff, Role: identity.RoleAdmin,
		Name: "Admin", PasswordHash: "h", Lang: "en", CreatedAt: base, PasswordChangedAt: base}
	must(t, s.CreateStaff(ctx, &a))
	if a.ID == 0 || a.CompanyID != 0 || a.Email != "admin@example.com" {
		t.Fatalf("staff = %+v, want an id, no company and a lower-case email", a)
	}
	got, err := s.AccountByEmail(ctx, "ADMIN@example.com")
	must(t, err)
	if got.TimeZone != identity.DefaultTimeZone {
		t.Errorf("TimeZone of staff created without one = %q, want %q", got.TimeZone, identity.DefaultTimeZone)
	}
	sameAccount(t, got, a)
	if !got.IsStaff() || got.Role != identity.RoleAdmin {
		t.Errorf("kind %q role %q, want staff admin", got.Kind, got.Role)
	}
}

func testStaffWithRoles(t *testing.T, s IdentityStores) {
	ctx := t.Context()
	createCustomer(t, s, "customer@example.com")
	var ids []int64
	for _, r := range []identity.Role{identity.RoleAgent, identity.RoleReviewer, identity.RoleAdmin, identity.RoleAgent} {
		a := identity.Account{Email: string(r) + strconv.Itoa(len(ids)) + "@example.com", Kind: identity.KindStaff, Role: r,
			Name: string(r), PasswordHash: "h", CreatedAt: base, PasswordChangedAt: base}
		must(t, s.CreateStaff(ctx, &a))
		ids = append(ids, a.ID)
	}
	got, err := s.StaffWithRoles(ctx, []identity.Role{identity.RoleAgent, identity.RoleAdmin})
	must(t, err)
	var gotIDs []int64
	for _, a := range got {
		gotIDs = append(gotIDs, a.ID)
	}
	if want := []int64{ids[0], ids[2], ids[3]}; fmt.Sprint(gotIDs) != fmt.Sprint(want) {
		t.Errorf("agents and admins = %v, want %v", gotIDs, want)
	}
	if got, err := s.StaffWithRoles(ctx, []identity.Role{identity.RoleCustomer}); err != nil || len(got) != 0 {
		t.Errorf("customers as staff: %v, %v", got, err)
	}
}

func testDuplicateEmail(t *testing.T, s IdentityStores) {
	ctx := t.Context()
	first, _ := createCustomer(t, s, "dup@example.com")

	a, c := newCustomer("DUP@Example.com")
	a.Name = "someone else"
	wantError(t, "duplicate customer", s.CreateCustomer(ctx, &a, &c), domain.Conflict, "error.email.taken")

	staff := identity.Account{Email: "Dup@example.COM", Kind: identity.KindStaff, Role: identity.RoleAgent,
		Name: "Agent", PasswordHash: "h", CreatedAt: base, PasswordChangedAt: base}
	wantError(t, "duplicate staff", s.CreateStaff(ctx, &staff), domain.Conflict, "error.email.taken")

	got, err := s.AccountByEmail(ctx, "dup@example.com")
	must(t, err)
	sameAccount(t, got, first)
}

func testNotFound(t *testing.T, s IdentityStores) {
	ctx := t.Context()
	_, err := s.AccountByEmail(ctx, "nobody@example.com")
	wantError(t, "AccountByEmail", err, domain.NotFound, "error.account.not_found")
	_, err = s.AccountByID(ctx, 424242)
	wantError(t, "AccountByID", err, domain.NotFound, "error.account.not_found")
	err = s.UpdateProfile(ctx, 424242, identity.Profile{Name: "x"})
	wantError(t, "UpdateProfile", err, domain.NotFound, "error.account.not_found")
	err = s.SetPassword(ctx, 424242, "h", base)
	wantError(t, "SetPassword", err, domain.NotFound, "error.account.not_found")
	_, err = s.CompanyByID(ctx, 424242)
	wantError(t, "CompanyByID", err, domain.NotFound, "error.company.not_found")
	err = s.UpdateCompany(ctx, identity.Company{ID: 424242, Name: "x"})
	wantError(t, "UpdateCompany", err, domain.NotFound, "error.company.not_found")
	_, err = s.SessionByHash(ctx, []byte("no such session"))
	wantError(t, "SessionByHash", err, domain.NotFound, "error.session.expired")
	_, err = s.DraftByHash(ctx, []byte("no such draft"))
	wantError(t, "DraftByHash", err, domain.NotFound, "error.register.expired")
	called := false
	err = s.UpdateLatestCode(ctx, "nobody@example.com", identity.PurposeLogin, func(*identity.Code) error {
		called = true
		return nil
	})
	wantError(t, "UpdateLatestCode", err, domain.NotFound, "error.code.invalid")
	if called {
		t.Error("UpdateLatestCode called fn without a code")
	}
}

func testUpdateProfile(t *testing.T, s IdentityStores) {
	ctx := t.Context()
	a, _ := createCustomer(t, s, "profile@example.com")
	must(t, s.UpdateProfile(ctx, a.ID, identity.Profile{Name: "韩梅梅", JobTitle: "finance", Mobile: ""}))
	got, err := s.AccountByID(ctx, a.ID)
	must(t, err)
	a.Name, a.JobTitle, a.Mobile = "韩梅梅", "finance", ""
	sameAccount(t, got, a)

	must(t, s.UpdateProfile(ctx, a.ID, identity.Profile{Name: "韩梅梅", JobTitle: "finance", TimeZone: "Europe/Berlin"}))
	got, err = s.AccountByID(ctx, a.ID)
	must(t, err)
	a.TimeZone = "Europe/Berlin"
	sameAccount(t, got, a)
}

func testSetPassword(t *testing.T, s IdentityStores) {
	ctx := t.Context()
	a, _ := createCustomer(t, s, "password@example.com")
	at := base.Add(time.Hour)
	must(t, s.SetPassword(ctx, a.ID, "hash-2", at))
	got, err := s.AccountByID(ctx, a.ID)
	must(t, err)
	a.PasswordHash, a.PasswordChangedAt = "hash-2", at
	sameAccount(t, got, a)
}

func testUpdateCompany(t *testing.T, s IdentityStores) {
	ctx := t.Context()
	_, c := createCustomer(t, s, "company@example.com")
	_, other := createCustomer(t, s, "other@example.com")
	c.Name, c.Industry, c.Size, c.Address, c.Business = "新名字", "finance", "1000+", "北京市", ""
	must(t, s.UpdateCompany(ctx, c))
	got, err := s.CompanyByID(ctx, c.ID)
	must(t, err)
	if got != c {
		t.Errorf("company = %+v, want %+v", got, c)
	}
	gotOther, err := s.CompanyByID(ctx, other.ID)
	must(t, err)
	if gotOther != other {
		t.Errorf("other company = %+v, want it unchanged %+v", gotOther, other)
	}
}
