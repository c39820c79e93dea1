package mailin

import "testing"

// TestExtractReply strips the quoting and signatures of the common zh and
// en clients from short texts.
func TestExtractReply(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"plain text stays", "Hello\n\nthanks", "Hello\n\nthanks"},
		{"outlook en block", "Done.\n\nFrom: Support <s@x.com>\nSent: Tuesday, December 1, 2026 10:00\nTo: a@b.com\nSubject: x\n\nold", "Done."},
		{"outlook zh block", "好的\n\n发件人: 支持中心 <s@x.com>\n发送时间: 2026年12月1日 10:00\n收件人: 张三\n主题: x\n\n旧内容", "好的"},
		{"outlook zh full-width colons", "好的\n\n发件人：支持中心 <s@x.com>\n发送时间：2026年12月1日 10:00\n收件人：张三\n主题：x\n\n旧内容", "好的"},
		{"outlook block on one line", "OK\nFrom: Support <s@x.com> Sent: Tuesday 10:00 To: a@b.com Subject: x\nold", "OK"},
		{"bold headers from Gmail's conversion", "OK\n\n*From:* Support <s@x.com>\n*Sent:* Tuesday\n*To:* a@b.com\n*Subject:* x\n", "OK"},
		{"original message", "Yes\n-----Original Message-----\nold", "Yes"},
		{"original message spaced", "Yes\n----- Original Message -----\nold", "Yes"},
		{"原始邮件", "是的\n-----原始邮件-----\n旧", "是的"},
		{"foxmail zh", "收到\n\n------------------ 原始邮件 ------------------\n发件人: \"S\"<s@x.com>;\n旧", "收到"},
		{"qq html nbsp", "收到\n------------------\u00a0原始邮件\u00a0------------------\n发件人:\u00a0x", "收到"},
		{"gmail en wrapped", "Fine.\n\nOn Mon, 1 Dec 2026 at 10:00, Support Team <\nsupport+abc@x.com> wrote:\n\n> old", "Fine."},
		{"gmail en one line", "Fine.\n\nOn Mon, 1 Dec 2026 at 10:00, Support <s@x.com> wrote:\n> old", "Fine."},
		{"gmail zh", "好的。\n\n2026年12月1日周二 10:00，Support <s@x.com> 写道：\n\n> 旧", "好的。"},
		{"gmail zh name first wrapped", "好的。\n\nSupport <s@x.com>\n于2026年12月1日周二 10:00写道：\n> 旧", "好的。"},
		{"163", "好的\n\n在 2026-12-01 10:00:00，\"Support\" <s@x.com> 写道：\n>旧", "好的"},
		{"thunderbird zh", "好\n\n在 2026/12/1 10:00, Support 写道:\n> 旧", "好"},
		{"thunderbird name only", "Sure\n\nSupport wrote:\n> old", "Sure"},
		{"写道 in the text is kept", "在机房里看到\n手册上写道：\n先断电。", "在机房里看到\n手册上写道：\n先断电。"},
		{"on … wrote in the text is kept", "On the console it wrote:\nerror 7", "On the console it wrote:\nerror 7"},
		{"wrote in the text is kept", "As the manual wrote:\nreboot twice.", "As the manual wrote:\nreboot twice."},
		{"quoted lines dropped, interleaved answer kept", "> Which version?\n4.2\n> And the serial?\nSN-1", "4.2\nSN-1"},
		{"signature dash dash space", "Thanks\n-- \nJohn\nACME", "Thanks"},
		{"signature dash dash", "Thanks\n--\nJohn", "Thanks"},
		{"sent from my iphone", "OK\n\nSent from my iPhone\n\n> On Dec 1 wrote:", "OK"},
		{"发自我的iPhone", "好的\n\n发自我的iPhone", "好的"},
		{"发自我的华为手机", "好的\n发自我的华为手机\n", "好的"},
		{"get outlook for ios", "OK\n\nGet Outlook for iOS\n________________________________\nFrom: S <s@x>\nSent: x\nTo: y", "OK"},
		{"从 windows 版邮件发送", "好的\n\n从 Windows 版邮件发送\n\n发件人: S\n发送时间: x\n收件人: y", "好的"},
		{"sent from the office is text", "Sent from the office, logs attached.\nMore below.", "Sent from the office, logs attached.\nMore below."},
		{"来自客户的邮件 is text", "来自客户的邮件如下\n设备无法开机", "来自客户的邮件如下\n设备无法开机"},
		{"从服务器发送 is text", "从服务器上把邮件发送\n失败了", "从服务器上把邮件发送\n失败了"},
		{"从我的 iPhone 发送", "好\n从我的 iPhone 发送", "好"},
		{"Sent from Mail for Windows", "OK\n\nSent from Mail for Windows\n", "OK"},
		{"网易邮箱大师", "好的\n发自网易邮箱大师", "好的"},
		{"only a quote", "On Mon, 1 Dec 2026 at 10:00, S <s@x.com> wrote:\n> old", ""},
		{"only a signature", "Sent from my iPhone", ""},
		{"bottom posting", "On Mon, 1 Dec 2026 at 10:00, S <s@x.com> wrote:\n> old\n\nNew text\n-- \nsig", "New text"},
		{"trailing blank lines and spaces", "a  \n\n\n\nb\n\n\n", "a\n\nb"},
		{"reply above this line marker", "Yes\n## Reply above this line ##\nold", "Yes"},
		{"outlook de", "Danke\n\nVon: Support <s@x>\nGesendet: Dienstag, 1. Dezember 2026 10:00\nAn: a@b\nBetreff: x", "Danke"},
		{"outlook fr", "Merci\n\nDe : Support <s@x>\nEnvoyé : mardi 1 décembre 2026 10:00\nÀ : a@b\nObjet : x", "Merci"},
		{"outlook ja", "了解です\n\n差出人: Support <s@x>\n送信日時: 2026年12月1日 10:00\n宛先: a@b\n件名: x", "了解です"},
		{"big5 outlook", "好\n\n寄件者: S <s@x>\n寄件日期: 2026年12月1日\n收件者: 林\n主旨: x", "好"},
		{"from line alone is text", "From: the console I get error 7.\nPlease help.", "From: the console I get error 7.\nPlease help."},
		{"underscores alone are text", "a\n______________________\nb", "a\n______________________\nb"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := extractReply(c.text); got != c.want {
				t.Errorf("extractReply(%q)\n got %q\nwant %q", c.text, got, c.want)
			}
		})
	}
}
