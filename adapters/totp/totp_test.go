package totp

import (
	"bytes"
	"image/png"
	"net/url"
	"strings"
	"testing"
	"time"
)

// rfcSecret is the SHA-1 key of RFC 6238's test vectors, in base32.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

// TestRFC6238Vectors checks the six-digit tails of RFC 6238 Appendix B.
func TestRFC6238Vectors(t *testing.T) {
	for _, tt := range []struct {
		unix int64
		want string
	}{{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"}} {
		got, err := CodeAt(rfcSecret, time.Unix(tt.unix, 0))
		if err != nil || got != tt.want {
			t.Errorf("CodeAt(%d) = %q, %v; want %q", tt.unix, got, err, tt.want)
		}
	}
}

func TestStep(t *testing.T) {
	at := time.Unix(1234567890, 0)
	now := at.Unix() / period
	var o OTP
	for _, d := range []int64{-1, 0, 1} {
		code, _ := Code(rfcSecret, now+d)
		if step, ok := o.Step(rfcSecret, code, at); !ok || step != now+d {
			t.Errorf("code of step %+d: Step = %d, %v; want %d", d, step, ok, now+d)
		}
	}
	for _, d := range []int64{-2, 2} {
		code, _ := Code(rfcSecret, now+d)
		if step, ok := o.Step(rfcSecret, code, at); ok {
			t.Errorf("code of step %+d accepted as step %d", d, step)
		}
	}
	if _, ok := o.Step(rfcSecret, "", at); ok {
		t.Error("empty code accepted")
	}
	if _, ok := o.Step("not base32!", "123456", at); ok {
		t.Error("code for a broken secret accepted")
	}
}

func TestURIAndQR(t *testing.T) {
	uri, err := OTP{}.URI("Supportal", "rev@vendor.example", rfcSecret)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || !strings.Contains(u.Path, "rev@vendor.example") {
		t.Fatalf("URI = %q (%v)", uri, err)
	}
	q := u.Query()
	if q.Get("secret") != rfcSecret || q.Get("issuer") != "Supportal" || q.Get("digits") != "6" || q.Get("period") != "30" {
		t.Errorf("URI query = %v", q)
	}
	img, err := QR(uri, 200)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil || cfg.Width != 200 || cfg.Height != 200 {
		t.Errorf("QR = %dx%d, %v; want a 200x200 PNG", cfg.Width, cfg.Height, err)
	}
	if _, err := (OTP{}).URI("Supportal", "x@example.com", "not base32!"); err == nil {
		t.Error("URI of a broken secret succeeded")
	}
}
