//! Exact decimal numbers for the Numeric condition operators.
//!
//! IAM documents Numeric operators as comparing "an integer or decimal value" and gives no range
//! or precision (semantics §3.2; `docs/encoding.md`, "Numbers"). airtight therefore reads a
//! number *exactly*, whatever its length, and compares exactly: `5e37` is below `1e38`, and `5`
//! is above `0.00000000000000000000000000000000000001`. Only the decimal exponent of the first
//! significant digit is bounded ([`Decimal::MAX_EXPONENT`]) so that exponent arithmetic can never
//! overflow; a number beyond it is [`NumberError::OutOfRange`] — a parse error in a policy, an
//! unreadable value (the test is false, §3.6) in a request.
//!
//! Nothing here scales by powers of ten or formats with a width taken from the input: digits are
//! kept as a string and compared digit by digit.

use std::cmp::Ordering;

/// An exact decimal number `±d₁.d₂…dₙ × 10^exponent`, kept normalised — no leading or trailing
/// zero digit, zero has no digits and is never negative — so that the derived equality and hash
/// are numeric equality. [`Ord`] is numeric order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal {
    negative: bool,
    /// ASCII digits; the first and the last are not `0`. Empty for zero.
    digits: Vec<u8>,
    /// The power of ten of the first digit (`0` for zero).
    exponent: i64,
}

/// Why a text is not a number airtight reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("expected an integer or decimal number such as `10`, `-2.5` or `1e3`")]
    Malformed,
    #[error("the number's decimal exponent is beyond ±{}", Decimal::MAX_EXPONENT)]
    OutOfRange,
}

/// Numbers whose plain spelling needs at most this many padding zeros are printed plainly
/// (`100000`, `0.0001`); others in scientific notation (`1e-65535`).
const PLAIN_PADDING: i64 = 40;

impl Decimal {
    /// The largest decimal exponent, either way, of a number's first significant digit: the
    /// range of a 32-bit exponent, as the previous reader had. Any number of digits may follow.
    pub const MAX_EXPONENT: i64 = i32::MAX as i64;

    pub const ZERO: Decimal = Decimal {
        negative: false,
        digits: Vec::new(),
        exponent: 0,
    };

    /// Reads `[+-]digits[.digits][(e|E)[+-]digits]` (surrounding whitespace ignored), with at
    /// least one digit before the exponent: `5`, `+5`, `-0.5`, `.5`, `5.`, `1e-38`, `2.5E+3`.
    /// The value is exact; it must have `|exponent| ≤` [`Decimal::MAX_EXPONENT`] once written
    /// as `d.ddd × 10^exponent` (zero always does).
    pub fn parse(text: &str) -> Result<Decimal, NumberError> {
        let t = text.trim();
        let (mantissa, written_exponent) = match t.find(['e', 'E']) {
            Some(i) => (&t[..i], Some(&t[i + 1..])),
            None => (t, None),
        };
        let negative = mantissa.starts_with('-');
        let unsigned = mantissa.strip_prefix(['+', '-']).unwrap_or(mantissa);
        let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        if (int.is_empty() && frac.is_empty())
            || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        {
            return Err(NumberError::Malformed);
        }
        let written_exponent = match written_exponent {
            Some(e) => parse_exponent(e)?,
            None => Some(0),
        };
        let all: Vec<u8> = int.bytes().chain(frac.bytes()).collect();
        let Some(first) = all.iter().position(|&b| b != b'0') else {
            return Ok(Decimal::ZERO);
        };
        let last = all.iter().rposition(|&b| b != b'0').unwrap_or(first);
        // Digit `i` of `int ++ frac` stands for `10^(int.len() - 1 - i) × 10^written`.
        let exponent = written_exponent
            .zip(i64::try_from(int.len()).ok())
            .zip(i64::try_from(first).ok())
            .and_then(|((w, n), f)| n.checked_sub(1)?.checked_sub(f)?.checked_add(w))
            .filter(|e| (-Decimal::MAX_EXPONENT..=Decimal::MAX_EXPONENT).contains(e))
            .ok_or(NumberError::OutOfRange)?;
        Ok(Decimal {
            negative,
            digits: all[first..=last].to_vec(),
            exponent,
        })
    }

    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// `-self`.
    pub fn negated(&self) -> Decimal {
        Decimal {
            negative: !self.negative && !self.is_zero(),
            ..self.clone()
        }
    }

