package ticket

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"supportal/domain"
	"supportal/domain/attachment"
)

// FilePrefix starts the object keys of ticket attachments.
const FilePrefix = "tickets/"

// Upload is a file as the customer or agent sent it. Size may be -1.
type Upload = attachment.Upload

// fileTypes are the content types a ticket accepts, recognised by content:
// images, PDF, text and log files, zip, 7z and gzip (tar.gz) archives. HTML,
// SVG and executables are none of them.
var fileTypes = map[string]attachment.Check{
	"image/jpeg": nil, "image/png": nil, "image/gif": nil, "image/webp": nil, "image/bmp": nil,
	"application/pdf": attachment.PDF,
	"text/plain":      nil, "text/csv": nil,
	"application/zip": nil, "application/x-7z-compressed": nil, "application/gzip": nil, "application/x-tar": nil,
}

// Inline tells whether a stored attachment of content type ct may be shown
// in the browser (images and PDF); everything else is served as a download.
func Inline(ct string) bool {
	switch ct {
	case "image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "application/pdf":
		return true
	}
	return false
}

// rules are the attachment rules of a ticket message.
func (s *Service) rules() attachment.Rules {
	return attachment.Rules{Field: "attachments", Keys: "error.ticket_file.", MaxBytes: s.d.Limits.MaxFileBytes,
		Types: fileTypes, Prefix: FilePrefix}
}

func (s *Service) uploads() *attachment.Store { return attachment.NewStore(s.d.Files, s.d.Sniffer) }

// storeFiles stores the uploads before the unit of work that names them. A
// refused file is a field error naming it; what was stored before it is
// deleted again.
func (s *Service) storeFiles(ctx context.Context, ups []Upload) ([]attachment.Attachment, error) {
	if len(ups) > s.d.Limits.MaxFiles {
		return nil, domain.FieldError("attachments", "error.ticket_file.too_many").With("Max", s.d.Limits.MaxFiles)
	}
	var out []attachment.Attachment
	for _, u := range ups {
		a, err := s.uploads().Save(ctx, u, s.rules())
		if err != nil {
			s.discard(ctx, out)
			if e := domain.As(err); e.Kind == domain.Invalid {
				return nil, e.With("Name", attachment.CleanName(u.Name))
			}
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// discard deletes stored objects no row will name; when that fails, the
// sweeper removes them later.
func (s *Service) discard(ctx context.Context, files []attachment.Attachment) {
	for _, f := range files {
		if err := s.uploads().Discard(ctx, f.Key); err != nil {
			s.d.Log.Warn("ticket: attachment left for the sweeper", "key", f.Key, "err", err)
		}
	}
}

// Sweep removes ticket objects older than olderThan that no row names.
func (s *Service) Sweep(ctx context.Context, idx attachment.Index, olderThan time.Time) (int, error) {
	return s.uploads().Sweep(ctx, idx, FilePrefix, olderThan)
}

// addMessage stores the message and the rows of its stored files in the
// unit of work, filling m.ID and m.Attachments.
func addMessage(ctx context.Context, st Stores, m *Message, files []attachment.Attachment) error {
	if err := st.Threads.AddMessage(ctx, m); err != nil {
		return err
	}
	m.Attachments = nil
	for _, f := range files {
		a := Attachment{MessageID: m.ID, TicketID: m.TicketID, Key: f.Key, Name: f.Name, ContentType: f.ContentType,
			Size: f.Size, CreatedAt: m.CreatedAt}
		if err := st.Threads.AddAttachment(ctx, &a); err != nil {
			return err
		}
		m.Attachments = append(m.Attachments, a)
	}
	return nil
}

// Attachment opens an attachment for the actor: a customer gets those of
// its company's tickets that are not on internal notes; agents and admins
// get any, and each such download is audited; reviewers get none. Anything
// else is NotFound, whether or not it exists.
func (s *Service) Attachment(ctx context.Context, a Actor, id int64) (io.ReadCloser, Attachment, error) {
	var staff bool
	switch {
	case a.Agent():
		if _, err := s.agent(ctx, a); err != nil {
			return nil, Attachment{}, err
		}
		staff = true
	case a.Staff():
		return nil, Attachment{}, errForbidden
	default:
		if _, err := s.customer(ctx, a); err != nil {
			return nil, Attachment{}, err
		}
	}
	att, internal, err := s.d.Threads.Attachment(ctx, id)
	if err != nil {
		if domain.KindOf(err) == domain.NotFound {
			return nil, Attachment{}, errNoAttach
		}
		return nil, Attachment{}, err
	}
	if !staff {
		if internal {
			return nil, Attachment{}, errNoAttach
		}
		if _, err := s.own(ctx, a.CompanyID, att.TicketID); err != nil {
			return nil, Attachment{}, errNoAttach
		}
	}
	if staff {
		now := s.now()
		err := s.d.Tx.InTx(ctx, func(st Stores) error {
			return audit(ctx, st, "ticket_attachment_download", a.AccountID, now,
				"ticket="+strconv.FormatInt(att.TicketID, 10)+" attachment="+strconv.FormatInt(att.ID, 10))
		})
		if err != nil {
			return nil, Attachment{}, err
		}
	}
	rc, _, err := s.d.Files.Open(ctx, att.Key)
	if err != nil {
		return nil, Attachment{}, fmt.Errorf("ticket: open attachment: %w", err)
	}
	return rc, att, nil
}
