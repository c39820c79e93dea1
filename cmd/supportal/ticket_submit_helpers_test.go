package main

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"supportal/adapters/http/webtest"
	"supportal/adapters/minio"
	"supportal/adapters/minio/miniotest"
	"supportal/domain/identity"
	"supportal/domain/ticket"
	"supportal/domain/verification"
	"supportal/domain/warranty"
	"supportal/ports"
)

// submitEnv is the real application with two verified companies (A with a
// covered and an uncovered device, B with one device), an unverified
// customer, and the bucket the attachments go to.
type submitEnv struct {
	t                *testing.T
	app              *testApp
	files            *minio.Store
	a, b, unverified identity.Account
	covered, expired warranty.Device // A's
	other            warranty.Device // B's
}

const (
	codeA = "91310110666007217T"
	codeB = "91440300MA5F0KQ2XL"
)

func newSubmitEnv(t *testing.T) *submitEnv {
	t.Helper()
	endpoint, access, secret := miniotest.Server(t)
	bucket := miniotest.Bucket(t)
	ta := startAppOn(t, objectStore{endpoint, access, secret, bucket})
	files, err := minio.New(t.Context(), minio.Config{Endpoint: endpoint, AccessKey: access, SecretKey: secret, Bucket: bucket})
	if err != nil {
		t.Fatal(err)
	}
	e := &submitEnv{t: t, app: ta, files: files}
	ctx := context.Background()
	reviewer, err := ta.a.identity.CreateStaff(ctx, "reviewer@example.com", "审核员 张", identity.RoleReviewer, webtest.Password)
	if err != nil {
		t.Fatal(err)
	}
	e.a = e.customer("a@example.com", "上海甲方科技有限公司", codeA, reviewer.ID)
	e.b = e.customer("b@example.com", "深圳乙方科技有限公司", codeB, reviewer.ID)
	e.unverified = e.customer("new@example.com", "未认证科技有限公司", "", 0)
	soon := time.Now().AddDate(0, 6, 0).Format(time.DateOnly)
	var csv strings.Builder
	csv.WriteString(strings.Join(warranty.Columns, ",") + "\n")
	fmt.Fprintf(&csv, "%s,上海甲方科技有限公司,AnyBackup 一体机 A5000-001,SNACOVERED1,PO-1,SVC-PREM-1Y,高级维保服务(7x24),2025-01-01,%s\n", codeA, soon)
	fmt.Fprintf(&csv, "%s,上海甲方科技有限公司,AnyShare 存储节点 S200-002,SNAEXPIRED2,PO-1,SVC-STD-1Y,标准维保服务(5x8),2023-02-01,2024-01-31\n", codeA)
	fmt.Fprintf(&csv, "%s,深圳乙方科技有限公司,容灾一体机 DR-800-003,SNBOTHER3,PO-2,SVC-STD-1Y,标准维保服务(5x8),2025-01-01,%s\n", codeB, soon)
	src, err := warranty.NewCSVSource(strings.NewReader(csv.String()))
	if err != nil {
		t.Fatal(err)
	}
	if run, err := ta.a.warranty.Import(ctx, src, warranty.ImportOptions{Mode: warranty.ModeUpsert, Source: "test"}); err != nil {
		t.Fatalf("import: %v (%+v)", err, run.Errors)
	}
	e.covered, e.expired, e.other = e.device(e.a, "SNACOVERED1"), e.device(e.a, "SNAEXPIRED2"), e.device(e.b, "SNBOTHER3")
	return e
}

// customer creates a customer whose company is verified under code (none:
// left unverified).
func (e *submitEnv) customer(email, company, code string, reviewer int64) identity.Account {
	e.t.Helper()
	ctx := context.Background()
	a, err := e.app.a.identity.CreateCustomer(ctx,
		identity.AccountInfo{Country: "CN", Name: "李雷", JobTitle: "it_lead", Email: email, Mobile: "13800138000"},
		identity.Company{Name: company, Industry: "it", Size: "21-100", Address: "上海市浦东新区世纪大道 1 号"}, webtest.Password)
	if err != nil {
		e.t.Fatal(err)
	}
	if code == "" {
		return a
	}
	img := licencePNG(e.t, 300, 300)
	sub, err := e.app.a.verification.Submit(ctx, a.ID, verification.Fields{CompanyName: company, DocType: "business_licence", CreditCode: code},
		&verification.Upload{Name: "licence.png", Size: int64(len(img)), R: bytes.NewReader(img)})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.app.a.verification.Claim(ctx, reviewer, sub.ID); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.app.a.verification.Decide(ctx, reviewer, sub.ID, sub.Version, true, "", ""); err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *submitEnv) device(a identity.Account, sn string) warranty.Device {
	e.t.Helper()
	d, err := e.app.a.warranty.DeviceBySN(context.Background(), a.CompanyID, sn)
	if err != nil {
		e.t.Fatalf("device %s: %v", sn, err)
	}
	return d
}

// client is a browser of the application in lang, signed in as a.
func (e *submitEnv) client(lang string, a identity.Account) *webtest.Client {
	e.t.Helper()
	c := webtest.NewClient(e.t, e.app.a.server, lang)
	c.Login("/login", a.Email)
	return c
}

func actorOf(a identity.Account) ticket.Actor {
	return ticket.Actor{AccountID: a.ID, CompanyID: a.CompanyID}
}

// upload is one file of a submission.
type upload struct {
	name, contentType string
	data              []byte
}

// submit posts the 提交工单 form as multipart with the files in "files".
func submit(c *webtest.Client, fields map[string]string, files []upload, hdr ...string) *webtest.Response {
	c.T.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", c.Token)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	for _, f := range files {
		ph := textproto.MIMEHeader{}
		ph.Set("Content-Disposition", `form-data; name="files"; filename="`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(f.name)+`"`)
		ph.Set("Content-Type", f.contentType)
		fw, _ := w.CreatePart(ph)
		_, _ = fw.Write(f.data)
	}
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, "/tickets", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return c.Send(req)
}

// validForm is a form the service accepts, with a fresh token.
func validForm(title string) map[string]string {
	return map[string]string{"category": "fault", "priority": "2", "title": title,
		"description": "备份任务失败。\n错误代码 E1024。", "phone": "13800138000", "token": ticket.NewToken()}
}

// objects lists the ticket attachments in the bucket.
func (e *submitEnv) objects() []string {
	e.t.Helper()
	var keys []string
	err := e.files.List(e.t.Context(), ticket.FilePrefix, time.Now().Add(time.Hour), func(fi ports.FileInfo) error {
		keys = append(keys, fi.Key)
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return keys
}

func (e *submitEnv) tickets() int { return countRows(e.t, e.app, "tickets") }
