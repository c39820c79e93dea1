package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"html"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"supportal/adapters/minio"
	"supportal/adapters/minio/localminio"
	"supportal/domain/identity"
	"supportal/ports"
)

// The fault tests run the real application against a MinIO of their own,
// which they stop and start, and a database of their own, which they break.

const faultPassword = "Correct-Horse-42-battery"

// faultMinIO starts a MinIO server for one test in dir (so that a restart
// keeps the objects) on port (0 for any) and stops it when the test ends.
func faultMinIO(t *testing.T, dir string, port int) *localminio.Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute) // a first build takes minutes
	defer cancel()
	if _, err := localminio.Binary(ctx, os.Stderr); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	s, err := localminio.Start(ctx, localminio.Options{Dir: dir, Port: port})
	if err != nil {
		t.Fatalf("start MinIO: %v", err)
	}
	t.Cleanup(func() { _ = s.Stop() })
	return s
}

// faultApp starts the application on a fresh database and a fresh bucket of s.
func faultApp(t *testing.T, s *localminio.Server) (*testApp, *minio.Store) {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	bucket := "fault-" + hex.EncodeToString(b)
	ta := startAppOn(t, objectStore{s.Endpoint(), s.AccessKey(), s.SecretKey(), bucket})
	store, err := minio.New(t.Context(), minio.Config{Endpoint: s.Endpoint(), AccessKey: s.AccessKey(), SecretKey: s.SecretKey(), Bucket: bucket})
	if err != nil {
		t.Fatal(err)
	}
	return ta, store
}

// objects lists the bucket's licence objects (MinIO must be running).
func objects(t *testing.T, s *minio.Store) []string {
	t.Helper()
	var keys []string
	err := s.List(t.Context(), "licences/", time.Now().Add(time.Hour), func(fi ports.FileInfo) error {
		keys = append(keys, fi.Key)
		return nil
	})
	if err != nil {
		t.Fatalf("list bucket: %v", err)
	}
	return keys
}

func countRows(t *testing.T, ta *testApp, table string) int {
	t.Helper()
	var n int
	if err := ta.a.db.GetContext(context.Background(), &n, `SELECT count(*) FROM `+table); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func faultCustomer(t *testing.T, ta *testApp, email string) identity.Account {
	t.Helper()
	a, err := ta.a.identity.CreateCustomer(context.Background(),
		identity.AccountInfo{Country: "CN", Name: "故障 测试", JobTitle: "it_lead", Email: email, Mobile: "13800138000"},
		identity.Company{Name: "故障测试科技有限公司", Industry: "it", Size: "21-100", Address: "上海市浦东新区世纪大道 1 号"}, faultPassword)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// webClient is a cookie-keeping HTTP client of the running application in
// one language; it does not follow redirects.
type webClient struct {
	t     *testing.T
	base  string
	lang  string
	hc    *http.Client
	token string
}

var csrfValue = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

func newWebClient(t *testing.T, ta *testApp, lang string) *webClient {
	jar, _ := cookiejar.New(nil)
	return &webClient{t: t, base: ta.url, lang: lang, hc: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends the request within ctx and returns the status and the decoded body.
func (w *webClient) do(ctx context.Context, method, path, contentType string, body io.Reader) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, w.base+path, body)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Accept-Language", acceptLanguage[w.lang])
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := w.hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if m := csrfValue.FindSubmatch(raw); m != nil {
		w.token = string(m[1])
	}
	return res.StatusCode, html.UnescapeString(string(raw)), err
}

func (w *webClient) login(email string) {
	w.t.Helper()
	ctx := w.t.Context()
	if _, _, err := w.do(ctx, http.MethodGet, "/login", "", nil); err != nil {
		w.t.Fatal(err)
	}
	form := url.Values{"_csrf": {w.token}, "type": {"customer"}, "email": {email}, "password": {faultPassword}}
	status, body, err := w.do(ctx, http.MethodPost, "/login", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil || status != http.StatusSeeOther {
		w.t.Fatalf("login %s: %d %v\n%s", email, status, err, body)
	}
	if _, _, err := w.do(ctx, http.MethodGet, "/account/verification/new", "", nil); err != nil {
		w.t.Fatal(err)
	}
}

// submit posts the 企业证件认证 form with a licence file.
func (w *webClient) submit(ctx context.Context, company string, file []byte) (int, string, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"_csrf": w.token, "company_name": company, "doc_type": "business_licence", "credit_code": "91310110666007217T"} {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("licence", "营业执照.png")
	_, _ = fw.Write(file)
	_ = mw.Close()
	return w.do(ctx, http.MethodPost, "/account/verification", mw.FormDataContentType(), &buf)
}

func licencePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// waitFor polls cond for up to 30 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
