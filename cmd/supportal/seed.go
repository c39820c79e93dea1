package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"

	"supportal/domain"
	"supportal/domain/identity"
	"supportal/domain/verification"
)

// demoPassword is the password of every demo account (printed by dev).
const demoPassword = "Spring-Harbor-2026"

// seed creates the demo accounts unless they exist already, so a second run
// of dev changes nothing.
func seed(ctx context.Context, a *app, out io.Writer) error {
	customers := []struct {
		info    identity.AccountInfo
		company identity.Company
	}{
		{identity.AccountInfo{Country: "CN", Name: "王敏", JobTitle: "it_lead", Email: "demo@example.com", Mobile: "13800138000"},
			identity.Company{Name: "上海示例数据科技有限公司", Industry: "it", Size: "101-500", Address: "上海市杨浦区示例路 88 号", Business: "数据服务"}},
		{identity.AccountInfo{Country: "CN", Name: "李新", JobTitle: "it_engineer", Email: "new@example.com"},
			identity.Company{Name: "深圳新客户科技有限公司", Industry: "manufacturing", Size: "21-100", Address: "深圳市南山区科技园 1 号"}},
	}
	for _, c := range customers {
		if _, err := a.identity.CreateCustomer(ctx, c.info, c.company, demoPassword); err != nil && domain.KindOf(err) != domain.Conflict {
			return err
		}
	}
	staff := []struct {
		email, name string
		role        identity.Role
	}{
		{"reviewer@example.com", "审核员 张", identity.RoleReviewer},
		{"agent@example.com", "工程师 陈", identity.RoleAgent},
		{"admin@example.com", "管理员 赵", identity.RoleAdmin},
	}
	for _, s := range staff {
		if _, err := a.identity.CreateStaff(ctx, s.email, s.name, s.role, demoPassword); err != nil && domain.KindOf(err) != domain.Conflict {
			return err
		}
	}
	if err := seedVerifications(ctx, a); err != nil {
		return err
	}
	if err := seedWarranty(ctx, a, out); err != nil {
		return err
	}
	if err := seedTickets(ctx, a, out); err != nil {
		return err
	}
	fmt.Fprintf(out, `
Demo logins (password for all: %s)
  customer  demo@example.com      (上海示例数据科技有限公司, verified)
  customer  new@example.com       (深圳新客户科技有限公司, verification in review)
  reviewer  reviewer@example.com  (staff sign-in)
  agent     agent@example.com     (staff sign-in)
  admin     admin@example.com     (staff sign-in)
Staff accounts enrol a second factor (an authenticator app) at their first sign-in;
"supportal user reset-2fa --email E" removes it again.
`, demoPassword)
	return nil
}

// seedVerifications verifies the demo company (submitted by its customer,
// approved by the demo reviewer) and leaves one submission of the new
// customer waiting in the queue. A company that has any submission is left alone.
func seedVerifications(ctx context.Context, a *app) error {
	reviewer, err := a.store.AccountByEmail(ctx, "reviewer@example.com")
	if err != nil {
		return fmt.Errorf("seed: reviewer: %w", err)
	}
	demos := []struct {
		email   string
		fields  verification.Fields
		approve bool
	}{
		{"demo@example.com", verification.Fields{CompanyName: "上海示例数据科技有限公司", DocType: "business_licence", CreditCode: "91310110666007217T"}, true},
		{"new@example.com", verification.Fields{CompanyName: "深圳新客户科技有限公司", DocType: "business_licence", CreditCode: "91440300MA5F0KQ2XL"}, false},
	}
	for _, d := range demos {
		acct, err := a.store.AccountByEmail(ctx, d.email)
		if err != nil {
			return fmt.Errorf("seed: %s: %w", d.email, err)
		}
		st, err := a.verification.Status(ctx, acct.ID)
		if err != nil {
			return fmt.Errorf("seed: %s: %w", d.email, err)
		}
		if st.State != verification.StateNone {
			continue
		}
		img, err := demoLicence()
		if err != nil {
			return err
		}
		sub, err := a.verification.Submit(ctx, acct.ID, d.fields, &verification.Upload{Name: "营业执照.png", Size: int64(len(img)), R: bytes.NewReader(img)})
		if err != nil {
			return fmt.Errorf("seed: submit %s: %w", d.email, err)
		}
		if !d.approve {
			continue
		}
		if _, err := a.verification.Claim(ctx, reviewer.ID, sub.ID); err != nil {
			return fmt.Errorf("seed: claim %s: %w", d.email, err)
		}
		if _, err := a.verification.Decide(ctx, reviewer.ID, sub.ID, sub.Version, true, "", ""); err != nil {
			return fmt.Errorf("seed: approve %s: %w", d.email, err)
		}
	}
	return nil
}

// demoLicence draws a small placeholder licence: a 320×240 PNG with a frame
// and a few grey "text" bars.
func demoLicence() ([]byte, error) {
	const w, h = 320, 240
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	paper, frame, ink := color.RGBA{0xfb, 0xf7, 0xec, 0xff}, color.RGBA{0xb3, 0x26, 0x1e, 0xff}, color.RGBA{0x9c, 0xa3, 0xaf, 0xff}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := paper
			switch {
			case x < 8 || y < 8 || x >= w-8 || y >= h-8:
				c = frame
			case y >= 40 && y < 52 && x >= 100 && x < 220:
				c = frame
			case (y-80)%28 < 8 && y >= 80 && y < 200 && x >= 40 && x < 280-((y-80)/28)*30:
				c = ink
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("seed: licence image: %w", err)
	}
	return buf.Bytes(), nil
}
