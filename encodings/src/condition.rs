//! Condition operators and typed condition values.
//!
//! An operator name such as `ForAllValues:StringNotEqualsIfExists` is parsed into a
//! [`ConditionOp`]: a [`BaseOp`], the `IfExists` flag and an optional [`SetOp`]. Values are
//! parsed once, by the operator's family, into [`CondValue`]s; malformed values are parse
//! errors, not silent non-matches.
//!
//! Section numbers (§) refer to `docs/semantics.md`, the IAM and Lambda semantics airtight
//! implements.

pub use crate::decimal::{Decimal, NumberError};
use crate::template::Template;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BaseOp {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// The value family an operator compares in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

/// An ordering comparison between the request value and the policy value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Cmp::Eq => ord == Equal,
            Cmp::Lt => ord == Less,
            Cmp::Le => ord != Greater,
            Cmp::Gt => ord == Greater,
            Cmp::Ge => ord != Less,
        }
    }
}

pub const ALL_BASE_OPS: [BaseOp; 27] = {
    use BaseOp::*;
    [
        StringEquals,
        StringNotEquals,
        StringEqualsIgnoreCase,
        StringNotEqualsIgnoreCase,
        StringLike,
        StringNotLike,
        NumericEquals,
        NumericNotEquals,
        NumericLessThan,
        NumericLessThanEquals,
        NumericGreaterThan,
        NumericGreaterThanEquals,
        DateEquals,
        DateNotEquals,
        DateLessThan,
        DateLessThanEquals,
        DateGreaterThan,
        DateGreaterThanEquals,
        Bool,
        BinaryEquals,
        IpAddress,
        NotIpAddress,
        ArnEquals,
        ArnLike,
        ArnNotEquals,
        ArnNotLike,
        Null,
    ]
};

