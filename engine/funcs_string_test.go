package engine

import (
	"testing"
)

func TestStringFunctions(t *testing.T) {
	s, i := tStr, tI64
	t.Run("lower upper", func(t *testing.T) {
		checkFunc(t, "lower", types(s), []exprCase{row("abc déf ß", "ABC DÉF ß"), row("", ""), row("NULL", nil), row("123-x", "123-X")})
		checkFunc(t, "upper", types(s), []exprCase{row("ABC DÉF ß", "abc déf ß"), row("NULL", nil), row("Ж", "ж")})
		checkFunc(t, "lcase", types(s), []exprCase{row("a", "A")})
	})
	t.Run("length", func(t *testing.T) {
		cases := []exprCase{row("3", "abc"), row("0", ""), row("NULL", nil), row("4", "héé😀"), row("2", "\xff\xfe")}
		checkFunc(t, "length", types(s), cases)
		checkFunc(t, "char_length", types(s), cases[:3])
		checkFunc(t, "octet_length", types(s), []exprCase{row("3", "abc"), row("9", "héé😀"), row("NULL", nil)})
	})
	t.Run("concat", func(t *testing.T) {
		checkFunc(t, "concat", types(s, s, s), []exprCase{
			row("abc", "a", "b", "c"), row("NULL", "a", nil, "c"), row("NULL", nil, nil, nil), row("é😀", "é", "", "😀"),
		})
		checkFunc(t, "concat", types(s, i, tDate, dec(5, 2), tBool), []exprCase{
			row("x-12024-02-29-1.50true", "x", -1, "2024-02-29", "-1.50", true),
			row("NULL", nil, 7, nil, nil, nil),
		})
		checkFunc(t, "concat_ws", types(s, s, s), []exprCase{
			row("a,b", ",", "a", "b"), row("b", ",", nil, "b"), row("NULL", nil, "a", "b"), row("", "-", nil, nil),
		})
	})
	t.Run("substring", func(t *testing.T) {
		three := []exprCase{
			row("ell", "hello", 2, 3), row("hello", "hello", 1, 100), row("h", "hello", 0, 2), row("", "hello", 0, 1),
			row("ll", "hello", -3, 2), row("hello", "hello", -10, 100), row("", "hello", 6, 1), row("", "hello", 2, 0),
			row("he", "hello", 3, -2), row("", "hello", 1, -1), row("lo", "hello", -2, 5),
			row("éé", "héé😀x", 2, 2), row("😀", "héé😀x", -2, 1), row("", "", 1, 1),
			row("NULL", nil, 1, 1), row("NULL", "x", nil, 1), row("NULL", "x", 1, nil),
			row("hello", "hello", -9223372036854775807, 9223372036854775807),
			row("", "hello", 9223372036854775807, 9223372036854775807),
		}
		checkFunc(t, "substring", types(s, i, i), three)
		checkFunc(t, "substr", types(s, i, i), three[:3])
		checkFunc(t, "substring", types(s, i), []exprCase{
			row("llo", "hello", 3), row("hello", "hello", 0), row("hello", "hello", 1), row("lo", "hello", -2),
			row("hello", "hello", -7), row("", "hello", 6), row("😀x", "héé😀x", 4), row("NULL", nil, 2),
		})
	})
	t.Run("trim", func(t *testing.T) {
		checkFunc(t, "trim", types(s), []exprCase{row("a b", "  a b  "), row("\ta\t", "\ta\t"), row("", "   "), row("NULL", nil)})
		checkFunc(t, "ltrim", types(s), []exprCase{row("a  ", "  a  ")})
		checkFunc(t, "rtrim", types(s), []exprCase{row("  a", "  a  ")})
		checkFunc(t, "trim", types(s, s), []exprCase{row("b", "xxbyx", "xy"), row("éé", "éé", "x"), row("b", "ébé", "é"), row("NULL", "a", nil)})
	})
	t.Run("replace", func(t *testing.T) {
		checkFunc(t, "replace", types(s, s, s), []exprCase{
			row("xbcxbc", "abcabc", "a", "x"), row("abc", "abc", "", "x"), row("c", "ab c", "ab ", ""),
			row("aaaa", "aa", "a", "aa"), row("NULL", "a", nil, "b"), row("héllo", "hello", "e", "é"),
		})
	})
	t.Run("left right", func(t *testing.T) {
		cases := []exprCase{
			row("he", "hello", 2), row("hello", "hello", 10), row("", "hello", 0), row("hel", "hello", -2),
			row("", "hello", -10), row("hé", "hé😀", 2), row("NULL", nil, 1), row("NULL", "a", nil),
			row("", "hello", -9223372036854775808),
		}
		checkFunc(t, "left", types(s, i), cases)
		checkFunc(t, "right", types(s, i), []exprCase{
			row("lo", "hello", 2), row("hello", "hello", 10), row("", "hello", 0), row("llo", "hello", -2),
			row("", "hello", -10), row("é😀", "hé😀", 2), row("NULL", nil, 1), row("", "hello", -9223372036854775808),
		})
	})
	t.Run("strpos", func(t *testing.T) {
		cases := []exprCase{row("3", "hello", "ll"), row("0", "hello", "x"), row("1", "hello", ""), row("3", "héllo", "ll"), row("NULL", nil, "a")}
		checkFunc(t, "strpos", types(s, s), cases)
		checkFunc(t, "instr", types(s, s), cases)
		checkFunc(t, "locate", types(s, s), []exprCase{row("3", "ll", "hello"), row("0", "x", "hello")})
	})
	t.Run("reverse repeat pad", func(t *testing.T) {
		checkFunc(t, "reverse", types(s), []exprCase{row("cba", "abc"), row("😀é", "é😀"), row("", ""), row("NULL", nil)})
		checkFunc(t, "repeat", types(s, i), []exprCase{
			row("ababab", "ab", 3), row("", "ab", 0), row("", "ab", -1), row("NULL", nil, 2),
			row("!exceed", "ab", 1<<40),
		})
		checkFunc(t, "lpad", types(s, i, s), []exprCase{
			row("xyxab", "ab", 5, "xy"), row("a", "abc", 1, "x"), row("", "abc", -1, "x"), row("ééab", "ab", 4, "é"),
			row("!padding", "ab", 4, ""), row("NULL", "ab", 4, nil),
		})
		checkFunc(t, "rpad", types(s, i, s), []exprCase{row("abxyx", "ab", 5, "xy"), row("ab", "abc", 2, "x")})
	})
	t.Run("affixes", func(t *testing.T) {
		checkFunc(t, "starts_with", types(s, s), []exprCase{row("true", "abc", "ab"), row("false", "abc", "b"), row("true", "abc", ""), row("NULL", nil, "a")})
		checkFunc(t, "ends_with", types(s, s), []exprCase{row("true", "abc", "bc"), row("false", "abc", "b")})
		checkFunc(t, "contains", types(s, s), []exprCase{row("true", "abc", "b"), row("false", "abc", "d"), row("NULL", "a", nil)})
	})
}
