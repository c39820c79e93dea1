package webtest

import (
	"bytes"
	"image"
	"image/png"
)

// PNG returns a grey PNG image of w × h pixels, a file that passes the
// uploads' content checks.
func PNG(w, h int) []byte {
	var buf bytes.Buffer
	_ = png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h)))
	return buf.Bytes()
}
