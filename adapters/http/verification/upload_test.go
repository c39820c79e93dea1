package verification_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
	"supportal/domain"
	ident "supportal/domain/identity"
	verif "supportal/domain/verification"
)

// The licence files of the upload matrix, told apart by content only.
var (
	pdfFile = pdfOf(0)
	htmlBad = []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>")
	svgBad  = []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300"><script>alert(1)</script><rect width="300" height="300"/></svg>`)
)

func jpegOf(w, h int) []byte {
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h)), nil)
	return buf.Bytes()
}

// pdfOf returns a valid PDF of one object, padded by a comment to size bytes
// when size is larger than the smallest such file.
func pdfOf(size int) []byte {
	const head = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
	tail := func(xref int) string {
		return fmt.Sprintf("xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer << /Size 2 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", xref)
	}
	pad := 0
	for range 3 { // the offset's digits depend on the padding
		pad = max(size-len(head)-len(tail(len(head)+pad)), 0)
	}
	comment := ""
	if pad >= 2 {
		comment = "%" + strings.Repeat("x", pad-2) + "\n"
	}
	return []byte(head + comment + tail(len(head)+len(comment)))
}

// pngDamaged returns a PNG whose first image data chunk has a wrong checksum.
func pngDamaged() []byte {
	p := webtest.PNG(300, 300)
	i := bytes.Index(p, []byte("IDAT"))
	p[i+8] ^= 0xff
	return p
}

// pngClaiming returns a PNG whose header claims w×h pixels: a file refused
// from its header, before its pixels are decoded.
func pngClaiming(w, h int) []byte {
	p := webtest.PNG(300, 300)
	binary.BigEndian.PutUint32(p[16:], uint32(w)) // IHDR data starts at 16
	binary.BigEndian.PutUint32(p[20:], uint32(h))
	binary.BigEndian.PutUint32(p[29:], crc32.ChecksumIEEE(p[12:29]))
	return p
}

// jpegGarbled keeps a JPEG's headers and replaces its compressed pixels by
// other bytes of the same length.
func jpegGarbled() []byte {
	j := jpegOf(300, 300)
	sos := bytes.Index(j, []byte{0xff, 0xda})
	start := sos + 2 + int(j[sos+2])<<8 + int(j[sos+3])
	for i := start; i < len(j)-2; i++ {
		j[i] = byte(i * 7)
	}
	return j
}

// padded returns head followed by zeros up to n bytes.
func padded(head []byte, n int) []byte {
	b := make([]byte, n)
	copy(b, head)
	return b
}

func validFields(company string) map[string]string {
	return map[string]string{"company_name": company, "doc_type": "business_licence", "credit_code": "91310110666007217T"}
}

// latest returns the company's newest submission, or ok false when it has none.
func (e *env) latest(a ident.Account) (verif.Submission, bool) {
	e.t.Helper()
	s, err := e.vstore.LatestSubmission(context.Background(), a.CompanyID)
	if domain.KindOf(err) == domain.NotFound {
		return s, false
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return s, true
}

// TestUploadAccepted checks that licences are recognised by their content,
// whatever their name and claimed type, and are served back with the stored
// type, nosniff, and as a download when they are PDFs.
func TestUploadAccepted(t *testing.T) {
	tests := []struct {
		name, file, claimed string
		data                []byte
		wantType            string
		wantDisposition     string
	}{
		{"png", "营业执照.png", "image/png", webtest.PNG(300, 200), "image/png", "inline"},
		{"jpeg", "licence.jpg", "image/jpeg", jpegOf(640, 480), "image/jpeg", "inline"},
		{"pdf", "licence.pdf", "application/pdf", pdfFile, "application/pdf", "attachment"},
		{"png named .pdf", "licence.pdf", "application/pdf", webtest.PNG(200, 200), "image/png", "inline"},
		{"pdf named .png", "licence.png", "image/png", pdfFile, "application/pdf", "attachment"},
		{"pdf of exactly 10 MB", "big.pdf", "application/pdf", pdfOf(verif.MaxLicenceBytes), "application/pdf", "attachment"},
	}
	for _, lang := range i18n.Langs {
		for _, tt := range tests {
			t.Run(lang+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				e := newEnv(t)
				a := e.customer("li@example.com", "CN", "上海示例科技有限公司")
				cust := e.client(lang)
				cust.Login("/login", "li@example.com")
				r := cust.uploadAs(validFields("上海示例科技有限公司"), tt.file, tt.claimed, tt.data)
				webtest.WantStatus(t, r, http.StatusSeeOther)

				sub, ok := e.latest(a)
				if !ok || sub.Licence.ContentType != tt.wantType || sub.Licence.Size != int64(len(tt.data)) || sub.Licence.Name != tt.file {
					t.Fatalf("stored licence %+v (found %v), want %s of %d bytes named %s", sub.Licence, ok, tt.wantType, len(tt.data), tt.file)
				}
				if keys := e.files.Keys(); len(keys) != 1 || keys[0] != sub.Licence.Key || !strings.HasPrefix(keys[0], "licences/") || strings.Contains(keys[0], "licence.") {
					t.Errorf("stored objects %v, want the one random key %s", keys, sub.Licence.Key)
				}

				id := strconv.FormatInt(sub.ID, 10)
				lic := cust.Get("/account/verification/licence/" + id)
				webtest.WantStatus(t, lic, http.StatusOK)
				wantHeaders(t, lic, tt.wantType, tt.wantDisposition)
				if !bytes.Equal(lic.Raw, tt.data) {
					t.Errorf("served %d bytes, want the %d uploaded", len(lic.Raw), len(tt.data))
				}

				e.staff("rev@vendor.example", ident.RoleReviewer)
				rev := e.client(lang)
				rev.Login("/staff/login", "rev@vendor.example")
				lic = rev.Get("/staff/verifications/" + id + "/licence")
				webtest.WantStatus(t, lic, http.StatusOK)
				wantHeaders(t, lic, tt.wantType, "inline") // staff see PDFs embedded
				if !bytes.Equal(lic.Raw, tt.data) {
					t.Errorf("staff got %d bytes, want the %d uploaded", len(lic.Raw), len(tt.data))
				}
			})
		}
	}
}

