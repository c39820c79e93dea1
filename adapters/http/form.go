package http

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"os"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Multipart forms of the routes marked with StreamForm, read by the server
// itself (see body.go).
const (
	// formLimit caps the whole body of a form route: files over their limit
	// are read and discarded up to it, so that the form comes back with the
	// message next to the file's field.
	formLimit = 256 << 20
	// formTimeout bounds reading a form route's body.
	formTimeout = 10 * time.Minute
	// maxFormText caps a form's text fields together, maxFormParts the
	// number of its parts.
	maxFormText  = 1 << 20
	maxFormParts = 100
)

const localForm = "form"

// streamedForm is a multipart form read by readForm.
type streamedForm struct {
	values map[string]string
	files  map[string][]*File // every file of a field, in the order sent
	names  []string           // field names in the order sent (values and files)
}

// File is an uploaded file of a form route. Open reads what the server kept
// of it: all of it, or the first limit+1 bytes of a file over the route's
// limit; Size is always the size of the whole file as sent.
type File struct {
	Filename string
	Size     int64
	tmp      *os.File
	fh       *multipart.FileHeader // a file that Fiber parsed (no StreamForm)
}

// Open returns the kept content of the file, from its start.
func (f *File) Open() (io.ReadCloser, error) {
	if f.fh != nil {
		return f.fh.Open()
	}
	r, err := os.Open(f.tmp.Name())
	if err != nil {
		return nil, fmt.Errorf("upload: open %s: %w", f.Filename, err)
	}
	return r, nil
}

func isMultipart(c *fiber.Ctx) bool {
	mt, _, err := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	return err == nil && mt == fiber.MIMEMultipartForm
}

// readForm reads the multipart body of a form route into the request's
// locals, then runs the next handler and removes the kept files.
func (s *Server) readForm(c *fiber.Ctx, body io.Reader, maxFile int64) error {
	lr := &io.LimitedReader{R: body, N: formLimit + 1}
	f, err := parseForm(lr, string(c.Request().Header.MultipartFormBoundary()), maxFile)
	defer f.remove()
	switch {
	case lr.N <= 0:
		return refuseBody(c, body)
	case errors.Is(err, errFormText):
		return refuseBody(c, lr)
	case err != nil:
		return fiber.ErrBadRequest
	}
	// Whatever follows the closing boundary is read, so that the answer is
	// not followed by a reset.
	_, _ = io.Copy(io.Discard, lr)
	if lr.N <= 0 {
		return refuseBody(c, body)
	}
	c.Locals(localForm, f)
	return c.Next()
}

var errFormText = errors.New("upload: form text too large")

func parseForm(body io.Reader, boundary string, maxFile int64) (*streamedForm, error) {
	f := &streamedForm{values: map[string]string{}, files: map[string][]*File{}}
	if boundary == "" {
		return f, errors.New("upload: no boundary")
	}
	mr := multipart.NewReader(body, boundary)
	text := 0
	for range maxFormParts {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return f, nil
		}
		if err != nil {
			return f, fmt.Errorf("upload: next part: %w", err)
		}
		name := part.FormName()
		if name == "" {
			continue
		}
		f.names = append(f.names, name)
		if part.FileName() == "" {
			var buf bytes.Buffer
			n, err := io.Copy(&buf, io.LimitReader(part, int64(maxFormText-text)+1))
			if err != nil {
				return f, fmt.Errorf("upload: read %s: %w", name, err)
			}
			if text += int(n); text > maxFormText {
				return f, errFormText
			}
			if _, dup := f.values[name]; !dup {
				f.values[name] = buf.String()
			}
			continue
		}
		file, err := keepFile(part, maxFile)
		if err != nil {
			return f, err
		}
		f.files[name] = append(f.files[name], file)
	}
	return f, errors.New("upload: too many parts")
}

// keepFile writes at most maxFile+1 bytes of a file part to a temporary file
// and counts (and discards) the rest.
func keepFile(part *multipart.Part, maxFile int64) (*File, error) {
	tmp, err := os.CreateTemp("", "supportal-upload-*")
	if err != nil {
		return nil, fmt.Errorf("upload: temporary file: %w", err)
	}
	file := &File{Filename: part.FileName(), tmp: tmp}
	kept, err := io.Copy(tmp, io.LimitReader(part, maxFile+1))
	if err == nil {
		var rest int64
		rest, err = io.Copy(io.Discard, part)
		kept += rest
	}
	if err != nil {
		file.remove()
		return nil, fmt.Errorf("upload: read %s: %w", part.FormName(), err)
	}
	file.Size = kept
	return file, nil
}

func (f *File) remove() {
	if f != nil && f.tmp != nil {
		_ = f.tmp.Close()
		_ = os.Remove(f.tmp.Name())
	}
}

func (f *streamedForm) remove() {
	if f == nil {
		return
	}
	for _, files := range f.files {
		for _, file := range files {
			file.remove()
		}
	}
}

// FormValue returns the form field name: from the form that the server read
// on a StreamForm route, else as Fiber reads it.
func FormValue(c *fiber.Ctx, name string) string {
	if f, ok := c.Locals(localForm).(*streamedForm); ok {
		return f.values[name]
	}
	return strings.Clone(c.FormValue(name))
}

// FormFile returns the uploaded file of the field name, or nil when none was
// sent: from the form that the server read on a StreamForm route, else as
// Fiber reads it. The error reports a body that is not a readable form.
func FormFile(c *fiber.Ctx, name string) (*File, error) {
	if f, ok := c.Locals(localForm).(*streamedForm); ok {
		if files := f.files[name]; len(files) > 0 {
			return files[0], nil
		}
		return nil, nil
	}
	fh, err := c.FormFile(name)
	if errors.Is(err, fasthttp.ErrMissingFile) || errors.Is(err, fasthttp.ErrNoMultipartForm) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &File{Filename: fh.Filename, Size: fh.Size, fh: fh}, nil
}
