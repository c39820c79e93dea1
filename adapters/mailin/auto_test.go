package mailin

import (
	"strings"
	"testing"
)

// TestAuto tells machine-written mail from a person's by its headers,
// content type, sender and subject.
func TestAuto(t *testing.T) {
	const person = "From: Zhang San <zs@example.cn>\r\nSubject: Re: [#1] 服务器无法开机\r\n"
	cases := []struct {
		name, head string
		auto       bool
		reason     string
	}{
		{"a person", person, false, ""},
		{"Auto-Submitted: no", person + "Auto-Submitted: no\r\n", false, ""},
		{"Auto-Submitted: auto-replied", person + "Auto-Submitted: auto-replied\r\n", true, "Auto-Submitted"},
		{"Auto-Submitted: auto-generated with a comment", person + "Auto-Submitted: auto-generated; owner-email=\"x@y\"\r\n", true, "Auto-Submitted"},
		{"Precedence: bulk", person + "Precedence: bulk\r\n", true, "Precedence: bulk"},
		{"Precedence: junk", person + "Precedence: junk\r\n", true, "Precedence: junk"},
		{"Precedence: list", person + "Precedence: list\r\n", true, "Precedence: list"},
		{"Precedence: auto_reply", person + "Precedence: auto_reply\r\n", true, "Precedence: auto_reply"},
		{"Precedence: first-class", person + "Precedence: first-class\r\n", false, ""},
		{"X-Autoreply", person + "X-Autoreply: yes\r\n", true, "X-Autoreply"},
		{"X-Autorespond", person + "X-Autorespond: vacation\r\n", true, "X-Autorespond"},
		{"X-Auto-Response-Suppress alone", person + "X-Auto-Response-Suppress: All\r\n", false, ""},
		{"X-Auto-Response-Suppress with an out-of-office subject", "From: a@b.cn\r\nSubject: 休假通知 Re: [#1]\r\nX-Auto-Response-Suppress: DR, OOF\r\n", true, "X-Auto-Response-Suppress"},
		{"List-Id", person + "List-Id: <ops.example.cn>\r\n", true, "List-Id"},
		{"List-Unsubscribe", person + "List-Unsubscribe: <mailto:u@x>\r\n", true, "List-Unsubscribe"},
		{"X-Failed-Recipients", person + "X-Failed-Recipients: nobody@example.cn\r\n", true, "X-Failed-Recipients"},
		{"null Return-Path", person + "Return-Path: <>\r\n", true, "Return-Path"},
		{"multipart/report", person + "Content-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n", true, "report-type=disposition-notification"},
		{"message/delivery-status", person + "Content-Type: message/delivery-status\r\n", true, "message/delivery-status"},
		{"MAILER-DAEMON", "From: MAILER-DAEMON@mx.example.cn\r\nSubject: failure\r\n", true, "From: mailer-daemon"},
		{"postmaster", "From: Postmaster <postmaster@example.cn>\r\nSubject: x\r\n", true, "From: postmaster"},
		{"自动回复", "From: a@b.cn\r\nSubject: 自动回复: Re: [#1] x\r\n", true, "Subject"},
		{"自动答复 (Outlook zh)", "From: a@b.cn\r\nSubject: 自动答复: [#1] x\r\n", true, "Subject"},
		{"Automatic reply", "From: a@b.cn\r\nSubject: Automatic reply: [#1] x\r\n", true, "Subject"},
		{"Out of Office", "From: a@b.cn\r\nSubject: Out of Office: [#1] x\r\n", true, "Subject"},
		{"Undeliverable", "From: a@b.cn\r\nSubject: Undeliverable: [#1] x\r\n", true, "Subject"},
		{"Delivery Status Notification", "From: a@b.cn\r\nSubject: Delivery Status Notification (Failure)\r\n", true, "Subject"},
		{"退信", "From: a@b.cn\r\nSubject: 退信：[#1] x\r\n", true, "Subject"},
		{"系统退信", "From: a@b.cn\r\nSubject: =?UTF-8?B?57O757uf6YCA5L+h?=\r\n", true, "Subject: 系统退信"},
		{"a person writing about out-of-office mails", "From: a@b.cn\r\nSubject: Re: [#1] our out of office replies bounce\r\n", false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse(strings.NewReader(c.head+"\r\nbody\r\n"), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if m.Auto != c.auto || !strings.Contains(m.AutoReason, c.reason) {
				t.Errorf("Auto %v (%q), want %v (%q)", m.Auto, m.AutoReason, c.auto, c.reason)
			}
		})
	}
}
