package catalog

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseName(t *testing.T) {
	tests := []struct {
		qualifier, name string
		want            Name
		str             string
	}{
		{"", "transactions_1", Name{Table: "transactions_1"}, "transactions_1"},
		{"", "transactions", Name{Table: "transactions"}, "transactions"},
		{"", "Transactions_1", Name{Table: "transactions_1"}, "transactions_1"},
		{"", "bank::customers_1", Name{Project: "bank", Table: "customers_1"}, "bank::customers_1"},
		{"", "BANK::Customers", Name{Project: "bank", Table: "customers"}, "bank::customers"},
		{"bank_featurestore", "customers_1", Name{Project: "bank", Table: "customers_1"}, "bank::customers_1"},
		{"Bank_FeatureStore", "CUSTOMERS_1", Name{Project: "bank", Table: "customers_1"}, "bank::customers_1"},
		{"bank", "customers_1", Name{Project: "bank", Table: "customers_1"}, "bank::customers_1"},
		{"bank", "customers", Name{Project: "bank", Table: "customers"}, "bank::customers"},
		{"", "_1", Name{Table: "_1"}, "_1"},
		{"", "fg_featurestore", Name{Table: "fg_featurestore"}, "fg_featurestore"},
	}
	for _, tt := range tests {
		t.Run(tt.qualifier+"."+tt.name, func(t *testing.T) {
			got, err := ParseName(tt.qualifier, tt.name)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.str, got.String())
		})
	}
}

func TestParseNameErrors(t *testing.T) {
	tests := []struct {
		qualifier, name string
		msg             string // a part of the error message
	}{
		{"", "", "the name is empty"},
		{"", "::customers_1", `the project before "::" is empty`},
		{"", "bank::", `the table after "::" is empty`},
		{"", "::", `the project before "::" is empty`},
		{"", "a::b::c", `more than one "::"`},
		{"", "a::::b", `more than one "::"`},
		{"bank_featurestore", "bank::customers_1", `cannot also contain "::"`},
		{"bank", "", `the table after "bank." is empty`},
		{"_featurestore", "customers_1", `the feature store "_featurestore" names no project`},
		{"_FEATURESTORE", "customers_1", "names no project"},
		{"", "bank:customers_1", `character ':' is not allowed`},
		{"", "a:::b", `character ':' is not allowed`},
		{"", "my-table", `character '-' is not allowed`},
		{"", "my table", `character ' ' is not allowed`},
		{"", "a.b", `character '.' is not allowed`},
		{"", "café", `character 'é' is not allowed`},
		{"", "bad\xff", `byte 0xff is not valid UTF-8`},
		{"", "bad\ufffd", `character '�' is not allowed`},
		{"my-project", "customers_1", `character '-' is not allowed (names use letters, digits and _) in project "my-project"`},
		{"", "my-project::customers_1", `in project "my-project"`},
		{"", "bank::cust omers", `character ' ' is not allowed`},
	}
	for _, tt := range tests {
		t.Run(tt.qualifier+"."+tt.name, func(t *testing.T) {
			got, err := ParseName(tt.qualifier, tt.name)
			require.Error(t, err)
			assert.Zero(t, got)
			assert.Contains(t, err.Error(), tt.msg)
			assert.True(t, strings.HasPrefix(err.Error(), "invalid table name"), err.Error())
		})
	}
}

func TestParseNameMessageQuotesWhatWasWritten(t *testing.T) {
	_, err := ParseName("bank_featurestore", "cust-omers")
	require.Error(t, err)
	assert.Equal(t, `invalid table name "bank_featurestore.cust-omers": character '-' is not allowed (names use letters, digits and _)`, err.Error())

	_, err = ParseName("", "bank:customers_1")
	require.Error(t, err)
	assert.Equal(t, `invalid table name "bank:customers_1": character ':' is not allowed (names use letters, digits and _); a project is separated from its table by "::"`, err.Error())
}

func FuzzParseName(f *testing.F) {
	for _, seed := range [][2]string{
		{"", "fg_1"}, {"", "fg"}, {"", "bank::customers_1"}, {"bank_featurestore", "customers_1"},
		{"bank", "customers_1"}, {"", ""}, {"", "::"}, {"a", "b::c"}, {"_featurestore", "x"},
		{"", "a:::b"}, {"", "café"}, {"", "\xff"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, qualifier, name string) {
		n, err := ParseName(qualifier, name)
		if err != nil {
			if n != (Name{}) {
				t.Fatalf("ParseName(%q, %q) = %#v with error %v", qualifier, name, n, err)
			}
			return
		}
		if n.Table == "" || n.Table != strings.ToLower(n.Table) || checkIdent(n.Table) != "" {
			t.Fatalf("ParseName(%q, %q): bad table %q", qualifier, name, n.Table)
		}
		if n.Project != strings.ToLower(n.Project) || checkIdent(n.Project) != "" {
			t.Fatalf("ParseName(%q, %q): bad project %q", qualifier, name, n.Project)
		}
		if qualifier != "" && n.Project == "" {
			t.Fatalf("ParseName(%q, %q): qualifier lost", qualifier, name)
		}
		// What String writes parses back to the same name.
		again, err := ParseName("", n.String())
		if err != nil || again != n {
			t.Fatalf("ParseName(%q, %q) = %#v, but its String %q parses to %#v, %v", qualifier, name, n, n.String(), again, err)
		}
	})
}
