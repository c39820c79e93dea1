package main

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"supportal/adapters/i18n"
	"supportal/domain/verification"
)

// TestLicenceOverLimitKeepsTheForm submits a licence larger than 10 MB (and
// larger than the server's body limit) without "Expect: 100-continue": the
// form comes back with 422, the other fields kept, the limit next to the
// 组织证照 field, the signed-in user in the header, and nothing stored.
func TestLicenceOverLimitKeepsTheForm(t *testing.T) {
	ta := startApp(t)
	for _, lang := range i18n.Langs {
		email := "big-" + lang + "@example.com"
		faultCustomer(t, ta, email)
		w := newWebClient(t, ta, lang)
		w.login(email)
		for _, size := range []int{verification.MaxLicenceBytes + 1, bodyLimit + 1<<20} {
			file := append(licencePNG(t, 300, 300), bytes.Repeat([]byte{0}, size)...)
			status, body, err := w.submit(t.Context(), "保留的公司名称", file)
			if err != nil {
				t.Fatalf("%s, %d bytes: %v", lang, size, err)
			}
			if status != http.StatusUnprocessableEntity {
				t.Fatalf("%s, %d bytes: status %d, want 422\n%.800s", lang, size, status, body)
			}
			msg := ta.bundle.T(lang, "error.licence.too_large", map[string]any{"MB": verification.MaxLicenceBytes >> 20})
			if !strings.Contains(body, `<p class="error" id="e-licence">`+msg+`</p>`) {
				t.Errorf("%s, %d bytes: %q is not next to the licence field:\n%s", lang, size, msg, body)
			}
			for _, kept := range []string{`value="保留的公司名称"`, `value="91310110666007217T"`, "故障 测试"} {
				if !strings.Contains(body, kept) {
					t.Errorf("%s, %d bytes: the page lost %s", lang, size, kept)
				}
			}
		}
	}
	if n := countRows(t, ta, "verification_submissions"); n != 0 {
		t.Errorf("%d submissions stored", n)
	}
}
