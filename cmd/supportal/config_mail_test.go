package main

import "testing"

// TestMailConfig: the listener is off by default with a 30 MB limit and the
// sender's domain for the reply addresses; the settings take bytes or MB
// and refuse anything else.
func TestMailConfig(t *testing.T) {
	c, err := loadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if c.MailListen != "" || c.MailMaxBytes != 30<<20 || c.MailReplyDomain != "supportal.local" {
		t.Errorf("defaults: listen %q max %d domain %q", c.MailListen, c.MailMaxBytes, c.MailReplyDomain)
	}
	env := map[string]string{"SUPPORTAL_MAIL_LISTEN": "127.0.0.1:2525", "SUPPORTAL_MAIL_MAX_BYTES": "1048576",
		"SUPPORTAL_SMTP_FROM": "Support <help@example.com>"}
	if c, err = loadConfig(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if c.MailListen != "127.0.0.1:2525" || c.MailMaxBytes != 1<<20 || c.MailReplyDomain != "example.com" {
		t.Errorf("set: listen %q max %d domain %q", c.MailListen, c.MailMaxBytes, c.MailReplyDomain)
	}
	env["SUPPORTAL_MAIL_REPLY_DOMAIN"], env["SUPPORTAL_MAIL_MAX_BYTES"] = "reply.example.com", "50mb"
	if c, err = loadConfig(func(k string) string { return env[k] }); err != nil || c.MailReplyDomain != "reply.example.com" || c.MailMaxBytes != 50<<20 {
		t.Errorf("reply domain %q max %d (%v)", c.MailReplyDomain, c.MailMaxBytes, err)
	}
	for _, bad := range []string{"0", "-5", "big", "1.5MB"} {
		if _, err := loadConfig(func(k string) string {
			if k == "SUPPORTAL_MAIL_MAX_BYTES" {
				return bad
			}
			return ""
		}); err == nil {
			t.Errorf("SUPPORTAL_MAIL_MAX_BYTES=%q accepted", bad)
		}
	}
}
