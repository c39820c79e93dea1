// Package sniff tells the content type of a file from its first bytes, with
// github.com/gabriel-vasile/mimetype, so that uploads are judged by their
// content and never by their name or the type the browser claims.
package sniff

import (
	"bytes"
	"mime"

	"github.com/gabriel-vasile/mimetype"

	"supportal/domain/attachment"
)

// Sniffer detects content types. The zero value is ready to use.
type Sniffer struct{}

var _ attachment.Sniffer = Sniffer{}

// pdfMagic is how a PDF file starts.
var pdfMagic = []byte("%PDF-")

// Sniff returns the media type of a file whose first bytes are head, without
// parameters such as charset: "image/png", "application/pdf", "text/html".
// Unrecognised binary content is "application/octet-stream". Unlike
// mimetype, which follows Acrobat in accepting "%PDF-" anywhere in the first
// kilobyte, Sniff calls a file a PDF only when it starts with "%PDF-", so an
// HTML page with a PDF marker further down is not taken for a PDF.
func (Sniffer) Sniff(head []byte) string {
	mt := mimetype.Detect(head).String()
	if t, _, err := mime.ParseMediaType(mt); err == nil {
		mt = t
	}
	if mt == "application/pdf" && !bytes.HasPrefix(head, pdfMagic) {
		return "application/octet-stream"
	}
	return mt
}