impl BaseOp {
    pub fn name(self) -> &'static str {
        use BaseOp::*;
        match self {
            StringEquals => "StringEquals",
            StringNotEquals => "StringNotEquals",
            StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            StringLike => "StringLike",
            StringNotLike => "StringNotLike",
            NumericEquals => "NumericEquals",
            NumericNotEquals => "NumericNotEquals",
            NumericLessThan => "NumericLessThan",
            NumericLessThanEquals => "NumericLessThanEquals",
            NumericGreaterThan => "NumericGreaterThan",
            NumericGreaterThanEquals => "NumericGreaterThanEquals",
            DateEquals => "DateEquals",
            DateNotEquals => "DateNotEquals",
            DateLessThan => "DateLessThan",
            DateLessThanEquals => "DateLessThanEquals",
            DateGreaterThan => "DateGreaterThan",
            DateGreaterThanEquals => "DateGreaterThanEquals",
            Bool => "Bool",
            BinaryEquals => "BinaryEquals",
            IpAddress => "IpAddress",
            NotIpAddress => "NotIpAddress",
            ArnEquals => "ArnEquals",
            ArnLike => "ArnLike",
            ArnNotEquals => "ArnNotEquals",
            ArnNotLike => "ArnNotLike",
            Null => "Null",
        }
    }

    pub fn from_name(name: &str) -> Option<BaseOp> {
        ALL_BASE_OPS.into_iter().find(|op| op.name() == name)
    }

    pub fn family(self) -> Family {
        use BaseOp::*;
        match self {
            StringEquals
            | StringNotEquals
            | StringEqualsIgnoreCase
            | StringNotEqualsIgnoreCase
            | StringLike
            | StringNotLike => Family::String,
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => Family::Numeric,
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => Family::Date,
            Bool => Family::Bool,
            BinaryEquals => Family::Binary,
            IpAddress | NotIpAddress => Family::Ip,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => Family::Arn,
            Null => Family::Null,
        }
    }

    /// The negated operators of §3.1: a key absent makes them true, several values are NOR-ed.
    pub fn is_negated(self) -> bool {
        use BaseOp::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    /// For Numeric and Date operators: the comparison of the *positive* form.
    pub fn cmp(self) -> Cmp {
        use BaseOp::*;
        match self {
            NumericLessThan | DateLessThan => Cmp::Lt,
            NumericLessThanEquals | DateLessThanEquals => Cmp::Le,
            NumericGreaterThan | DateGreaterThan => Cmp::Gt,
            NumericGreaterThanEquals | DateGreaterThanEquals => Cmp::Ge,
            _ => Cmp::Eq,
        }
    }

    /// Whether `*` and `?` in the policy value are wildcards.
    pub fn honours_wildcards(self) -> bool {
        use BaseOp::*;
        matches!(
            self,
            StringLike | StringNotLike | ArnEquals | ArnLike | ArnNotEquals | ArnNotLike
        )
    }

    pub fn is_case_insensitive(self) -> bool {
        matches!(
            self,
            BaseOp::StringEqualsIgnoreCase | BaseOp::StringNotEqualsIgnoreCase
        )
    }

    /// Whether policy variables are recognised in the values of this operator.
    pub fn supports_variables(self) -> bool {
        matches!(self.family(), Family::String | Family::Arn | Family::Bool)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SetOp {
    ForAllValues,
    ForAnyValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConditionOp {
    pub base: BaseOp,
    pub if_exists: bool,
    pub set: Option<SetOp>,
}

impl ConditionOp {
    /// Parses an operator name. Operator names are case-sensitive (§3.5, a documented gap);
    /// [`ConditionOp::suggest`] proposes the right spelling for a near miss.
    pub fn parse(name: &str) -> Result<ConditionOp, OpError> {
        let (set, rest) = if let Some(r) = name.strip_prefix("ForAllValues:") {
            (Some(SetOp::ForAllValues), r)
        } else if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (Some(SetOp::ForAnyValue), r)
        } else {
            (None, name)
        };
        let (if_exists, base_name) = match rest.strip_suffix("IfExists") {
            Some(b) => (true, b),
            None => (false, rest),
        };
        let base = BaseOp::from_name(base_name).ok_or(OpError::Unknown)?;
        if base == BaseOp::Null && if_exists {
            return Err(OpError::NullIfExists);
        }
        Ok(ConditionOp {
            base,
            if_exists,
            set,
        })
    }

    /// A canonical spelling close to `name` (case-insensitive match), if any.
    pub fn suggest(name: &str) -> Option<String> {
        let lower = name.to_ascii_lowercase();
        let (prefix, rest) = if let Some(r) = lower.strip_prefix("forallvalues:") {
            ("ForAllValues:", r)
        } else if let Some(r) = lower.strip_prefix("foranyvalue:") {
            ("ForAnyValue:", r)
        } else {
            ("", lower.as_str())
        };
        let (suffix, base) = match rest.strip_suffix("ifexists") {
            Some(b) => ("IfExists", b),
            None => ("", rest),
        };
        ALL_BASE_OPS
            .into_iter()
            .find(|op| op.name().to_ascii_lowercase() == base)
            .map(|op| format!("{prefix}{}{suffix}", op.name()))
    }

    pub fn name(&self) -> String {
        let prefix = match self.set {
            Some(SetOp::ForAllValues) => "ForAllValues:",
            Some(SetOp::ForAnyValue) => "ForAnyValue:",
            None => "",
        };
        let suffix = if self.if_exists { "IfExists" } else { "" };
        format!("{prefix}{}{suffix}", self.base.name())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpError {
    Unknown,
    NullIfExists,
}

/// A parsed condition value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CondValue {
    /// String and ARN operators: a template (wildcards per operator, variables per Version).
    Pattern(Template),
    Number(Decimal),
    /// Milliseconds since the Unix epoch.
    Date(i64),
    Bool(bool),
    Binary(Vec<u8>),
    Ip(Cidr),
    /// `Null`: `true` ⇔ the key must be absent.
    Null(bool),
}

/// An IPv4 or IPv6 network. IPv4 addresses live in the low 32 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cidr {
    pub v6: bool,
    pub network: u128,
    pub prefix: u8,
}

impl Cidr {
    /// Parses `a.b.c.d[/n]` or an IPv6 address with an optional `/n`; a bare address is a host
    /// route. Host bits below the prefix are cleared.
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
            None => (text.trim(), None),
        };
        let (v6, bits, max) = parse_ip(addr)?;
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return None;
        }
        Some(Cidr {
            v6,
            network: bits & mask(prefix, max),
            prefix,
        })
    }

    pub fn contains(&self, v6: bool, addr: u128) -> bool {
        let max = if self.v6 { 128 } else { 32 };
        self.v6 == v6 && addr & mask(self.prefix, max) == self.network
    }

    /// The first and last address of the network.
    pub fn range(&self) -> (u128, u128) {
        let max = if self.v6 { 128 } else { 32 };
        let host = !mask(self.prefix, max)
            & if self.v6 {
                u128::MAX
            } else {
                u128::from(u32::MAX)
            };
        (self.network, self.network | host)
    }
}

