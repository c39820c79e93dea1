package webtest

import (
	"net/http"
	"strings"
	"testing"
)

// WantStatus stops the test unless the response has the status.
func WantStatus(t testing.TB, r *Response, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d (Location %q)\n%s", r.Status, status, r.Location(), r.Body)
	}
}

// WantRedirect stops the test unless the response is a 303 redirect to to.
func WantRedirect(t testing.TB, r *Response, to string) {
	t.Helper()
	WantStatus(t, r, http.StatusSeeOther)
	if r.Location() != to {
		t.Fatalf("Location = %q, want %q", r.Location(), to)
	}
}

// WantText reports every text that the page does not contain.
func WantText(t testing.TB, r *Response, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(r.Body, s) {
			t.Errorf("page (status %d) lacks %q\n%s", r.Status, s, r.Body)
		}
	}
}

// WantNoText reports every text that the page contains.
func WantNoText(t testing.TB, r *Response, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(r.Body, s) {
			t.Errorf("page (status %d) shows %q", r.Status, s)
		}
	}
}
