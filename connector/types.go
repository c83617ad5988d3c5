package connector

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
)

// TypeError reports an offline type string that cannot be parsed or mapped.
type TypeError struct {
	Type   string // the text that was parsed
	Offset int    // byte offset of the problem in Type
	Reason string
}

func (e *TypeError) Error() string {
	return fmt.Sprintf("invalid feature type %q at offset %d: %s (types are bigint, int, smallint, tinyint, double, float, boolean, string, date, timestamp, decimal(p,s), binary, array<T>, struct<name:T,...>)", e.Type, e.Offset, e.Reason)
}

// ParseType parses a Hopsworks offline (Hive) feature type such as
// "bigint", "decimal(12,2)" or "array<struct<a:int,b:string>>" and returns
// its Arrow type, as the Hopsworks client maps it: timestamps are
// microseconds without time zone (values are UTC), dates are date32, bare
// "decimal" is decimal(10,0). Type names are case-insensitive.
func ParseType(s string) (arrow.DataType, error) {
	p := typeParser{src: s}
	p.skipSpace()
	t, err := p.parse(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(s) {
		return nil, p.errorf("unexpected %q after the type", s[p.pos:])
	}
	return t, nil
}

// maxTypeDepth bounds nesting so that hostile metadata cannot exhaust the
// stack.
const maxTypeDepth = 32

type typeParser struct {
	src string
	pos int
}

func (p *typeParser) errorf(format string, args ...any) error {
	return &TypeError{Type: p.src, Offset: p.pos, Reason: fmt.Sprintf(format, args...)}
}

func (p *typeParser) skipSpace() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n') {
		p.pos++
	}
}

// word reads an identifier: letters, digits and underscores.
func (p *typeParser) word() string {
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			p.pos++
			continue
		}
		break
	}
	return p.src[start:p.pos]
}

func (p *typeParser) expect(c byte) error {
	p.skipSpace()
	if p.pos >= len(p.src) {
		return p.errorf("expected %q, found the end", c)
	}
	if p.src[p.pos] != c {
		return p.errorf("expected %q, found %q", c, p.src[p.pos])
	}
	p.pos++
	p.skipSpace()
	return nil
}

func (p *typeParser) peek() byte {
	p.skipSpace()
	if p.pos >= len(p.src) {
		return 0
	}
	return p.src[p.pos]
}

func (p *typeParser) number() (int, error) {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
		p.pos++
	}
	if start == p.pos {
		p.pos = start
		return 0, p.errorf("expected a number")
	}
	text := p.src[start:p.pos]
	n, err := strconv.Atoi(text)
	if err != nil || n > 1000 {
		p.pos = start
		return 0, p.errorf("number %q out of range", text)
	}
	return n, nil
}