    /// `self × 10^places`, truncated towards zero, when it fits an `i128`.
    pub fn scaled_i128(&self, places: u32) -> Option<i128> {
        if self.is_zero() {
            return Some(0);
        }
        let top = self.exponent.checked_add(i64::from(places))?;
        if top < 0 {
            return Some(0);
        }
        // An i128 has at most 39 digits.
        if top >= 39 {
            return None;
        }
        let mut acc: i128 = 0;
        for i in 0..=top {
            let d = usize::try_from(i)
                .ok()
                .and_then(|i| self.digits.get(i))
                .map_or(0, |b| i128::from(b - b'0'));
            acc = acc.checked_mul(10)?.checked_add(d)?;
        }
        Some(if self.negative { -acc } else { acc })
    }

    /// A number strictly between `lo` and `hi` (each bound absent: unbounded), as short as this
    /// simple search finds — `0` when the interval holds it, else few significant digits — and
    /// within [`Decimal::MAX_EXPONENT`]. `None` when no such number exists: when `lo ≥ hi`, and
    /// for the open intervals between `0` and `±10^-MAX_EXPONENT`, which hold only numbers below
    /// the range.
    pub fn between(lo: Option<&Decimal>, hi: Option<&Decimal>) -> Option<Decimal> {
        if let (Some(a), Some(b)) = (lo, hi) {
            if a >= b {
                return None;
            }
        }
        let zero = Decimal::ZERO;
        if lo.is_none_or(|a| *a < zero) && hi.is_none_or(|b| zero < *b) {
            return Some(zero);
        }
        match (lo, hi) {
            // The whole interval is above zero.
            (Some(a), None) if !a.negative => Some(above(a)),
            (Some(a), Some(b)) if !a.negative => between_positive(a, b),
            // The whole interval is below zero: mirror it.
            (None, Some(b)) => Some(above(&b.negated()).negated()),
            (Some(a), Some(b)) => between_positive(&b.negated(), &a.negated()).map(|c| c.negated()),
            (Some(_), None) | (None, None) => None,
        }
    }

    fn power_of_ten(exponent: i64) -> Decimal {
        Decimal {
            negative: false,
            digits: vec![b'1'],
            exponent,
        }
    }

    /// A number above `self` with the same exponent: see [`bump`].
    fn bumped(&self) -> Decimal {
        Decimal {
            digits: bump(&self.digits),
            ..self.clone()
        }
    }
}

/// Reads the exponent after `e`: `Ok(None)` when it has more than 18 significant digits (out of
/// range unless the number is zero).
fn parse_exponent(text: &str) -> Result<Option<i64>, NumberError> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumberError::Malformed);
    }
    let significant = digits.trim_start_matches('0');
    if significant.len() > 18 {
        return Ok(None);
    }
    let magnitude: i64 = if significant.is_empty() {
        0
    } else {
        significant.parse().map_err(|_| NumberError::Malformed)?
    };
    Ok(Some(if text.starts_with('-') {
        -magnitude
    } else {
        magnitude
    }))
}

/// Digits `d` (no trailing zero) made larger while keeping their first position: the first digit
/// below 9 is incremented and the rest dropped; all nines get a `1` appended. The result stays
/// below the next power of ten and has no trailing zero.
fn bump(d: &[u8]) -> Vec<u8> {
    match d.iter().position(|&x| x < b'9') {
        Some(j) => {
            let mut out = d[..j].to_vec();
            out.push(d[j] + 1);
            out
        }
        None => {
            let mut out = d.to_vec();
            out.push(b'1');
            out
        }
    }
}

/// A number above `a ≥ 0`: `1` above zero, else the first digit incremented (`3600` → `4000`),
/// else the next power of ten (`99` → `100`), else (at the top of the range) [`bump`].
fn above(a: &Decimal) -> Decimal {
    match a.digits.first() {
        None => Decimal::power_of_ten(0),
        Some(&d) if d < b'9' => Decimal {
            negative: false,
            digits: vec![d + 1],
            exponent: a.exponent,
        },
        Some(_) if a.exponent < Decimal::MAX_EXPONENT => Decimal::power_of_ten(a.exponent + 1),
        Some(_) => a.bumped(),
    }
}

