package sniff_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"supportal/adapters/sniff"
)

// picture returns a small test image.
func picture() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for x := range 32 {
		for y := range 24 {
			img.Set(x, y, color.RGBA{uint8(x * 8), uint8(y * 10), 128, 255})
		}
	}
	return img
}

func encodePNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, picture()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, picture(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const minimalPDF = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
	"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

func TestSniff(t *testing.T) {
	pngBytes := encodePNG(t)
	tests := []struct {
		name string
		head []byte
		want string
	}{
		{"png", pngBytes, "image/png"},
		{"png cut to its first bytes", pngBytes[:64], "image/png"},
		{"jpeg", encodeJPEG(t), "image/jpeg"},
		{"pdf", []byte(minimalPDF), "application/pdf"},
		{"binary", []byte{0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x10}, "application/octet-stream"},
	}
	var s sniff.Sniffer
	for _, tt := range tests {
		if got := s.Sniff(tt.head); got != tt.want {
			t.Errorf("%s: Sniff = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestSniffRefusesDisguises feeds content that a licence upload must not
// pass as an image or PDF, whatever its file name says.
func TestSniffRefusesDisguises(t *testing.T) {
	tests := []struct {
		name string
		head string
	}{
		{"html named licence.png", "<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(1)</script></body></html>"},
		{"html without doctype", "<html><body><img src=x onerror=alert(1)></body></html>"},
		{"svg named licence.jpg", `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>`},
		{"svg without prolog", `<svg xmlns="http://www.w3.org/2000/svg"><rect width="10" height="10"/></svg>`},
		{"text", "营业执照 91310110666007217T"},
		{"pdf marker late", "hello\n%PDF-1.4\n"},
		{"html with a pdf marker", "<html><script>alert(1)</script></html>\n%PDF-1.4\n"},
		{"empty", ""},
	}
	var s sniff.Sniffer
	for _, tt := range tests {
		got := s.Sniff([]byte(tt.head))
		switch got {
		case "image/png", "image/jpeg", "application/pdf":
			t.Errorf("%s: Sniff = %q, want neither an image nor a PDF", tt.name, got)
		}
		if got == "" {
			t.Errorf("%s: Sniff returned no type", tt.name)
		}
	}
}

func TestSniffDropsParameters(t *testing.T) {
	var s sniff.Sniffer
	if got := s.Sniff([]byte("<html><body>hi</body></html>")); got != "text/html" {
		t.Errorf("Sniff(html) = %q, want text/html without a charset", got)
	}
	if got := s.Sniff([]byte("plain words\n")); got != "text/plain" {
		t.Errorf("Sniff(text) = %q, want text/plain without a charset", got)
	}
}
