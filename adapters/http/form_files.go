package http

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// FormFiles returns every file uploaded in the field name (an input with
// "multiple"), in the order sent, leaving out the empty part a browser sends
// when no file was chosen: from the form that the server read on a
// StreamForm route, else as Fiber reads it. The error reports a body that is
// not a readable form.
func FormFiles(c *fiber.Ctx, name string) ([]*File, error) {
	var out []*File
	if f, ok := c.Locals(localForm).(*streamedForm); ok {
		for _, file := range f.files[name] {
			if file.Filename != "" || file.Size > 0 {
				out = append(out, file)
			}
		}
		return out, nil
	}
	mf, err := c.MultipartForm()
	if errors.Is(err, fasthttp.ErrNoMultipartForm) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for _, fh := range mf.File[name] {
		if fh.Filename != "" || fh.Size > 0 {
			out = append(out, &File{Filename: fh.Filename, Size: fh.Size, fh: fh})
		}
	}
	return out, nil
}
