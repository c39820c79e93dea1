package main

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"supportal/adapters/i18n"
)

// TestDamagedLicenceStoresNothing submits damaged licence files to the
// application on a real PostgreSQL and MinIO: each is refused with 422 and
// the translated message, and neither an object nor a row is left behind.
func TestDamagedLicenceStoresNothing(t *testing.T) {
	s := faultMinIO(t, t.TempDir(), 0)
	ta, store := faultApp(t, s)
	good := licencePNG(t, 300, 300)
	badCRC := bytes.Clone(good)
	badCRC[bytes.Index(badCRC, []byte("IDAT"))+8] ^= 0xff
	const pdf = "%PDF-1.4\n1 0 obj<<>>endobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n" +
		"trailer<</Size 2>>\nstartxref\n27\n%%EOF\n"
	tests := []struct {
		name string
		file []byte
		key  string
	}{
		{"png cut after its header", good[:len(good)/2], "error.licence.corrupt"},
		{"png with a damaged checksum", badCRC, "error.licence.corrupt"},
		{"pdf without %%EOF", []byte(strings.TrimSuffix(pdf, "%%EOF\n")), "error.licence.pdf_corrupt"},
		{"pdf with startxref out of range", []byte(strings.Replace(pdf, "\n27\n", "\n2700\n", 1)), "error.licence.pdf_corrupt"},
	}
	for i, lang := range i18n.Langs {
		email := "damaged" + strconv.Itoa(i) + "@example.com"
		faultCustomer(t, ta, email)
		w := newWebClient(t, ta, lang)
		w.login(email)
		for _, tt := range tests {
			status, body, err := w.submit(t.Context(), "故障测试科技有限公司", tt.file)
			if err != nil || status != http.StatusUnprocessableEntity {
				t.Fatalf("%s: %s: %d %v", lang, tt.name, status, err)
			}
			if want := ta.bundle.T(lang, tt.key, nil); !strings.Contains(body, want) {
				t.Errorf("%s: %s: the page does not say %q", lang, tt.name, want)
			}
		}
		// i valid PDFs were stored by the languages before this one.
		if got := objects(t, store); len(got) != i {
			t.Fatalf("%s: damaged licences left objects: %v", lang, got)
		}
		if n := countRows(t, ta, "verification_submissions"); n != i {
			t.Fatalf("%s: damaged licences made %d submissions", lang, n)
		}
		if status, body, err := w.submit(t.Context(), "故障测试科技有限公司", []byte(pdf)); err != nil || status != http.StatusSeeOther {
			t.Fatalf("%s: a valid PDF: %d %v\n%s", lang, status, err, body)
		}
	}
	if got := objects(t, store); len(got) != len(i18n.Langs) {
		t.Errorf("objects %v, want one per valid submission", got)
	}
}
