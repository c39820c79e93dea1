package identity

import (
	"strings"
	"unicode/utf8"

	"supportal/domain"
)

// Industries lists the selectable industries; labels are "industry.<code>".
var Industries = []string{"trade", "manufacturing", "finance", "education", "health", "government", "it", "other"}

// CompanySizes lists the selectable head-count bands; labels are "size.<code>".
var CompanySizes = []string{"1-20", "21-100", "101-500", "501-1000", "1000+"}

// Company is the customer's enterprise profile (企业信息).
type Company struct {
	ID       int64
	Name     string
	Industry string
	Size     string
	Address  string
	Business string
}

// Normalize trims every field.
func (c Company) Normalize() Company {
	c.Name = strings.TrimSpace(c.Name)
	c.Industry = strings.TrimSpace(c.Industry)
	c.Size = strings.TrimSpace(c.Size)
	c.Address = strings.TrimSpace(c.Address)
	c.Business = strings.TrimSpace(c.Business)
	return c
}

// Validate returns every field error of the (normalised) company.
func (c Company) Validate() error {
	var errs domain.Errors
	switch n := utf8.RuneCountInString(c.Name); {
	case n == 0:
		errs = append(errs, domain.FieldError("company_name", "error.company_name.required"))
	case n > 100:
		errs = append(errs, domain.FieldError("company_name", "error.company_name.too_long"))
	}
	if !oneOf(Industries, c.Industry) {
		errs = append(errs, domain.FieldError("industry", "error.industry.required"))
	}
	if !oneOf(CompanySizes, c.Size) {
		errs = append(errs, domain.FieldError("size", "error.size.required"))
	}
	switch n := utf8.RuneCountInString(c.Address); {
	case n == 0:
		errs = append(errs, domain.FieldError("address", "error.address.required"))
	case n > 200:
		errs = append(errs, domain.FieldError("address", "error.address.too_long"))
	}
	if utf8.RuneCountInString(c.Business) > 500 {
		errs = append(errs, domain.FieldError("business", "error.business.too_long"))
	}
	return errs.Err()
}
