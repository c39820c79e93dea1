package attachment

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"
)

// noisy returns a w×h picture whose pixels all differ, so that its encoding
// has no long runs and every byte of it matters.
func noisy(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(r.Uint32())
	}
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 255
	}
	return img
}

func pngFile(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegFile(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngChunk returns the offset of the first chunk of type typ and its length.
func pngChunk(t *testing.T, p []byte, typ string) (int, int) {
	t.Helper()
	for off := 8; off+8 <= len(p); {
		n := int(binary.BigEndian.Uint32(p[off:]))
		if string(p[off+4:off+8]) == typ {
			return off, n
		}
		off += 12 + n
	}
	t.Fatalf("no %s chunk", typ)
	return 0, 0
}

// fixCRC recomputes the CRC of the chunk at off, so that only its content is wrong.
func fixCRC(p []byte, off, n int) {
	binary.BigEndian.PutUint32(p[off+8+n:], crc32.ChecksumIEEE(p[off+4:off+8+n]))
}

// pngSized is a PNG whose header claims w×h pixels and whose image data is
// that of a small picture: only a decoder that trusts the header first can
// tell its size, a full decode would fail.
func pngSized(t *testing.T, w, h int) []byte {
	p := pngFile(t, noisy(300, 300))
	off, n := pngChunk(t, p, "IHDR")
	binary.BigEndian.PutUint32(p[off+8:], uint32(w))
	binary.BigEndian.PutUint32(p[off+12:], uint32(h))
	fixCRC(p, off, n)
	return p
}

// jpegGarbage keeps a JPEG's headers up to the start of its scan and replaces
// the compressed pixels by random bytes of the same length.
func jpegGarbage(t *testing.T) []byte {
	j := jpegFile(t, noisy(300, 300))
	sos := bytes.Index(j, []byte{0xff, 0xda})
	if sos < 0 {
		t.Fatal("no SOS marker")
	}
	start := sos + 2 + int(binary.BigEndian.Uint16(j[sos+2:]))
	r := rand.New(rand.NewPCG(3, 4))
	out := append([]byte(nil), j[:start]...)
	for range len(j) - start - 2 {
		out = append(out, uint8(r.Uint32()))
	}
	return append(out, 0xff, 0xd9)
}

// pdfDoc writes a small valid PDF with a correct cross-reference table; pad
// bytes of comment make it bigger.
func pdfDoc(pad int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
	}
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	for b.Len() < pad-200 {
		b.WriteString("% " + strings.Repeat("x", min(1000, pad-200-b.Len())) + "\n")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// pdfXrefStream is a PDF whose startxref points at a cross-reference
// stream's object, as PDF 1.5 and later writes them.
func pdfXrefStream() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n")
	x := b.Len()
	b.WriteString("3 0 obj\n<< /Type /XRef /Size 4 /W [1 2 1] /Root 1 0 R /Length 0 >>\nstream\n\nendstream\nendobj\n")
	fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF", x)
	return b.Bytes()
}

// licenceImage are the bounds of a licence picture.
var licenceImage = Image{MinSide: 200, MaxSide: 12000, MaxPixels: 24_000_000}

// keyOf returns the message id of a refusal under "error.licence".
func keyOf(err error) string {
	if err == nil {
		return ""
	}
	if r, ok := err.(*Refusal); ok {
		return "error.licence." + r.Reason
	}
	return err.Error()
}

func TestCheckImage(t *testing.T) {
	pngOK, jpegOK := pngFile(t, noisy(300, 240)), jpegFile(t, noisy(300, 240))
	badCRC := bytes.Clone(pngOK)
	off, n := pngChunk(t, badCRC, "IDAT")
	badCRC[off+8+n/2] ^= 0xff
	badZlib := bytes.Clone(badCRC)
	fixCRC(badZlib, off, n) // the chunk is whole, its compressed data is not
	noIEND := pngOK[:len(pngOK)-12]

	tests := []struct {
		name string
		data []byte
		key  string
	}{
		{"png", pngOK, ""},
		{"jpeg", jpegOK, ""},
		{"gray png", pngFile(t, image.NewGray(image.Rect(0, 0, 200, 200))), ""},
		{"paletted png", pngFile(t, image.NewPaletted(image.Rect(0, 0, 400, 200), color.Palette{color.Black, color.White})), ""},
		{"png of 24 million pixels", pngFile(t, image.NewGray(image.Rect(0, 0, 6000, 4000))), ""},
		{"truncated png", pngOK[:len(pngOK)/2], "error.licence.corrupt"},
		{"png without IEND", noIEND, "error.licence.corrupt"},
		{"png with a bad IDAT checksum", badCRC, "error.licence.corrupt"},
		{"png with damaged compressed data", badZlib, "error.licence.corrupt"},
		{"png cut to its header", pngOK[:33], "error.licence.corrupt"},
		{"truncated jpeg", jpegOK[:len(jpegOK)/2], "error.licence.corrupt"},
		{"jpeg without its end", jpegOK[:len(jpegOK)-2000], "error.licence.corrupt"},
		{"jpeg header with garbage", jpegGarbage(t), "error.licence.corrupt"},
		{"too small", pngFile(t, noisy(199, 300)), "error.licence.dimensions"},
		{"too wide", pngSized(t, 12001, 300), "error.licence.dimensions"},
		{"over the pixel limit", pngSized(t, 6000, 4001), "error.licence.pixels"},
		{"bomb of 12000×12000", pngSized(t, 12000, 12000), "error.licence.pixels"},
	}
	for _, tt := range tests {
		if got := keyOf(licenceImage.check(bytes.NewReader(tt.data), int64(len(tt.data)))); got != tt.key {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.key)
		}
	}
}

func TestCheckPDF(t *testing.T) {
	ok := pdfDoc(0)
	xrefAt := bytes.Index(ok, []byte("\nxref")) + 1
	replace := func(old, new string) []byte {
		return bytes.Replace(bytes.Clone(ok), []byte(old), []byte(new), 1)
	}
	startxref := fmt.Sprintf("startxref\n%d\n", xrefAt)
	tests := []struct {
		name string
		data []byte
		key  string
	}{
		{"minimal pdf", ok, ""},
		{"pdf of 1 MB", pdfDoc(1 << 20), ""},
		{"trailing white space", append(bytes.Clone(ok), "\r\n \n\x00"...), ""},
		{"no final end of line", bytes.TrimRight(ok, "\n"), ""},
		{"cross-reference stream", pdfXrefStream(), ""},
		{"pdf 2.0", replace("%PDF-1.4", "%PDF-2.0"), ""},
		{"without %%EOF", bytes.TrimSuffix(ok, []byte("%%EOF\n")), "error.licence.pdf_corrupt"},
		{"truncated", ok[:len(ok)*2/3], "error.licence.pdf_corrupt"},
		{"cut inside %%EOF", ok[:len(ok)-3], "error.licence.pdf_corrupt"},
		{"%%EOF followed by 1000 spaces", append(bytes.Clone(ok), bytes.Repeat([]byte(" "), 1000)...), ""},
		{"%%EOF followed by 2000 spaces", append(bytes.Clone(ok), bytes.Repeat([]byte(" "), 2000)...), "error.licence.pdf_corrupt"},
		{"junk after %%EOF", append(bytes.Clone(ok), "<html>"...), "error.licence.pdf_corrupt"},
		{"%%EOF followed by 2 KB", append(bytes.Clone(ok), bytes.Repeat([]byte("%"), 2048)...), "error.licence.pdf_corrupt"},
		{"without startxref", replace(startxref, ""), "error.licence.pdf_corrupt"},
		{"startxref out of range", replace(startxref, "startxref\n99999999\n"), "error.licence.pdf_corrupt"},
		{"startxref just past the end", replace(startxref, fmt.Sprintf("startxref\n%d\n", len(ok))), "error.licence.pdf_corrupt"},
		{"startxref negative", replace(startxref, "startxref\n-5\n"), "error.licence.pdf_corrupt"},
		{"startxref not a number", replace(startxref, "startxref\nabc\n"), "error.licence.pdf_corrupt"},
		{"startxref pointing elsewhere", replace(startxref, fmt.Sprintf("startxref\n%d\n", xrefAt+7)), "error.licence.pdf_corrupt"},
		{"header only", []byte("%PDF-1.4\n%%EOF\n"), "error.licence.pdf_corrupt"},
		{"bad version", replace("%PDF-1.4", "%PDF-x.4"), "error.licence.pdf_corrupt"},
		{"no objects", []byte("%PDF-1.4\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< >>\nstartxref\n9\n%%EOF\n"), "error.licence.pdf_corrupt"},
		{"object never ended", bytes.ReplaceAll(bytes.Clone(ok), []byte("endobj"), []byte("endxxx")), "error.licence.pdf_corrupt"},
	}
	for _, tt := range tests {
		if got := keyOf(checkPDF(bytes.NewReader(tt.data), int64(len(tt.data)))); got != tt.key {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.key)
		}
	}
}

// FuzzCheckPDF feeds damaged PDFs to the structure check, which must never
// panic, and must refuse every file that does not end with %%EOF.
func FuzzCheckPDF(f *testing.F) {
	f.Add(pdfDoc(0))
	f.Add(pdfXrefStream())
	f.Add([]byte("%PDF-1.4\nstartxref\n9\n%%EOF"))
	f.Fuzz(func(t *testing.T, b []byte) {
		err := checkPDF(bytes.NewReader(b), int64(len(b)))
		if err == nil && !bytes.HasSuffix(bytes.TrimRight(b, pdfSpace), []byte("%%EOF")) {
			t.Fatalf("accepted a file without %%%%EOF: %q", b)
		}
	})
}
