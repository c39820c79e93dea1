package verification_test

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"testing"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
)

var heldField = regexp.MustCompile(`<input type="hidden" name="held_licence" value="([^"]+)">`)

// heldTexts are 已上传 and the required licence's field error per language.
var heldTexts = map[string]struct{ uploaded, required string }{
	i18n.ZH: {"已上传：营业执照.png（选择其他文件将替换它）", "请上传组织证照。"},
	i18n.EN: {"Uploaded: 营业执照.png (choosing another file replaces it)", "Please upload the licence document."},
}

// refusedWithHeld posts a valid PNG with a bad credit code and returns the
// held_licence token the 422 page carries.
func refusedWithHeld(t *testing.T, c *client, company string, file []byte, lang string) string {
	t.Helper()
	r := c.upload(fieldsWith(company, "bad-code"), "营业执照.png", file)
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, heldTexts[lang].uploaded)
	m := heldField.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no held_licence in the refused form:\n%s", r.Body)
	}
	return m[1]
}

// TestHeldLicenceRetry checks that a licence sent with a refused credit code
// is kept for the retry, which succeeds without choosing the file again.
func TestHeldLicenceRetry(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			a := e.customer("li@example.com", "CN", "上海示例科技有限公司")
			c := e.client(lang)
			c.Login("/login", "li@example.com")
			img := webtest.PNG(300, 200)
			token := refusedWithHeld(t, c, "上海示例科技有限公司", img, lang)
			held := e.files.Keys()
			if len(held) != 1 {
				t.Fatalf("stored objects %v, want the held licence", held)
			}
			// The dialog's form, returned to htmx, holds the licence too.
			r := c.upload(fieldsWith("上海示例科技有限公司", "bad-code"), "营业执照.png", img, "HX-Request", "true")
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			webtest.WantText(t, r, heldTexts[lang].uploaded)
			if !heldField.MatchString(r.Body) {
				t.Fatalf("no held_licence in the htmx form")
			}

			f := validFields("上海示例科技有限公司")
			f["held_licence"] = token
			webtest.WantStatus(t, c.upload(f, "", nil), http.StatusSeeOther)
			sub, ok := e.latest(a)
			if !ok || sub.Licence.Key != held[0] || sub.Licence.Name != "营业执照.png" || sub.Licence.Size != int64(len(img)) || sub.Licence.ContentType != "image/png" {
				t.Fatalf("submission licence %+v (found %v), want the held 营业执照.png", sub.Licence, ok)
			}
			rc, _, err := e.files.Open(t.Context(), sub.Licence.Key)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(got, img) {
				t.Errorf("the submission's licence is not the uploaded file")
			}
		})
	}
}

// TestHeldLicenceRefused checks that a token of another account, or one
// tampered with, is ignored: the licence is asked for again.
func TestHeldLicenceRefused(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			a := e.customer("li@example.com", "CN", "上海示例科技有限公司")
			e.customer("wang@example.com", "CN", "北京示例有限公司")
			li, wang := e.client(lang), e.client(lang)
			li.Login("/login", "li@example.com")
			wang.Login("/login", "wang@example.com")
			own := refusedWithHeld(t, li, "上海示例科技有限公司", webtest.PNG(300, 200), lang)
			foreign := refusedWithHeld(t, wang, "北京示例有限公司", webtest.PNG(400, 300), lang)
			tampered := []byte(own)
			tampered[3] ^= 1
			for name, token := range map[string]string{"foreign": foreign, "tampered": string(tampered), "garbage": "x.y"} {
				f := validFields("上海示例科技有限公司")
				f["held_licence"] = token
				r := li.upload(f, "", nil)
				webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
				webtest.WantText(t, r, heldTexts[lang].required)
				webtest.WantNoText(t, r, heldTexts[lang].uploaded)
				if _, ok := e.latest(a); ok {
					t.Fatalf("%s token: a submission was stored", name)
				}
			}
		})
	}
}

// TestHeldLicenceReplaced checks that a new file on the retry wins over the
// held one.
func TestHeldLicenceReplaced(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			a := e.customer("li@example.com", "CN", "上海示例科技有限公司")
			c := e.client(lang)
			c.Login("/login", "li@example.com")
			token := refusedWithHeld(t, c, "上海示例科技有限公司", webtest.PNG(300, 200), lang)
			held := e.files.Keys()[0]
			f := validFields("上海示例科技有限公司")
			f["held_licence"] = token
			webtest.WantStatus(t, c.uploadAs(f, "licence.pdf", "application/pdf", pdfFile), http.StatusSeeOther)
			sub, ok := e.latest(a)
			if !ok || sub.Licence.Key == held || sub.Licence.Name != "licence.pdf" || sub.Licence.ContentType != "application/pdf" {
				t.Fatalf("submission licence %+v (found %v), want the new licence.pdf", sub.Licence, ok)
			}
		})
	}
}
