package ticket_test

import (
	"strings"
	"testing"

	"supportal/domain/ticket"
	"supportal/ports"
)

// TestNoticeThreadHeaders: the opener's creation email is the root of the
// thread; every other ticket email has its own id under the ticket and
// refers to the root; each carries its recipient's reply address, whose
// token names the ticket and the recipient, and a footer that says what a
// reply does (an agent's is public).
func TestNoticeThreadHeaders(t *testing.T) {
	e := newMailEnv(t)
	tk := e.waiting(t)
	root := "ticket-" + itoa(tk.ID) + "@mail.example.com"
	ids := map[string]bool{}
	for _, n := range e.notices(0) {
		p := e.personByEmail(n.To)
		tid, aid, res := mailSettings.ParseReplyAddress(n.Data[ports.MailReplyTo].(string))
		if res != ticket.AddressValid || tid != tk.ID || aid != p {
			t.Errorf("%s to %s: reply address %v names %d/%d", n.Template, n.To, n.Data[ports.MailReplyTo], tid, aid)
		}
		footer := "mail.footer_reply"
		if e.people.byID[p].Staff {
			footer = "mail.footer_reply_staff"
		}
		if n.Data[ports.MailFooter] != footer {
			t.Errorf("%s to %s: footer %v, want %s", n.Template, n.To, n.Data[ports.MailFooter], footer)
		}
		id := n.Data[ports.MailMessageID].(string)
		if ids[id] {
			t.Errorf("message id %s twice", id)
		}
		ids[id] = true
		if n.Template == ticket.NoticeCreated {
			if id != root || n.Data[ports.MailInReplyTo] != nil {
				t.Errorf("creation email id %s in reply to %v, want %s and none", id, n.Data[ports.MailInReplyTo], root)
			}
			continue
		}
		if !strings.HasPrefix(id, "ticket-"+itoa(tk.ID)+"-") || n.Data[ports.MailInReplyTo] != root || n.Data[ports.MailReferences] != root {
			t.Errorf("%s to %s: id %s, in reply to %v, references %v", n.Template, n.To, id, n.Data[ports.MailInReplyTo], n.Data[ports.MailReferences])
		}
	}
	if len(ids) < 4 {
		t.Errorf("only %d notices", len(ids))
	}
}

func (e *env) personByEmail(addr string) int64 {
	for id, p := range e.people.byID {
		if p.Email == addr {
			return id
		}
	}
	return 0
}
