#include "common/indicator/indicator_value.h"

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/hash/hash.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "budgetperf/v1/evaluation_package.pb.h"
#include "common/indicator/decimal.h"
#include "common/text/utf8.h"

namespace budgetperf {
namespace {

using Parsed = v1::ParsedIndicatorValue;

// One code point of the input, normalised for matching, with the bytes it
// came from so that units can be copied out exactly as written.
struct Char {
  char32_t cp;
  size_t begin;
  size_t end;
};

// Folds the variants filers type interchangeably onto one code point, so the
// grammar below only deals with ASCII digits, '.', ',', '%', '<', '>', '=',
// '+', '-' and ' '. Units are copied from the original bytes, not from here.
char32_t Normalize(char32_t cp) {
  if (cp >= 0xFF10 && cp <= 0xFF19) return U'0' + (cp - 0xFF10);  // ０-９
  switch (cp) {
    case 0xFF0E:  // ．
      return U'.';
    case 0xFF0C:  // ，
      return U',';
    case 0xFF05:  // ％
      return U'%';
    case 0xFF1E:  // ＞
    case 0xFE65:  // ﹥
      return U'>';
    case 0xFF1C:  // ＜
    case 0xFE64:  // ﹤
      return U'<';
    case 0xFF1D:  // ＝
    case 0xFE66:  // ﹦
      return U'=';
    case 0xFF0B:  // ＋
      return U'+';
    case 0xFF0D:  // －
    case 0x2212:  // − (minus sign)
      return U'-';
    // Whitespace, including the ideographic space and NBSP that word
    // processors put into table cells, and the zero-width characters that
    // ride along when cells are copied from PDFs.
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0xA0:
    case 0x1680:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
      return U' ';
    default:
      break;
  }
  if (cp >= 0x2000 && cp <= 0x200B) return U' ';
  return cp;
}

// Strict UTF-8 (RFC 3629): rejects overlong forms, surrogates, code points
// above U+10FFFF and truncated sequences. On failure sets *bad_offset to the
// first byte of the offending sequence.
bool DecodeUtf8(absl::string_view text, std::vector<Char>* out,
                size_t* bad_offset) {
  out->clear();
  out->reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    const size_t length = DecodeUtf8Char(text.substr(i), &cp);
    if (length == 0) {
      *bad_offset = i;
      return false;
    }
    out->push_back(Char{Normalize(cp), i, i + length});
    i += length;
  }
  return true;
}

bool IsDigit(char32_t cp) { return cp >= U'0' && cp <= U'9'; }
bool IsSpace(char32_t cp) { return cp == U' '; }

bool IsLatinLetter(char32_t cp) {
  return (cp >= U'a' && cp <= U'z') || (cp >= U'A' && cp <= U'Z') ||
         (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A) ||
         (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}

// A character that makes text "words": letters of any script we expect on
// Chinese forms. Punctuation and symbols alone do not make a statement.
bool IsWordChar(char32_t cp) {
  return IsLatinLetter(cp) ||
         (cp >= 0x370 && cp <= 0x52F) ||    // Greek, Cyrillic
         (cp >= 0x3040 && cp <= 0x30FF) ||  // kana
         (cp >= 0x3400 && cp <= 0x4DBF) ||  // CJK ext. A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||  // CJK
         (cp >= 0xAC00 && cp <= 0xD7AF) ||  // Hangul
         (cp >= 0xF900 && cp <= 0xFAFF) ||  // CJK compat.
         (cp >= 0x20000 && cp <= 0x3134F);  // CJK ext. B+
}

// Symbols that can only be comparators; used to reject "95%≥".
bool IsComparatorSymbol(char32_t cp) {
  switch (cp) {
    case U'<':
    case U'>':
    case U'=':
    case U'≥':
    case U'≤':
    case U'≧':
    case U'≦':
    case U'⩾':
    case U'⩽':
    case U'≮':
    case U'≯':
      return true;
    default:
      return false;
  }
}

struct ComparatorToken {
  std::u32string_view text;
  v1::Comparator comparator;
  // Word comparators ("高于") also start ordinary phrases ("高于上年"), so
  // they only count as comparators when a number follows.
  bool word;
};

// Matched longest first, so ">=" wins over ">" and "不低于" is never read as
// "低于". Full-width forms are already folded to ASCII by Normalize.
constexpr ComparatorToken kComparators[] = {
    {U">=", v1::COMPARATOR_GE, false},
    {U"<=", v1::COMPARATOR_LE, false},
    {U"≥", v1::COMPARATOR_GE, false},
    {U"≤", v1::COMPARATOR_LE, false},
    {U"≧", v1::COMPARATOR_GE, false},
    {U"≦", v1::COMPARATOR_LE, false},
    {U"⩾", v1::COMPARATOR_GE, false},
    {U"⩽", v1::COMPARATOR_LE, false},
    {U"≮", v1::COMPARATOR_GE, false},  // "not less than"
    {U"≯", v1::COMPARATOR_LE, false},  // "not greater than"
    {U">", v1::COMPARATOR_GT, false},
    {U"<", v1::COMPARATOR_LT, false},
    {U"=", v1::COMPARATOR_EQ, false},
    {U"大于或等于", v1::COMPARATOR_GE, true},
    {U"大于等于", v1::COMPARATOR_GE, true},
    {U"小于或等于", v1::COMPARATOR_LE, true},
    {U"小于等于", v1::COMPARATOR_LE, true},
    {U"不低于", v1::COMPARATOR_GE, true},
    {U"不少于", v1::COMPARATOR_GE, true},
    {U"不小于", v1::COMPARATOR_GE, true},
    {U"不高于", v1::COMPARATOR_LE, true},
    {U"不超过", v1::COMPARATOR_LE, true},
    {U"不多于", v1::COMPARATOR_LE, true},
    {U"不大于", v1::COMPARATOR_LE, true},
    {U"不晚于", v1::COMPARATOR_LE, true},
    {U"不迟于", v1::COMPARATOR_LE, true},
    {U"大于", v1::COMPARATOR_GT, true},
    {U"高于", v1::COMPARATOR_GT, true},
    {U"超过", v1::COMPARATOR_GT, true},
    {U"多于", v1::COMPARATOR_GT, true},
    {U"小于", v1::COMPARATOR_LT, true},
    {U"低于", v1::COMPARATOR_LT, true},
    {U"少于", v1::COMPARATOR_LT, true},
    {U"等于", v1::COMPARATOR_EQ, true},
};

struct SuffixToken {
  std::u32string_view text;
  v1::Comparator comparator;
};

// Comparators written after the value: "95%以上" is "≥95%".
constexpr SuffixToken kComparatorSuffixes[] = {
    {U"及以上", v1::COMPARATOR_GE}, {U"或以上", v1::COMPARATOR_GE},
    {U"以上", v1::COMPARATOR_GE},   {U"及以下", v1::COMPARATOR_LE},
    {U"或以下", v1::COMPARATOR_LE}, {U"以下", v1::COMPARATOR_LE},
    {U"以内", v1::COMPARATOR_LE},   {U"之内", v1::COMPARATOR_LE},
};

// Units of time that may take a bare "内" ("30天内" = within 30 days = ≤).
// For other units "内" is not a comparator, so it is left in the unit.
constexpr std::u32string_view kTimeUnits[] = {
    U"天", U"日", U"工作日", U"个工作日", U"个月", U"月",
    U"周", U"年", U"小时",   U"个小时",   U"分钟",
};

// Cells meaning "this row does not apply".
constexpr std::u32string_view kNotApplicable[] = {
    U"/",  U"//", U"／", U"\\", U"-",      U"--",  U"—",
    U"——", U"–",  U"―",  U"无", U"不适用", U"N/A", U"n/a",
};

// Whole-cell periods that name no year or month.
constexpr std::u32string_view kPeriodWords[] = {
    U"全年",   U"全年度", U"年度",   U"年度内",   U"年内",     U"年初",
    U"年中",   U"年底",   U"年底前", U"年底之前", U"年底以前", U"年末",
    U"年末前", U"当年",   U"当年度", U"当年内",   U"本年",     U"本年度",
    U"本年内", U"全年内", U"上半年", U"下半年",   U"每月",     U"每季度",
    U"每年",   U"按月",   U"按季",   U"按季度",   U"按年",
};

// What may follow a date to make it a deadline or a part of the period:
// "9月前", "12月底前", "2023年度内", "6月30日之前".
constexpr std::u32string_view kPeriodSuffixes[] = {
    U"",     U"前",   U"底",   U"底前", U"底之前", U"底以前",
    U"末",   U"末前", U"初",   U"中",   U"上旬",   U"中旬",
    U"下旬", U"内",   U"以内", U"之内", U"以前",   U"之前",
};

constexpr std::u32string_view kRangeSeparators = U"-~～—–至到";

class ValueParser {
 public:
  ValueParser(absl::string_view text, const std::vector<Char>& chars)
      : text_(text), s_(chars) {}

  Parsed Parse() {
    size_t b = 0;
    size_t e = s_.size();
    Trim(&b, &e);
    if (b == e) return OfKind(Parsed::EMPTY);
    for (std::u32string_view na : kNotApplicable) {
      if (Equals(b, e, na)) return OfKind(Parsed::NOT_APPLICABLE);
    }

    bool word = false;
    v1::Comparator comparator = v1::COMPARATOR_UNSPECIFIED;
    const size_t after = MatchComparator(b, e, &comparator, &word);
    if (after > b) {
      const size_t p = SkipSpaces(after, e);
      // "高于上年" compares with something unnamed: a statement, not a
      // threshold.
      if (word && !StartsNumber(p, e)) return OfKind(Parsed::QUALITATIVE);
      v1::Comparator second;
      bool ignored;
      if (p < e && MatchComparator(p, e, &second, &ignored) > p) {
        return Unparseable("two comparators");
      }
      if (p == e) return Unparseable("comparator without a number");
      Parsed period;
      switch (TryPeriod(p, e, &period)) {
        case PeriodMatch::kPeriod:
          period.set_comparator(comparator);
          return period;
        case PeriodMatch::kDateWithWords:
          return Unparseable("unexpected text after the date");
        case PeriodMatch::kNone:
          break;
      }
      return ParseQuantity(p, e, comparator);
    }

    Parsed period;
    switch (TryPeriod(b, e, &period)) {
      case PeriodMatch::kPeriod:
        return period;
      case PeriodMatch::kDateWithWords:
        // "2023年完成改造": a statement about a date.
        return OfKind(Parsed::QUALITATIVE);
      case PeriodMatch::kNone:
        break;
    }
    // A sign or point counts as the start of a (possibly malformed) number
    // only when a digit follows; "- 有效改善" is a bullet, not a number.
    const bool point_then_digit =
        s_[b].cp == U'.' && b + 1 < e && IsDigit(s_[b + 1].cp);
    if (StartsNumber(b, e) || point_then_digit) {
      return ParseQuantity(b, e, v1::COMPARATOR_UNSPECIFIED);
    }
    for (size_t i = b; i < e; ++i) {
      if (IsWordChar(s_[i].cp)) return OfKind(Parsed::QUALITATIVE);
    }
    return Unparseable("neither a number nor words");
  }

 private:
  enum class PeriodMatch { kNone, kPeriod, kDateWithWords };

  static Parsed OfKind(Parsed::Kind kind) {
    Parsed out;
    out.set_kind(kind);
    return out;
  }

  static Parsed Unparseable(absl::string_view why) {
    Parsed out;
    out.set_kind(Parsed::UNPARSEABLE);
    out.set_error(std::string(why));
    return out;
  }

  void Trim(size_t* b, size_t* e) const {
    while (*b < *e && IsSpace(s_[*b].cp)) ++*b;
    while (*e > *b && IsSpace(s_[*e - 1].cp)) --*e;
  }

  size_t SkipSpaces(size_t p, size_t e) const {
    while (p < e && IsSpace(s_[p].cp)) ++p;
    return p;
  }

  bool MatchAt(size_t p, size_t e, std::u32string_view lit) const {
    if (lit.size() > e - p) return false;
    for (size_t k = 0; k < lit.size(); ++k) {
      if (s_[p + k].cp != lit[k]) return false;
    }
    return true;
  }

  bool Equals(size_t b, size_t e, std::u32string_view lit) const {
    return e - b == lit.size() && MatchAt(b, e, lit);
  }

  bool EndsWith(size_t b, size_t e, std::u32string_view lit) const {
    return e - b >= lit.size() && MatchAt(e - lit.size(), e, lit);
  }

  // A digit, or a sign directly followed by a digit.
  bool StartsNumber(size_t p, size_t e) const {
    if (p >= e) return false;
    if (IsDigit(s_[p].cp)) return true;
    return (s_[p].cp == U'+' || s_[p].cp == U'-') && p + 1 < e &&
           IsDigit(s_[p + 1].cp);
  }

  // Returns the position after the longest comparator starting at p, or p.
  size_t MatchComparator(size_t p, size_t e, v1::Comparator* comparator,
                         bool* word) const {
    size_t best = 0;
    for (const ComparatorToken& token : kComparators) {
      if (token.text.size() > best && MatchAt(p, e, token.text)) {
        best = token.text.size();
        *comparator = token.comparator;
        *word = token.word;
      }
    }
    return p + best;
  }

  // Reads a run of ASCII digits at p. The value is only meaningful for short
  // runs (the callers check *count), so accumulation stops before overflow.
  size_t ReadDigits(size_t p, size_t e, int64_t* value) const {
    size_t count = 0;
    int64_t v = 0;
    while (p + count < e && IsDigit(s_[p + count].cp)) {
      if (count < 9) v = v * 10 + (s_[p + count].cp - U'0');
      ++count;
    }
    *value = v;
    return count;
  }

  bool InList(size_t b, size_t e, const std::u32string_view* list,
              size_t n) const {
    for (size_t i = 0; i < n; ++i) {
      if (Equals(b, e, list[i])) return true;
    }
    return false;
  }

  // Recognises "2023年度", "2023年12月31日前", "9月前", "1-12月", "全年", ...
  // Years must have four digits (so "3年" stays a duration) and months must
  // be 1-12 (so "13月" is not mistaken for a date).
  PeriodMatch TryPeriod(size_t b, size_t e, Parsed* out) const {
    // "9月前完成" reads like "9月前": the verb adds nothing to the period.
    size_t core_e = e;
    if (EndsWith(b, e, U"完成")) core_e = e - 2;
    if (InList(b, core_e, kPeriodWords, std::size(kPeriodWords))) {
      *out = OfKind(Parsed::PERIOD);
      return PeriodMatch::kPeriod;
    }

    size_t p = b;
    int64_t year = 0;
    int64_t month = 0;
    bool dated = false;

    int64_t value = 0;
    size_t n = ReadDigits(p, core_e, &value);
    if (n == 4 && p + n < core_e && s_[p + n].cp == U'年') {
      if (value < 1900 || value > 2199) return PeriodMatch::kNone;
      year = value;
      dated = true;
      p += n + 1;
      if (p < core_e && s_[p].cp == U'度') ++p;
    }

    n = ReadDigits(p, core_e, &value);
    if (n >= 1 && n <= 2) {
      size_t q = p + n;
      int64_t first = value;
      if (q < core_e &&
          kRangeSeparators.find(s_[q].cp) != std::u32string_view::npos) {
        int64_t last = 0;
        const size_t m = ReadDigits(q + 1, core_e, &last);
        if (m >= 1 && m <= 2) {
          value = last;
          q += 1 + m;
        }
      }
      if (q < core_e && s_[q].cp == U'月' && first >= 1 && value <= 12 &&
          first <= value) {
        month = value;
        dated = true;
        p = q + 1;
        if (p < core_e && s_[p].cp == U'份') ++p;
        int64_t day = 0;
        const size_t d = ReadDigits(p, core_e, &day);
        if (d >= 1 && d <= 2 && p + d < core_e &&
            (s_[p + d].cp == U'日' || s_[p + d].cp == U'号') && day >= 1 &&
            day <= 31) {
          p += d + 1;
        }
      }
    }

    if (!dated) return PeriodMatch::kNone;
    if (InList(p, core_e, kPeriodSuffixes, std::size(kPeriodSuffixes))) {
      *out = OfKind(Parsed::PERIOD);
      out->set_period_year(static_cast<int32_t>(year));
      out->set_period_month(static_cast<int32_t>(month));
      return PeriodMatch::kPeriod;
    }
    bool words = false;
    for (size_t i = p; i < e; ++i) {
      if (IsDigit(s_[i].cp)) return PeriodMatch::kNone;
      words = words || IsWordChar(s_[i].cp);
    }
    return words ? PeriodMatch::kDateWithWords : PeriodMatch::kNone;
  }

  // Reads "[sign] digits[,ddd...][.digits] [unit]" from p to e.
  Parsed ParseQuantity(size_t p, size_t e, v1::Comparator comparator) const {
    bool negative = false;
    if (p < e && (s_[p].cp == U'+' || s_[p].cp == U'-')) {
      if (!(p + 1 < e && IsDigit(s_[p + 1].cp))) {
        return Unparseable("sign without a number");
      }
      negative = s_[p].cp == U'-';
      ++p;
    }
    if (p < e && s_[p].cp == U'.') {
      return Unparseable("number starts with a decimal point");
    }
    if (p >= e || !IsDigit(s_[p].cp)) {
      return Unparseable(comparator == v1::COMPARATOR_UNSPECIFIED
                             ? "expected a number"
                             : "expected a number after the comparator");
    }

    // Units accumulate only while they fit: past kMaxIndicatorSignificant-
    // Digits digits we keep counting but stop multiplying, then refuse.
    int64_t units = 0;
    int significant = 0;
    auto push = [&](char32_t digit) {
      if (significant == 0 && digit == U'0') return;
      ++significant;
      if (significant <= kMaxIndicatorSignificantDigits) {
        units = units * 10 + static_cast<int64_t>(digit - U'0');
      }
    };

    size_t group = 0;      // digits since the start or the last separator
    bool grouped = false;  // a thousands separator was seen
    while (p < e) {
      const char32_t cp = s_[p].cp;
      if (IsDigit(cp)) {
        push(cp);
        ++group;
        ++p;
        continue;
      }
      if (cp == U',' && p + 1 < e && IsDigit(s_[p + 1].cp)) {
        // "2,600" and "1,234,567": a first group of 1-3 digits, then groups
        // of exactly three. Anything else ("1,2", "12,34") is more likely a
        // list or a typo than a thousands separator, so we refuse to guess.
        size_t next = p + 1;
        while (next < e && IsDigit(s_[next].cp)) ++next;
        if ((grouped ? group != 3 : group > 3) || next - (p + 1) != 3) {
          return Unparseable("misplaced thousands separator");
        }
        grouped = true;
        group = 0;
        ++p;
        continue;
      }
      break;
    }

    int decimals = 0;
    if (p < e && s_[p].cp == U'.') {
      if (!(p + 1 < e && IsDigit(s_[p + 1].cp))) {
        return Unparseable("decimal point without digits after it");
      }
      ++p;
      while (p < e && IsDigit(s_[p].cp)) {
        push(s_[p].cp);
        ++decimals;
        ++p;
      }
      if (p < e && s_[p].cp == U'.') {
        return Unparseable("number has two decimal points");
      }
      if (p < e && s_[p].cp == U',' && p + 1 < e && IsDigit(s_[p + 1].cp)) {
        return Unparseable("thousands separator after the decimal point");
      }
    }
    if (decimals > kMaxIndicatorDecimals) {
      return Unparseable(
          absl::StrCat("more than ", kMaxIndicatorDecimals, " decimals"));
    }
    if (significant > kMaxIndicatorSignificantDigits) {
      return Unparseable(absl::StrCat(
          "more than ", kMaxIndicatorSignificantDigits, " significant digits"));
    }

    // The unit: everything after the number, trimmed, less a trailing
    // comparator word.
    size_t ub = SkipSpaces(p, e);
    size_t ue = e;
    v1::Comparator suffix = v1::COMPARATOR_UNSPECIFIED;
    for (const SuffixToken& token : kComparatorSuffixes) {
      if (EndsWith(ub, ue, token.text)) {
        suffix = token.comparator;
        ue -= token.text.size();
        break;
      }
    }
    if (suffix == v1::COMPARATOR_UNSPECIFIED && EndsWith(ub, ue, U"内")) {
      size_t time_e = ue - 1;
      Trim(&ub, &time_e);
      if (InList(ub, time_e, kTimeUnits, std::size(kTimeUnits))) {
        suffix = v1::COMPARATOR_LE;
        ue = time_e;
      }
    }
    Trim(&ub, &ue);
    if (suffix != v1::COMPARATOR_UNSPECIFIED) {
      if (comparator != v1::COMPARATOR_UNSPECIFIED && comparator != suffix) {
        return Unparseable("two comparators");
      }
      comparator = suffix;
      for (const SuffixToken& token : kComparatorSuffixes) {
        if (EndsWith(ub, ue, token.text)) {
          return Unparseable("two comparators");
        }
      }
    }
    for (size_t i = ub; i < ue; ++i) {
      if (IsComparatorSymbol(s_[i].cp)) {
        return Unparseable("comparator after the number");
      }
      // "m2" is square metres; "户3079户" or "90%-100%" is a second value
      // that this message cannot hold.
      if (IsDigit(s_[i].cp) && !(i > ub && IsLatinLetter(s_[i - 1].cp))) {
        return Unparseable("a second number after the unit");
      }
    }

    Parsed out = OfKind(Parsed::QUANTITY);
    out.set_comparator(comparator);
    out.mutable_number()->set_units(negative ? -units : units);
    out.mutable_number()->set_scale(decimals);
    if (ub < ue) {
      const absl::string_view unit =
          text_.substr(s_[ub].begin, s_[ue - 1].end - s_[ub].begin);
      out.set_unit(absl::StrReplaceAll(unit, {{"％", "%"}}));
    }
    return out;
  }

  absl::string_view text_;
  const std::vector<Char>& s_;
};

absl::string_view ComparatorSymbol(v1::Comparator comparator) {
  switch (comparator) {
    case v1::COMPARATOR_GE:
      return "≥";
    case v1::COMPARATOR_LE:
      return "≤";
    case v1::COMPARATOR_GT:
      return ">";
    case v1::COMPARATOR_LT:
      return "<";
    case v1::COMPARATOR_EQ:
      return "=";
    default:
      return "";
  }
}

}  // namespace

namespace {

Parsed ParseUncached(absl::string_view text) {
  // The decoding buffer is the thread's: a fresh vector per cell was a good
  // part of the cost of reading one.
  thread_local std::vector<Char> chars;
  size_t bad_offset = 0;
  if (!DecodeUtf8(text, &chars, &bad_offset)) {
    // The message stays ASCII: the proto string field must remain valid
    // UTF-8 even when the input is not.
    Parsed out;
    out.set_kind(Parsed::UNPARSEABLE);
    out.set_error(absl::StrCat("invalid UTF-8 at byte ", bad_offset));
    return out;
  }
  if (chars.capacity() > 4096) {
    // A very long text's buffer is not kept for the thread's lifetime.
    Parsed out = ValueParser(text, chars).Parse();
    std::vector<Char>().swap(chars);
    return out;
  }
  return ValueParser(text, chars).Parse();
}

// The last cells read on this thread. One package's cells are read by
// ingestion's normalisation, the consistency rules and the scorer in turn,
// and the same few texts ("≥95%", "100%", "/") recur across packages; the
// answer is a pure function of the text.
class ParseCache {
 public:
  static constexpr size_t kSlots = 256;
  static constexpr size_t kMaxTextBytes = 64;