fn mask(prefix: u8, max: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        let all = if max == 128 {
            u128::MAX
        } else {
            u128::from(u32::MAX)
        };
        (all << (max - prefix)) & all
    }
}

/// Parses an IP address: `(is_v6, bits, bit_width)`.
pub fn parse_ip(text: &str) -> Option<(bool, u128, u8)> {
    if let Ok(v4) = text.parse::<std::net::Ipv4Addr>() {
        return Some((false, u128::from(u32::from(v4)), 32));
    }
    text.parse::<std::net::Ipv6Addr>()
        .ok()
        .map(|v6| (true, u128::from(v6), 128))
}

/// Formats an address as [`parse_ip`] reads it.
pub fn format_ip(v6: bool, bits: u128) -> String {
    if v6 {
        std::net::Ipv6Addr::from(bits).to_string()
    } else {
        std::net::Ipv4Addr::from(u32::try_from(bits & u128::from(u32::MAX)).unwrap_or(0))
            .to_string()
    }
}

/// Parses a Date condition value: the W3C profile of ISO 8601 (`YYYY`, `YYYY-MM`,
/// `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss[.s+]]TZD`) or epoch seconds. Date-only values are taken
/// as the start of that day in UTC (a documented gap). Returns milliseconds since the epoch.
pub fn parse_date(text: &str) -> Option<i64> {
    let t = text.trim();
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) && t.len() != 4 {
        return t.parse::<i64>().ok()?.checked_mul(1000);
    }
    if let Some(d) = Decimal::parse(t)
        .ok()
        .filter(|_| t.contains('.') && !t.contains('-'))
    {
        return d
            .scaled_i128(3)
            .and_then(|millis| i64::try_from(millis).ok());
    }
    let (date, time) = match t.split_once(['T', 't']) {
        Some((d, tm)) => (d, Some(tm)),
        None => (t, None),
    };
    let mut parts = date.split('-');
    let year: i64 = parse_fixed(parts.next()?, 4)?;
    let month: i64 = parts.next().map(|m| parse_fixed(m, 2)).unwrap_or(Some(1))?;
    let day: i64 = parts.next().map(|d| parse_fixed(d, 2)).unwrap_or(Some(1))?;
    if parts.next().is_some()
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
    {
        return None;
    }
    let mut millis = days_from_civil(year, month, day) * 86_400_000;
    if let Some(time) = time {
        let (clock, offset) = split_zone(time)?;
        let mut hms = clock.split(':');
        let h: i64 = parse_fixed(hms.next()?, 2)?;
        let m: i64 = parse_fixed(hms.next()?, 2)?;
        let (s, frac_ms) = match hms.next() {
            Some(sec) => {
                let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
                if !frac.chars().all(|c| c.is_ascii_digit()) {
                    return None;
                }
                let ms: i64 = format!("{frac:0<3}")[..3].parse().ok()?;
                (parse_fixed(whole, 2)?, ms)
            }
            None => (0, 0),
        };
        if hms.next().is_some() || h > 23 || m > 59 || s > 60 {
            return None;
        }
        millis += ((h * 60 + m) * 60 + s) * 1000 + frac_ms - offset * 60_000;
    }
    Some(millis)
}