/// A number strictly between `0 ≤ a < b`.
fn between_positive(a: &Decimal, b: &Decimal) -> Option<Decimal> {
    let b_is_power = b.digits == [b'1'];
    if a.is_zero() {
        // The largest power of ten below `b`.
        let e = if b_is_power {
            b.exponent - 1
        } else {
            b.exponent
        };
        return (e >= -Decimal::MAX_EXPONENT).then(|| Decimal::power_of_ten(e));
    }
    if a.exponent < b.exponent {
        // `a < 10^(a.exponent + 1) ≤ 10^b.exponent ≤ b`.
        if !b_is_power {
            return Some(Decimal::power_of_ten(b.exponent));
        }
        if b.exponent - 1 > a.exponent {
            return Some(Decimal::power_of_ten(b.exponent - 1));
        }
        // `b = 10^(a.exponent + 1)`.
        return Some(a.bumped());
    }
    // Same exponent: the digit strings first differ at `k`, where `a`'s digit `x` (0 once `a`'s
    // digits have run out) is below `b`'s digit `y`.
    let (da, db) = (&a.digits, &b.digits);
    let k = da.iter().zip(db).take_while(|(x, y)| x == y).count();
    let x = da.get(k).copied().unwrap_or(b'0');
    let y = *db.get(k)?;
    let mut digits = db[..k].to_vec();
    if y - x >= 2 {
        digits.push(x + 1);
    } else if db.len() > k + 1 {
        // `b` has more (non-zero) digits after `y`: its prefix up to `y` is below it.
        digits.push(y);
    } else {
        // `b` ends at `y = x + 1`: stay on `x` and go above `a`'s remaining digits.
        digits.push(x);
        digits.extend(bump(da.get(k + 1..).unwrap_or(&[])));
    }
    Some(Decimal {
        negative: false,
        digits,
        exponent: a.exponent,
    })
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        let sign = |d: &Decimal| match (d.is_zero(), d.negative) {
            (true, _) => 0,
            (false, true) => -1,
            (false, false) => 1,
        };
        match sign(self).cmp(&sign(other)) {
            Ordering::Equal => {}
            unequal => return unequal,
        }
        // Same sign: the larger exponent is the larger magnitude; with equal exponents the
        // digit strings compare lexicographically (a proper prefix is smaller, as no digit
        // string ends in zero).
        let magnitude = self
            .exponent
            .cmp(&other.exponent)
            .then_with(|| self.digits.cmp(&other.digits));
        if self.negative {
            magnitude.reverse()
        } else {
            magnitude
        }
    }
}

