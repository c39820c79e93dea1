package attachment

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // register the decoders for image.Decode
	_ "image/png"
	"io"
	"regexp"
	"runtime/debug"
	"strconv"
)

// Image bounds an image's sides and pixels. Its Check decodes the whole
// image, one at a time in the process, so that uploads arriving together do
// not each hold a decoded image.
type Image struct {
	MinSide, MaxSide int
	// MaxPixels bounds the pixels, and so the memory a full decode takes
	// (at most 4 bytes a pixel for 8-bit images).
	MaxPixels int64
}

// decoding lets one image be decoded at a time in the process.
var decoding = make(chan struct{}, 1)

// Check decodes the whole image: its dimensions first, so that an image
// with too many pixels is refused before its pixels are allocated
// ("dimensions" with Min and Max, "pixels" with MP), then every pixel, so
// that a truncated or damaged file is refused ("corrupt").
func (im Image) Check(ctx context.Context, r io.ReaderAt, size int64) error {
	select {
	case decoding <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("attachment: wait to decode: %w", ctx.Err())
	}
	defer func() {
		<-decoding
		if len(decoding) == 0 {
			// Hand the decoded image's memory back to the operating system
			// now; the runtime would keep it for minutes.
			debug.FreeOSMemory()
		}
	}()
	return im.check(r, size)
}

func (im Image) check(r io.ReaderAt, size int64) error {
	cfg, _, err := image.DecodeConfig(bufio.NewReader(io.NewSectionReader(r, 0, size)))
	if err != nil {
		return &Refusal{Reason: "corrupt"}
	}
	if cfg.Width < im.MinSide || cfg.Height < im.MinSide || cfg.Width > im.MaxSide || cfg.Height > im.MaxSide {
		return &Refusal{Reason: "dimensions", Data: map[string]any{"Min": im.MinSide, "Max": im.MaxSide}}
	}
	if int64(cfg.Width)*int64(cfg.Height) > im.MaxPixels {
		return &Refusal{Reason: "pixels", Data: map[string]any{"MP": im.MaxPixels / 1_000_000}}
	}
	if _, _, err := image.Decode(bufio.NewReader(io.NewSectionReader(r, 0, size))); err != nil {
		return &Refusal{Reason: "corrupt"}
	}
	return nil
}

// pdfTail is how near the end of a PDF its %%EOF marker must be; its
// startxref must be at most as far before it.
const pdfTail = 1024

// errPDF refuses a file that is not a well-formed PDF.
var errPDF = &Refusal{Reason: "pdf_corrupt"}

// pdfSpace is PDF's white space (ISO 32000-1, 7.2.2).
const pdfSpace = "\x00\t\n\f\r "

var (
	pdfHeader = regexp.MustCompile(`^%PDF-[12]\.[0-9]`)
	// objHeader is an indirect object's header, "12 0 obj".
	objHeader = regexp.MustCompile(`(?:^|[^0-9])[0-9]{1,10}[\x00\t\n\f\r ]+[0-9]{1,5}[\x00\t\n\f\r ]+obj`)
	// xrefTarget is what the last startxref must point at: a cross-reference
	// table or a cross-reference stream's object header.
	xrefTarget = regexp.MustCompile(`^[\x00\t\n\f\r ]*(?:xref|[0-9]{1,10}[\x00\t\n\f\r ]+[0-9]{1,5}[\x00\t\n\f\r ]+obj)`)
)

// PDF checks the structure of a PDF without interpreting it: it starts with
// a %PDF-1.x header, ends (but for white space) with %%EOF, the startxref
// before that gives an offset inside the file where a cross-reference table
// or stream starts, and the file holds at least one object (obj … endobj).
// A file that fails is refused as "pdf_corrupt".
func PDF(_ context.Context, r io.ReaderAt, size int64) error { return checkPDF(r, size) }

func checkPDF(r io.ReaderAt, size int64) error {
	head := make([]byte, 16)
	n, err := r.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return err
	}
	if !pdfHeader.Match(head[:n]) {
		return errPDF
	}
	tail := make([]byte, min(size, 2*pdfTail))
	if _, err := r.ReadAt(tail, size-int64(len(tail))); err != nil && err != io.EOF {
		return err
	}
	trimmed := bytes.TrimRight(tail, pdfSpace)
	if len(tail)-len(trimmed) > pdfTail-len("%%EOF") {
		return errPDF
	}
	tail, ok := bytes.CutSuffix(trimmed, []byte("%%EOF"))
	i := bytes.LastIndex(tail, []byte("startxref"))
	if !ok || i < 0 {
		return errPDF
	}
	digits := bytes.Trim(tail[i+len("startxref"):], pdfSpace)
	off, err := strconv.ParseInt(string(digits), 10, 64)
	if err != nil || len(digits) == 0 || digits[0] == '+' || digits[0] == '-' || off < 8 || off >= size {
		return errPDF
	}
	at := make([]byte, 64)
	n, err = r.ReadAt(at, off)
	if err != nil && err != io.EOF {
		return err
	}
	if !xrefTarget.Match(at[:n]) {
		return errPDF
	}
	found, err := pdfHasObject(r, size)
	if err != nil {
		return err
	}
	if !found {
		return errPDF
	}
	return nil
}

// pdfHasObject reports whether the file holds an object header and an endobj
// keyword, reading it in chunks that overlap so that no keyword is split.
func pdfHasObject(r io.ReaderAt, size int64) (bool, error) {
	const chunk, overlap = 64 << 10, 40
	buf := make([]byte, chunk+overlap)
	var header, end bool
	carry := 0
	for off := int64(0); off < size && !(header && end); {
		n, err := r.ReadAt(buf[carry:], off)
		if err != nil && err != io.EOF {
			return false, err
		}
		if n == 0 {
			break
		}
		b := buf[:carry+n]
		header = header || objHeader.Match(b)
		end = end || bytes.Contains(b, []byte("endobj"))
		off += int64(n)
		carry = min(overlap, len(b))
		copy(buf, b[len(b)-carry:])
	}
	return header && end, nil
}
