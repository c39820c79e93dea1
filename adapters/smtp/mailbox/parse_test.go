package mailbox

import (
	"encoding/base64"
	"strings"
	"testing"
)

// crlf turns the readable "\n" line ends of a test message into CRLF.
func crlf(s string) []byte {
	return []byte(strings.ReplaceAll(s, "\n", "\r\n"))
}

func TestParseBase64InNestedMultipart(t *testing.T) {
	text := base64.StdEncoding.EncodeToString([]byte("您的验证码是 705318。\n请勿转发。"))
	raw := crlf(`From: =?UTF-8?B?5a6i5pyN?= <help@example.com>
To: user@example.com
Subject: =?UTF-8?B?5oKo55qE6aqM6K+B56CB?=
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

` + text[:20] + "\n" + text[20:] + `
--inner
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

<p>=E6=82=A8=E7=9A=84=E9=AA=8C=E8=AF=81=E7=A0=81=E6=98=AF <b>705318</b>=
</p>
--inner--
--outer
Content-Type: text/plain; name="notes.txt"
Content-Disposition: attachment; filename="notes.txt"

not the body
--outer--
`)

	m := parse(raw)

	if m.Subject != "您的验证码" {
		t.Errorf("Subject = %q", m.Subject)
	}
	if m.From != "客服 <help@example.com>" {
		t.Errorf("From = %q", m.From)
	}
	if m.Text != "您的验证码是 705318。\n请勿转发。" {
		t.Errorf("Text = %q", m.Text)
	}
	if m.HTML != "<p>您的验证码是 <b>705318</b></p>" {
		t.Errorf("HTML = %q", m.HTML)
	}
	if string(m.Raw) != string(raw) {
		t.Error("Raw differs from the input")
	}
}

func TestParseSinglePart(t *testing.T) {
	tests := []struct {
		name, raw, subject, text, html string
	}{
		{
			name:    "no content type is plain text",
			raw:     "Subject: hello\n\nline one\nline two\n",
			subject: "hello", text: "line one\nline two\n",
		},
		{
			name:    "quoted-printable html with q-encoded subject",
			raw:     "Subject: =?utf-8?q?=E4=BD=A0=E5=A5=BD?=\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n<p>=E4=BD=A0=E5=A5=BD</p>\n",
			subject: "你好", html: "<p>你好</p>\n",
		},
		{
			name: "unpadded base64",
			raw:  "Content-Type: text/plain\nContent-Transfer-Encoding: BASE64\n\n" + base64.RawStdEncoding.EncodeToString([]byte("ok!!")) + "\n",
			text: "ok!!",
		},
		{
			name: "broken base64 is kept as it came",
			raw:  "Content-Transfer-Encoding: base64\n\n%%%\n",
			text: "%%%\n",
		},
		{
			name: "no header block",
			raw:  "just words",
			text: "just words",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := parse(crlf(tt.raw))
			if m.Subject != tt.subject || m.Text != tt.text || m.HTML != tt.html {
				t.Errorf("parse = subject %q, text %q, html %q; want %q, %q, %q",
					m.Subject, m.Text, m.HTML, tt.subject, tt.text, tt.html)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(crlf("Subject: =?utf-8?b?5L2g5aW9?=\nContent-Type: multipart/alternative; boundary=b\n\n--b\nContent-Transfer-Encoding: base64\n\n5L2g5aW9\n--b--\n"))
	f.Add(crlf("Content-Type: text/html\nContent-Transfer-Encoding: quoted-printable\n\n=E4=BD=\n"))
	f.Add([]byte("no headers"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m := parse(raw)
		if string(m.Raw) != string(raw) {
			t.Error("Raw differs from the input")
		}
	})
}

// TestParseReplyTo: the Reply-To header's address is kept without its angle
// brackets, and a message without one has none.
func TestParseReplyTo(t *testing.T) {
	m := parse(crlf("Subject: x\nReply-To: <support+abc@mail.example.com>\n\nbody\n"))
	if m.ReplyTo != "support+abc@mail.example.com" {
		t.Errorf("ReplyTo = %q", m.ReplyTo)
	}
	if m := parse(crlf("Subject: x\n\nbody\n")); m.ReplyTo != "" {
		t.Errorf("ReplyTo without the header = %q", m.ReplyTo)
	}
}