impl std::fmt::Display for Decimal {
    /// Plain notation when it needs at most 40 padding zeros, else `d.ddde±x`; either way a
    /// text [`Decimal::parse`] reads back as the same number.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_zero() {
            return f.write_str("0");
        }
        let mut out = String::new();
        if self.negative {
            out.push('-');
        }
        let digits: String = self.digits.iter().map(|&b| char::from(b)).collect();
        let n = i64::try_from(digits.len()).unwrap_or(i64::MAX);
        let padding = if self.exponent >= 0 {
            self.exponent.saturating_add(1).saturating_sub(n).max(0)
        } else {
            -self.exponent - 1
        };
        let zeros = usize::try_from(padding)
            .ok()
            .filter(|_| padding <= PLAIN_PADDING);
        let int_len = usize::try_from(self.exponent.saturating_add(1)).ok();
        match (zeros, int_len) {
            (Some(zeros), Some(int_len)) if self.exponent >= 0 => {
                if digits.len() <= int_len {
                    out.push_str(&digits);
                    out.push_str(&"0".repeat(zeros));
                } else {
                    let (int, frac) = digits.split_at(int_len);
                    out.push_str(int);
                    out.push('.');
                    out.push_str(frac);
                }
            }
            (Some(zeros), _) => {
                out.push_str("0.");
                out.push_str(&"0".repeat(zeros));
                out.push_str(&digits);
            }
            (None, _) => {
                let (first, rest) = digits.split_at(1);
                out.push_str(first);
                if !rest.is_empty() {
                    out.push('.');
                    out.push_str(rest);
                }
                out.push('e');
                out.push_str(&self.exponent.to_string());
            }
        }
        f.write_str(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).expect(s)
    }

    #[test]
    fn reads_every_spelling_exactly() {
        assert_eq!(d("10"), d("10.0"));
        assert_eq!(d("1e1"), d("10"));
        assert_eq!(d("+5"), d("5"));
        assert_eq!(d(".5"), d("0.5"));
        assert_eq!(d("5."), d("5"));
        assert_eq!(d("-0"), Decimal::ZERO);
        assert_eq!(d("0e99999999999999999999999"), Decimal::ZERO);
        assert_eq!(d(" 2.5E+3 "), d("2500"));
        assert_eq!(d("10e-2147483648"), d("1e-2147483647"));
        assert_eq!(d("-0.50").to_string(), "-0.5");
        for bad in [
            "abc", "", ".", "1.2.3", "0x10", "1e", "e5", "1e5.5", "--5", "+-5", "1_000", "١",
        ] {
            assert_eq!(Decimal::parse(bad), Err(NumberError::Malformed), "{bad}");
        }
        for far in [
            "1e2147483648",
            "1e-2147483648",
            "1e99999999999999999999",
            "0.1e-2147483647",
        ] {
            assert_eq!(Decimal::parse(far), Err(NumberError::OutOfRange), "{far}");
        }
    }

    #[test]
    fn compares_exactly_at_any_magnitude() {
        assert!(d("9.99") < d("10"));
        assert!(d("5e37") < d("1e38"));
        assert!(d("0.00000000000000000000000000000000000001") < d("5"));
        assert_eq!(d("0.00000000000000000000000000000000000001"), d("1e-38"));
        assert!(d("1e-65535") > Decimal::ZERO);
        assert!(d("-1e-65535") < Decimal::ZERO);
        assert!(d("-1e65535") < d("-1e65534"));
        let forty = "1234567890123456789012345678901234567890";
        assert!(
            d(forty) < d(&format!("{forty}1"))
                && d(&format!("{forty}.1")) < d(&format!("{forty}1"))
        );
        assert!(
            d("123456789012345678901234567890123456789.1")
                > d("123456789012345678901234567890123456789")
        );
    }

    #[test]
    fn prints_plainly_or_scientifically_never_with_input_widths() {
        assert_eq!(
            d("1e38").to_string(),
            "100000000000000000000000000000000000000"
        );
        assert_eq!(
            d("1e-38").to_string(),
            "0.00000000000000000000000000000000000001"
        );
        assert_eq!(d("1e-65535").to_string(), "1e-65535");
        assert_eq!(d("-1.25e65535").to_string(), "-1.25e65535");
        assert_eq!(d("12.5").to_string(), "12.5");
        assert_eq!(d("1250").to_string(), "1250");
    }

    #[test]
    fn scales_to_integers_when_they_fit() {
        assert_eq!(d("1577836800.5").scaled_i128(3), Some(1_577_836_800_500));
        assert_eq!(d("-2.5").scaled_i128(0), Some(-2));
        assert_eq!(d("1e-65535").scaled_i128(3), Some(0));
        assert_eq!(d("1e38").scaled_i128(0), Some(10i128.pow(38)));
        assert_eq!(d("1e39").scaled_i128(0), None);
        assert_eq!(d("1e65535").scaled_i128(3), None);
    }

    #[test]
    fn finds_short_numbers_in_intervals() {
        let between = |a: Option<&str>, b: Option<&str>| {
            Decimal::between(a.map(d).as_ref(), b.map(d).as_ref()).map(|x| x.to_string())
        };
        assert_eq!(between(None, None).as_deref(), Some("0"));
        assert_eq!(between(Some("-5"), Some("10")).as_deref(), Some("0"));
        assert_eq!(between(None, Some("10")).as_deref(), Some("0"));
        assert_eq!(between(Some("10"), None).as_deref(), Some("20"));
        assert_eq!(between(Some("3600"), None).as_deref(), Some("4000"));
        assert_eq!(between(Some("99"), None).as_deref(), Some("100"));
        assert_eq!(between(None, Some("-10")).as_deref(), Some("-20"));
        assert_eq!(between(Some("2.5"), Some("10")).as_deref(), Some("3"));
        assert_eq!(between(Some("1.5"), Some("1.6")).as_deref(), Some("1.51"));
        assert_eq!(
            between(Some("5e37"), Some("1e38")).as_deref(),
            Some("60000000000000000000000000000000000000")
        );
        assert_eq!(
            between(Some("0"), Some("1e-65535")).as_deref(),
            Some("1e-65536")
        );
        assert_eq!(between(Some("10"), Some("10")), None);
        assert_eq!(between(Some("0"), Some("1e-2147483647")), None);
        assert_eq!(between(Some("-1e-2147483647"), Some("0")), None);
        assert_eq!(
            between(Some("0"), Some("2e-2147483647")).as_deref(),
            Some("1e-2147483647")
        );
        assert_eq!(
            between(Some("9.9e2147483647"), None).as_deref(),
            Some("9.91e2147483647")
        );
    }

    /// Numbers of every shape: signs, leading and trailing zeros, long digit strings, and
    /// exponents near zero, near ±38, near ±65535 and at the ends of the range.
    fn number_text() -> impl Strategy<Value = String> {
        let exponent = prop_oneof![
            Just(None),
            (-40i64..40).prop_map(Some),
            (65530i64..65540).prop_map(Some),
            (-65540i64..-65530).prop_map(Some),
            (2147483600i64..2147483700).prop_map(Some),
            (-2147483700i64..-2147483600).prop_map(Some),
        ];
        (
            prop::sample::select(vec!["", "+", "-"]),
            "[0-9]{0,42}",
            prop::option::of("[0-9]{0,42}"),
            exponent,
            prop::sample::select(vec!["e", "E"]),
        )
            .prop_map(|(sign, int, frac, exp, e)| {
                let mut s = format!("{sign}{int}");
                if let Some(f) = frac {
                    s.push('.');
                    s.push_str(&f);
                }
                if let Some(x) = exp {
                    s.push_str(&format!("{e}{x}"));
                }
                s
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Any text: no panic; a number prints to a text that reads back as itself.
        #[test]
        fn parse_and_print_round_trip(text in prop_oneof![number_text(), ".{0,30}"]) {
            if let Ok(x) = Decimal::parse(&text) {
                let printed = x.to_string();
                prop_assert_eq!(Decimal::parse(&printed), Ok(x), "{} printed as {}", text, printed);
            }
        }

        /// Order agrees with subtraction's sign for numbers small enough to check with i128.
        #[test]
        fn order_agrees_with_integer_arithmetic(a in -10i128.pow(30)..10i128.pow(30), b in -10i128.pow(30)..10i128.pow(30), scale in 0u32..8) {
            let text = |v: i128| {
                let s = format!("{}", v.unsigned_abs());
                let sign = if v < 0 { "-" } else { "" };
                format!("{sign}{s}e-{scale}")
            };
            prop_assert_eq!(d(&text(a)).cmp(&d(&text(b))), a.cmp(&b));
        }

        /// `between` finds a number strictly inside, in range, whenever it says there is one.
        #[test]
        fn between_is_strictly_inside(a in number_text(), b in number_text(), lo_open in any::<bool>(), hi_open in any::<bool>()) {
            let (Ok(a), Ok(b)) = (Decimal::parse(&a), Decimal::parse(&b)) else { return Ok(()) };
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let (lo, hi) = ((!lo_open).then_some(&lo), (!hi_open).then_some(&hi));
            match Decimal::between(lo, hi) {
                Some(c) => {
                    prop_assert!(lo.is_none_or(|l| *l < c) && hi.is_none_or(|h| c < *h), "{:?} < {} < {:?}", lo, c, hi);
                    prop_assert_eq!(Decimal::parse(&c.to_string()), Ok(c));
                }
                None => {
                    // Only an empty interval, or one between zero and the smallest number in range.
                    let tiny = Decimal::power_of_ten(-Decimal::MAX_EXPONENT);
                    let ok = match (lo, hi) {
                        (Some(l), Some(h)) => l == h || (l.is_zero() && *h == tiny) || (h.is_zero() && *l == tiny.negated()),
                        _ => false,
                    };
                    prop_assert!(ok, "nothing found between {:?} and {:?}", lo, hi);
                }
            }
        }
    }
}
