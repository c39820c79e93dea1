package identity_test

import (
	"testing"

	"supportal/domain"
	"supportal/domain/identity"
)

func TestTimeZoneOfCountry(t *testing.T) {
	for country, want := range map[string]string{"CN": "Asia/Shanghai", "HK": "Asia/Hong_Kong", "TW": "Asia/Taipei",
		"SG": "Asia/Singapore", "OTHER": "UTC", "": "Asia/Shanghai"} {
		if got := identity.TimeZoneOf(country); got != want {
			t.Errorf("TimeZoneOf(%q) = %q, want %q", country, got, want)
		}
	}
	for _, z := range identity.TimeZones {
		if e := identity.ValidateTimeZone(z); e != nil {
			t.Errorf("listed zone %s is refused: %v", z, e)
		}
	}
	for _, z := range []string{"", "Mars/Olympus", "Local", "asia/shanghai"} {
		if e := identity.ValidateTimeZone(z); e == nil || e.Key != "error.time_zone.invalid" {
			t.Errorf("ValidateTimeZone(%q) = %v, want error.time_zone.invalid", z, e)
		}
	}
}

// TestAccountsGetTheirCountrysZone: a customer gets the zone of their
// country/region, staff Asia/Shanghai unless told, and the profile changes it.
func TestAccountsGetTheirCountrysZone(t *testing.T) {
	f := newFixture(t)
	in := info
	in.Country, in.Mobile, in.Email = "HK", "+85291234567", "hk@example.com"
	a, err := f.svc.CreateCustomer(ctx, in, co, pw)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := f.svc.Account(ctx, a.ID); got.TimeZone != "Asia/Hong_Kong" || got.Location().String() != "Asia/Hong_Kong" {
		t.Errorf("customer from HK has zone %q", got.TimeZone)
	}
	s, err := f.svc.CreateStaff(ctx, "rev@vendor.example", "", identity.RoleReviewer, pw)
	if err != nil || s.TimeZone != identity.DefaultTimeZone {
		t.Errorf("staff zone %q, %v", s.TimeZone, err)
	}
	if _, err := f.svc.CreateStaffInZone(ctx, "agent@vendor.example", "", identity.RoleAgent, pw, "Moon/Base"); domain.KindOf(err) != domain.Invalid {
		t.Errorf("unknown staff zone: %v", err)
	}
	err = f.svc.UpdateProfile(ctx, a, identity.Profile{Name: a.Name, JobTitle: a.JobTitle, TimeZone: "Moon/Base"}, identity.Client{})
	if domain.KindOf(err) != domain.Invalid {
		t.Errorf("unknown zone saved: %v", err)
	}
	if err := f.svc.UpdateProfile(ctx, a, identity.Profile{Name: a.Name, JobTitle: a.JobTitle, TimeZone: "Europe/Berlin"}, identity.Client{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.svc.Account(ctx, a.ID); got.TimeZone != "Europe/Berlin" {
		t.Errorf("zone after the change = %q", got.TimeZone)
	}
}