func wantHeaders(t *testing.T, r *webtest.Response, contentType, disposition string) {
	t.Helper()
	if got := r.Header.Get("Content-Type"); got != contentType {
		t.Errorf("Content-Type = %q, want %q", got, contentType)
	}
	if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}
	if got := r.Header.Get("Cache-Control"); got != "private, no-store" {
		t.Errorf("Cache-Control = %q", got)
	}
	if got := r.Header.Get("Content-Disposition"); !strings.HasPrefix(got, disposition+";") {
		t.Errorf("Content-Disposition = %q, want %s", got, disposition)
	}
}

// TestUploadRefused checks every refused licence: 422, the translated message
// beside the field, the typed fields kept, and nothing stored.
func TestUploadRefused(t *testing.T) {
	tests := []struct {
		name, file, claimed string
		data                []byte
		key                 string
		kv                  []any
	}{
		{"html named .png", "licence.png", "image/png", htmlBad, "error.licence.type", nil},
		{"svg named .png", "licence.png", "image/png", svgBad, "error.licence.type", nil},
		{"svg as svg", "licence.svg", "image/svg+xml", svgBad, "error.licence.type", nil},
		{"html named .pdf", "licence.pdf", "application/pdf", append([]byte("<html>"), pdfFile...), "error.licence.type", nil},
		{"gif", "licence.png", "image/png", []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"), "error.licence.type", nil},
		{"text", "licence.pdf", "application/pdf", []byte("just some text, PDF-1.4"), "error.licence.type", nil},
		{"10 MB + 1 byte", "big.pdf", "application/pdf", padded(pdfFile, verif.MaxLicenceBytes+1), "error.licence.too_large", []any{"MB", 10}},
		{"empty", "licence.pdf", "application/pdf", nil, "error.licence.empty", nil},
		{"truncated png", "licence.png", "image/png", webtest.PNG(300, 300)[:30], "error.licence.corrupt", nil},
		{"tiny png", "licence.png", "image/png", webtest.PNG(120, 300), "error.licence.dimensions", []any{"Min", 200, "Max", 12000}},
		{"png with a damaged checksum", "licence.png", "image/png", pngDamaged(), "error.licence.corrupt", nil},
		{"png cut after its header", "licence.png", "image/png", webtest.PNG(300, 300)[:100], "error.licence.corrupt", nil},
		{"truncated jpeg", "licence.jpg", "image/jpeg", jpegOf(400, 300)[:500], "error.licence.corrupt", nil},
		{"jpeg header with garbage", "licence.jpg", "image/jpeg", jpegGarbled(), "error.licence.corrupt", nil},
		{"png over the pixel limit", "licence.png", "image/png", pngClaiming(5000, 5000), "error.licence.pixels", []any{"MP", 24}},
		{"pdf without %%EOF", "licence.pdf", "application/pdf", bytes.TrimSuffix(pdfFile, []byte("%%EOF\n")), "error.licence.pdf_corrupt", nil},
		{"pdf with startxref out of range", "licence.pdf", "application/pdf", bytes.Replace(pdfFile, []byte("startxref\n"), []byte("startxref\n9"), 1), "error.licence.pdf_corrupt", nil},
		{"pdf padded with zeros", "licence.pdf", "application/pdf", padded(pdfFile, 4096), "error.licence.pdf_corrupt", nil},
	}
	for _, lang := range i18n.Langs {
		for _, tt := range tests {
			t.Run(lang+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				e := newEnv(t)
				a := e.customer("li@example.com", "CN", "上海示例科技有限公司")
				cust := e.client(lang)
				cust.Login("/login", "li@example.com")
				data := map[string]any{}
				for i := 0; i+1 < len(tt.kv); i += 2 {
					data[tt.kv[i].(string)] = tt.kv[i+1]
				}
				msg := webtest.T(lang, tt.key, data)

				r := cust.uploadAs(validFields("上海示例股份有限公司"), tt.file, tt.claimed, tt.data)
				webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
				webtest.WantText(t, r, `id="e-licence">`+msg+"<", `value="上海示例股份有限公司"`, `value="91310110666007217T"`, `aria-invalid="true"`)
				if keys := e.files.Keys(); len(keys) != 0 {
					t.Errorf("refused file stored: %v", keys)
				}
				if sub, ok := e.latest(a); ok {
					t.Errorf("refused upload created a submission: %+v", sub)
				}
				webtest.WantText(t, cust.Get("/account/company"), webtest.T(lang, "verification.action.submit", nil))

				// htmx gets the form alone, with the same message.
				r = cust.uploadAs(validFields("上海示例股份有限公司"), tt.file, tt.claimed, tt.data, "HX-Request", "true")
				webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
				if !strings.HasPrefix(strings.TrimSpace(r.Body), "<form") {
					t.Errorf("htmx did not get the form alone:\n%.300s", r.Body)
				}
				webtest.WantText(t, r, msg)
				if keys := e.files.Keys(); len(keys) != 0 {
					t.Errorf("refused file stored: %v", keys)
				}
			})
		}
	}
}