func (p *typeParser) parse(depth int) (arrow.DataType, error) {
	if depth > maxTypeDepth {
		return nil, p.errorf("type nested more than %d levels", maxTypeDepth)
	}
	p.skipSpace()
	start := p.pos
	name := strings.ToLower(p.word())
	switch name {
	case "":
		if p.pos >= len(p.src) {
			return nil, p.errorf("expected a type name, found the end")
		}
		return nil, p.errorf("expected a type name, found %q", p.src[p.pos])
	case "bigint":
		return arrow.PrimitiveTypes.Int64, nil
	case "int", "integer":
		return arrow.PrimitiveTypes.Int32, nil
	case "smallint":
		return arrow.PrimitiveTypes.Int16, nil
	case "tinyint":
		return arrow.PrimitiveTypes.Int8, nil
	case "double":
		return arrow.PrimitiveTypes.Float64, nil
	case "float":
		return arrow.PrimitiveTypes.Float32, nil
	case "boolean":
		return arrow.FixedWidthTypes.Boolean, nil
	case "string":
		return arrow.BinaryTypes.String, nil
	case "binary":
		return arrow.BinaryTypes.Binary, nil
	case "date":
		return arrow.FixedWidthTypes.Date32, nil
	case "timestamp":
		return &arrow.TimestampType{Unit: arrow.Microsecond}, nil
	case "decimal":
		if p.peek() != '(' {
			return &arrow.Decimal128Type{Precision: 10, Scale: 0}, nil
		}
		p.pos++
		prec, err := p.number()
		if err != nil {
			return nil, err
		}
		scale := 0
		if p.peek() == ',' {
			p.pos++
			if scale, err = p.number(); err != nil {
				return nil, err
			}
		}
		if err := p.expect(')'); err != nil {
			return nil, err
		}
		if prec < 1 || prec > 38 {
			p.pos = start
			return nil, p.errorf("decimal precision %d is not between 1 and 38", prec)
		}
		if scale > prec {
			p.pos = start
			return nil, p.errorf("decimal scale %d is larger than precision %d", scale, prec)
		}
		return &arrow.Decimal128Type{Precision: int32(prec), Scale: int32(scale)}, nil
	case "array":
		if err := p.expect('<'); err != nil {
			return nil, err
		}
		elem, err := p.parse(depth + 1)
		if err != nil {
			return nil, err
		}
		if err := p.expect('>'); err != nil {
			return nil, err
		}
		return arrow.ListOf(elem), nil
	case "struct":
		if err := p.expect('<'); err != nil {
			return nil, err
		}
		var fields []arrow.Field
		seen := map[string]bool{}
		for {
			p.skipSpace()
			fstart := p.pos
			fname := strings.ToLower(p.word())
			if fname == "" {
				return nil, p.errorf("expected a struct field name")
			}
			if seen[fname] {
				p.pos = fstart
				return nil, p.errorf("struct field %q appears twice", fname)
			}
			seen[fname] = true
			if err := p.expect(':'); err != nil {
				return nil, err
			}
			ft, err := p.parse(depth + 1)
			if err != nil {
				return nil, err
			}
			fields = append(fields, arrow.Field{Name: fname, Type: ft, Nullable: true})
			if p.peek() == ',' {
				p.pos++
				continue
			}
			break
		}
		if err := p.expect('>'); err != nil {
			return nil, err
		}
		return arrow.StructOf(fields...), nil
	}
	p.pos = start
	return nil, p.errorf("unknown type %q", name)
}

// TypeName returns the Hopsworks offline type name of an Arrow type, the
// inverse of ParseType, following the client's inference rules for types
// ParseType never returns (unsigned and 8/16-bit integers, half floats, other
// time units, large strings, dictionaries of strings).
func TypeName(t arrow.DataType) (string, error) {
	switch t := t.(type) {
	case *arrow.Int64Type, *arrow.Uint32Type:
		return "bigint", nil
	case *arrow.Int32Type, *arrow.Uint16Type, *arrow.Uint8Type:
		return "int", nil
	case *arrow.Int16Type:
		return "smallint", nil
	case *arrow.Int8Type:
		return "tinyint", nil
	case *arrow.Float64Type:
		return "double", nil
	case *arrow.Float32Type, *arrow.Float16Type:
		return "float", nil
	case *arrow.BooleanType:
		return "boolean", nil
	case *arrow.StringType, *arrow.LargeStringType:
		return "string", nil
	case *arrow.BinaryType, *arrow.LargeBinaryType:
		return "binary", nil
	case *arrow.Date32Type, *arrow.Date64Type:
		return "date", nil
	case *arrow.TimestampType:
		return "timestamp", nil
	case *arrow.Decimal128Type:
		return fmt.Sprintf("decimal(%d,%d)", t.Precision, t.Scale), nil
	case *arrow.ListType:
		elem, err := TypeName(t.Elem())
		if err != nil {
			return "", err
		}
		return "array<" + elem + ">", nil
	case *arrow.StructType:
		parts := make([]string, len(t.Fields()))
		for i, f := range t.Fields() {
			ft, err := TypeName(f.Type)
			if err != nil {
				return "", err
			}
			parts[i] = f.Name + ":" + ft
		}
		return "struct<" + strings.Join(parts, ",") + ">", nil
	case *arrow.DictionaryType:
		if _, ok := t.ValueType.(*arrow.StringType); ok {
			return "string", nil
		}
	}
	return "", fmt.Errorf("arrow type %s has no Hopsworks offline type", t)
}