fn split_zone(time: &str) -> Option<(&str, i64)> {
    if let Some(c) = time.strip_suffix(['Z', 'z']) {
        return Some((c, 0));
    }
    let i = time.rfind(['+', '-'])?;
    let (clock, zone) = time.split_at(i);
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let (h, m) = zone[1..].split_once(':')?;
    Some((
        clock,
        sign * (parse_fixed::<i64>(h, 2)? * 60 + parse_fixed::<i64>(m, 2)?),
    ))
}

fn parse_fixed<T: std::str::FromStr>(s: &str, len: usize) -> Option<T> {
    (s.len() == len && s.chars().all(|c| c.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Formats milliseconds since the epoch as `YYYY-MM-DDThh:mm:ss[.mmm]Z`.
pub fn format_date(millis: i64) -> String {
    let days = millis.div_euclid(86_400_000);
    let rem = millis.rem_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let (h, mi, s, ms) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    if ms == 0 {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    } else {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
    }
}

/// Parses a Bool value (`true`/`false`, case-insensitive).
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_names() {
        let op = ConditionOp::parse("ForAllValues:StringNotEqualsIfExists").expect("valid");
        assert_eq!(
            op,
            ConditionOp {
                base: BaseOp::StringNotEquals,
                if_exists: true,
                set: Some(SetOp::ForAllValues)
            }
        );
        assert_eq!(op.name(), "ForAllValues:StringNotEqualsIfExists");
        assert_eq!(
            ConditionOp::parse("NullIfExists"),
            Err(OpError::NullIfExists)
        );
        assert_eq!(ConditionOp::parse("stringequals"), Err(OpError::Unknown));
        assert_eq!(
            ConditionOp::suggest("stringequalsifexists").as_deref(),
            Some("StringEqualsIfExists")
        );
        for op in ALL_BASE_OPS {
            assert_eq!(BaseOp::from_name(op.name()), Some(op));
        }
    }

    #[test]
    fn decimals() {
        let d = |s| Decimal::parse(s).expect(s);
        assert_eq!(d("10"), d("10.0"));
        assert_eq!(d("1e1"), d("10"));
        assert_eq!(d("-0.50").to_string(), "-0.5");
        assert!(d("9.99") < d("10"));
        assert!(Decimal::parse("abc").is_err());
        assert!(Decimal::parse("").is_err());
        assert!(Decimal::parse("1.2.3").is_err());
    }

    #[test]
    fn cidrs() {
        let c = Cidr::parse("203.0.113.0/24").expect("v4");
        let (v6, ip, _) = parse_ip("203.0.113.7").expect("ip");
        assert!(c.contains(v6, ip));
        assert!(!c.contains(v6, parse_ip("203.0.114.1").expect("ip").1));
        let c6 = Cidr::parse("2001:DB8:1234:5678::/64").expect("v6");
        let (v6b, ip6, _) = parse_ip("2001:db8:1234:5678::1").expect("ip");
        assert!(c6.contains(v6b, ip6));
        assert!(!c6.contains(false, ip6 & 0xffff_ffff));
        assert_eq!(Cidr::parse("10.0.0.1").expect("host").prefix, 32);
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("10.0.0").is_none());
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_date("2020-01-01T00:00:00Z"), Some(1_577_836_800_000));
        assert_eq!(parse_date("2020-01-01"), Some(1_577_836_800_000));
        assert_eq!(parse_date("2020"), Some(1_577_836_800_000));
        assert_eq!(parse_date("1577836800"), Some(1_577_836_800_000));
        assert_eq!(
            parse_date("2020-01-01T01:00+01:00"),
            Some(1_577_836_800_000)
        );
        assert_eq!(
            parse_date("2020-01-01T00:00:00.5Z"),
            Some(1_577_836_800_500)
        );
        assert!(parse_date("yesterday").is_none());
        assert!(parse_date("2020-13-01").is_none());
        assert_eq!(format_date(1_577_836_800_500), "2020-01-01T00:00:00.500Z");
        assert_eq!(parse_date(&format_date(-86_400_000)), Some(-86_400_000));
    }
}