// TestUploadRefusedKeepsPending checks that a refused file in a modification
// leaves the pending submission and its licence exactly as they were.
func TestUploadRefusedKeepsPending(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			a := e.customer("li@example.com", "CN", "上海示例科技有限公司")
			cust := e.client(lang)
			cust.Login("/login", "li@example.com")
			first := webtest.PNG(300, 300)
			webtest.WantStatus(t, cust.upload(validFields("上海示例科技有限公司"), "a.png", first), http.StatusSeeOther)
			before, _ := e.latest(a)
			keys := e.files.Keys()

			for _, bad := range [][]byte{svgBad, nil, padded(pdfFile, verif.MaxLicenceBytes+1)} {
				r := cust.upload(validFields("改过的名字有限公司"), "b.png", bad)
				webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
				webtest.WantText(t, r, `value="改过的名字有限公司"`, webtest.T(lang, "verification.form.modify_hint", nil))
			}
			after, _ := e.latest(a)
			if after.Version != before.Version || after.Fields != before.Fields || after.Licence != before.Licence {
				t.Errorf("a refused modification changed the submission:\nbefore %+v\nafter  %+v", before, after)
			}
			if got := e.files.Keys(); len(got) != 1 || got[0] != keys[0] {
				t.Errorf("objects %v, want only %v", got, keys)
			}
			lic := cust.Get("/account/verification/licence/" + strconv.FormatInt(after.ID, 10))
			if !bytes.Equal(lic.Raw, first) {
				t.Error("the kept licence is not the first upload")
			}
		})
	}
}

// TestUploadStorageDown checks that a file store that fails makes no
// submission and tells the customer, in their language, to try again.
func TestUploadStorageDown(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			a := e.customer("li@example.com", "CN", "上海示例科技有限公司")
			cust := e.client(lang)
			cust.Login("/login", "li@example.com")
			e.files.Fail = context.DeadlineExceeded
			r := cust.upload(validFields("上海示例科技有限公司"), "a.png", webtest.PNG(300, 300))
			if r.Status < 500 {
				t.Fatalf("status %d, want 5xx", r.Status)
			}
			webtest.WantText(t, r, webtest.T(lang, "error.licence.storage", nil))
			webtest.WantNoText(t, r, "deadline")
			if sub, ok := e.latest(a); ok {
				t.Errorf("submission stored without its file: %+v", sub)
			}
			e.files.Fail = nil
			webtest.WantStatus(t, cust.upload(validFields("上海示例科技有限公司"), "a.png", webtest.PNG(300, 300)), http.StatusSeeOther)
		})
	}
}
