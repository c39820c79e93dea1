package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// fakeSupportal answers the sign-in form and the lookup like the server
// does: a CSRF cookie and hidden field, a 303 with a session cookie, and a
// results fragment that shows the serial number asked for.
func fakeSupportal(t *testing.T, lookups *atomic.Int64) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "csrf", Value: "tok"})
		w.Write([]byte(`<form><input type="hidden" name="_csrf" value="tok"></form>`))
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie("csrf")
		if err != nil || ck.Value != "tok" || r.FormValue("_csrf") != "tok" || r.FormValue("password") != "pw" || r.FormValue("type") != "customer" {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "s1"})
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /warranty", func(w http.ResponseWriter, r *http.Request) {
		if ck, err := r.Cookie("sid"); err != nil || ck.Value != "s1" {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		lookups.Add(1)
		if r.URL.Query().Get("sn") != "" && r.Header.Get("HX-Target") != "results" {
			t.Errorf("fragment request without HX-Target")
		}
		w.Write([]byte("<table>" + r.URL.Query().Get("sn") + r.URL.Query().Get("name") + "</table>"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestLoadCommand(t *testing.T) {
	var lookups atomic.Int64
	srv := fakeSupportal(t, &lookups)
	g, err := NewGenerator(Spec{Companies: 20, Devices: 2000, LinesPerDevice: 2, Seed: 3, TopShare: 0.1, ZipfS: 0.8})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "data.csv")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteCSV(f, g); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var out bytes.Buffer
	args := []string{"--base-url", srv.URL, "--email", "c@example.com", "--password", "pw", "--file", file,
		"--concurrency", "4", "--sessions", "2", "--warmup", "0", "--duration", "5s", "--max-requests", "200", "--pages", "fragment"}
	if err := loadCmd(context.Background(), args, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	s := out.String()
	if !strings.Contains(s, g.Companies()[0].Code) || !strings.Contains(s, "200 devices") {
		t.Errorf("targets not from the largest company:\n%s", s)
	}
	if !strings.Contains(s, "all                200       0") {
		t.Errorf("want 200 requests without errors:\n%s", s)
	}
	if n := lookups.Load(); n < 200 || n > 210 {
		t.Errorf("%d lookups, want about 200 (one session check and the cap)", n)
	}
	args[len(args)-1] = "full"
	args[5] = "wrong"
	if err := loadCmd(context.Background(), args, &out); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("a refused sign-in: %v", err)
	}
}

func TestLoadRefusesRemoteHosts(t *testing.T) {
	err := loadCmd(context.Background(), []string{"--base-url", "http://example.com", "--email", "a", "--password", "b"}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "only 127.0.0.1") {
		t.Fatalf("remote host accepted: %v", err)
	}
}
