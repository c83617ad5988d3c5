package local

import (
	"encoding/binary"
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/metadata"
	"github.com/apache/arrow/go/v15/parquet/schema"
	"github.com/hopsql/hopsql/connector"
)

// chunkStats are the statistics of one column chunk that pruning trusts.
type chunkStats struct {
	numRows      int64
	hasNullCount bool
	nullCount    int64
	hasMinMax    bool
	min, max     value
}

// allNull reports whether the chunk is known to hold only NULLs.
func (s chunkStats) allNull() bool {
	return s.hasNullCount && s.nullCount == s.numRows && s.numRows > 0
}

// rowGroupStats reads the statistics of one row group lazily.
type rowGroupStats struct {
	md      *metadata.FileMetaData
	rg      int
	columns map[string]int // flat features to their leaf column index
	cache   map[string]chunkStats
}

func newRowGroupStats(md *metadata.FileMetaData, rg int, columns map[string]int) *rowGroupStats {
	return &rowGroupStats{md: md, rg: rg, columns: columns, cache: make(map[string]chunkStats)}
}

// column returns the trusted statistics of feature f's column chunk.
func (r *rowGroupStats) column(f connector.Feature) chunkStats {
	if s, ok := r.cache[f.Name]; ok {
		return s
	}
	s := r.read(f)
	r.cache[f.Name] = s
	return s
}

func (r *rowGroupStats) read(f connector.Feature) (s chunkStats) {
	defer func() {
		// Statistics come from the file; never let a damaged footer
		// turn into a panic, only into a row group that is read.
		if recover() != nil {
			s = chunkStats{}
		}
	}()
	col, ok := r.columns[f.Name]
	if !ok || r.rg >= len(r.md.RowGroups) {
		return s
	}
	rg := r.md.RowGroups[r.rg]
	s.numRows = rg.GetNumRows()
	if col >= len(rg.Columns) || rg.Columns[col].MetaData == nil || rg.Columns[col].MetaData.Statistics == nil {
		return s
	}
	descr := r.md.Schema.Column(col)
	if descr.MaxRepetitionLevel() != 0 || descr.SortOrder() == schema.SortUNKNOWN {
		return s
	}
	st := rg.Columns[col].MetaData.Statistics
	if st.IsSetNullCount() && st.GetNullCount() >= 0 && st.GetNullCount() <= s.numRows {
		s.hasNullCount, s.nullCount = true, st.GetNullCount()
	}
	// min_value and max_value follow the column's sort order. Old writers
	// filled only the deprecated min and max, comparing bytes as signed:
	// trust those for signed numbers only, never for byte arrays (which
	// hold strings and decimals).
	min, max := st.MinValue, st.MaxValue
	if !st.IsSetMinValue() || !st.IsSetMaxValue() {
		phys := descr.PhysicalType()
		if !st.IsSetMin() || !st.IsSetMax() || descr.SortOrder() != schema.SortSIGNED ||
			phys == parquet.Types.ByteArray || phys == parquet.Types.FixedLenByteArray {
			return s
		}
		min, max = st.Min, st.Max
	}
	enc := metadata.EncodedStatistics{HasMin: true, Min: min, HasMax: true, Max: max,
		HasNullCount: st.IsSetNullCount(), NullCount: st.GetNullCount()}
	if !r.md.WriterVersion().HasCorrectStatistics(descr.PhysicalType(), descr.LogicalType(), enc, descr.SortOrder()) {
		return s
	}
	lo, ok1 := decodeStat(min, descr, f.DataType)
	hi, ok2 := decodeStat(max, descr, f.DataType)
	if ok1 && ok2 {
		s.hasMinMax, s.min, s.max = true, lo, hi
	}
	return s
}

// decodeStat decodes a plain-encoded min or max statistic of a column
// described by descr, holding a feature of type t.
func decodeStat(b []byte, descr *schema.Column, t arrow.DataType) (value, bool) {
	phys, logical := descr.PhysicalType(), descr.LogicalType()
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.DATE32:
		if phys == parquet.Types.Int32 && len(b) == 4 && signedInt(logical) {
			return value{kind: kindInt, i: int64(int32(binary.LittleEndian.Uint32(b)))}, true
		}
	case arrow.INT64:
		if phys == parquet.Types.Int64 && len(b) == 8 && signedInt(logical) {
			return value{kind: kindInt, i: int64(binary.LittleEndian.Uint64(b))}, true
		}
	case arrow.TIMESTAMP:
		ts, ok := logical.(*schema.TimestampLogicalType)
		if phys != parquet.Types.Int64 || len(b) != 8 || !ok {
			return value{}, false
		}
		var unit arrow.TimeUnit
		switch ts.TimeUnit() {
		case schema.TimeUnitMillis:
			unit = arrow.Millisecond
		case schema.TimeUnitMicros:
			unit = arrow.Microsecond
		case schema.TimeUnitNanos:
			unit = arrow.Nanosecond
		default:
			return value{}, false
		}
		v, ok := convertTimestamp(int64(binary.LittleEndian.Uint64(b)), unit, t.(*arrow.TimestampType).Unit)
		return value{kind: kindInt, i: v}, ok
	case arrow.BOOL:
		if phys == parquet.Types.Boolean && len(b) == 1 && b[0] <= 1 {
			return value{kind: kindInt, i: int64(b[0])}, true
		}
	case arrow.FLOAT32:
		if phys == parquet.Types.Float && len(b) == 4 {
			return floatValue(float64(math.Float32frombits(binary.LittleEndian.Uint32(b))))
		}
	case arrow.FLOAT64:
		if phys == parquet.Types.Double && len(b) == 8 {
			return floatValue(math.Float64frombits(binary.LittleEndian.Uint64(b)))
		}
	case arrow.DECIMAL128:
		dec, ok := logical.(*schema.DecimalLogicalType)
		if !ok || dec.Scale() != t.(*arrow.Decimal128Type).Scale {
			return value{}, false
		}
		switch {
		case phys == parquet.Types.Int32 && len(b) == 4:
			return value{kind: kindDecimal, d: decimal128.FromI64(int64(int32(binary.LittleEndian.Uint32(b))))}, true
		case phys == parquet.Types.Int64 && len(b) == 8:
			return value{kind: kindDecimal, d: decimal128.FromI64(int64(binary.LittleEndian.Uint64(b)))}, true
		case phys == parquet.Types.FixedLenByteArray || phys == parquet.Types.ByteArray:
			return bigEndianDecimal(b)
		}
	case arrow.STRING, arrow.BINARY:
		if phys == parquet.Types.ByteArray {
			return value{kind: kindBytes, b: b}, true
		}
	}
	return value{}, false
}

// signedInt reports whether an integer column's logical type is signed
// (or absent, which means signed).
func signedInt(logical schema.LogicalType) bool {
	if l, ok := logical.(interface{ IsSigned() bool }); ok {
		return l.IsSigned()
	}
	return true
}

// bigEndianDecimal decodes a two's complement big-endian unscaled decimal
// of at most 16 bytes.
func bigEndianDecimal(b []byte) (value, bool) {
	if len(b) == 0 || len(b) > 16 {
		return value{}, false
	}
	var full [16]byte
	if b[0]&0x80 != 0 {
		for i := range full {
			full[i] = 0xff
		}
	}
	copy(full[16-len(b):], b)
	hi := int64(binary.BigEndian.Uint64(full[:8]))
	lo := binary.BigEndian.Uint64(full[8:])
	return value{kind: kindDecimal, d: decimal128.New(hi, lo)}, true
}
