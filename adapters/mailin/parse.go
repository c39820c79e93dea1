package mailin

import (
	"io"
	"net/mail"
	"regexp"
	"strings"
)

// MaxIDs is how many message ids of a References header are kept.
const MaxIDs = 64

// Parse reads one message of at most limit bytes from r. It fails with
// ErrTooLarge when the message is longer and with the reader's error when
// the header cannot be read; a malformed body yields what could be read.
func Parse(r io.Reader, limit int64) (*Message, error) {
	raw, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(raw)) > limit {
		return nil, ErrTooLarge
	}
	h, body, err := splitEntity(raw)
	if err != nil {
		return nil, err
	}
	m := &Message{
		MessageID:  firstID(h.Get("Message-Id")),
		InReplyTo:  firstID(h.Get("In-Reply-To")),
		References: ids(strings.Join(h.Values("References"), " ")),
		Subject:    strings.TrimSpace(collapseSpace(decodeHeader(h.Get("Subject")))),
	}
	if from := addresses(h.Get("From")); len(from) > 0 {
		m.From, m.FromName = from[0].Address, from[0].Name
	}
	for _, a := range addresses(strings.Join(h.Values("To"), ", ")) {
		m.To = append(m.To, a.Address)
	}
	for _, a := range addresses(strings.Join(h.Values("Cc"), ", ")) {
		m.Cc = append(m.Cc, a.Address)
	}
	if d, err := mail.ParseDate(strings.TrimSpace(h.Get("Date"))); err == nil {
		m.Date = d
	} else if d, err := mail.ParseDate(dateComment.ReplaceAllString(h.Get("Date"), "")); err == nil {
		m.Date = d
	}
	var w walker
	c := w.walk(h, body, 0, false)
	m.Attachments = w.atts
	if strings.TrimSpace(c.plain) != "" {
		m.Text = strings.TrimRight(c.plain, "\n \t")
	} else if c.html != "" {
		m.Text = strings.TrimRight(htmlToText(c.html), "\n")
		m.TextFromHTML = true
	}
	m.Auto, m.AutoReason = detectAuto(h, m.From, m.Subject, w.reports)
	m.Reply = extractReply(m.Text)
	return m, nil
}

// dateComment matches a trailing comment such as "(CST)" in a Date header.
var dateComment = regexp.MustCompile(`\s*\([^)]*\)\s*$`)

// collapseSpace turns folded header white space into single spaces.
func collapseSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' || r == '\t' }), " ")
}

// msgID matches one bracketed message id.
var msgID = regexp.MustCompile(`<([^<>\s]+)>`)

// ids returns the message ids of a References or In-Reply-To value,
// without brackets, in order, at most MaxIDs of them.
func ids(v string) []string {
	v = strings.ToValidUTF8(v, "\uFFFD")
	var out []string
	seen := map[string]bool{}
	ms := msgID.FindAllStringSubmatch(v, -1)
	var list []string
	for _, m := range ms {
		list = append(list, m[1])
	}
	bare := len(list) == 0
	if bare {
		list = strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\r' || r == '\n' })
	}
	for _, id := range list {
		id = strings.Trim(id, "<>")
		if id == "" || seen[id] || bare && len(list) > 1 && !strings.Contains(id, "@") {
			continue
		}
		seen[id] = true
		out = append(out, id)
		if len(out) == MaxIDs {
			break
		}
	}
	return out
}

// firstID returns the first message id of a header value.
func firstID(v string) string {
	if l := ids(v); len(l) > 0 {
		return l[0]
	}
	return ""
}