  const Parsed* Find(absl::string_view text, size_t hash) const {
    const Slot& slot = slots_[hash % kSlots];
    if (slot.used && slot.hash == hash && slot.text == text) return &slot.parsed;
    return nullptr;
  }
  void Put(absl::string_view text, size_t hash, const Parsed& parsed) {
    Slot& slot = slots_[hash % kSlots];
    slot.used = true;
    slot.hash = hash;
    slot.text.assign(text.data(), text.size());
    slot.parsed = parsed;
  }

 private:
  struct Slot {
    bool used = false;
    size_t hash = 0;
    std::string text;
    Parsed parsed;
  };
  Slot slots_[kSlots];
};

}  // namespace

v1::ParsedIndicatorValue ParseIndicatorValue(absl::string_view text) {
  if (text.size() > ParseCache::kMaxTextBytes) return ParseUncached(text);
  thread_local ParseCache cache;
  const size_t hash = absl::HashOf(text);
  if (const Parsed* hit = cache.Find(text, hash)) return *hit;
  Parsed parsed = ParseUncached(text);
  cache.Put(text, hash, parsed);
  return parsed;
}

v1::Achievement ClassifyAchievement(absl::string_view text) {
  // UTF-8 is self-synchronising, so byte-wise substring search cannot match
  // across character boundaries, and invalid bytes simply match nothing.
  constexpr absl::string_view kNot[] = {"未达成",   "未完成",   "未达到",
                                        "没有达成", "没有完成", "没完成"};
  constexpr absl::string_view kPartial[] = {"部分达成", "基本达成", "部分完成",
                                            "基本完成", "部分达到", "基本达到"};
  constexpr absl::string_view kAchieved[] = {"达成", "完成", "达到"};
  for (absl::string_view word : kNot) {
    if (absl::StrContains(text, word)) return v1::NOT_ACHIEVED;
  }
  for (absl::string_view word : kPartial) {
    if (absl::StrContains(text, word)) return v1::PARTIALLY_ACHIEVED;
  }
  for (absl::string_view word : kAchieved) {
    if (absl::StrContains(text, word)) return v1::ACHIEVED;
  }
  return v1::ACHIEVEMENT_UNSPECIFIED;
}

void FillParsed(v1::IndicatorValue* value) {
  if (value == nullptr) return;
  *value->mutable_parsed() = ParseIndicatorValue(value->text());
}

std::string DescribeParsed(const v1::ParsedIndicatorValue& parsed) {
  switch (parsed.kind()) {
    case Parsed::EMPTY:
      return "empty";
    case Parsed::QUANTITY: {
      std::vector<std::string> parts;
      const absl::string_view symbol = ComparatorSymbol(parsed.comparator());
      if (!symbol.empty()) parts.emplace_back(symbol);
      parts.push_back(FormatDecimal(parsed.number()));
      if (!parsed.unit().empty()) parts.push_back(parsed.unit());
      return absl::StrJoin(parts, " ");
    }
    case Parsed::PERIOD: {
      std::string out = "period";
      const absl::string_view symbol = ComparatorSymbol(parsed.comparator());
      if (!symbol.empty()) absl::StrAppend(&out, " ", symbol);
      if (parsed.period_year() != 0) {
        absl::StrAppend(&out, " ", parsed.period_year());
        if (parsed.period_month() != 0) {
          absl::StrAppend(&out, parsed.period_month() < 10 ? "-0" : "-",
                          parsed.period_month());
        }
      } else if (parsed.period_month() != 0) {
        absl::StrAppend(&out, " month ", parsed.period_month());
      }
      return out;
    }
    case Parsed::QUALITATIVE:
      return "qualitative";
    case Parsed::NOT_APPLICABLE:
      return "not applicable";
    case Parsed::UNPARSEABLE:
      return absl::StrCat("unparseable: ", parsed.error());
    default:
      return "unspecified";
  }
}

}  // namespace budgetperf
