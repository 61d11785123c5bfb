//! Numeric keys as finitely many classes of numbers.
//!
//! A numeric context key is only ever compared (`=`, `<`, `≤`, `>`, `≥`) with the policies'
//! literals for that key. The distinct literals `p₀ < p₁ < … < pₖ₋₁` cut the numbers into
//! `2k + 1` classes, numbered in order:
//!
//! | class | numbers |
//! |---|---|
//! | `2i` (`0 ≤ i ≤ k`) | strictly between `pᵢ₋₁` and `pᵢ` (with `p₋₁ = −∞`, `pₖ = +∞`) |
//! | `2i + 1` (`0 ≤ i < k`) | exactly `pᵢ` |
//!
//! Every comparison with a literal treats all numbers of one class alike, and a number's class
//! grows with the number, so `x < pⱼ` is exactly `class(x) < 2j + 1` (likewise for the other
//! comparisons). The encoding is therefore exact at any magnitude and precision, the solver
//! sees one small bounded integer per value, and no arithmetic on the literals can overflow.
//!
//! Decoding picks a number in the model's class: a request value the caller fixed
//! ([`NumberLine::prefer`], used by `compile::key_equals`) when one lies in that class, else the
//! literal itself or a short number found by [`Decimal::between`]. A class that holds no number
//! airtight reads (only the open interval between `0` and `±10^-MAX_EXPONENT`, see
//! [`Decimal::MAX_EXPONENT`]) is excluded by [`NumberLine::empty_classes`].

use crate::decimal::Decimal;

/// The classes of one numeric key.
#[derive(Debug, Clone, Default)]
pub struct NumberLine {
    /// The distinct literals, ascending.
    points: Vec<Decimal>,
    /// A number of each class; `None` for a class no readable number lies in.
    witnesses: Vec<Option<Decimal>>,
    /// Request values the caller fixed, as written, with their classes; preferred when decoding
    /// so that the decoded request carries exactly the caller's text.
    preferred: Vec<(i128, String)>,
}

impl NumberLine {
    /// The classes the given literals cut the numbers into (duplicates and equal spellings such
    /// as `10` and `10.0` are one literal).
    pub fn new(literals: impl IntoIterator<Item = Decimal>) -> NumberLine {
        let mut points: Vec<Decimal> = literals.into_iter().collect();
        points.sort();
        points.dedup();
        let mut witnesses = Vec::with_capacity(2 * points.len() + 1);
        for i in 0..=points.len() {
            let below = i.checked_sub(1).and_then(|j| points.get(j));
            witnesses.push(Decimal::between(below, points.get(i)));
            if let Some(p) = points.get(i) {
                witnesses.push(Some(p.clone()));
            }
        }
        NumberLine {
            points,
            witnesses,
            preferred: Vec::new(),
        }
    }

    /// The number of classes, `2k + 1`.
    pub fn classes(&self) -> i128 {
        i128::try_from(self.witnesses.len()).unwrap_or(i128::MAX)
    }

    /// The class of a number.
    pub fn class_of(&self, x: &Decimal) -> i128 {
        let (i, exact) = match self.points.binary_search(x) {
            Ok(i) => (i, true),
            Err(i) => (i, false),
        };
        let i = i128::try_from(i).unwrap_or(i128::MAX);
        2 * i + i128::from(exact)
    }

    /// The class of a literal of this key, `None` for a number that is not one of them.
    pub fn literal_class(&self, x: &Decimal) -> Option<i128> {
        let class = self.class_of(x);
        (class % 2 == 1).then_some(class)
    }

    /// Classes that hold no number airtight reads; the symbolic request excludes them.
    pub fn empty_classes(&self) -> impl Iterator<Item = i128> + '_ {
        self.witnesses
            .iter()
            .enumerate()
            .filter(|(_, w)| w.is_none())
            .filter_map(|(c, _)| i128::try_from(c).ok())
    }

    /// Records a request value the caller fixes, so that decoding its class gives back exactly
    /// `written`. Its class, or `None` when `written` is not a number.
    pub fn prefer(&mut self, written: &str) -> Option<i128> {
        let class = self.class_of(&Decimal::parse(written).ok()?);
        if !self.preferred.iter().any(|(_, w)| w == written) {
            self.preferred.push((class, written.to_string()));
        }
        Some(class)
    }

    /// A number of class `class`, as request text.
    pub fn decode(&self, class: i128) -> String {
        if let Some((_, written)) = self.preferred.iter().find(|(c, _)| *c == class) {
            return written.clone();
        }
        usize::try_from(class)
            .ok()
            .and_then(|c| self.witnesses.get(c))
            .and_then(Option::as_ref)
            .map_or_else(
                // Never reached for a model: the variable ranges over the classes and the
                // empty ones are excluded. A wrong value would fail certification, not pass.
                || "0".to_string(),
                Decimal::to_string,
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(literals: &[&str]) -> NumberLine {
        NumberLine::new(
            literals
                .iter()
                .map(|s| Decimal::parse(s).expect("a number")),
        )
    }

    #[test]
    fn every_class_decodes_to_a_number_of_that_class() {
        let cases: [&[&str]; 6] = [
            &[],
            &["10"],
            &["5", "0.00000000000000000000000000000000000001"],
            &["5e37", "1e38", "-1e38", "1e-65535", "-1e-65535", "0"],
            &["1.5", "1.6", "1.50", "2"],
            &[
                "9.9e2147483647",
                "-9.9e2147483647",
                "1e-2147483647",
                "2e-2147483647",
            ],
        ];
        for literals in cases {
            let l = line(literals);
            assert_eq!(l.classes(), 2 * l.points.len() as i128 + 1);
            for c in 0..l.classes() {
                let text = l.decode(c);
                let back = Decimal::parse(&text).expect("decodes to a number");
                assert_eq!(
                    l.class_of(&back),
                    c,
                    "class {c} of {literals:?} decoded as {text}"
                );
            }
            assert_eq!(l.empty_classes().count(), 0, "{literals:?}");
        }
    }

    #[test]
    fn the_gap_below_the_smallest_number_is_empty() {
        let l = line(&["0", "1e-2147483647"]);
        assert_eq!(l.empty_classes().collect::<Vec<_>>(), vec![2]);
    }

    #[test]
    fn literals_are_the_odd_classes_and_order_is_kept() {
        let l = line(&["10", "2.5", "10.0"]);
        let c = |s: &str| l.class_of(&Decimal::parse(s).expect("a number"));
        assert_eq!(l.classes(), 5);
        assert_eq!(
            [c("-1e65535"), c("2.5"), c("3"), c("10"), c("1e65535")],
            [0, 1, 2, 3, 4]
        );
        assert_eq!(
            l.literal_class(&Decimal::parse("7").expect("a number")),
            None
        );
    }

    #[test]
    fn fixed_values_come_back_as_written() {
        let mut l = line(&["10"]);
        assert_eq!(l.prefer("+07.0"), Some(0));
        assert_eq!(l.prefer("junk"), None);
        assert_eq!(l.decode(0), "+07.0");
        assert_eq!(l.decode(2), "20");
    }
}
